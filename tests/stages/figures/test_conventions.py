"""Figures stage, the classes of misses and errors of issue 18, as CONVENTIONS.md defines them:
text -> figure text, offsets, value, unit, kind, qualifier. All sentences are written for these tests."""
from __future__ import annotations

import pytest

from tests.stages.figures.test_find import approx_eq


def _figures(nlp, text: str) -> dict[str, tuple[int, int, dict]]:
    doc = nlp(text)
    return {s.text: (s.start_char, s.end_char, s._.figure) for s in doc.spans["figures"]}


def check(nlp, text, figure_text, value, unit, kind, qualifier=None):
    found = _figures(nlp, text)
    assert figure_text in found, (text, list(found))
    start, end, fig = found[figure_text]
    assert text[start:end] == figure_text and start == text.index(figure_text)
    assert approx_eq(fig["value"], value), fig
    assert (fig["unit"], fig["kind"], fig["qualifier"]) == (unit, kind, qualifier), fig


# counts after a determiner count ("the two governments", "its three neighbours"); a hyphenated
# spelled-out count names its noun ("a nine-member board"); a partitive with a pronoun ("three of each")
DETERMINERS = [
    ("The two governments signed the accord.", "two governments", 2, "governments", "count"),
    ("Its three neighbours protested.", "three neighbours", 3, "neighbours", "count"),
    ("These four islands are disputed.", "four islands", 4, "islands", "count"),
    ("A nine-member board will oversee the fund.", "nine-member", 9, "members", "count"),
    ("The 12-member panel met in Geneva.", "12-member", 12, "members", "count"),
    ("The ministry runs a two-stage review.", "two-stage", 2, "stages", "count"),
]


@pytest.mark.parametrize("text,figure_text,value,unit,kind", DETERMINERS)
def test_counts_after_a_determiner(nlp, text, figure_text, value, unit, kind):
    check(nlp, text, figure_text, value, unit, kind)


@pytest.mark.parametrize("text", [
    "The three-pronged strategy failed.",
    "They adopted a two-way approach.",
    "Beijing drew its nine-dash line on the map.",
    "The talks could last six-to-twelve months.",
])
def test_spelled_compounds_that_count_nothing(nlp, text):
    assert [t for t, (_, _, f) in _figures(nlp, text).items() if f["kind"] == "count" and "-" in t] == []


# fractions and factors outside "of" and a noun phrase; unit "fraction" / "multiplier" (CONVENTIONS)
FRACTIONS = [
    ("At least half is funded by Brussels.", "At least half", 0.5, "fraction", "at_least"),
    ("Roughly half came from abroad.", "Roughly half", 0.5, "fraction", "approx"),
    ("Exports were cut by half after the embargo.", "half", 0.5, "fraction", None),
    ("A third were never delivered.", "A third", 1 / 3, "fraction", None),
    ("Caldoria has half as many tanks as Varnia.", "half", 0.5, "multiplier", None),
    ("Shares tripled after the announcement.", "tripled", 3, "multiplier", None),
    ("The army lost a third of its tanks.", "a third", 1 / 3, "fraction", None),
]


@pytest.mark.parametrize("text,figure_text,value,unit,qualifier", FRACTIONS)
def test_fractions_and_multipliers(nlp, text, figure_text, value, unit, qualifier):
    check(nlp, text, figure_text, value, unit, "other", qualifier)


@pytest.mark.parametrize("text", [
    "The contract went to a third party.",
    "The talks broke down in the second half of the year.",
    "He was half-hearted about the plan.",
    "Half the battle is logistics.",
])
def test_fractions_that_are_no_figures(nlp, text):
    assert [t for t, (_, _, f) in _figures(nlp, text).items() if f["unit"] in ("fraction", "multiplier")] == []


# a number in parentheses that restates or details a figure is one; list markers are not
PARENTHESES = [
    ("Just over 2% (1,640) of businesses had five staff.", "1,640", 1640),
    ("Most of the force (226,000) was evacuated.", "226,000", 226000),
    ("Only 36 percent (14) of the replies were positive.", "14", 14),
]


@pytest.mark.parametrize("text,figure_text,value", PARENTHESES)
def test_numbers_in_parentheses(nlp, text, figure_text, value):
    found = _figures(nlp, text)
    assert figure_text in found and found[figure_text][2]["value"] == value
    assert text[found[figure_text][0]:found[figure_text][1]] == figure_text


def test_list_markers_in_parentheses(nlp):
    assert list(_figures(nlp, "The plan has two aims: (1) deterrence and (2) defence.")) == ["two aims"]
    assert _figures(nlp, "The steps of subsection VIII (5) and (6) would help.") == {}
    assert _figures(nlp, "A 6(b) study by the agency found it.") == {}


@pytest.mark.parametrize("text,figure_text,unit", [
    ("Rates rose by a single percentage point.", "a single percentage point", "percentage_point"),
    ("Inflation fell by a single per cent.", "a single per cent", "percent"),
])
def test_a_single_percentage_point(nlp, text, figure_text, unit):
    check(nlp, text, figure_text, 1, unit, "percent")


def test_a_single_is_no_figure_elsewhere(nlp):
    assert _figures(nlp, "A single country objected.") == {}


# a bare number takes its counted noun from the sentence or the paragraph before it
CONTEXT_UNITS = [
    ("Of the 27 members, 19 agreed to the plan.", "19", 19, "members"),
    ("The ministry bought 40 drones. Only 12 were delivered.", "12", 12, "drones"),
    ("Just over 2% (1,640) of businesses had five staff.", "1,640", 1640, "businesses"),
]


@pytest.mark.parametrize("text,figure_text,value,unit", CONTEXT_UNITS)
def test_units_from_context(nlp, text, figure_text, value, unit):
    check(nlp, text, figure_text, value, unit, "count")


def test_a_number_in_a_change_keeps_no_borrowed_unit(nlp):
    found = _figures(nlp, "The fleet has 30 frigates and its budget grew by 12.")
    assert found["12"][2]["unit"] is None


# ages: unit "years of age"
AGES = [
    ("He retired at 65 years of age.", "65 years of age", 65, "quantity"),
    ("The minister, 54, resigned on Friday.", "54", 54, "quantity"),
    ("Elena Varga, 61, leads the party.", "61", 61, "quantity"),
    ("A 54-year-old farmer was arrested.", "54-year-old", 54, "quantity"),
    ("She joined the army at the age of 19.", "19", 19, "quantity"),
    ("Men aged 18 to 60 may not leave.", "18 to 60", [18, 60], "range"),
]


@pytest.mark.parametrize("text,figure_text,value,kind", AGES)
def test_ages(nlp, text, figure_text, value, kind):
    check(nlp, text, figure_text, value, "years of age", kind)


def test_a_count_after_a_comma_is_no_age(nlp):
    assert _figures(nlp, "In March, 54 people were detained.")["54 people"][2]["unit"] == "people"


# a bare "$" is USD unless the document writes one other kind of dollar explicitly
@pytest.mark.parametrize("text,figure_text,currency", [
    ("Canberra pledged A$3 billion last year. This year the budget adds $5 billion for the navy.", "$5 billion", "AUD"),
    ("Ottawa spent 4 billion Canadian dollars. Another $2 billion went to ports.", "$2 billion", "CAD"),
    ("Canberra pledged A$3 billion, and 2 billion dollars more went to ports.", "2 billion dollars", "AUD"),
    ("The budget adds $5 billion for the navy.", "$5 billion", "USD"),
    ("Canberra pledged A$3 billion and Washington US$4 billion; $5 billion is still missing.", "$5 billion", "USD"),
])
def test_currency_of_a_bare_dollar_from_the_document(nlp, text, figure_text, currency):
    fig = _figures(nlp, text)[figure_text][2]
    assert (fig["currency"], fig["unit"], fig["kind"]) == (currency, currency, "money")


def test_document_dollar():
    from pipeline.stages.figures.resources import default_rules, document_dollar

    rules = default_rules()
    assert document_dollar(rules, "Canberra spent A$3bn.") == "AUD"
    assert document_dollar(rules, "It cost $5bn.") is None
    assert document_dollar(rules, "A$3bn and US$4bn") is None
    assert document_dollar(rules, "USA$4") is None


@pytest.mark.parametrize("text", [
    "Her essay “Twenty Years On” revisits the treaty.",
    "Twenty Years On: What the Treaty Changed",
    'In the report "Six New Frameworks", the ministry sets goals.',
])
def test_a_feature_title_is_no_figure(nlp, text):
    assert _figures(nlp, text) == {}


def test_a_capitalized_count_opening_a_sentence_is_one(nlp):
    check(nlp, "Three brigades were sent.", "Three brigades", 3, "brigades", "count")

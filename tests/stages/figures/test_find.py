"""Figures stage: text -> value, unit, kind, qualifier for every example of issue 5, the non-figures,
measured / source / compared_with, offsets, schema, DocBin and serialization.

All sentences are written for these tests (none is copied from the corpus)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from jsonschema import Draft202012Validator
from spacy.tokens import Doc, DocBin, Span

import pipeline
import pipeline.registry  # noqa: F401  registers the factories
from pipeline.records import build_context
from pipeline.resources import PACKAGE_ROOT, ResourceError
from pipeline.stages import figures as F

SCHEMA = json.loads((Path(pipeline.__file__).resolve().parent / "schemas" / "figures.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("claims_segmenter")
    nlp.add_pipe("claims_figures")
    nlp.initialize()
    return nlp


def figs(nlp, text: str) -> list[tuple[str, dict]]:
    doc = nlp(text)
    return [(s.text, s._.figure) for s in doc.spans["figures"]]


def one(nlp, text: str, figure_text: str) -> dict:
    found = dict(figs(nlp, text))
    assert figure_text in found, f"{figure_text!r} not in {list(found)} for {text!r}"
    return found[figure_text]


def approx_eq(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(approx_eq(x, y) for x, y in zip(a, b))
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


# text, figure text, value, unit, kind, qualifier
EXAMPLES = [
    # spelled-out numbers
    ("The dispute over four islands has soured ties.", "four islands", 4, "island", "count", None),
    ("More than seven decades after the war, no treaty exists.", "More than seven decades", 7, "decade", "quantity", "more_than"),
    ("Moscow may hand back two of the disputed islands.", "two of the disputed islands", 2, "island", "count", None),
    ("The capital has a million residents.", "a million residents", 1_000_000, "resident", "count", None),
    ("Half of the respondents disagreed.", "Half", 0.5, None, "other", None),
    ("A quarter of the budget goes to the navy.", "A quarter", 0.25, None, "other", None),
    ("Two-thirds of the deputies voted against.", "Two-thirds", 2 / 3, None, "other", None),
    ("Trade with Beijing doubled last year.", "doubled", 2, None, "other", None),
    ("The odds of a breakthrough are zero.", "zero", 0, None, "other", None),
    ("Three in ten officers had served abroad.", "Three in ten", 0.3, None, "other", None),
    ("The navy ordered twenty-five patrol boats.", "twenty-five patrol boats", 25, "boat", "count", None),
    ("Two and a half million people fled.", "Two and a half million people", 2_500_000, "person", "count", None),
    # percentages and percentage points
    ("Some 78% of voters backed the plan.", "Some 78%", 78, "percent", "percent", "approx"),
    ("Turnout reached 57 per cent in the north.", "57 per cent", 57, "percent", "percent", None),
    ("Turnout reached 57 percent in the south.", "57 percent", 57, "percent", "percent", None),
    ("Support fell by 3 percentage points.", "3 percentage points", 3, "percentage_point", "percent", None),
    # money with currency and scale
    ("Japan put US$ 200 million into the venture.", "US$ 200 million", 200_000_000, "USD", "money", None),
    ("China put in US$ 10 billion.", "US$ 10 billion", 10_000_000_000, "USD", "money", None),
    ("The deal is worth $22.5bn to the exporter.", "$22.5bn", 22_500_000_000, "USD", "money", None),
    ("Brussels pledged €1.5 billion in aid.", "€1.5 billion", 1_500_000_000, "EUR", "money", None),
    ("The Treasury may need to borrow £3tn.", "£3tn", 3_000_000_000_000, "GBP", "money", None),
    ("The ministry allocated RUB 43.9 billion to the fleet.", "RUB 43.9 billion", 43_900_000_000, "RUB", "money", None),
    ("Canberra committed A$10 billion-plus to the submarines.", "A$10 billion-plus", 10_000_000_000, "AUD", "money", "more_than"),
    ("Tokyo set aside ¥500 billion for the bases.", "¥500 billion", 500_000_000_000, "JPY", "money", None),
    ("Stockholm will spend 22 billion kronor on air defence.", "22 billion kronor", 22_000_000_000, "SEK", "money", None),
    ("The fund holds 600 billion USD in reserves.", "600 billion USD", 600_000_000_000, "USD", "money", None),
    ("Rosneft paid 5 billion roubles for the stake.", "5 billion roubles", 5_000_000_000, "RUB", "money", None),
    # counts
    ("China is thought to hold 410 nuclear weapons.", "410 nuclear weapons", 410, "weapon", "count", None),
    ("Europe promised 5m rounds of artillery ammunition.", "5m rounds", 5_000_000, "round", "count", None),
    ("The brigade lost 2,000 Chinese-made drones.", "2,000 Chinese-made drones", 2000, "drone", "count", None),
    # quantities with units
    ("The frontier runs for 3,000 km.", "3,000 km", 3000, "km", "quantity", None),
    ("The field pumps 1.2 million barrels per day.", "1.2 million barrels per day", 1_200_000, "bbl/d", "quantity", None),
    ("The new line can carry 15 bcm of gas.", "15 bcm", 15, "bcm", "quantity", None),
    ("The talks lasted two days.", "two days", 2, "day", "quantity", None),
    ("Moscow signed a 10-year contract.", "10-year", 10, "year", "quantity", None),
    # ranges
    ("Between 2,000 and 3,000 troops took part.", "Between 2,000 and 3,000 troops", [2000, 3000], "troop", "range", None),
    ("Respondents aged 21 to 29 were the most hawkish.", "21 to 29", [21, 29], None, "range", None),
    ("The plan would cost $2-3 billion.", "$2-3 billion", [2_000_000_000, 3_000_000_000], "USD", "range", None),
    ("Output could grow 10-15% next year.", "10-15%", [10, 15], "percent", "range", None),
    # approximations and bounds
    ("Nearly 80% of firms complied.", "Nearly 80%", 80, "percent", "percent", "approx"),
    ("The army fielded about 300 tanks.", "about 300 tanks", 300, "tank", "count", "approx"),
    ("The navy lost at least 40 ships.", "at least 40 ships", 40, "ship", "count", "at_least"),
    ("Up to 10,000 troops could be sent.", "Up to 10,000 troops", 10000, "troop", "count", "up_to"),
    ("Sanctions now cover over 50 countries.", "over 50 countries", 50, "country", "count", "more_than"),
    ("Almost 200 aircraft were grounded.", "Almost 200 aircraft", 200, "aircraft", "count", "approx"),
    ("The drones flew roughly 1,500 km.", "roughly 1,500 km", 1500, "km", "quantity", "approx"),
    ("Around 60 percent of the grid was damaged.", "Around 60 percent", 60, "percent", "percent", "approx"),
    ("Fewer than 100 missiles remain.", "Fewer than 100 missiles", 100, "missile", "count", "less_than"),
    ("It has 10,000-plus contractors.", "10,000-plus contractors", 10000, "contractor", "count", "more_than"),
    ("The war has displaced more than 6 million people.", "more than 6 million people", 6_000_000, "person", "count", "more_than"),
    # changes
    ("Exports rose by 5% last year.", "5%", 5, "percent", "percent", None),
    ("The number of attacks fell from 12 to 9.", "9", 9, "attack", "count", None),
    ("The two leaders have met more than 20 times.", "more than 20 times", 20, "time", "count", "more_than"),
    ("China's navy is roughly six times larger.", "roughly six times", 6, None, "other", "approx"),
    ("Tokyo rejected the two smaller islands as a settlement.", "two smaller islands", 2, "island", "count", None),
    # ranking ordinals
    ("Japan is the world's third-largest economy.", "third-largest", 3, None, "ordinal", None),
    ("India is now the second most populous country.", "second most populous", 2, None, "ordinal", None),
]


@pytest.mark.parametrize("text,figure_text,value,unit,kind,qualifier", EXAMPLES)
def test_examples(nlp, text, figure_text, value, unit, kind, qualifier):
    fig = one(nlp, text, figure_text)
    assert approx_eq(fig["value"], value), fig
    assert fig["unit"] == unit, fig
    assert fig["kind"] == kind, fig
    assert fig["qualifier"] == qualifier, fig


@pytest.mark.parametrize(
    "text,figure_text,currency,scale",
    [
        ("Japan put US$ 200 million into the venture.", "US$ 200 million", "USD", 1_000_000),
        ("The deal is worth $22.5bn to the exporter.", "$22.5bn", "USD", 1_000_000_000),
        ("The Treasury may need to borrow £3tn.", "£3tn", "GBP", 1_000_000_000_000),
        ("Europe promised 5m rounds of artillery ammunition.", "5m rounds", None, 1_000_000),
        ("The field pumps 1.2 million barrels per day.", "1.2 million barrels per day", None, 1_000_000),
        ("The frontier runs for 3,000 km.", "3,000 km", None, None),
        ("Beijing's budget grew to ¥1.6 trillion.", "¥1.6 trillion", "JPY", 1_000_000_000_000),
        ("The yuan loan was 30 billion yuan.", "30 billion yuan", "CNY", 1_000_000_000),
    ],
)
def test_currency_and_scale(nlp, text, figure_text, currency, scale):
    fig = one(nlp, text, figure_text)
    assert fig["currency"] == currency
    assert fig["scale"] == scale


@pytest.mark.parametrize(
    "text,figure_text,change,change_from,change_to",
    [
        ("Exports rose by 5% last year.", "5%", "increase", None, None),
        ("The number of attacks fell from 12 to 9.", "12", "decrease", 12, 9),
        ("The number of attacks fell from 12 to 9.", "9", "decrease", 12, 9),
        ("Trade with Beijing doubled last year.", "doubled", "increase", None, None),
        ("Arms imports halved after the embargo.", "halved", "decrease", None, None),
        ("Spending rose to $60bn, up from $50bn.", "$60bn", "increase", 50_000_000_000, 60_000_000_000),
        ("The budget was cut by 7%.", "7%", "decrease", None, None),
        ("The plan foresees a 5% increase in troop numbers.", "5%", "increase", None, None),
        ("Support fell by 3 percentage points.", "3 percentage points", "decrease", None, None),
    ],
)
def test_changes(nlp, text, figure_text, change, change_from, change_to):
    fig = one(nlp, text, figure_text)
    assert fig["change"] == change
    assert fig["change_from"] == change_from
    assert fig["change_to"] == change_to


NOT_FIGURES = [
    "The G7 and the G20 met in Rome, and the P5 could not agree.",
    "Vostok-2018 involved Chinese units for the first time.",
    "The F-35 and the Su-35 are fifth-generation fighters.",
    "In the end Nord Stream 2 was never certified.",
    "Both sides agreed on a 2+2 format for their ministers.",
    "The 1718 Committee oversees the sanctions regime.",
    "The navy prefers the Type 31 frigate.",
    "The allies adopted the Strategic Framework 2.0 last spring.",
    "The argument is set out on pp. 28–29 of the report.",
    "The argument is developed in Article 5 and in Chapter 7.",
    "The ministry disputed the claim.[12] It offered no evidence.",
    "Russia is one of the most pressing concerns for Tokyo.",
    "One is purely practical: access to energy.",
    "First, Japan wants the islands back.",
    "Second, Tokyo is wary of an assertive China.",
    "Winning the vote is only half the battle.",
    "It was a one-off gesture by the Kremlin.",
    "The treaty was signed in 1956 and annulled later.",
    "Talks resumed on 12 March in Geneva.",
    "The two countries signed a new agreement.",
    "Tokyo plays one capital against another.",
    "The COVID-19 crisis hit the MH17 inquiry and the 5G rollout.",
    "Negotiators met in the 9/11 memorial hall at 10:30 on Monday.",
    "Several hundred protesters gathered outside.",
    "The war began two years ago.",
    "Recommendation 4: strengthen the coast guard.",
    "Tokyo insists it is a zero-sum game.",
    "Russia fielded the S-400 and the Tu-95 in the drill.",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_figures(nlp, text):
    assert figs(nlp, text) == []


def test_measured_and_source_of_a_poll(nlp):
    text = (
        "According to a 2019 survey by the Pew Research Center, 64% of German respondents were against new "
        "arms deliveries, while 30% believed that they would shorten the war. "
        "Only 12% expected a ceasefire within a year."
    )
    found = dict(figs(nlp, text))
    assert found["64%"]["measured"] == "German respondents against new arms deliveries"
    assert found["64%"]["source"] == "Pew Research Center survey, 2019"
    assert found["30%"]["measured"] == "German respondents who believed that they would shorten the war"
    assert found["30%"]["source"] == "Pew Research Center survey, 2019"
    # the next sentence of the same paragraph reports the same survey
    assert found["12%"]["source"] == "Pew Research Center survey, 2019"


def test_source_patterns(nlp):
    f = one(nlp, "Defence spending will reach $60bn next year, the finance ministry said.", "$60bn")
    assert f["source"] == "finance ministry"
    assert f["measured"] == "Defence spending"
    f = one(nlp, "Some 56% opposed the deal (Levada Center, 2016).", "Some 56%")
    assert f["source"] == "Levada Center, 2016"
    f = one(nlp, "The IMF estimates that the economy shrank by 2.1% in 2023.", "2.1%")
    assert f["source"] == "IMF"
    assert f["change"] == "decrease"
    f = one(nlp, "If press reports are to be believed, Moscow will return two of the islands.", "two of the islands")
    assert f["source"] == "press reports"
    f = one(nlp, "The country fields 410 nuclear weapons.", "410 nuclear weapons")
    assert f["source"] is None
    assert f["measured"] == "nuclear weapons"


def test_measured_patterns(nlp):
    assert one(nlp, "The chances of any deal are zero.", "zero")["measured"] == "chances of any deal"
    assert one(nlp, "Moscow approved a budget of $5bn for the fleet.", "$5bn")["measured"] == "budget"
    assert one(nlp, "The pipeline will carry 15 bcm of gas to Europe.", "15 bcm")["measured"] == "gas"
    assert one(nlp, "Washington sent $10 billion in military aid.", "$10 billion")["measured"] == "military aid"
    assert one(nlp, "Japan is the world's third-largest economy.", "third-largest")["measured"] == "largest economy"
    assert one(nlp, "Exports of grain rose by 5% last year.", "5%")["measured"] == "Exports of grain"


def test_compared_with_and_records(nlp):
    text = "Japan's stake is small compared with China's (US$ 200 million versus US$ 10 billion)."
    doc = nlp(text)
    doc._.doc_id = "d1"
    spans = list(doc.spans["figures"])
    assert [s.text for s in spans] == ["US$ 200 million", "US$ 10 billion"]
    a, b = spans
    assert a._.figure["compared_with"] == [b.start_char, b.end_char]
    assert b._.figure["compared_with"] == [a.start_char, a.end_char]
    ctx = build_context(doc, "d1", {"figures": spans})
    records = F.build_records(doc, ctx)
    by_text = {r["text"]: r for r in records}
    assert by_text["US$ 200 million"]["compared_with"] == by_text["US$ 10 billion"]["id"]
    assert by_text["US$ 10 billion"]["compared_with"] == by_text["US$ 200 million"]["id"]
    for r in records:
        assert text[r["start_char"] : r["end_char"]] == r["text"]
        VALIDATOR.validate(r)


def test_records_offsets_and_schema_on_a_paragraphed_article(nlp):
    text = (
        "Arms and Money\n\n"
        "Tokyo raised defence spending by 26% to ¥6.8 trillion, the largest rise since 1952.\n\n"
        "Between 2,000 and 3,000 troops, roughly a quarter of the garrison, will move 1,200 km north. "
        "The fleet fell from 12 to 9 destroyers, and only 3 percentage points separate the parties."
    )
    doc = nlp(text)
    doc._.doc_id = "article"
    spans = list(doc.spans["figures"])
    ctx = build_context(doc, "article", {"figures": spans})
    records = F.build_records(doc, ctx)
    assert len(records) == len(spans) >= 7
    for r in records:
        assert text[r["start_char"] : r["end_char"]] == r["text"]
        errors = sorted(VALIDATOR.iter_errors(r), key=str)
        assert not errors, (r, [e.message for e in errors])
        assert r["sentence_id"] is not None
    texts = [r["text"] for r in records]
    assert "26%" in texts and "¥6.8 trillion" in texts and "1,200 km" in texts
    assert "1952" not in " ".join(texts)
    pair = {r["text"]: r for r in records}
    assert pair["12"]["compared_with"] == pair["9 destroyers"]["id"]


def test_docbin_roundtrip(nlp):
    text = "Japan put US$ 200 million into the venture, and 78% of voters backed it."
    doc = nlp(text)
    before = [(s.start_char, s.end_char, s.label_, s._.figure) for s in doc.spans["figures"]]
    assert len(before) == 2
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    doc2 = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))[0]
    after = [(s.start_char, s.end_char, s.label_, s._.figure) for s in doc2.spans["figures"]]
    assert after == before


def test_dates_and_entities_block_numbers(nlp):
    text = "The Vostok 2018 drill lasted seven days and involved 300,000 troops."
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name != "claims_figures":
            doc = proc(doc)
    # an entity over "Vostok 2018" and a duration date over "seven days"
    ent_start = text.index("Vostok")
    doc.ents = [doc.char_span(ent_start, ent_start + len("Vostok 2018"), label="EVENT")]
    days = text.index("seven days")
    date = doc.char_span(days, days + len("seven days"), label="DATE")
    date._.date = {"type": "relative"}  # whatever the dates stage calls it, a duration stays a figure
    year = doc.char_span(text.index("300,000"), text.index("300,000") + 7, label="DATE")
    year._.date = {"type": "date"}
    doc.spans["dates"] = [date, year]
    found = [(s.text, f) for s, f in F.find_figures(doc)]
    assert [t for t, _ in found] == ["seven days"]


def test_parse_number():
    assert F.parse_number("two and a half million") == 2_500_000
    assert F.parse_number("22.5bn") == 22_500_000_000
    assert F.parse_number("3,000") == 3000
    assert F.parse_number("a quarter") == 0.25
    assert F.parse_number("zero") == 0
    assert F.parse_number("twenty-five") == 25
    assert F.parse_number("three hundred and fifty thousand") == 350_000
    assert F.parse_number("half a million") == 500_000
    assert F.parse_number("a dozen") == 12
    assert F.parse_number("1.2 million") == 1_200_000
    assert F.parse_number("two-thirds") == pytest.approx(2 / 3)
    assert F.parse_number("Framework") is None
    assert F.parse_number("2.0.1") is None


def test_normalize_money_and_singularize():
    assert F.normalize_money("US$ 200 million") == {"value": 200_000_000, "currency": "USD", "scale": 1_000_000}
    assert F.normalize_money("£3tn") == {"value": 3_000_000_000_000, "currency": "GBP", "scale": 1_000_000_000_000}
    assert F.normalize_money("22 billion kronor") == {"value": 22_000_000_000, "currency": "SEK", "scale": 1_000_000_000}
    assert F.normalize_money("410 nuclear weapons") is None
    assert F.singularize("weapons") == "weapon"
    assert F.singularize("countries") == "country"
    assert F.singularize("crises") == "crisis"
    assert F.singularize("churches") == "church"
    assert F.singularize("UASs") == "UAS"
    assert F.normalize_source("a 2016 poll by the Levada Center") == ("Levada Center poll, 2016", True)


def test_parse_refines_unit_and_subject():
    """With a dependency parse (UD labels), the counted noun comes from nummod and the subject from nsubj."""
    nlp = spacy.blank("en")
    words = ["The", "navy", "now", "operates", "410", "modern", "warships", "."]
    heads = [1, 3, 3, 3, 6, 6, 3, 3]
    deps = ["det", "nsubj", "advmod", "ROOT", "nummod", "amod", "obj", "punct"]
    pos = ["DET", "NOUN", "ADV", "VERB", "NUM", "ADJ", "NOUN", "PUNCT"]
    lemmas = ["the", "navy", "now", "operate", "410", "modern", "warship", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True] * 6 + [False, False], heads=heads, deps=deps, pos=pos, lemmas=lemmas)
    found = F.find_figures(doc)
    assert [(s.text, f["unit"], f["kind"]) for s, f in found] == [("410 modern warships", "warship", "count")]
    words = ["Spending", "reached", "$", "60bn", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True, True, False, False, False], heads=[1, 1, 3, 1, 1],
              deps=["nsubj", "ROOT", "nmod", "obj", "punct"], pos=["NOUN", "VERB", "SYM", "NUM", "PUNCT"])
    found = F.find_figures(doc)
    assert [(s.text, f["measured"], f["currency"]) for s, f in found] == [("$60bn", "Spending", "USD")]


def test_no_figures_outside_body(nlp):
    text = "Explore our related content\n\nView profile"
    assert figs(nlp, text) == []


def test_to_disk_from_disk(nlp, tmp_path):
    comp = nlp.get_pipe("claims_figures")
    comp.to_disk(tmp_path / "figures")
    other = F.FigureExtractor(nlp, "x", spans_key="figures", use_parse=True).from_disk(tmp_path / "figures")
    doc = nlp.get_pipe("claims_segmenter")(nlp.make_doc("Japan put US$ 200 million into it."))
    other(doc)
    assert [(s.text, s._.figure["value"]) for s in doc.spans["figures"]] == [("US$ 200 million", 200_000_000)]


def test_saved_pipeline_reloads(nlp, tmp_path):
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    doc = loaded("Sweden will spend 22 billion kronor.")
    assert [(s.text, s._.figure["currency"]) for s in doc.spans["figures"]] == [("22 billion kronor", "SEK")]


def test_bad_resources_fail_loudly(tmp_path):
    root = tmp_path / "res"
    (root / "figures").mkdir(parents=True)
    pkg = PACKAGE_ROOT / "figures"
    for f in pkg.glob("*.tsv"):
        (root / "figures" / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    F.FigureRules.from_rows(F.load_rows(root))  # a faithful copy loads
    bad = root / "figures" / "currencies.tsv"
    bad.write_text(bad.read_text(encoding="utf-8") + "zloty\tPLNX\tsuffix\n", encoding="utf-8")
    with pytest.raises(ResourceError):
        F.FigureRules.from_rows(F.load_rows(root))


def test_analyze_pipes_has_no_problems(nlp):
    assert nlp.analyze_pipes()["problems"] == {name: [] for name in nlp.pipe_names}


def test_gate_skips_sentences_without_numbers():
    rules = F.default_rules()
    assert not rules.gate("Tokyo will be disappointed by Moscow's stalling.")
    assert not rules.gate("One is purely practical, and the first step is hard.")
    assert rules.gate("Tokyo will be disappointed twice.")
    assert rules.gate("Only one in five voters agreed.")
    assert rules.gate("It is the third-largest economy.")
    assert F.scan_sentence("Tokyo will be disappointed by Moscow's stalling.") == []


def test_benchmark_gold_runs_without_quantulum():
    """The benchmark's own gold (written for it) scores the stage; quantulum3 is optional."""
    from pipeline.bench_figures import GOLD, gold_scores, ours_extractor

    scores = gold_scores(ours_extractor())
    assert scores["gold"] == sum(len(g) for _, g in GOLD)
    assert scores["value"][2] >= 0.95 and scores["value_unit"][2] >= 0.9
    assert scores["name_fp"] == 0

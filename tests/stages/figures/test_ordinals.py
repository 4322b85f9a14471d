"""Figures stage, ordinals that rank or count (issue 18): text -> figure text, offsets, value, unit, kind.

CONVENTIONS: ordinals are figures when they rank or count; the unit is "rank" before a superlative,
otherwise the noun ranked, singular; the span holds the noun when it follows directly. All sentences
are written for these tests."""
from __future__ import annotations

import pytest

from tests.stages.figures.test_find import figs

# sentence, figure text, value, unit
ORDINALS = [
    ("The two ministers met for the first time in Lisbon.", "first time", 1, "time"),
    ("The talks entered their fifth round on Monday.", "fifth round", 5, "round"),
    ("Caldoria wants a sixth-generation jet by 2040.", "sixth-generation", 6, "generation"),
    ("The F-35 and the Su-35 are fifth-generation fighters.", "fifth-generation", 5, "generation"),
    ("The empire expanded during the nineteenth century.", "nineteenth century", 19, "century"),
    ("The challenges of the 21st century are different.", "21st century", 21, "century"),
    ("Varnia’s second term began badly.", "second term", 2, "term"),
    ("The first major naval exercise took place in the strait.", "first", 1, "exercise"),
    ("The 14th sanctions package was adopted in June.", "14th", 14, "package"),
    ("This was the twenty-first meeting of the council.", "twenty-first meeting", 21, "meeting"),
    ("The second Trump administration cut aid.", "second", 2, "administration"),
    ("The army tested its second-tier units.", "second-tier", 2, "tier"),
    ("It is the country’s third attempt since 2019.", "third attempt", 3, "attempt"),
    ("Japan is the world’s third-largest economy.", "third-largest", 3, "rank"),
    ("The port ranked fourth in the region.", "fourth", 4, "rank"),
]


@pytest.mark.parametrize("text,figure_text,value,unit", ORDINALS)
def test_ordinals_that_rank_or_count(nlp, text, figure_text, value, unit):
    found = {t: f for t, f in figs(nlp, text)}
    assert figure_text in found, (text, list(found))
    fig = found[figure_text]
    assert (fig["value"], fig["unit"], fig["kind"]) == (value, unit, "ordinal")
    doc = nlp(text)
    span = next(s for s in doc.spans["figures"] if s.text == figure_text)
    assert text[span.start_char:span.end_char] == figure_text
    assert span.start_char == text.index(figure_text)


NOT_ORDINAL_FIGURES = [
    "Caldoria first noticed the drones in March.",           # adverbial "first"
    "First, the army must recruit more officers.",           # enumerator
    "In the first place, the plan was flawed.",              # idiom
    "The fleet will operate from a third country.",          # idiom: any other country
    "The first half of 2027 saw growth.",                    # a period label in a date
    "It was the first to arrive, and the second is coming.",  # no noun ranked
    "The Second World War ended in 1945.",                   # a name
    "The council held its first-ever summit.",               # "first-ever": no rank of a noun
    "The consultants gave first-hand accounts.",             # idiom
    "The summit opened on March 3rd.",                       # a day
    "It was one of the first public efforts to map the trade.",  # not a precise rank
]


@pytest.mark.parametrize("text", NOT_ORDINAL_FIGURES)
def test_ordinals_that_are_no_figures(nlp, text):
    assert [t for t, f in figs(nlp, text) if f["kind"] == "ordinal"] == []


@pytest.mark.parametrize("text,figure_text,value,unit", [
    ("Fifth Time Lucky: Caldoria Tries Again", "Fifth Time", 5, "time"),
    ("Caldoria Holds Its Third Election", "Third Election", 3, "election"),
    ("The 21st Century Navy and Its Critics", "21st Century", 21, "century"),
])
def test_ordinals_in_a_heading(nlp, text, figure_text, value, unit):
    found = {t: f for t, f in figs(nlp, text)}
    assert figure_text in found, (text, list(found))
    assert (found[figure_text]["value"], found[figure_text]["unit"], found[figure_text]["kind"]) == (value, unit, "ordinal")


@pytest.mark.parametrize("text", ["Lessons of the Second World War for the Pacific", "Section 2 – Information Resilience"])
def test_headings_without_ordinal_figures(nlp, text):
    assert figs(nlp, text) == []

"""Dates stage: the tense governing a date, from a parse or from the nearest cue."""
from __future__ import annotations

import pytest
import spacy

from pipeline.stages.dates.tense import sentence_tense
from tests.stages.dates.helpers import dates_nlp, run


@pytest.fixture(scope="module")
def nlp():
    return dates_nlp()


def test_tense_from_a_parse():
    from spacy.tokens import Doc
    nlp = spacy.blank("en")
    words = ["A", "poll", "published", "in", "December", "shows", "that", "74", "%", "oppose", "it", "."]
    heads = [1, 5, 1, 4, 2, 5, 9, 8, 9, 5, 9, 5]
    deps = ["det", "nsubj", "acl", "case", "obl", "ROOT", "mark", "nummod", "nsubj", "ccomp", "obj", "punct"]
    tags = ["DT", "NN", "VBN", "IN", "NNP", "VBZ", "IN", "CD", "NN", "VBP", "PRP", "."]
    pos = ["DET", "NOUN", "VERB", "ADP", "PROPN", "VERB", "SCONJ", "NUM", "NOUN", "VERB", "PRON", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, tags=tags, pos=pos)
    assert sentence_tense(doc[4:5]) == "past"
    assert sentence_tense(doc[4:5], use_parse=False) == "past"   # the "-ed" cue next to it


@pytest.mark.parametrize("text,date_text,tense", [
    ("The president is scheduled to visit Japan in December.", "December", "future"),
    ("The white paper was released in July.", "July", "past"),
    ("Officials will decide in March whether to go ahead.", "March", "future"),
    ("The ministers signed the accord in June.", "June", "past"),
    ("The forum is held in September.", "September", "present"),
    ("Prices in May were higher.", "May", "past"),
])
def test_sentence_tense(nlp, text, date_text, tense):
    doc = run(nlp, text, "2020-01")
    span = next(s for s in doc.spans["dates"] if s.text == date_text)
    assert sentence_tense(span) == tense

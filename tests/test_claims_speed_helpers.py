"""Claims stage speed helpers: each must give exactly what the plain spaCy / Python way gives.

The sentences are written for these tests (no corpus text).
"""
from __future__ import annotations

import random

import numpy
import pytest
import spacy
from spacy.attrs import ENT_IOB, ENT_TYPE, SENT_START
from spacy.tokens import Span

from pipeline.stages import claims as C

TEXTS = [
    "The ministry’s “red lines” will hold, Ms. Ålund said; others doubt it.\n\nIn 2019, 56% agreed.",
    "  Leading spaces,\ttabs and\u00a0odd spaces — and ÉMIGRÉS, İstanbul, ſtrange Kelvin K.  ",
    "",
    "One.",
]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture(scope="module")
def rules(nlp):
    return C.ClaimRules(nlp, C.load_tables())


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("cached", [False, True])
def test_token_table_matches_token_attributes(nlp, rules, text, cached):
    doc = nlp(text)
    for _ in range(2):  # the second pass reads the lexeme cache
        tt = C.TokenTable(doc, rules.facts_for(doc) if cached else None)
        assert tt.n == len(doc)
        assert tt.text == doc.text
        assert tt.txt == [t.text for t in doc]
        assert tt.low == [t.lower_ for t in doc]
        assert tt.idx == [t.idx for t in doc]
        assert tt.end == [t.idx + len(t.text) for t in doc]
        assert tt.space == [int(t.is_space) for t in doc]
        assert tt.punct == [int(t.is_punct) for t in doc]
        assert tt.alpha == [int(t.is_alpha) for t in doc]
        assert tt.num == [int(t.like_num) for t in doc]
        assert [bool(x) for x in tt.nl] == [t.is_space and "\n" in t.text for t in doc]
        assert tt.pos is None and tt.tag is None


def test_token_table_reads_tags_when_present(nlp):
    doc = nlp("Moscow will not budge.")
    for t, (pos, tag) in zip(doc, [("PROPN", "NNP"), ("AUX", "MD"), ("PART", "RB"), ("VERB", "VB"), ("PUNCT", ".")]):
        t.pos_, t.tag_ = pos, tag
    tt = C.TokenTable(doc)
    assert tt.pos == [t.pos_ for t in doc]
    assert tt.tag == [t.tag_ for t in doc]


def test_positions_finds_the_tokens_whose_lowercase_is_listed(nlp):
    doc = nlp("It Was said that they were wrong, and it was.")
    tt = C.TokenTable(doc)
    words = {"was", "were"}
    assert tt.positions(words) == [i for i, t in enumerate(doc) if t.lower_ in words] == [1, 5, 10]
    assert tt.positions({"absent"}) == []


def test_sentence_starts_match_sent_start(nlp):
    doc = nlp("First one. Second one!\n\nThird one?")
    assert C.sentence_starts(doc) == [i for i, v in enumerate(doc.to_array([SENT_START]).tolist()) if v == 1 or i == 0]
    assert C.sentence_starts(doc) == [s.start for s in doc.sents]


def _ents_by_doc_rules(iob, etype):
    """A plain-Python replica of spaCy's Doc.ents loop: (count, first start, last end), None if it raises."""
    out, start = [], -1
    for i, (b, t) in enumerate(zip(iob, etype)):
        if b == 1:
            if start == -1:
                return None
        elif b in (0, 2) or (b == 3 and t == 0):
            if start != -1:
                out.append((start, i))
            start = -1
        elif b == 3:
            if start != -1:
                out.append((start, i))
            start = i
    if start != -1:
        out.append((start, len(iob)))
    return (len(out), out[0][0], out[-1][1]) if out else (0, 0, 0)


def test_ents_summary_follows_doc_ents_rules():
    rng = random.Random(7)
    for _ in range(3000):
        n = rng.randint(1, 10)
        iob = numpy.array([rng.choice([0, 1, 1, 2, 3]) for _ in range(n)], dtype=numpy.uint64)
        etype = numpy.array([rng.choice([0, 381, 382]) for _ in range(n)], dtype=numpy.uint64)
        assert C.ents_summary(iob, etype) == _ents_by_doc_rules(iob.tolist(), etype.tolist())


def test_ents_summary_and_entity_spans_on_a_doc(nlp):
    doc = nlp("Vladimir Putin met Xi Jinping in Beijing and Moscow.")
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 3, 5, "PERSON"), Span(doc, 6, 7, "GPE"), Span(doc, 8, 9, "GPE")]
    arr = doc.to_array([ENT_IOB, ENT_TYPE])
    ents = doc.ents
    assert C.ents_summary(arr[:, 0], arr[:, 1]) == (len(ents), ents[0].start, ents[-1].end)
    tt = C.TokenTable(doc)
    assert C._entity_spans(doc, tt) == C._span_refs(doc.ents, tt.text)
    doc.spans["entities"] = list(doc.ents)
    assert C._entity_spans(doc, tt) == C._span_refs(doc.ents, tt.text)
    doc.spans["entities"] = list(doc.ents)[:2]  # a group that differs from doc.ents is read as spans
    assert C._entity_spans(doc, tt) == C._span_refs(doc.ents[:2], tt.text)


def test_calibrate_score_equals_interpolation(rules):
    points = rules.calibration
    xs = [x for x, _ in points]
    rng = random.Random(3)
    values = xs + [rng.random() for _ in range(5000)] + [-0.5, 1.5, 0.0, 1.0]
    for raw in values:
        assert rules.calibrate_score(raw) == round(C.interpolate(points, raw), 4)


def test_find_frame_cues_with_given_lowercase(nlp, rules):
    doc = nlp("It remains to be seen whether the chances of a deal are slim.")
    text = doc.text
    plain = C.find_frame_cues(doc, 0, text, 0, len(doc), rules)
    given = C.find_frame_cues(doc, 0, text, 0, len(doc), rules, low=text.lower())
    assert [(c.start_char, c.end_char, c.row.cue) for c in plain] == [(c.start_char, c.end_char, c.row.cue) for c in given]
    assert {c.row.cue for c in plain} >= {"remains_to_be_seen", "chances_slim"}


def test_tag_cum_counts_tokens_with_the_tags(nlp):
    doc = nlp.make_doc("He said it was fine and it is")
    tags = ["PRP", "VBD", "PRP", "VBD", "JJ", "CC", "PRP", "VBZ"]
    for t, tag in zip(doc, tags):
        t.tag_ = tag
    tt = C.TokenTable(doc)
    cum = tt.tag_cum(("VBD",))
    both = tt.tag_cum(("VBZ", "VBP"))
    for a in range(len(doc) + 1):
        for b in range(len(doc) + 1):
            assert (cum[b] > cum[a]) == ("VBD" in tags[a:b])
            assert (both[b] > both[a]) == bool({"VBZ", "VBP"} & set(tags[a:b]))
    assert tt.tag == tags  # built on first access
    assert C.TokenTable(nlp.make_doc("no tags here")).tag_cum(("VBD",)) is None


@pytest.mark.parametrize("pattern,expected", [
    (r"\bthere\s+is\s+no\s+(?:way|prospect)\b", ("there",)),
    (r"\b(?:the\s+)?chances?\s+(?:of|for)\b", ("chance",)),
    (r"\bthe\s+odds\s+are", ("the", "odd", "are")),  # "s" and "i" also match "ſ" / "ı" under re.I
    (r"\bthere\b|\bhere\b", ()),  # a top-level alternative: nothing is required
    (r"^\W*(?:in|on)\s+\d{4}", ()),
    (r"(", ()),  # unreadable: no gate
])
def test_required_literals(pattern, expected):
    assert C.required_literals(pattern) == expected


def test_required_literals_are_in_every_lowercased_match():
    rng = random.Random(3)
    pattern = r"\bthere\s+is\s+no\s+way\b"
    req = C.required_literals(pattern)
    regex = __import__("re").compile(pattern, __import__("re").I)
    for _ in range(300):
        text = "".join(rng.choice(["THERE", "There", "tHeRe", " is ", " IS ", " no ", "No", " way", "WAY", "x", " "]) for _ in range(8))
        if regex.search(text):
            assert all(r in text.lower() for r in req)

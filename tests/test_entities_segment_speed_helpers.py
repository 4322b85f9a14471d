"""Helpers introduced to speed up the entities and segment stages: each gives the same result as
the straightforward code it replaced."""
from __future__ import annotations

import random
import re

import numpy as np
import pytest
import spacy
from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.tokens import Span

from pipeline.stages import entities as E
from pipeline.stages import segment as S


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


# --- entities -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Institute of\u00a0World Economy",
        "\u00a0leading no-break space",
        "trailing no-break space\u00a0",
        "two\u00a0\u00a0in a row, then\u00a0 mixed \u00a0 and\u2009thin\u202fnarrow\u2007figure",
        "line\u00a0\nbreak \n\u00a0next",
        "\u00a0",
        " \u00a0 ",
        "Mr.\u00a0Abe (\u00a0U.S.\u00a0) don't\u00a0stop",
    ],
)
def test_respace_tokens_matches_the_tokenizer(blank, text):
    fixed = text.translate(E._SPACE_FIX)
    doc = blank.make_doc(text)
    words, spaces = E.respace_tokens([t.text for t in doc], [bool(t.whitespace_) for t in doc], fixed, blank.make_doc)
    assert list(zip(words, spaces)) == [(t.text, bool(t.whitespace_)) for t in blank.make_doc(fixed)]


def test_respace_tokens_random_whitespace(blank):
    rng = random.Random(3)
    pieces = ["a", "Bc", "U.S.", "(", ")", "'s", "-", " ", " ", "\u00a0", "\u2009", "\n", "\t"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        fixed = text.translate(E._SPACE_FIX)
        doc = blank.make_doc(text)
        words, spaces = E.respace_tokens([t.text for t in doc], [bool(t.whitespace_) for t in doc], fixed, blank.make_doc)
        assert list(zip(words, spaces)) == [(t.text, bool(t.whitespace_)) for t in blank.make_doc(fixed)], repr(text)


def test_set_entity_annotation_equals_the_ents_setter(blank):
    doc = blank.make_doc("Shinzo Abe met Vladimir Putin in Tokyo and Moscow .")
    doc.ents = [Span(doc, 8, 9, label="GPE", kb_id="Q649")]  # an earlier annotation with a kb_id
    spans = [Span(doc, 0, 2, label="PERSON", kb_id="Q132345"), Span(doc, 3, 5, label="PERSON"),
             Span(doc, 6, 7, label="GPE", kb_id="Q1490")]
    attrs = [ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID]
    expected_doc = blank.make_doc(doc.text)
    expected_doc.ents = [Span(expected_doc, 8, 9, label="GPE", kb_id="Q649")]
    expected_doc.ents = [Span(expected_doc, s.start, s.end, label=s.label_, kb_id=s.kb_id_) for s in spans]
    E.set_entity_annotation(doc, spans)
    assert (doc.to_array(attrs) == expected_doc.to_array(attrs)).all()
    assert [(e.start, e.end, e.label_, e.kb_id_) for e in doc.ents] == [(s.start, s.end, s.label_, s.kb_id_) for s in spans]
    E.set_entity_annotation(doc, [])
    assert doc.ents == () and doc.has_annotation("ENT_IOB")


def test_token_table(blank):
    table = E._TokenTable(max_rows=6)
    doc = blank.make_doc("NATO said\n\nMcFaul “ met C. Allen")
    texts, lower, flags, lengths = table.lookup(doc.to_array("ORTH"), blank.vocab.strings)
    assert texts == [t.text for t in doc]
    assert lower == [t.lower_ for t in doc]
    assert lengths.tolist() == [len(t) for t in doc]
    assert [E._token_flags(t.text) for t in doc] == flags.tolist()
    by_text = dict(zip(texts, flags.tolist()))
    assert by_text["NATO"] == E._F_UPPER and by_text["McFaul"] == E._F_CAP and by_text["C."] == E._F_CAP
    assert by_text["\n\n"] == E._F_SPACE | E._F_NEWLINE and by_text["“"] == E._F_OPENER and by_text["said"] == 0
    # more strings than max_rows: the table starts over and still answers correctly
    again = table.lookup(blank.make_doc("one two three four").to_array("ORTH"), blank.vocab.strings)
    assert again[0] == ["one", "two", "three", "four"] and len(table.row_of) == 4


def _ranges_reference(n, sent_starts, boilerplate):
    ranges = [(s, e) for s, e, label in boilerplate if label == "title"]
    skip = [(s, e) for s, e, label in boilerplate if label != "title"]
    bounds = sorted(set(sent_starts) | {0}) + [n]
    for s, e in zip(bounds, bounds[1:]):
        if s < e and not any(b_s <= s < b_e for b_s, b_e in skip):
            ranges.append((s, e))
    ranges.sort()
    merged = []
    for s, e in ranges:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def test_analyzed_token_ranges_merges_like_the_loop(blank):
    rng = random.Random(5)
    for _ in range(1500):
        doc = blank.make_doc(" ".join(["w"] * rng.randint(0, 25)))
        n = len(doc)
        sent_starts = sorted(rng.sample(range(n), rng.randint(0, n))) if n else []
        spans = []
        for _ in range(rng.randint(0, 3) if n else 0):
            start = rng.randrange(n)
            spans.append(Span(doc, start, rng.randint(start + 1, n), label=rng.choice(["title", "byline", "navigation"])))
        doc.spans["boilerplate"] = spans
        expected = _ranges_reference(n, sent_starts, [(s.start, s.end, s.label_) for s in spans])
        assert E.analyzed_token_ranges(doc, sent_starts) == expected


def test_heading_mask_with_precomputed_breaks(blank):
    doc = blank.make_doc("Preparing for the Wider War\n\nThe talks resumed in May. Officials met.\nAbout Us\n")
    texts = [t.text for t in doc]
    is_space = [t.is_space for t in doc]
    cap = [t.text[:1].isupper() for t in doc]
    upper = [len(t.text) > 1 and t.text.isupper() for t in doc]
    breaks = [i for i, t in enumerate(texts) if is_space[i] and "\n" in t]
    plain = E._heading_mask(texts, is_space, cap, upper)
    assert E._heading_mask(texts, is_space, cap, upper, breaks, [t.lower() for t in texts]) == plain
    assert plain[0] and not plain[texts.index("talks")]


def test_resolve_overlaps_keeps_longest_then_priority():
    def cand(start, end, prio, label="ORG"):
        return E.Candidate(start, end, label, "x", "slug:x", None, "pattern", prio)

    rng = random.Random(9)
    for _ in range(500):
        cands = [cand(s, s + rng.randint(1, 4), rng.randint(1, 6), rng.choice(["ORG", "GPE"]))
                 for s in (rng.randrange(20) for _ in range(rng.randint(0, 8)))]
        taken, expected = set(), []
        for c in sorted(cands, key=lambda c: (-c.length, -c.prio, c.start, c.label)):
            if not any(t in taken for t in range(c.start, c.end)):
                taken.update(range(c.start, c.end))
                expected.append(c)
        expected.sort(key=lambda c: c.start)
        assert [(c.start, c.end, c.prio) for c in E.resolve_overlaps(cands)] == [(c.start, c.end, c.prio) for c in expected]


def test_positions():
    assert E._positions(["(", "a", "(", ")"], "(") == [0, 2]
    assert E._positions([], "(") == []


# --- segment ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Home »", "Read more...  ", "  Share: ", "About Us |", "Next →\u00a0", "Plain", "", "...", "Topics:\n"],
)
def test_line_key_equals_the_regex(text):
    assert S._line_key(text) == re.sub(r"[\s.:»›→>|]+$", "", text.strip().lower())


@pytest.mark.parametrize("text", ["one two  three", " a\u00a0b\tc\n", "", "   ", "x\u2009y\u3000z"])
def test_word_count_equals_the_regex(text):
    assert S._word_count(text) == len(re.findall(r"\S+", text))

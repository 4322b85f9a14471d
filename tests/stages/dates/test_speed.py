"""Dates stage: the exact shortcuts of the detector (second-word gate, range bisection, cached
lookups, the token-array view) agree with the slow definitions they replace."""
from __future__ import annotations

import random
import re

import numpy as np
import pytest

from pipeline.stages.dates.grammar import default_grammar
from pipeline.stages.dates.rows import joined, word_key
from pipeline.stages.dates.speed import (
    ROWS_SHIFT,
    DocView,
    HashLookup,
    can_start_here,
    entity_char_ranges,
    entity_ranges,
    gate_tables,
    iob_entities,
    overlapping,
    second_word_keep,
    token_code,
)
from tests.stages.dates.helpers import dates_nlp, run, sample_texts


@pytest.fixture(scope="module")
def nlp():
    return dates_nlp()


def test_can_start_here_never_rejects_a_match():
    g = default_grammar()
    assert g.next_words["the"] is not None
    rejected = 0
    for text in sample_texts():
        for hi in (len(text), max(0, len(text) - 3)):
            for m in re.finditer(r"(?<![^\W\d_])[^\W\d_]", text[:hi]):
                rows = g.dispatch.get(word_key(text, m.start()))
                if not rows or can_start_here(g, text, m.start(), hi, rows):
                    continue
                rejected += 1
                assert joined(g, rows).match(text, m.start(), hi) is None, (text, m.start(), hi)
    assert rejected > 1000


def test_can_start_here_rejects_the_common_non_dates():
    g = default_grammar()
    text = "the United States and a number of allies"
    assert not can_start_here(g, text, 0, len(text), g.dispatch["the"])
    text = "the summer of 2019"
    assert can_start_here(g, text, 0, len(text), g.dispatch["the"])


def test_overlapping_equals_the_scan():
    rnd = random.Random(3)
    for _ in range(300):
        ranges = sorted((s, s + rnd.randint(0, 30)) for s in (rnd.randint(0, 200) for _ in range(rnd.randint(0, 12))))
        starts = [r[0] for r in ranges]
        reach = list(np.maximum.accumulate([r[1] for r in ranges])) if ranges else []
        lo = rnd.randint(0, 220)
        hi = lo + rnd.randint(0, 60)
        assert overlapping(ranges, starts, reach, lo, hi) == [r for r in ranges if r[0] < hi and lo < r[1]]


def test_hash_lookup_matches_the_function():
    strings = {i: f"w{i % 7}" for i in range(50)}
    table = HashLookup(lambda w: int(w[1:]) + 1)
    for batch in ([3, 4, 3], [10, 49, 0, 3], [], [7]):
        got = table.lookup(np.asarray(batch, dtype=np.uint64), strings).tolist()
        assert got == [int(strings[h][1:]) + 1 for h in batch]


def _docsample_texts() -> list[str]:
    texts = sample_texts()
    g = default_grammar()
    words = sorted({w for nxt in g.next_words.values() for w in nxt or () if not w.startswith("<")})[:200]
    words += ["the", "a", "in", "that", "The", "THE", "year", "U.S.", "don’t", "’s", "2014", "1990s", "-", ",", "’",
              "ſame", "\u212aey", "Ünited", "cannot", "gonna", "x2"]
    rnd = random.Random(11)
    seps = [" ", " ", " ", "", "  ", "\n", "\t", "\u00a0", "-", ", ", "\n\n"]
    for _ in range(1500):
        texts.append("".join(rnd.choice(words) + rnd.choice(seps) for _ in range(12)))
    return texts + [" ".join(texts[i:i + 5]) for i in range(0, 400, 5)] + [
        "In the United States, the year 2000 and the 1990s. The\nyear before, the  year after; the, the-year.",
        "cannot the cannot the U.S. the don’t the ’90s and a decade-long the year’s",
    ]


def test_second_word_keep_never_drops_a_start_can_start_here_keeps():
    import spacy
    nlp = spacy.blank("en")
    g = default_grammar()
    tables = gate_tables(g)
    dropped = 0
    for text in _docsample_texts():
        doc = nlp.make_doc(text)
        view = DocView(doc, g)
        codes = np.asarray([token_code(g, tables, t.text) for t in doc], dtype=np.int64)
        starts = np.flatnonzero(codes >> ROWS_SHIFT)
        if not len(starts):
            continue
        keep = second_word_keep(tables.allowed, codes, view.spacy, starts)
        for i, kept in zip(starts.tolist(), keep.tolist()):
            if kept:
                continue
            dropped += 1
            rows = g.dispatch[word_key(doc[i].lower_, 0)]
            # the verdict holds for any sentence end at or after the token's end
            for hi in {len(text)} | {t.idx + len(t) for t in doc[i:i + 4]}:
                assert not can_start_here(g, text, doc[i].idx, hi, rows), (text, i, hi)
    assert dropped > 500


def test_token_code_rows_match_the_lowercase_dispatch():
    g = default_grammar()
    tables = gate_tables(g)
    all_rows = g.lookup_cache.setdefault("rows", [()])
    for word in ["The", "the", "THE", "2014", "’90s", "May", "may", "in", "Ünited", "\u212aey", "x"]:
        code = token_code(g, tables, word)
        assert all_rows[code >> ROWS_SHIFT] == tuple(g.dispatch.get(word_key(word.lower(), 0), ()))


def test_iob_entities_equals_doc_ents():
    import spacy
    from spacy.attrs import ENT_IOB, ENT_TYPE
    from spacy.tokens import Span
    nlp = spacy.blank("en")
    rnd = random.Random(5)
    for _ in range(200):
        doc = nlp.make_doc(" ".join(rnd.choice(["a", "b", "c", "d"]) for _ in range(rnd.randint(0, 15))))
        spans, i = [], 0
        while i < len(doc):
            if rnd.random() < 0.3:
                j = min(len(doc), i + rnd.randint(1, 3))
                spans.append(Span(doc, i, j, label=rnd.choice(["ORG", "DATE", "GPE"])))
                i = j
            else:
                i += 1
        doc.set_ents(spans, default=rnd.choice(["outside", "missing"]))
        arr = doc.to_array([ENT_IOB, ENT_TYPE]) if len(doc) else np.zeros((0, 2), dtype=np.uint64)
        first, last, label = iob_entities(arr[:, 0], arr[:, 1])
        assert list(zip(first.tolist(), (last + 1).tolist(), label.tolist())) == [(e.start, e.end, e.label) for e in doc.ents]


def test_entity_char_ranges_equals_entity_ranges():
    import spacy
    from spacy.tokens import Span
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Vostok 2018 began in 1956 with the Second World War and 5 tanks in Moscow")
    doc.set_ents([Span(doc, 0, 2, label="EVENT"), Span(doc, 4, 5, label="DATE"), Span(doc, 7, 10, label="EVENT"),
                  Span(doc, 11, 12, label="CARDINAL")])
    doc.spans["entities"] = [Span(doc, 0, 2, label="EVENT"), Span(doc, 14, 15, label="GPE"), Span(doc, 13, 15, label="ORG")]
    view = DocView(doc, default_grammar())
    assert entity_char_ranges(view) == entity_ranges(doc)


def test_hash_lookup_starts_over_when_full():
    strings = {i: f"w{i}" for i in range(100)}
    table = HashLookup(lambda w: int(w[1:]) * 2, max_keys=10)
    for start in range(0, 100, 7):
        batch = list(range(start, min(100, start + 8)))
        got = table.lookup(np.asarray(batch, dtype=np.uint64), strings).tolist()
        assert got == [h * 2 for h in batch]
        assert len(table.keys) <= 10


def test_doc_view_sentences_are_the_body_sentences(nlp):
    from pipeline.stages.segment import body_sentences
    text = ("Moscow and Tokyo: Old Quarrels\n\nMain Image Credit A harbour in 1945. Courtesy of a photo agency.\n\n"
            "Talks stalled in 2016. Both sides blame each other.\n\n  \n\nA second round is due in March.\n\n"
            "Jane Doe\n\nSenior Fellow, Example Institute\n\nView profile")
    doc = run(nlp, text, "2016-09")
    view = DocView(doc, default_grammar())
    assert [(doc[a:b].start_char, doc[a:b].end_char) for a, b in view.sentences()] == \
           [(s.start_char, s.end_char) for s in body_sentences(doc)]
    assert view.text == doc.text

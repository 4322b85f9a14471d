"""Record building: the shortcuts (direct ``doc.user_data`` extension reads, one reusable JSON
encoder, inlined stable ids, ``RecordContext.iter_spans``) agree with the definitions they replace."""
from __future__ import annotations

import json
import math
import random

import pytest
import spacy
from spacy.tokens import Span

from pipeline.extensions import ensure_extensions, remember_text
from pipeline.io import dumps_record
from pipeline.records import (
    RecordContext,
    assign_ids,
    build_context,
    encode_record,
    extension_reader,
    stable_id,
)


@pytest.fixture()
def doc():
    ensure_extensions()
    nlp = spacy.blank("en")
    text = "Japan and Russia met in Tokyo on 3 May. Trade fell 20% to $3 billion.  Japan said so."
    doc = nlp(text)
    remember_text(doc, text)
    spans = [doc[0:1], doc[2:3], doc[5:6], doc[7:9], doc[13:15], doc[0:1]]
    doc.spans["entities"] = [Span(doc, s.start, s.end, label="GPE", kb_id="Q1") for s in spans[:3]] + [spans[3]]
    doc.spans["sentences"] = [doc[0:10], doc[10:len(doc)]]
    doc.spans["entities"][0]._.entity = {"canonical": "Japan"}
    doc.spans["entities"][3]._.entity = {"canonical": "3 May", "kb_id": None}
    return doc


def _slow_assign_ids(kind, doc_id, spans):
    seen: dict[str, int] = {}
    ids = {}
    for start, end, text in sorted(set(spans)):
        ids[(start, end)] = stable_id(kind, doc_id, text, seen.get(text, 0))
        seen[text] = seen.get(text, 0) + 1
    return ids


def test_assign_ids_equals_stable_id_per_occurrence():
    rnd = random.Random(3)
    words = ["Japan", "“Zürich”", "x", "", "€ 3", "a\x1fb", "Japan "]
    for kind in ("sentences", "entities", "dates", "figures", "claims", "other"):
        spans = [(s, s + rnd.randint(0, 9), rnd.choice(words)) for s in (rnd.randint(0, 50) for _ in range(40))]
        assert assign_ids(kind, "doc-ü", spans) == _slow_assign_ids(kind, "doc-ü", spans)


def test_extension_reader_matches_underscore(doc):
    for name in ("entity", "date", "figure", "claim"):
        read = extension_reader(doc, name)
        for span in doc.spans["entities"]:
            assert read(span) == getattr(span._, name)
    assert extension_reader(doc, "entity")(doc.spans["entities"][0]) == {"canonical": "Japan"}


def test_extension_reader_falls_back_for_getters_and_mutable_defaults(doc):
    Span.set_extension("h2_len_test", getter=lambda span: len(span), force=True)
    Span.set_extension("h2_list_test", default=[], force=True)
    try:
        span = doc.spans["entities"][3]
        assert extension_reader(doc, "h2_len_test")(span) == 2
        assert extension_reader(doc, "h2_list_test")(span) == []
        with pytest.raises(AttributeError):
            extension_reader(doc, "h2_not_registered")(span)
    finally:
        Span.remove_extension("h2_len_test")
        Span.remove_extension("h2_list_test")


def test_iter_spans_equals_base_extension_and_sentence_id(doc):
    ctx = build_context(doc, "d1", {"entities": doc.spans["entities"]})
    rows = list(ctx.iter_spans("entities", "entity"))
    assert len(rows) == len(doc.spans["entities"])
    for span, base, value, sentence_id in rows:
        assert base == ctx.base("entities", span)
        assert list(base) == ["id", "doc_id", "start_char", "end_char", "text"]
        assert value == span._.entity
        assert sentence_id == ctx.sentence_id(span)
    # ids of another kind (dates.build_records with a custom spans key)
    for span, base, _, _ in ctx.iter_spans("entities", id_kind="dates"):
        assert base["id"] == ctx.base("dates", span)["id"] is None


def test_context_without_cached_text_reads_the_doc(doc):
    ctx = RecordContext(doc=doc, doc_id="d1")
    span = doc.spans["entities"][1]
    assert ctx.base("entities", span)["text"] == span.text


def test_encode_record_writes_dumps_record_bytes():
    rnd = random.Random(7)
    atoms = [None, True, False, 0, -3, 2**70, 0.1, 2.5e-12, 1e300, math.inf, -math.inf, "", "“Zürich”\u00a0€",
             "tab\tquote\"back\\slash\n", "\x00\x1f\u2028", "😀"]

    def value(depth):
        r = rnd.random()
        if depth < 3 and r < 0.2:
            return [value(depth + 1) for _ in range(rnd.randint(0, 4))]
        if depth < 3 and r < 0.4:
            return {rnd.choice(["id", "text", "ü", "a b"]): value(depth + 1) for _ in range(rnd.randint(0, 4))}
        return rnd.choice(atoms)

    for _ in range(2000):
        record = {"id": value(0), "doc_id": "d", "x": value(0), "y": value(0)}
        assert encode_record(record) == dumps_record(record)
    nan = {"v": math.nan}
    assert encode_record(nan) == dumps_record(nan) == json.dumps(nan, ensure_ascii=False, separators=(", ", ": "))

"""Figures stage, records: ``figures.jsonl`` rows (offsets, ids of compared figures, the schema).

All sentences are written for these tests (none is copied from the corpus)."""
from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

import pipeline
from pipeline.records import build_context
from pipeline.stages import figures as F

SCHEMA = json.loads((Path(pipeline.__file__).resolve().parent / "schemas" / "figures.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)


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
    assert "1952" in texts  # a calendar year (kind year)
    pair = {r["text"]: r for r in records}
    assert pair["12"]["compared_with"] == pair["9 destroyers"]["id"]

"""Dates stage: the ``dates`` records against their schema, offsets and the unresolved count."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import pipeline
from pipeline.records import build_context
from pipeline.stages.dates.records import build_records, count_unresolved
from tests.stages.dates.helpers import dates_nlp, run

SCHEMA = json.loads((Path(pipeline.__file__).resolve().parent / "schemas" / "dates.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)


@pytest.fixture(scope="module")
def nlp():
    return dates_nlp()


def test_records_schema_offsets_and_unresolved(nlp):
    text = ("Relations have been rocky for more than seven decades. The president will visit in December. "
            "In 1956, a declaration was signed. Sanctions followed in 2014–2016.")
    for anchor in ("2016-09", None):
        doc = run(nlp, text, anchor)
        doc._.doc_id = "doc1"
        ctx = build_context(doc, "doc1", {"dates": doc.spans["dates"]})
        records = build_records(doc, ctx)
        assert len(records) == len(doc.spans["dates"]) == 4
        for r in records:
            assert doc.text[r["start_char"]:r["end_char"]] == r["text"]
            errors = list(VALIDATOR.iter_errors(r))
            assert not errors, (r, [e.message for e in errors])
            assert list(r)[:5] == ["id", "doc_id", "start_char", "end_char", "text"] and list(r)[-1] == "sentence_id"
        assert count_unresolved(records) == (0 if anchor else 1)
        rng = next(r for r in records if r["text"] == "2014–2016")
        assert (rng["begin"], rng["end"]) == ("2014", "2016")

"""The entity stage's records: offsets that index the source text, the schema, the summary."""
from __future__ import annotations

import json

import jsonschema
import pytest

from pipeline.extensions import SPANS_ENTITIES
from pipeline.records import build_context
from pipeline.stages import entities as E
from tests.conftest import PROJECT_ROOT

SCHEMA = json.loads((PROJECT_ROOT / "pipeline" / "schemas" / "entities.schema.json").read_text())

ARTICLE = (
    "Japan and Russia: A Fragile Thaw\n\n"
    "Japanese Prime Minister Shinzo Abe met Vladimir Putin at the Eastern Economic Forum in Vladivostok. "
    "Tokyo will be disappointed: Moscow’s position on the Kuril Islands has hardened. "
    "Abe hopes the 1956 Joint Declaration still matters, while Putin points to NATO and the US."
)


@pytest.fixture
def nlp(entities_nlp):
    return entities_nlp


def test_records_match_source_text_and_schema(nlp):
    doc = nlp(ARTICLE)
    ctx = build_context(doc, "doc-1", {SPANS_ENTITIES: doc.spans[SPANS_ENTITIES]})
    records = E.build_records(doc, ctx)
    assert len(records) == len(doc.spans[SPANS_ENTITIES])
    for record in records:
        assert ARTICLE[record["start_char"]:record["end_char"]] == record["text"]
        jsonschema.validate(record, SCHEMA)
        assert record["sentence_id"] is not None
    tokyo = next(r for r in records if r["text"] == "Tokyo")
    assert (tokyo["label"], tokyo["canonical"], tokyo["kb_id"], tokyo["actor"], tokyo["source"]) == (
        "GPE", "Tokyo", "Q1490", "Japan", "gazetteer",
    )


def test_entity_summary_counts_distinct_entities_deterministically(nlp):
    doc = nlp(ARTICLE)
    ctx = build_context(doc, "doc-1", {SPANS_ENTITIES: doc.spans[SPANS_ENTITIES]})
    summary = E.entity_summary(E.build_records(doc, ctx))
    by_name = {row["canonical"]: row for row in summary}
    assert by_name["Shinzo Abe"] == {"canonical": "Shinzo Abe", "kb_id": "Q132345", "label": "PERSON", "mentions": 2}
    assert by_name["Vladimir Putin"]["mentions"] == 2
    assert by_name["Japan"]["mentions"] == 1
    keys = [(-r["mentions"], r["label"], r["canonical"], r["kb_id"]) for r in summary]
    assert keys == sorted(keys)
    assert E.entity_summary(list(reversed(E.build_records(doc, ctx)))) == summary

"""Claim records: offsets, cues and schema; speaker, about and evidence links to other records."""
from __future__ import annotations

import json

import jsonschema
import pytest

from pipeline.extensions import SPANS_DATES, SPANS_ENTITIES, SPANS_FIGURES
from pipeline.resources import PACKAGE_ROOT

from .helpers import ARTICLE, annotated_article, claims_pipeline, records_of

SCHEMA = json.loads((PACKAGE_ROOT.parent / "schemas" / "claims.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nlp():
    return claims_pipeline()


def test_records_offsets_cues_and_schema(nlp):
    doc = annotated_article(nlp)
    records, _ = records_of(doc)
    assert records, "expected claim records"
    for r in records:
        assert ARTICLE[r["start_char"]:r["end_char"]] == r["text"]
        for cue in r["cues"]:
            assert ARTICLE[cue["start_char"]:cue["end_char"]] == cue["text"]
        jsonschema.validate(r, SCHEMA)
    texts = [r["text"] for r in records]
    assert "Russia and Japan: Wrong Premise" not in texts
    assert not any(t.startswith("In 1956") for t in texts)


def test_records_link_speaker_about_and_evidence(nlp):
    doc = annotated_article(nlp)
    records, ctx = records_of(doc)
    by_prefix = {r["text"][:12]: r for r in records}
    panov = by_prefix["‘The two cou"]
    assert panov["speaker"] == "Alexander Panov"
    assert panov["speaker_entity"] == ctx.id_of(SPANS_ENTITIES, doc.spans[SPANS_ENTITIES][5])
    poll = by_prefix["According to"]
    assert poll["speaker"] == "Levada Center"
    fig_id = ctx.id_of(SPANS_FIGURES, doc.spans[SPANS_FIGURES][0])
    date_2016 = ctx.id_of(SPANS_DATES, doc.spans[SPANS_DATES][1])
    assert fig_id in poll["evidence"] and date_2016 in poll["evidence"]
    # the conclusion right after the poll rests on the poll's figure
    conclusion = by_prefix["Public opinio"[:12]]
    assert conclusion["type"] == "causal"
    assert fig_id in conclusion["evidence"]
    faith = by_prefix["Japan is put"]
    assert faith["about"] == [ctx.id_of(SPANS_ENTITIES, doc.spans[SPANS_ENTITIES][0]), ctx.id_of(SPANS_ENTITIES, doc.spans[SPANS_ENTITIES][1])]

"""Claim records: one per span of the claims group (see ``schemas/claims.schema.json``)."""
from __future__ import annotations

from spacy.tokens import Doc

from ...extensions import SPANS_CLAIMS, SPANS_ENTITIES
from ...records import RecordContext


def build_records(doc: Doc, ctx: RecordContext, *, spans_key: str = SPANS_CLAIMS) -> list[dict]:
    """One record per span in ``doc.spans[spans_key]`` (see ``schemas/claims.schema.json``)."""
    records = []
    ent_ids = ctx.ids.get(SPANS_ENTITIES, {})  # (what ctx.id_of reads, looked up once per Doc)
    ids_of_kind = ctx.ids.get
    empty: dict = {}
    for span, record, data, sentence_id in ctx.iter_spans(spans_key, "claim", id_kind="claims"):
        data = data or {}
        about = []
        for s, e in data.get("about_spans", []):
            i = ent_ids.get((s, e))
            if i is not None and i not in about:
                about.append(i)
        evidence = []
        for s, e, kind in data.get("evidence_spans", []):
            i = ids_of_kind(kind, empty).get((s, e))
            if i is not None and i not in evidence:
                evidence.append(i)
        ent_span = data.get("speaker_entity_span")
        record["type"] = data.get("type", span.label_)
        record["score"] = data.get("score", 0.0)
        record["hedged"] = bool(data.get("hedged", False))
        record["certainty"] = data.get("certainty", "high")
        record["negated"] = bool(data.get("negated", False))
        record["speaker"] = data.get("speaker", "author")
        record["speaker_entity"] = ent_ids.get(tuple(ent_span)) if ent_span else None
        record["attribution_cue"] = data.get("attribution_cue")
        record["quote"] = data.get("quote")
        record["about"] = about
        record["evidence"] = evidence
        record["cues"] = [{"start_char": s, "end_char": e, "text": t, "role": r} for s, e, r, t in data.get("cues", [])]
        record["sentence_id"] = sentence_id
        records.append(record)
    return records

"""The ``dates`` records: one per span of ``doc.spans["dates"]``, its value fields flattened."""
from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from ...extensions import SPANS_DATES
from ...records import RecordContext

KIND = "dates"
RECORD_FIELDS = ("type", "value", "mod", "relative", "anchor", "begin", "end", "unresolved")


def build_records(doc: Doc, ctx: RecordContext, *, spans_key: str = SPANS_DATES) -> list[dict]:
    """One ``dates`` record per span in ``doc.spans[spans_key]``."""
    records = []
    for _span, record, value, sentence_id in ctx.iter_spans(spans_key, "date", id_kind=KIND):
        value = value or {}
        for k in RECORD_FIELDS:
            record[k] = value.get(k)
        record["relative"] = bool(record["relative"])
        record["sentence_id"] = sentence_id
        records.append(record)
    return records


def count_unresolved(records: Iterable[dict]) -> int:
    """How many date records have no value because their anchor was missing or too coarse."""
    return sum(1 for r in records if r.get("value") is None and r.get("unresolved"))

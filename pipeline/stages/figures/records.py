"""The ``figures.jsonl`` records of a Doc, built from ``doc.spans["figures"]``."""
from __future__ import annotations

from spacy.tokens import Doc

from ...extensions import SPANS_FIGURES


def build_records(doc: Doc, ctx) -> list[dict]:
    """One ``figures.jsonl`` record per span in ``doc.spans["figures"]``."""
    records = []
    figure_ids = ctx.ids.get("figures", {})
    for _span, record, fig, sentence_id in ctx.iter_spans(SPANS_FIGURES, "figure"):
        fig = fig or {}
        other = fig.get("compared_with")
        record.update(
            value=fig.get("value"),
            unit=fig.get("unit"),
            kind=fig.get("kind", "other"),
            currency=fig.get("currency"),
            scale=fig.get("scale"),
            qualifier=fig.get("qualifier"),
            change=fig.get("change"),
            change_from=fig.get("change_from"),
            change_to=fig.get("change_to"),
            measured=fig.get("measured"),
            source=fig.get("source"),
            compared_with=figure_ids.get((other[0], other[1])) if other else None,
            sentence_id=sentence_id,
        )
        records.append(record)
    return records

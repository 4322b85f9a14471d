"""``entities.jsonl`` records of an annotated Doc, and the per-document entity summary."""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable

from spacy.tokens import Doc

from ...extensions import SPANS_BOILERPLATE, SPANS_ENTITIES
from ...records import RecordContext
from .normalize import normalize_name, slug_id


def build_records(doc: Doc, ctx: RecordContext) -> list[dict]:
    """One ``entities.jsonl`` record per span in ``doc.spans["entities"]``.

    ``boilerplate``: the kind of the boilerplate paragraph the mention lies in (``title``,
    ``byline``, ``author_role``, ``author_bio``, ``image_credit``), as in the sentence records;
    null in the body.
    """
    records = []
    # (boilerplate paragraphs never overlap: the one a span starts in is found by bisection)
    paragraphs = sorted((s.start_char, s.end_char, s.label_) for s in doc.spans.get(SPANS_BOILERPLATE, []))
    starts = [p[0] for p in paragraphs]
    for span, record, value, sentence_id in ctx.iter_spans(SPANS_ENTITIES, "entity"):
        value = value or {}
        text = record["text"]  # == span.text, without building a Token per token
        record["label"] = span.label_
        record["canonical"] = value.get("canonical") or normalize_name(text)
        record["kb_id"] = value.get("kb_id") or span.kb_id_ or slug_id(text)
        record["actor"] = value.get("actor")
        record["source"] = value.get("source") or "model"
        record["boilerplate"] = None
        if starts:
            i = bisect_right(starts, record["start_char"]) - 1
            if i >= 0 and record["start_char"] < paragraphs[i][1]:
                record["boilerplate"] = paragraphs[i][2]
        record["sentence_id"] = sentence_id
        records.append(record)
    return records


def entity_summary(records: Iterable[dict]) -> list[dict]:
    """Distinct entities of one document's records with mention counts.

    Sorted by mentions (descending), then label, canonical and kb_id, so the order is stable.
    """
    counts: Counter[tuple[str, str, str]] = Counter()
    for r in records:
        counts[(r["canonical"], r["kb_id"], r["label"])] += 1
    rows = [{"canonical": c, "kb_id": k, "label": lab, "mentions": n} for (c, k, lab), n in counts.items()]
    rows.sort(key=lambda r: (-r["mentions"], r["label"], r["canonical"], r["kb_id"]))
    return rows

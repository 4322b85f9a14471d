"""Columns and tables an export derives from the records (the record files themselves never change).

- Figures: ``value`` is a number in the records, or ``[low, high]`` for a range; a table column must
  have one type, so the export writes ``value`` (the number, null for a range) and ``value_low`` /
  ``value_high`` (the range's bounds; both equal to ``value`` for a single number).
- Predictions: one row per claim of type ``prediction`` (review edits applied) with its speaker,
  hedging, certainty and ``horizon``: the date by which it is to come true when the claim itself
  names one ("before 2026", "by the end of 2027", "in 2030"), so forecasts can be scored later.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping

PREDICTION = "prediction"
# A TIMEX3 calendar value this module can turn into a last day: 2026, 2026-05, 2026-05-17, 2026-Q2, 2026-H1.
_CALENDAR = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-Q([1-4])|-H([12]))?$")
# Modifiers under which a date is no deadline ("after 2026": open-ended).
OPEN_ENDED = ("AFTER", "ON_OR_AFTER")
PREDICTION_COLUMNS = (
    "id", "doc_id", "published", "text", "speaker", "speaker_entity", "hedged", "certainty", "negated", "score",
    "horizon", "horizon_by", "horizon_mod", "horizon_text", "horizon_date_id", "review_status", "sentence_text",
)


def figure_bounds(value: object) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) of a figure's ``value``: a number gives (v, v, v), ``[low, high]`` gives (None, low, high)."""
    if isinstance(value, bool) or value is None:
        return None, None, None
    if isinstance(value, (int, float)):
        return float(value), float(value), float(value)
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        low, high = sorted(float(v) for v in value)
        return None, low, high
    return None, None, None


def period(value: str | None) -> tuple[str, str] | None:
    """First and last day (ISO dates) of a TIMEX3 calendar value, or None ("P10Y", "2016-SU", "199X")."""
    match = _CALENDAR.match(value or "")
    if not match:
        return None
    year, month, day, quarter, half = match.groups()
    y = int(year)
    if day:
        return f"{year}-{month}-{day}", f"{year}-{month}-{day}"
    if month:
        last = calendar.monthrange(y, int(month))[1]
        return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    if quarter or half:
        first, last = ((int(quarter) - 1) * 3 + 1, int(quarter) * 3) if quarter else ((int(half) - 1) * 6 + 1, int(half) * 6)
        return f"{year}-{first:02d}-01", f"{year}-{last:02d}-{calendar.monthrange(y, last)[1]:02d}"
    return f"{year}-01-01", f"{year}-12-31"


def deadline(date: Mapping) -> str | None:
    """The last day a date record allows (None when it sets no deadline): the end of its period (of a
    range's last point), the day before its start for ``BEFORE``, none for ``AFTER``."""
    mod = date.get("mod")
    if mod in OPEN_ENDED:
        return None
    span = period(date.get("end") or date.get("value"))
    if span is None:
        return None
    if mod == "BEFORE":
        start = period(date.get("value") or date.get("end"))
        y, m, d = (int(x) for x in start[0].split("-"))
        if (m, d) == (1, 1):
            return f"{y - 1}-12-31"
        if d == 1:
            return f"{y}-{m - 1:02d}-{calendar.monthrange(y, m - 1)[1]:02d}"
        return f"{y}-{m:02d}-{d - 1:02d}"
    return span[1]


def horizon(claim: Mapping, dates: Iterable[Mapping], published: str | None) -> dict:
    """The date a prediction is to come true by: among the dated expressions inside the claim that
    fall after its publication (all of them when the date is unknown), the one with the latest
    deadline. Empty fields when there is none."""
    best = None
    for date in dates:
        if not (claim["start_char"] <= date["start_char"] and date["end_char"] <= claim["end_char"]):
            continue
        by = deadline(date)
        if by is None or (published and by < published[:10]):
            continue
        if best is None or by > best[0]:
            best = (by, date)
    if best is None:
        return {"horizon": None, "horizon_by": None, "horizon_mod": None, "horizon_text": None, "horizon_date_id": None}
    by, date = best
    return {"horizon": date.get("end") or date.get("value"), "horizon_by": by, "horizon_mod": date.get("mod"),
            "horizon_text": date.get("text"), "horizon_date_id": date.get("id")}


def prediction_rows(claim_rows: Iterable[Mapping], dates: Iterable[Mapping], documents: Iterable[Mapping]) -> list[dict]:
    """The predictions table: one row per claim row (review applied) whose type is ``prediction``."""
    published = {d["doc_id"]: d.get("published") for d in documents}
    dates_by_doc: dict[str, list[Mapping]] = {}
    for date in dates:
        dates_by_doc.setdefault(date["doc_id"], []).append(date)
    rows = []
    for claim in claim_rows:
        if claim.get("type") != PREDICTION:
            continue
        row = {c: claim.get(c) for c in PREDICTION_COLUMNS}
        row["published"] = published.get(claim["doc_id"])
        row.update(horizon(claim, dates_by_doc.get(claim["doc_id"], ()), row["published"]))
        rows.append(row)
    return rows

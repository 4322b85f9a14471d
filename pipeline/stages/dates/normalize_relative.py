"""Normalizers of relative and deictic expressions: "last year", "this past Sunday", "the next
decade", "that year", "two years later", "five years ago", "three months prior", "recent years",
"today", "the present time", "the end of <x>", "the first seven months of 2029". They need an
anchor (the publication date) or a reference (the last date mentioned before them) and say so
(``Unresolved``) when it is missing or too coarse."""
from __future__ import annotations

import datetime as _dt
import re

from .phrase import normalize_phrase
from .values import (
    NO_ANCHOR,
    NO_REFERENCE,
    SEASON_MONTHS,
    Reject,
    Unresolved,
    duration_value,
    mod_of,
    month_number,
    norm_space,
    number_value,
    parse_anchor,
    require,
    shift,
    timex,
    weekday_date,
)


def _n_partof(gr, g, anchor, tense, ref):
    mod = mod_of(g, "partof", gr["mod"])
    x = norm_space(gr["x"])
    m = re.fullmatch(r"(the|this|last|next|that|the same|the following|the previous|the current)\s"
                     r"(year|month|decade|century|week|quarter|spring|summer|autumn|fall|winter)", x, re.IGNORECASE)
    if m:
        rel, unit = m.group(1).lower(), m.group(2).lower()
        if unit in g.seasons:
            inner = _n_relative({"rel": rel if rel != "the" else "this", "unit": unit}, g, anchor, tense, ref) \
                if rel in ("the", "this", "last", "next") else _n_discourse({"rel": rel, "unit": unit}, g, anchor, tense, ref)
        elif rel in ("that", "the same", "the following", "the previous"):
            inner = _n_discourse({"rel": rel, "unit": unit}, g, anchor, tense, ref)
        else:
            require(anchor, "year")
            k = {"last": -1, "next": 1}.get(rel, 0)
            inner = timex("date", shift(unit, k, anchor), relative=True, anchor=anchor.text)
    else:
        inner = normalize_phrase(x, g, anchor.text if anchor else None, tense, ref)
        if inner["value"] is None and inner["unresolved"] == "unrecognized":
            raise Reject("unknown part")
    inner["mod"] = mod
    inner["type"] = "date"
    return inner


_REL_STEP = {"last": -1, "next": 1, "this past": -1, "this coming": 1, "coming": 1}


def _n_relative(gr, g, anchor, tense, ref):
    rel = norm_space(gr["rel"].lower())
    require(anchor, "year")
    k = _REL_STEP.get(rel, 0)
    base = dict(relative=True, anchor=anchor.text)
    if gr.get("month"):       # "February last year"
        return timex("date", f"{anchor.year + k:04d}-{month_number(g, gr['month']):02d}", **base)
    unit = gr["unit"]
    lunit = unit.lower()
    if lunit in ("year", "month", "week", "decade", "century", "quarter", "weekend"):
        return timex("date", shift(lunit, k, anchor), **base)
    if lunit in g.seasons:
        code = g.seasons[lunit][0]
        first, last = SEASON_MONTHS[code]
        y = anchor.year
        if k and anchor.month is not None:
            if k < 0:
                y = anchor.year if anchor.month > last else anchor.year - 1
            else:
                y = anchor.year if anchor.month < first else anchor.year + 1
        elif k:
            raise Unresolved(f"anchor {anchor.text} has no month")
        return timex("date", f"{y:04d}-{code}", **base)
    if unit in g.months:
        m = month_number(g, unit)
        if k == 0:
            return timex("date", f"{anchor.year:04d}-{m:02d}", **base)
        require(anchor, "month")
        if k < 0:
            y = anchor.year if m < anchor.month else anchor.year - 1
        else:
            y = anchor.year if m > anchor.month else anchor.year + 1
        return timex("date", f"{y:04d}-{m:02d}", **base)
    if unit in g.weekdays:
        require(anchor, "day")
        target = g.weekdays[unit]
        if k == 0:
            monday = anchor.date - _dt.timedelta(days=anchor.date.isoweekday() - 1)
            return timex("date", (monday + _dt.timedelta(days=target - 1)).isoformat(), **base)
        return timex("date", weekday_date(target, anchor, k, strict=True), **base)
    raise Reject(f"unknown unit {unit!r}")


def _n_discourse(gr, g, anchor, tense, ref):
    rel = norm_space(gr["rel"].lower())
    unit = gr.get("unit", "year").lower()
    k = -1 if rel in ("the previous", "the preceding", "the prior", "before", "earlier") else \
        1 if rel in ("the following", "the subsequent", "after", "later") else 0
    if not ref:
        raise Unresolved(NO_REFERENCE)
    ra = parse_anchor(ref)
    if ra is None:
        raise Unresolved(NO_REFERENCE)
    base = dict(relative=True, anchor=ref)
    if gr.get("month"):          # "May of the same year", "December of that year"
        return timex("date", f"{ra.year + k:04d}-{month_number(g, gr['month']):02d}", **base)
    if unit in g.seasons:
        return timex("date", f"{ra.year + k:04d}-{g.seasons[unit][0]}", **base)
    if gr["unit"] in g.months:   # "that same March", "the following May"
        m = month_number(g, gr["unit"])
        y = ra.year
        if k and ra.month is not None:
            y = (ra.year if m > ra.month else ra.year + 1) if k > 0 else (ra.year if m < ra.month else ra.year - 1)
        elif k:
            y += k
        return timex("date", f"{y:04d}-{m:02d}", **base)
    try:
        return timex("date", shift(unit, k, ra), **base)
    except Unresolved:
        raise Unresolved(f"reference {ref} too coarse for '{unit}'") from None


def _n_ago(gr, g, anchor, tense, ref):
    unit = g.units[gr["unit"].lower()]
    direction = norm_space(gr["dir"].lower())
    n = number_value(g, gr.get("num")) if gr.get("num") else None
    mod = mod_of(g, "quantity", gr.get("qmod"))
    sign = -1 if direction in ("ago", "earlier", "prior") else 1
    uses_ref = direction in ("earlier", "later")
    if n is None:
        if uses_ref:
            raise Reject("vague offset from a reference")
        return timex("date", "PAST_REF" if sign < 0 else "FUTURE_REF", mod=mod, relative=True,
                       anchor=anchor.text if anchor else None)
    if uses_ref:
        if not ref:
            raise Unresolved(NO_REFERENCE)
        base_anchor = parse_anchor(ref)
        if base_anchor is None:
            raise Unresolved(NO_REFERENCE)
    else:
        require(anchor, "year")
        base_anchor = anchor
    total = n * unit.factor * sign
    if unit.time:
        raise Reject("clock offsets are not dates")
    if uses_ref and unit.iso in ("W", "D") and base_anchor.day is None:
        raise Unresolved(f"reference {ref} has no day")
    if uses_ref and unit.iso == "M" and base_anchor.month is None:
        raise Unresolved(f"reference {ref} has no month")
    if unit.iso == "Y" and float(total).is_integer():
        value = shift("year", int(total), base_anchor)
    elif unit.iso in ("Y", "M") and float(total * (12 if unit.iso == "Y" else 1)).is_integer():
        value = shift("month", int(total * (12 if unit.iso == "Y" else 1)), base_anchor)
    elif unit.iso in ("W", "D"):
        require(base_anchor, "day")
        days = total * (7 if unit.iso == "W" else 1)
        value = (base_anchor.date + _dt.timedelta(days=days)).isoformat()
    else:
        raise Reject("fractional offset")
    return timex("date", value, mod=mod, relative=True, anchor=base_anchor.text)


def _n_vague_ref(gr, g, anchor, tense, ref):
    """ "recent years" -> PXY, "the coming months" -> PXM: vague durations (CONVENTIONS)."""
    return timex("duration", duration_value(None, g.units[gr["unit"].lower()]))


def _n_partyear(gr, g, anchor, tense, ref):
    """ "the first seven months of 2029" -> 2029-01/2029-07, "the last two quarters of this year"
    -> 2030-Q3/2030-Q4: the part of a year as an interval (CONVENTIONS)."""
    n = number_value(g, gr["num"])
    months = gr["unit"].lower() == "months"
    count = 12 if months else 4
    if n is None or n != int(n) or not 1 <= n < count:
        raise Reject("not a part of a year")
    rel = norm_space((gr.get("rel") or "").lower())
    base = dict(relative=False)
    if gr.get("year"):
        y = int(gr["year"])
    elif rel in ("that", "the same", "the previous", "the following"):
        ra = parse_anchor(ref)
        if ra is None:
            raise Unresolved(NO_REFERENCE)
        y = ra.year + {"the previous": -1, "the following": 1}.get(rel, 0)
        base = dict(relative=True, anchor=ref)
    else:
        require(anchor, "year")
        y = anchor.year + {"last": -1, "next": 1, "the previous": -1, "the following": 1}.get(rel, 0)
        base = dict(relative=True, anchor=anchor.text)
    first, last = (1, int(n)) if gr["pos"].lower() == "first" else (count - int(n) + 1, count)
    part = (lambda i: f"{y:04d}-{i:02d}") if months else (lambda i: f"{y:04d}-Q{i}")
    return timex("date", f"{part(first)}/{part(last)}", begin=part(first), end=part(last), **base)


def _n_deictic(gr, g, anchor, tense, ref):
    word = norm_space(gr["word"].lower())
    if word == "today" or word.startswith("the present"):
        if anchor is None:
            raise Unresolved(NO_ANCHOR)
        return timex("date", anchor.text, relative=True, anchor=anchor.text)
    if word in ("yesterday", "tomorrow"):
        require(anchor, "day")
        return timex("date", shift("day", -1 if word == "yesterday" else 1, anchor), relative=True,
                       anchor=anchor.text)
    require(anchor, "day")
    part = {"tonight": "NI", "this morning": "MO", "this afternoon": "AF", "this evening": "EV"}[word]
    return timex("time", f"{anchor.date.isoformat()}T{part}", relative=True, anchor=anchor.text)


RELATIVE_RULES = {
    "partof": _n_partof, "relative": _n_relative, "discourse": _n_discourse, "ago": _n_ago,
    "vague_ref": _n_vague_ref, "deictic": _n_deictic, "partyear": _n_partyear,
}

"""Normalizers of durations ("seven decades", "a year and a half", "2-4 years", "20 years or so"),
sets and rates ("annually", "every other year", "on Mondays", "$900 per month"), ranges ("March-April
2030", "4-6 March", "2014-16"; a range normalizes its two sides as phrases of their own) and vague
references with no value ("earlier years", "the near future")."""
from __future__ import annotations

import re

from .compiled import Grammar
from .phrase import normalize_phrase
from .values import (
    VAGUE,
    Anchor,
    Reject,
    day_number,
    duration_value,
    mod_of,
    month_number,
    norm_space,
    number_value,
    require,
    timex,
    valid_day,
    year_for_month,
)


def _n_set(gr, g, anchor, tense, ref):
    if gr.get("word"):
        return timex("set", g.sets[norm_space(gr["word"].lower())])
    if gr.get("wd") and not gr.get("unit"):
        return timex("set", f"XXXX-WXX-{g.weekdays[gr['wd']]}")
    unit = gr["unit"]
    if unit.lower() == "quarter":
        return timex("set", "P3M")
    if unit in g.months:
        return timex("set", f"XXXX-{month_number(g, unit):02d}")
    if unit in g.weekdays:
        return timex("set", f"XXXX-WXX-{g.weekdays[unit]}")
    if unit.lower() in g.seasons:
        return timex("set", f"XXXX-{g.seasons[unit.lower()][0]}")
    n = 1.0
    if gr.get("q") and gr.get("num"):
        n = number_value(g, gr["num"]) or 1.0
    if (gr.get("other") or "").lower() == "other":
        n = 2.0
    return timex("set", duration_value(n, g.units[unit.lower()]))


def _n_rate(gr, g, anchor, tense, ref):
    """ "$900 per month", "US$ 5 billion a year": a rate is a set of its period (CONVENTIONS)."""
    return timex("set", duration_value(1.0, g.units[gr["unit"].lower()]))


def _n_duration_range(gr, g, anchor, tense, ref):
    """ "2-4 years", "two to three months": the range of durations [P2Y,P4Y] (CONVENTIONS)."""
    unit = g.units[gr["unit"].lower()]
    a, b = number_value(g, gr["num"]), number_value(g, gr["num2"])
    if a is None or b is None or a >= b:
        raise Reject("not a range of counts")
    return timex("duration", f"[{duration_value(a, unit)},{duration_value(b, unit)}]",
                 mod=mod_of(g, "quantity", gr.get("qmod")))


def _n_vague_point(gr, g, anchor, tense, ref):
    """ "earlier years", "the near future", "the weeks and months to come": a date with no value
    (CONVENTIONS: null when text and publication date cannot give one)."""
    return timex("date", None, unresolved=VAGUE)


def _n_duration(gr, g, anchor, tense, ref):
    unit = g.units[gr["unit"].lower()]
    plural = gr["unit"].lower() != _singular(gr["unit"].lower())
    rel = (gr.get("rel") or "").lower()
    if gr.get("half") and not gr.get("num"):      # "half a century"
        n: float | None = 0.5
    elif gr.get("num"):
        n = number_value(g, gr["num"])
        num = gr["num"].lower()
        if plural and num in ("a", "an", "one"):
            raise Reject("'a decades-long': not a count")
        if not plural and re.fullmatch(r"1\d{3}|20\d\d", num):
            raise Reject("'2022 Year in Review': a year, not a count")
        if gr.get("half"):                        # "a year and a half"
            n = None if n is None else n + 0.5
    elif rel:
        if rel in ("first", "final", "initial", "previous", "following", "preceding", "remaining"):
            raise Reject("ordinal part, not a duration")
        n = None if plural else 1.0
    else:
        raise Reject("no count")
    mod = "APPROX" if gr.get("orso") else mod_of(g, "quantity", gr.get("qmod"))
    return timex("duration", duration_value(n, unit), mod=mod)


def _singular(form: str) -> str:
    return form[:-1] if form.endswith("s") else form


def _n_vague_duration(gr, g, anchor, tense, ref):
    return timex("duration", duration_value(None, g.units[gr["unit"].lower()]))


def _point(text: str, g: Grammar, anchor: Anchor | None, tense: str | None, ref: str | None) -> dict:
    res = normalize_phrase(text, g, anchor.text if anchor else None, tense, ref)
    if res["unresolved"] == "unrecognized":
        raise Reject(f"range side {text!r}")
    return res


def _range_result(a: dict, b: dict, anchor: Anchor | None) -> dict:
    relative = a["relative"] or b["relative"]
    if a["value"] is None or b["value"] is None:
        return timex("date", None, relative=relative, anchor=anchor.text if anchor and relative else None,
                       unresolved=a["unresolved"] or b["unresolved"])
    if a["value"] >= b["value"] and len(a["value"]) == len(b["value"]):
        raise Reject("range ends before it begins")
    return timex("date", f"{a['value']}/{b['value']}", relative=relative,
                   anchor=anchor.text if anchor and relative else None, begin=a["value"], end=b["value"])


def _n_range(gr, g, anchor, tense, ref):
    a_text, b_text = norm_space(gr["a"]), norm_space(gr["b"])
    b = _point(b_text, g, anchor, tense, ref)
    year_b = b["value"][:4] if b["value"] and b["value"][:4].isdigit() else None
    a_has_year = re.search(r"\d{4}", a_text) is not None
    if not a_has_year and year_b:
        # "from January to March 2020", "March–May 2019": the first side takes the year of the second
        a = _point(f"{a_text} {year_b}", g, None, tense, ref)
        if a["value"] and a["value"] > b["value"]:
            a = _point(f"{a_text} {int(year_b) - 1}", g, None, tense, ref)
        a["relative"] = b["relative"]
    else:
        a = _point(a_text, g, anchor, tense, ref)
    return _range_result(a, b, anchor)


def _n_range_days(gr, g, anchor, tense, ref):
    m = month_number(g, gr["month"])
    d1, d2 = day_number(gr["d1"]), day_number(gr["d2"])
    if not (valid_day(None, m, d1) and valid_day(None, m, d2)) or d1 >= d2:
        raise Reject("not a day range")
    if gr.get("year"):
        y, relative = int(gr["year"]), False
    else:
        require(anchor, "year")
        y, relative = year_for_month(m, d1, anchor, tense), True
    a = timex("date", f"{y:04d}-{m:02d}-{d1:02d}", relative=relative)
    b = timex("date", f"{y:04d}-{m:02d}-{d2:02d}", relative=relative)
    return _range_result(a, b, anchor)


def _n_range_short(gr, g, anchor, tense, ref):
    a, b2 = int(gr["a"]), int(gr["b"])
    if gr["sep"] == "-" and gr["b"].startswith(("0", "1")) and 1 <= b2 <= 12 and b2 != (a + 1) % 100:
        return timex("date", f"{a:04d}-{b2:02d}")      # ISO year-month "2016-09"
    b = a - a % 100 + b2
    if b <= a:
        b += 100
    if b - a > 30:
        raise Reject("not a year range")
    return _range_result(timex("date", f"{a:04d}"), timex("date", f"{b:04d}"), anchor)


SPAN_RULES = {
    "range": _n_range, "range_days": _n_range_days, "range_short": _n_range_short, "set": _n_set,
    "duration": _n_duration, "vague_duration": _n_vague_duration, "rate": _n_rate,
    "duration_range": _n_duration_range, "vague_point": _n_vague_point,
}

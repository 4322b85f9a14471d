"""Normalizers of calendar expressions: absolute dates ("7 October 2023", "2016-09", "FY2025"),
months, days, seasons and weekdays written without a year (tense decides which one), decades,
centuries, quarters and clock times. One function per pattern rule, all with the signature
``(groups, grammar, anchor, tense, reference) -> value``."""
from __future__ import annotations

from .values import (
    NO_ANCHOR,
    NO_REFERENCE,
    Reject,
    Unresolved,
    day_number,
    direction,
    mod_of,
    month_number,
    norm_space,
    ordinal_value,
    require,
    timex,
    valid_day,
    weekday_date,
    year_for_month,
    year_for_season,
)


def _n_year(gr, g, anchor, tense, ref):
    y = int(gr["year"])
    return timex("date", f"{y:04d}", mod=mod_of(g, "approx_point", gr.get("approx")))


def _n_mod_year(gr, g, anchor, tense, ref):
    mod = mod_of(g, "prefix", gr.get("prefix")) if gr.get("prefix") else mod_of(g, "point", gr.get("mod"))
    return timex("date", gr["year"], mod=mod)


def _n_full(gr, g, anchor, tense, ref):
    y, m, d = int(gr["year"]), month_number(g, gr["month"]), day_number(gr["day"])
    if not valid_day(y, m, d):
        raise Reject("no such day")
    return timex("date", f"{y:04d}-{m:02d}-{d:02d}")


def _n_iso(gr, g, anchor, tense, ref):
    y, m, d = int(gr["year"]), int(gr["month"]), int(gr["day"])
    if not valid_day(y, m, d):
        raise Reject("no such day")
    return timex("date", f"{y:04d}-{m:02d}-{d:02d}")


def _n_numeric(gr, g, anchor, tense, ref):
    y, p1, p2 = int(gr["year"]), int(gr["p1"]), int(gr["p2"])
    # dots are read day-first (European), slashes month-first (US), unless a part exceeds 12
    if p1 > 12 or (gr["sep"] == "." and p2 <= 12):
        d, m = p1, p2
    else:
        m, d = p1, p2
    if not 1 <= m <= 12 or not valid_day(y, m, d):
        raise Reject("no such day")
    return timex("date", f"{y:04d}-{m:02d}-{d:02d}")


def _n_month_year(gr, g, anchor, tense, ref):
    return timex("date", f"{int(gr['year']):04d}-{month_number(g, gr['month']):02d}", mod=mod_of(g, "point", gr.get("mod")))


def _n_season_year(gr, g, anchor, tense, ref):
    code = g.seasons[gr["season"].lower()][0]
    return timex("date", f"{int(gr['year']):04d}-{code}", mod=mod_of(g, "point", gr.get("mod")))


def _n_event(gr, g, anchor, tense, ref):
    return timex("date", g.events[norm_space(gr["event"])])


def _n_day_month(gr, g, anchor, tense, ref):
    m, d = month_number(g, gr["month"]), day_number(gr["day"])
    if not valid_day(None, m, d):
        raise Reject("no such day")
    require(anchor, "year")
    y = year_for_month(m, d, anchor, tense)
    if not valid_day(y, m, d):
        y -= 1 if direction(tense) <= 0 else -1
    return timex("date", f"{y:04d}-{m:02d}-{d:02d}", relative=True, anchor=anchor.text)


def _n_month(gr, g, anchor, tense, ref):
    m = month_number(g, gr["month"])
    mod = mod_of(g, "point", gr.get("mod"))
    if anchor is None:
        return timex("date", None, mod=mod, relative=True, unresolved=NO_ANCHOR)
    y = year_for_month(m, None, anchor, tense)
    return timex("date", f"{y:04d}-{m:02d}", mod=mod, relative=True, anchor=anchor.text)


def _n_season(gr, g, anchor, tense, ref):
    code = g.seasons[gr["season"].lower()][0]
    mod = mod_of(g, "point", gr.get("mod"))
    if anchor is None:
        return timex("date", None, mod=mod, relative=True, unresolved=NO_ANCHOR)
    return timex("date", f"{year_for_season(code, anchor, tense):04d}-{code}", mod=mod, relative=True,
                   anchor=anchor.text)


def _n_weekday(gr, g, anchor, tense, ref):
    target = g.weekdays[gr["wd"]]
    require(anchor, "day")
    return timex("date", weekday_date(target, anchor, direction(tense)), relative=True, anchor=anchor.text)


def _n_decade(gr, g, anchor, tense, ref):
    mod = mod_of(g, "point", gr.get("mod"))
    if gr.get("dec"):
        return timex("date", gr["dec"][:3] + "X", mod=mod)
    if gr.get("word"):
        digit = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}[gr["word"].lower()]
        return timex("date", f"19{digit}X", mod=mod)
    d2 = int(gr["d2"])
    # "the '90s": the 20th century unless that decade is not yet over at the anchor (" '10s")
    now = anchor.year if anchor else None
    century = 20 if now is not None and 2000 + d2 <= now else 19
    if now is None and d2 < 30:
        century = 20
    return timex("date", f"{century}{d2 // 10}X", mod=mod)


def _n_century(gr, g, anchor, tense, ref):
    n = ordinal_value(g, gr["ord"])
    if n == "last" or not 1 <= n <= 22:
        raise Reject("not a century")
    return timex("date", f"{n - 1:02d}XX", mod=mod_of(g, "point", gr.get("mod")))


def _n_quarter(gr, g, anchor, tense, ref):
    part = gr["part"].lower()
    letter, count = ("Q", 4) if part in ("quarter", "q") else ("H", 2)
    n = gr.get("n")
    n = int(n) if n else ordinal_value(g, gr["ord"])
    if n == "last":
        n = count
    if not 1 <= n <= count:
        raise Reject(f"no {part} {n}")
    if gr.get("year"):
        return timex("date", f"{int(gr['year']):04d}-{letter}{n}")
    if gr.get("y2"):
        return timex("date", f"20{gr['y2']}-{letter}{n}")
    rel = norm_space(gr.get("rel", "").lower())
    if rel in ("that", "the same", "the previous", "the following"):
        if not ref:
            raise Unresolved(NO_REFERENCE)
        y = int(ref[:4]) + {"the previous": -1, "the following": 1}.get(rel, 0)
        return timex("date", f"{y:04d}-{letter}{n}", relative=True, anchor=ref)
    require(anchor, "year")
    if rel in ("last", "next"):
        y = anchor.year + (1 if rel == "next" else -1)
    elif rel:
        y = anchor.year
    else:  # "the third quarter", "Q3": tense decides this year or the previous/next one
        y = anchor.year
        if anchor.month is not None:
            current = (anchor.month - 1) // (12 // count) + 1
            d = direction(tense)
            if d < 0 and n > current:
                y -= 1
            elif d > 0 and n < current:
                y += 1
    return timex("date", f"{y:04d}-{letter}{n}", relative=True, anchor=anchor.text)


def _n_fiscal(gr, g, anchor, tense, ref):
    y = gr["year"]
    return timex("date", f"FY{'20' + y if len(y) == 2 else y}")


def _n_time(gr, g, anchor, tense, ref):
    h, mi = int(gr["h"]), int(gr.get("mi") or 0)
    ampm = (gr.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    return timex("time", f"T{h:02d}:{mi:02d}")


CALENDAR_RULES = {
    "full": _n_full, "iso": _n_iso, "numeric": _n_numeric, "quarter": _n_quarter, "qcode": _n_quarter,
    "decade": _n_decade, "century": _n_century, "season_year": _n_season_year,
    "month_year": _n_month_year, "event": _n_event, "day_month": _n_day_month, "fiscal": _n_fiscal,
    "mod_year": _n_mod_year, "year": _n_year, "time": _n_time, "weekday": _n_weekday, "month": _n_month,
    "season": _n_season,
}

"""Normalizers of calendar expressions: absolute dates ("7 October 2023", "2016-09", "FY2025"),
months, days, seasons and weekdays written without a year (tense decides which one), decades,
centuries, quarters and clock times. One function per pattern rule, all with the signature
``(groups, grammar, anchor, tense, reference) -> value``."""
from __future__ import annotations

import calendar
import datetime as _dt
import re

from .values import (
    NO_ANCHOR,
    NO_REFERENCE,
    Anchor,
    Reject,
    Unresolved,
    day_number,
    direction,
    holiday_key,
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
    zone = g.zones.get(norm_space(gr.get("zone") or gr.get("tz") or ""))
    return timex("time", f"T{h:02d}:{mi:02d}{zone_offset(zone, anchor) if zone else ''}")


def zone_offset(zone: str, anchor: Anchor | None) -> str:
    """ "+03:00": a fixed offset as written, or an IANA zone's offset on the anchor's day (its month,
    its year's January, or 1 January 2000 when there is no anchor: summer time needs a day)."""
    if zone[:1] in "+-":
        return zone
    from zoneinfo import ZoneInfo

    day = _dt.datetime(anchor.year if anchor else 2000, (anchor.month or 1) if anchor else 1,
                       (anchor.day or 15) if anchor and anchor.month else 1, 12)
    off = ZoneInfo(zone).utcoffset(day)
    minutes = int(off.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _n_holiday(gr, g, anchor, tense, ref):
    """ "Independence Day, 2027" -> 2027-07-04; without a year a fixed holiday resolves like "July 4"
    (tense decides the year) and a movable one has no value (CONVENTIONS)."""
    rule = g.holidays[holiday_key(gr["holiday"])]
    if gr.get("year"):
        return timex("date", holiday_date(rule, int(gr["year"])).isoformat())
    if not re.fullmatch(r"\d\d-\d\d", rule):
        raise Unresolved("movable feast without a year")
    m, d = int(rule[:2]), int(rule[3:])
    require(anchor, "year")
    y = year_for_month(m, d, anchor, tense)
    return timex("date", f"{y:04d}-{m:02d}-{d:02d}", relative=True, anchor=anchor.text)


def holiday_date(rule: str, year: int) -> _dt.date:
    """The day of a holiday rule (holidays.tsv) in ``year``."""
    if rule.startswith("easter"):
        return _easter(year) + _dt.timedelta(days=int(rule[6:]))
    if "/" in rule:
        month, weekday, nth = (int(x) for x in rule.split("/"))
        if nth > 0:
            first = _dt.date(year, month, 1)
            return first + _dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
        last = _dt.date(year, month, calendar.monthrange(year, month)[1])
        return last - _dt.timedelta(days=(last.isoweekday() - weekday) % 7)
    return _dt.date(year, int(rule[:2]), int(rule[3:]))


def _easter(year: int) -> _dt.date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return _dt.date(year, month, day)


CALENDAR_RULES = {
    "full": _n_full, "iso": _n_iso, "numeric": _n_numeric, "quarter": _n_quarter, "qcode": _n_quarter,
    "decade": _n_decade, "century": _n_century, "season_year": _n_season_year,
    "month_year": _n_month_year, "event": _n_event, "day_month": _n_day_month, "fiscal": _n_fiscal,
    "mod_year": _n_mod_year, "year": _n_year, "time": _n_time, "weekday": _n_weekday, "month": _n_month,
    "season": _n_season, "holiday": _n_holiday,
}

"""TIMEX3 values: the value dict, anchors (publication date or an earlier date), small calendar
arithmetic, and the lexicon lookups the normalizers share. Pure functions of their inputs."""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

from .compiled import Grammar, Unit

TYPES = ("date", "time", "duration", "set")
NO_ANCHOR = "no publication date"
NO_REFERENCE = "no earlier date in the text"
VAGUE = "vague: no value by convention"
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def timex(type_: str, value: str | None = None, *, mod: str | None = None, relative: bool = False,
          anchor: str | None = None, begin: str | None = None, end: str | None = None,
          unresolved: str | None = None) -> dict:
    """The value dict of one expression (``span._.date``), every key always present."""
    return {"type": type_, "value": value, "mod": mod, "relative": relative, "anchor": anchor,
            "begin": begin, "end": end, "unresolved": unresolved}


class Reject(Exception):
    """The match is not a date after all (normalize-time check)."""


class Unresolved(Exception):
    """A relative expression whose anchor is missing or too coarse."""


def norm_space(s: str) -> str:
    """``s`` with every run of whitespace as one space, stripped (the form tables are keyed by)."""
    return " ".join(s.split())


def holiday_key(form: str) -> str:
    """The key of a holiday as written: curly apostrophes as straight ones, spaces single."""
    return norm_space(form.replace("’", "'"))


@dataclass(frozen=True)
class Anchor:
    """A date that relative expressions are resolved against, at its own precision."""

    text: str
    year: int
    month: int | None
    day: int | None

    @property
    def date(self) -> _dt.date | None:
        """The anchor as a calendar day (None when it has no day)."""
        return _dt.date(self.year, self.month, self.day) if self.month and self.day else None


_ANCHOR = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_anchor(text: str | None) -> Anchor | None:
    """ "2016", "2016-09", "2016-09-12" (or an ISO timestamp) -> Anchor; anything else -> None."""
    if not text:
        return None
    m = _ANCHOR.match(text.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    mo_i = int(mo) if mo and 1 <= int(mo) <= 12 else None
    d_i = int(d) if d and mo_i and 1 <= int(d) <= calendar.monthrange(y, mo_i)[1] else None
    return Anchor(text.strip()[: m.end()], y, mo_i, d_i)


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _iso_week(d: _dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def direction(tense: str | None) -> int:
    """-1 for a past sentence, 1 for a future one, 0 otherwise."""
    return {"past": -1, "future": 1}.get(tense or "", 0)


def year_for_month(month: int, day: int | None, anchor: Anchor, tense: str | None) -> int:
    """Year of a month (and day) written without one: tense decides past or future occurrence."""
    d = direction(tense)
    if d == 0 or anchor.month is None:
        return anchor.year
    if day is None or anchor.day is None:   # compare at the coarser of the two granularities
        here, there = (anchor.month, 0), (month, 0)
    else:
        here, there = (anchor.month, anchor.day), (month, day)
    if d > 0:
        return anchor.year if there >= here else anchor.year + 1
    return anchor.year if there <= here else anchor.year - 1


def year_for_season(code: str, anchor: Anchor, tense: str | None) -> int:
    """Year of a season written without one ("in the summer"), like :func:`year_for_month`."""
    d = direction(tense)
    first, last = SEASON_MONTHS[code]
    month = anchor.month
    if month is None:
        return anchor.year
    if code == "WI" and month <= 2:
        month += 12          # January/February belong to the winter that began the year before
        year = anchor.year - 1
    else:
        year = anchor.year
    if d < 0:
        return year if first <= month else year - 1
    if d > 0:
        return year if month <= last else year + 1
    return year


def valid_day(y: int | None, m: int, d: int) -> bool:
    """Is ``d`` a day of month ``m`` of year ``y`` (no year: of a leap year)?"""
    return 1 <= d <= calendar.monthrange(y or 2000, m)[1]


def number_value(g: Grammar, text: str | None) -> float | None:
    """Number phrase -> float; None for vague counts ("several")."""
    if text is None:
        return None
    t = norm_space(text.lower())
    half = 0.0
    if t.endswith(" and a half"):
        t, half = t[: -len(" and a half")], 0.5
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", t):
        return float(t.replace(",", "")) + half
    if t in g.numbers:
        v = g.numbers[t]
        return None if v == "X" else float(v) + half
    parts = re.split(r"[\s-]", t)
    if len(parts) == 2 and parts[0] in g.numbers and parts[1] in g.numbers:
        a, b = g.numbers[parts[0]], g.numbers[parts[1]]
        if a != "X" and b != "X":
            return float(a) + float(b) + half
    raise Reject(f"not a number: {text!r}")


def ordinal_value(g: Grammar, text: str) -> int | str:
    """ "3rd", "third" -> 3; "last", "final" -> "last" (Reject: not an ordinal)."""
    t = norm_space(text.lower())
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", t)
    if m:
        return int(m.group(1))
    v = g.ordinals.get(t) or g.ordinals.get(t.replace(" ", "-"))
    if v is None:
        raise Reject(f"not an ordinal: {text!r}")
    return v if v == "last" else int(v)


def month_number(g: Grammar, text: str) -> int:
    """Number (1-12) of a month name as written ("Sept.", "October")."""
    return g.months[norm_space(text)][0]


def day_number(text: str) -> int:
    """Day of a day phrase ("7th" -> 7)."""
    return int(re.match(r"\d+", text).group(0))


def mod_of(g: Grammar, kind: str, text: str | None) -> str | None:
    """TIMEX3 ``mod`` of a modifier of the given kind (modifiers.tsv), None when there is none."""
    if not text:
        return None
    return g.mods.get(kind, {}).get(norm_space(text.lower()))


def duration_value(n: float | None, unit: Unit) -> str:
    """ISO 8601 duration of ``n`` units ("P70Y", "P18M", "PT48H"); ``n`` None: a vague count ("PXY")."""
    if n is None:
        return f"PT X{unit.vague}".replace(" ", "") if unit.time else f"PX{unit.vague}"
    total = n * unit.factor
    iso = unit.iso
    if iso == "Y" and not float(total).is_integer() and float(total * 12).is_integer():
        total, iso = total * 12, "M"
    if iso == "W" and not float(total).is_integer() and float(total * 7).is_integer():
        total, iso = total * 7, "D"
    return f"PT{_fmt_num(total)}{iso}" if unit.time else f"P{_fmt_num(total)}{iso}"


def require(anchor: Anchor | None, what: str) -> None:
    """Raise Unresolved when the anchor lacks the precision ``what`` (month|day)."""
    if anchor is None:
        raise Unresolved(NO_ANCHOR)
    if what in ("month", "day") and anchor.month is None:
        raise Unresolved(f"anchor {anchor.text} has no month")
    if what == "day" and anchor.day is None:
        raise Unresolved(f"anchor {anchor.text} has no day")


def shift(unit: str, k: int, anchor: Anchor) -> str:
    """The calendar unit ``k`` steps from the anchor: year/month/week/day/decade/century/quarter/weekend."""
    if unit == "year":
        return f"{anchor.year + k:04d}"
    if unit == "decade":
        return f"{(anchor.year // 10 + k):03d}X"
    if unit == "century":
        return f"{(anchor.year // 100 + k):02d}XX"
    if unit in ("month", "quarter"):
        require(anchor, "month")
        if unit == "month":
            y, m = _shift_month(anchor.year, anchor.month, k)
            return f"{y:04d}-{m:02d}"
        q = (anchor.month - 1) // 3 + k
        return f"{anchor.year + q // 4:04d}-Q{q % 4 + 1}"
    require(anchor, "day")
    if unit == "day":
        return (anchor.date + _dt.timedelta(days=k)).isoformat()
    week = _iso_week(anchor.date + _dt.timedelta(weeks=k))
    return week + "-WE" if unit == "weekend" else week


def weekday_date(target: int, anchor: Anchor, d: int, strict: bool = False) -> str:
    """The day with ISO weekday ``target`` nearest the anchor, before it (``d`` < 0), after it
    (``d`` > 0) or either way; ``strict``: never the anchor's own day ("last Tuesday")."""
    require(anchor, "day")
    today = anchor.date
    back = (today.isoweekday() - target) % 7
    fwd = (target - today.isoweekday()) % 7
    if strict:
        back, fwd = back or 7, fwd or 7
    if d < 0:
        delta = -back
    elif d > 0:
        delta = fwd
    else:
        delta = -back if back <= fwd else fwd
    return (today + _dt.timedelta(days=delta)).isoformat()

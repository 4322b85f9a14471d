"""Dates in their text: the value of each found expression given its sentence's tense, the last
date mentioned before it ("that year", "two years later") and the date its paragraph narrates
("In February 1989 ... In May, ..."), and coordinated dates sharing their year ("in June and July
2024"). The state carried from one date to the next is local to :func:`resolve_dates`."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .compiled import Grammar
from .find import Candidate, Found, iter_found
from .grammar import default_grammar
from .normalize import normalize_cached
from .normalize_calendar import zone_offset
from .phrase import normalize_groups
from .speed import DocView
from .tense import tense_at
from .values import Reject, day_number, month_number, parse_anchor

# Rules whose value depends on the tense of the sentence.
TENSE_RULES = frozenset({"month", "day_month", "season", "weekday", "quarter", "qcode", "range", "range_days", "partof"})
_COORD_GAP = re.compile(r"\s*(?:,\s*and|,\s*or|,|and|or|to|through|until|[–-])\s*", re.IGNORECASE)
_YEARLESS_RULES = frozenset({"month", "day_month", "season"})


def resolve_dates(view: DocView, anchor: str | None, *, use_parse: bool, discourse_refs: bool) -> Iterator[tuple[Found, dict]]:
    """Every date of the document's body sentences with its value (``span._.date``), in order.

    ``anchor``: the publication date; ``use_parse``: read the tense from a dependency parse when
    there is one; ``discourse_refs``: resolve "that year" against the last date mentioned and let
    a narrating paragraph lend its year. A sentence's dates are yielded once the sentence is
    complete (coordinated dates share their year within it)."""
    g = view.g
    cached = g is default_grammar()
    reference: str | None = None
    narrative: tuple[str, int] | None = None   # last explicit date and its paragraph
    sentence: list[tuple[Found, dict]] = []
    for f in iter_found(view):
        if sentence and sentence[-1][0].sent != f.sent:
            yield from _shared(g, view.text, sentence)
            sentence = []
        cand = f.cand
        tense = tense_at(view, f.sent, f.start, f.end, use_parse) if cand.rule in TENSE_RULES else None
        ref = reference if discourse_refs else None
        try:
            if cached:
                value = normalize_cached(cand.rule, tuple(sorted(cand.groups.items())), anchor, tense, ref)
            else:
                value = normalize_groups(cand.rule, cand.groups, g, parse_anchor(anchor), tense, ref)
        except Reject:
            continue
        value = dict(value)
        if discourse_refs and cand.rule in _YEARLESS_RULES and value["relative"] \
                and tense not in ("future", "present") and narrative is not None \
                and narrative[1] == view.paragraph_of(cand.start):
            _narrative_year(g, value, cand, narrative[0], anchor)
        sentence.append((f, value))
        v = value["end"] or value["value"]
        if v and v[:4].isdigit():
            reference = v
            if not value["relative"] and re.match(r"\d{4}(?:-|$)", v):
                narrative = (v, view.paragraph_of(cand.start))
    yield from _shared(g, view.text, sentence)


def _shared(g: Grammar, text: str, found: list[tuple[Found, dict]]) -> list[tuple[Found, dict]]:
    """One sentence's dates after coordinated dates share their year and times take their day."""
    share_year(text, [(f.cand, value) for f, value in found], g)
    times_on_their_day(g, [(f.cand, value) for f, value in found])
    return found


def times_on_their_day(g: Grammar, found: list[tuple[Candidate, dict]]) -> None:
    """A clock time after a day in its sentence is a time of that day, its zone's offset taken on it
    ("On 2 May 2030, at 9:30 Kyiv time" -> 2030-05-02T09:30+03:00; CONVENTIONS). Edits in place."""
    day = None
    for cand, value in found:
        v = value["value"] or ""
        if re.fullmatch(r"\d{4}-\d\d-\d\d", v):
            day = v
        elif cand.rule == "time" and v.startswith("T") and day is not None:
            zone = g.zones.get(" ".join((cand.groups.get("zone") or cand.groups.get("tz") or "").split()))
            clock = v[:6]
            offset = zone_offset(zone, parse_anchor(day)) if zone else v[6:]
            value.update(value=f"{day}{clock}{offset}")


def _narrative_year(g: Grammar, value: dict, cand: Candidate, ref: str, anchor: str | None) -> None:
    """A month/day/season without a year, in a past-tense sentence of a paragraph whose last
    explicit date is a month (season, quarter) of an earlier year, belongs to that year: "In
    February 1989 Soviet troops left. In May, ..." -> 1989-05 (the paragraph narrates; the
    publication date would give the wrong year). Not after a bare year ("by 2023", "since
    1971": news paragraphs cite those too), not for the reference's own month, and only when the
    reference year lies before the anchor's. Edits ``value`` in place."""
    m = re.match(r"(\d{4})-(\d\d|SP|SU|FA|WI|Q[1-4]|H[12])", ref)
    if m is None:
        return  # a bare year ("by 2023", "since 1971") sets no narrative: the paragraph may be news
    ref_year = int(m.group(1))
    pub = parse_anchor(anchor)
    if pub is not None and ref_year >= pub.year:
        return
    own = value["value"]
    if own:
        rest = own[4:]
        if rest[1:3] == m.group(2):
            return  # "withdrew in May 2018 and ended the waivers in May": not the same May again
    else:
        groups = cand.groups
        if cand.rule == "season":
            rest = "-" + g.seasons[groups["season"].lower()][0]
        else:
            rest = f"-{month_number(g, cand.groups['month']):02d}" + (f"-{day_number(groups['day']):02d}" if groups.get("day") else "")
    value.update(value=f"{ref_year:04d}{rest}", anchor=ref, relative=True, unresolved=None)


def share_year(text: str, found: list[tuple[Candidate, dict]], g: Grammar | None = None) -> None:
    """A month/day/season without a year takes the year of the date coordinated after it.

    "in June and July 2024", "in March, April and May 2019", "on 7 October and 9 November 2023":
    the yearless date gets the explicit year (the year before when its month comes later in
    the calendar: "December and January 2024" -> 2023-12). Edits the value dicts in place.
    ``g``: the grammar that found them (default: the packaged one).
    """
    g = g or default_grammar()
    for i in range(len(found) - 2, -1, -1):
        cand, value = found[i]
        nxt, nvalue = found[i + 1]
        if cand.rule not in _YEARLESS_RULES or not value["relative"] and value["value"] is not None:
            continue
        nv = nvalue["value"]
        if not nv or not re.match(r"\d{4}-(?:\d\d|SP|SU|FA|WI)", nv) or nvalue["relative"] and nxt.rule not in _YEARLESS_RULES:
            continue
        if not _COORD_GAP.fullmatch(text, cand.end, nxt.start):
            continue
        if nvalue["relative"] and not nvalue.get("_shared"):
            continue
        year = int(nv[:4])
        own = value["value"] or ""
        m = re.match(r"\d{4}-(\d\d|SP|SU|FA|WI)(.*)", own)
        if m is None:
            if cand.rule == "month":
                part = f"{month_number(g, cand.groups['month']):02d}"
            else:
                continue
            rest = ""
        else:
            part, rest = m.group(1), m.group(2)
        order = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
        mine = order.get(part) or int(part)
        theirs = order.get(nv[5:7]) or int(nv[5:7])
        if mine > theirs:
            year -= 1
        value.update(value=f"{year:04d}-{part}{rest}", relative=False, anchor=None, unresolved=None)
        value["_shared"] = True
    for _, value in found:
        value.pop("_shared", None)

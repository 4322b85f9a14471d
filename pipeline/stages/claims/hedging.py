"""Hedging and clause position: certainty from hedge / booster cues, and the cues that lie in a
fronted or subordinate clause (their type counts less; hedges in a fronted clause do not hedge
the claim). Pure."""
from __future__ import annotations

from collections.abc import Iterable

from .context import Unit
from .cues import Cue
from .rules import WordSets
from .speed import SUBORD_LOW_RE, SUBORD_MAX, SUBORD_RE, TokenTable

CERTAINTY_RANK = {"low": 0, "medium": 1, "high": 2}
SUB_FACTOR = 0.7  # weight of a type cue in a subordinate clause when the main clause has one of its own


def is_hedge(row) -> bool:
    """An epistemic hedge by CONVENTIONS.md: a hedge family, not flagged ``not_hedge`` ("would",
    ability "could not", "relatively", "partly", approximators count toward the score only)."""
    return bool(row.family) and row.family != "booster" and "not_hedge" not in row.flags


def normalize_certainty(cues: Iterable[Cue]) -> tuple[bool, str, bool]:
    """(hedged, certainty, negative_polarity) from hedge/booster cues. Pure.

    Hedged when any hedge cue fires; certainty is the lowest hedge certainty, else "high"
    (a categorical assertion or a booster). A negative-polarity cue ("unlikely",
    "inconceivable", "the chances ... are zero") makes the claim negated.
    """
    certainty: str | None = None  # of the first hedge with the lowest rank
    rank = 0
    neg = False
    for c in cues:
        row = c.row
        if not row.family:
            continue
        if row.family == "booster":
            neg = neg or row.polarity == "neg"
        elif row.lexicon in ("modality", "frames") and not c.fronted:
            neg = neg or row.polarity == "neg"
            if not is_hedge(row):
                continue  # scores like a hedge but CONVENTIONS says it does not hedge on its own
            r = CERTAINTY_RANK.get(row.certainty, 1)
            if certainty is None or r < rank:
                certainty, rank = row.certainty, r
    if certainty is not None:
        return True, certainty, neg
    return False, "high", neg


def _position_matters(cues: list[Cue]) -> bool:
    """A hedge, or type cues of two types: only then can clause position change the outcome."""
    first_type = None
    for c in cues:
        row = c.row
        if row.family:
            return True  # a hedge
        t = row.type
        if t:
            if first_type is None:
                first_type = t
            elif t != first_type:
                return True  # a second type
    return False


def mark_subordinate(cues: list[Cue], tt: TokenTable, start: int, end: int, unit: Unit, words: WordSets) -> list[Cue]:
    """The cues of the clause [start, end) of ``unit``, those in a fronted clause ("Although ...,")
    marked ``fronted``, and those in a fronted or subordinate clause weighted SUB_FACTOR when a
    type cue lies in the main clause. Returns ``cues`` itself when nothing changes."""
    if not _position_matters(cues):
        return cues
    i0 = tt.next(start, end)
    if i0 < 0:
        return cues
    low = tt.low
    base = tt.idx[i0]
    text = unit.text[base - unit.start_char:tt.end[end - 1] - unit.start_char]
    fronted_end = None  # char offset of the comma closing a fronted subordinate clause
    if low[i0] in words.fronted_opener or (low[i0] in ("but", "and", "so", "yet") and i0 + 1 < end and low[i0 + 1] in words.fronted_opener):
        k = text.find(",")
        if k > 0:
            fronted_end = base + k
    sub_start = _subordinate_start(cues, tt, i0, base, text, fronted_end, unit)
    if fronted_end is None and sub_start is None:
        return cues  # no fronted or subordinate clause: every cue is in the main clause
    main_types = {
        c.row.type for c in cues
        if c.row.type and not ((fronted_end is not None and c.start_char < fronted_end) or (sub_start is not None and c.start_char >= sub_start))
    }
    out = []
    for c in cues:
        in_front = fronted_end is not None and c.start_char < fronted_end
        in_sub = sub_start is not None and c.start_char >= sub_start
        if in_front or (in_sub and main_types):
            c = c._replace(fronted=c.fronted or in_front, factor=SUB_FACTOR if main_types else c.factor)
        out.append(c)
    return out


def _subordinate_start(cues: list[Cue], tt: TokenTable, i0: int, base: int, text: str, fronted_end: int | None, unit: Unit) -> int | None:
    """Char offset of the first subordinator after the clause's first word (or after a fronted
    clause) that is not inside a quotation, up to the last cue; None if there is none."""
    pos = (fronted_end - base + 1) if fronted_end is not None else len(tt.txt[i0])
    # a subordinate clause starting after the last cue changes nothing (no cue is in it), so the
    # search stops there; a match starting up to that cue reads no further than SUBORD_MAX + 1
    # chars on, so it is found as in the whole text
    endpos = min(len(text), max(c.start_char for c in cues) - base + SUBORD_MAX + 2)
    if unit.fast_low is not None:
        offset = base - unit.start_char
        matches = SUBORD_LOW_RE.finditer(unit.fast_low[offset:offset + len(text)], pos, endpos)
    else:
        matches = SUBORD_RE.finditer(text, pos, endpos)
    quotes = unit.quotes
    for m in matches:
        char = base + m.start()
        if quotes is None or quotes.at(char) is None:
            return char
    return None

"""Quotations: marks paired per paragraph (:func:`find_quotes`), and the lookups the rules make
on a Doc's attributed quotations (:class:`QuoteIndex`). Who speaks a quotation is decided in
:mod:`.attribution`."""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

OPEN_QUOTE_PREV = set(" \t([{—–-/:;,")  # a straight quote mark after one of these opens a quotation
DOUBLE_MARKS_RE = re.compile('[“”"]')
SINGLE_MARKS_RE = re.compile("[‘’']")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: [start, end) includes the marks; inner text is [inner_start, inner_end).
    The speaker fields are set by :func:`~.attribution.attribute_quotes` (a new Quote each)."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool
    words: int
    speaker: str | None = None
    speaker_span: tuple[int, int] | None = None
    entity_span: tuple[int, int] | None = None
    cue_text: str | None = None
    cue_span: tuple[int, int] | None = None
    speech: bool = False  # attributed, or long enough to be speech rather than scare quotes


def find_quotes(text: str) -> list[Quote]:
    """Pair quotation marks per paragraph (line). Curly and straight, double and single.

    A ’ between letters is an apostrophe; an unclosed opening mark runs to the end of its
    paragraph (the convention for quotations that continue). Quotes inside another are dropped.
    """
    found: list[Quote] = []
    for m in re.finditer(r"[^\n]+", text):
        para, base = m.group(), m.start()
        if '"' in para or "“" in para:
            found.extend(_pair_double(para, base))
        if "‘" in para or "'" in para:
            found.extend(_pair_single(para, base))
    found.sort(key=lambda q: (q.start, -q.end))
    out: list[Quote] = []
    for q in found:
        if out and q.start < out[-1].end:  # nested or overlapping: keep the outer one
            continue
        out.append(q)
    return out


def _mk_quote(para: str, base: int, i: int, j: int | None) -> Quote:
    inner_end = j if j is not None else len(para)
    inner = para[i + 1:inner_end]
    return Quote(
        start=base + i, end=base + (j + 1 if j is not None else len(para)), inner_start=base + i + 1,
        inner_end=base + inner_end, closed=j is not None, words=len(inner.split()),
    )


def _pair_double(para: str, base: int) -> list[Quote]:
    out: list[Quote] = []
    open_i: int | None = None
    for m in DOUBLE_MARKS_RE.finditer(para):
        i, ch = m.start(), m.group()
        if ch == "“":
            if open_i is None:
                open_i = i
        elif ch == "”":
            if open_i is not None:
                out.append(_mk_quote(para, base, open_i, i))
                open_i = None
        elif ch == '"':
            if open_i is None:
                if i == 0 or para[i - 1] in OPEN_QUOTE_PREV:
                    open_i = i
            else:
                out.append(_mk_quote(para, base, open_i, i))
                open_i = None
    if open_i is not None:
        out.append(_mk_quote(para, base, open_i, None))
    return out


def _pair_single(para: str, base: int) -> list[Quote]:
    out: list[Quote] = []
    open_i: int | None = None
    n = len(para)
    for m in SINGLE_MARKS_RE.finditer(para):
        i, ch = m.start(), m.group()
        prev = para[i - 1] if i else " "
        nxt = para[i + 1] if i + 1 < n else " "
        if open_i is None:
            if ch == "‘" and not nxt.isdigit() and not nxt.isspace():
                open_i = i
            elif ch == "'" and prev in OPEN_QUOTE_PREV and nxt.isalpha():
                open_i = i
        elif ch in "’'" and not prev.isspace() and not nxt.isalpha():
            out.append(_mk_quote(para, base, open_i, i))
            open_i = None
    # an unclosed single quote is far more often an apostrophe problem than a long quotation
    return out


class QuoteIndex:
    """A Doc's quotations (sorted, not overlapping, so their ends increase with their starts) and
    the lookups by char offset the rules make on them."""

    __slots__ = ("quotes", "starts")

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.quotes = list(quotes)
        self.starts = [q.start for q in self.quotes]

    def __bool__(self) -> bool:
        return bool(self.quotes)

    def at(self, char: int) -> Quote | None:
        """The quotation holding ``char``, if any."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and self.quotes[i].start <= char < self.quotes[i].end:
            return self.quotes[i]
        return None

    def over(self, start_char: int, end_char: int) -> bool:
        """A quotation overlaps [start_char, end_char) (the last one starting before ``end_char`` decides)."""
        i = bisect.bisect_left(self.starts, end_char) - 1
        return i >= 0 and self.quotes[i].end > start_char

    def within(self, start_char: int, end_char: int) -> list[Quote]:
        """The quotations starting in [start_char, end_char)."""
        return self.quotes[bisect.bisect_left(self.starts, start_char):bisect.bisect_left(self.starts, end_char)]

    def speech_over(self, start_char: int, end_char: int) -> Quote | None:
        """The speech quotation covering most of [start_char, end_char), if it covers >= 50%
        (>= 30% when its attribution cue lies inside the range)."""
        best, best_cov = None, 0.0
        length = max(1, end_char - start_char)
        first = max(0, bisect.bisect_right(self.starts, start_char) - 1)
        quotes = self.quotes
        for k in range(first, len(quotes)):
            q = quotes[k]
            if q.end <= start_char:
                continue
            if q.start >= end_char:
                break
            if not q.speech:
                continue
            cov = (min(q.end, end_char) - max(q.start, start_char)) / length
            if cov > best_cov:
                best, best_cov = q, cov
        if best is not None and (best_cov >= 0.5 or (best.speaker and best.cue_span and start_char <= best.cue_span[0] < end_char and best_cov >= 0.3)):
            return best
        return None

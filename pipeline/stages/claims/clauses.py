"""Clauses: where a unit may split (";", ", but/yet/however/although/though", ":" before a speech
quotation), and which clauses stay separate claims: those of different speakers, or of clearly
different types with strong cues on both sides; the others merge back. Pure."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import NamedTuple

from .attribution import Attribution
from .cues import Cue
from .quotes import Quote, QuoteIndex
from .scoring import best_type, type_strengths
from .speed import TokenTable

# clause split points; the connector list mirrors discourse.tsv kind=split minus while/whereas
SPLIT_RE = re.compile(r";|,\s+(?:but|yet|however|although|though)\b|:(?=\s*[“\"‘'])", re.I)
STRONG = 1.5  # type strength from which two clauses of different types stay apart


class SubRange(NamedTuple):
    """A clause merged into a part: its tokens and words (the part's score is its best clause's)."""

    start: int  # token
    end: int
    words: int


class Voice(NamedTuple):
    """Who speaks a clause: a quotation, a reported-speech attribution, or the author."""

    quote: Quote | None = None
    attribution: Attribution | None = None
    key: str = "author"  # the speaker, lowercased ("unknown" for an unattributed quotation)

    @property
    def attribution_span(self) -> tuple[int, int] | None:
        att = self.attribution
        return (att.cue_start, att.cue_end) if att is not None else None


AUTHOR = Voice()


@dataclass(frozen=True, slots=True)
class Part:
    """A clause or merged clauses of a unit, typed: a claim candidate before trimming and scoring."""

    start: int  # token
    end: int
    cues: list[Cue]
    words: int
    subs: tuple[SubRange, ...]
    voice: Voice
    strengths: dict[str, float]  # per claim type, without the attribution cue
    type: str
    strength: float


def make_part(start: int, end: int, cues: list[Cue], words: int, subs: tuple[SubRange, ...], voice: Voice) -> Part:
    """The Part of the tokens [start, end) with its type from ``cues``."""
    strengths = type_strengths(cues, voice.attribution_span)
    ctype, strength = best_type(strengths)
    return Part(start, end, cues, words, subs, voice, strengths, ctype, strength)


def clause_bounds(tt: TokenTable, start: int, end: int, text: str, quotes: QuoteIndex | None) -> list[tuple[int, int]]:
    """Token ranges of the clauses of the unit [start, end) (``text``: its text; ``quotes``: the
    Doc's quotations when one overlaps the unit; split points inside one are skipped)."""
    m = SPLIT_RE.search(text)
    if m is None:
        return [(start, end)] if end > start else []  # no split point (most sentences)
    base = tt.idx[start]
    bounds = [start]
    for m in SPLIT_RE.finditer(text, m.start()):
        char = base + m.start()
        if quotes is not None and quotes.at(char) is not None:
            continue
        i = bisect.bisect_right(tt.idx, char, start, end) - 1  # the punctuation token
        if m.group() == ";" or m.group().startswith(","):
            bounds.append(i + 1)
        else:  # colon: split before the quotation mark if it opens a speech quote
            j = tt.next(i + 1, end)
            if j >= 0 and quotes is not None:
                q = quotes.at(tt.idx[j])
                if q is not None and q.speech:
                    bounds.append(j)
    if len(bounds) == 1:
        return [(start, end)] if end > start else []
    bounds = sorted(set(b for b in bounds if start <= b < end))
    return [(a, b) for a, b in zip(bounds, bounds[1:] + [end]) if b > a]


def merge_parts(parts: list[Part]) -> list[Part]:
    """Neighbouring parts merged unless their speakers differ or both carry strong cues of
    different types (a part of fewer than four words always merges)."""
    if len(parts) == 1:
        return parts
    merged: list[Part] = [parts[0]]
    for part in parts[1:]:
        cur = merged[-1]
        weak = cur.words < 4 or part.words < 4
        same = cur.voice.key == part.voice.key
        split = not weak and (not same or (
            cur.strength >= STRONG and part.strength >= STRONG and cur.type != part.type and cur.words >= 5 and part.words >= 5
        ))
        if split:
            merged.append(part)
            continue
        src = cur if (cur.voice.quote is not None or cur.voice.attribution is not None) else part
        merged[-1] = make_part(cur.start, part.end, cur.cues + part.cues, cur.words + part.words, cur.subs + part.subs, src.voice)
    return merged

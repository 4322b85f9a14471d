"""The sentence view every find function reads: the text, its light tokens, the rules and the
character ranges of names and dates, with the token-adjacency queries the rules ask."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .resources import FigureRules, Words
from .tokens import OPEN_QUOTES, Tok, tokenize


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence as the find functions read it: its text, light tokens, the rules, the
    character ranges (relative to the text) of names and of dates, and the document's dollar. Immutable; the queries below
    are the token-adjacency tests every rule asks (called ~50 times per token: no nested calls)."""

    text: str
    toks: list[Tok]
    rules: FigureRules
    words: Words
    blocked: tuple[tuple[int, int], ...] = ()
    dates: tuple[tuple[int, int], ...] = ()
    dollar: str | None = None  # the code of a bare "$" in this document, when not USD ("A$ ... $5bn")

    @classmethod
    def of(cls, text: str, rules: FigureRules, blocked: Sequence[tuple[int, int]] = (),
           dates: Sequence[tuple[int, int]] = (), dollar: str | None = None) -> Sentence:
        """The view of ``text`` (tokenized here)."""
        return cls(text, tokenize(text), rules, rules.words, tuple(blocked), tuple(dates), dollar)

    def tok(self, i: int) -> Tok | None:
        """Token ``i``, None outside the sentence."""
        toks = self.toks
        return toks[i] if 0 <= i < len(toks) else None

    def glued(self, i: int, j: int) -> bool:
        """Tokens i and j (j == i + 1) touch without whitespace."""
        toks = self.toks
        n = len(toks)
        return 0 <= i < n and 0 <= j < n and toks[i].end == toks[j].start

    def spaced(self, i: int, j: int) -> bool:
        """Tokens i and j (j == i + 1) are separated by one or two whitespace characters."""
        toks = self.toks
        n = len(toks)
        if not (0 <= i < n and 0 <= j < n):
            return False
        a_end, b_start = toks[i].end, toks[j].start
        return 0 < b_start - a_end <= 2 and not self.text[a_end:b_start].strip()

    def near(self, i: int, j: int) -> bool:
        """Glued or spaced."""
        return self.glued(i, j) or self.spaced(i, j)

    def join(self, a: int, b: int) -> str:
        """Source text of tokens a..b-1 (exact slice, so spacing and hyphens are preserved)."""
        if a >= b:
            return ""
        return self.text[self.toks[a].start : self.toks[b - 1].end]

    def is_sentence_initial(self, i: int) -> bool:
        """Only opening quotes or brackets before token ``i``."""
        j = i - 1
        while j >= 0 and self.toks[j].text in OPEN_QUOTES:
            j -= 1
        return j < 0

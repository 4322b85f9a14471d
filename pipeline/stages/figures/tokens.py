"""The stage's own light tokens and the lexicon tables matched over them.

The light tokenization is independent of the spaCy tokenizer, so "22.5bn" -> "22.5" "bn" and
"G7" -> "G" "7" whatever the pipeline's tokenizer does; offsets are relative to the scanned text.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

# digit runs, letter runs (with inner apostrophes), any other single character
TOKEN_RE = re.compile(r"(?<![\w.])\.\d+|\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*|['’][sS]\b|\S")
DASHES = frozenset({"-", "–", "—", "‑"})
OPEN_QUOTES = frozenset({"“", "‘", '"', "'", "(", "["})
CLOSERS = frozenset({".", ",", ";", ":", "”", "’", '"', ")", "]", "'"})
CLAUSE_PUNCT = (",", ";", ":", "(", ")", "–", "—")  # punctuation that ends a clause


class Tok:
    """A light token: text, offsets relative to the scanned text, lowercase form, digit / word flags."""

    __slots__ = ("text", "start", "end", "lower", "is_digit", "is_word")

    def __init__(self, text: str, start: int, end: int, lower: str, is_digit: bool, is_word: bool) -> None:
        self.text, self.start, self.end, self.lower, self.is_digit, self.is_word = text, start, end, lower, is_digit, is_word

    def __repr__(self) -> str:
        return f"Tok({self.text!r}, {self.start})"


def tokenize(text: str) -> list[Tok]:
    """Light tokens of ``text`` with offsets relative to ``text``."""
    # TOKEN_RE ends with \S and no alternative matches a space: the tokens cover every non-space
    # character and only whitespace lies between them, so each token starts at its first
    # occurrence after the previous one (cheaper than a match object per token).
    out = []
    append = out.append
    find = text.find
    end = 0
    for t in TOKEN_RE.findall(text):
        start = find(t, end)
        end = start + len(t)
        c = t[0]
        append(Tok(t, start, end, t.lower(), c.isdigit() or (c == "." and len(t) > 1), c.isalpha()))
    return out


def form_key(form: str, exact: bool | None = None) -> tuple[tuple[str, ...], bool]:
    """Token tuple of a lexicon form and whether it matches case-sensitively (a form with an
    uppercase letter does, unless ``exact`` says otherwise)."""
    is_exact = any(c.isupper() for c in form) if exact is None else exact
    return tuple(t.text if is_exact else t.lower for t in tokenize(form)), is_exact


_MISSING = object()


class PhraseTable:
    """Lexicon of multi-token forms, matched longest-first at a token position (or ending at one)."""

    def __init__(self) -> None:
        self.exact: dict[tuple[str, ...], object] = {}
        self.lower: dict[tuple[str, ...], object] = {}
        self.max_len = 0
        # quick rejection: the first / last token of every form (exact text, or lowercase)
        self.firsts: set[str] = set()
        self.lasts: set[str] = set()

    def add(self, form: str, value: object, *, exact: bool | None = None) -> None:
        """Add ``form`` -> ``value`` (case-sensitive when ``exact``, or when None and the form has a capital)."""
        toks, is_exact = form_key(form, exact)
        if not toks:
            return
        (self.exact if is_exact else self.lower)[toks] = value
        self.max_len = max(self.max_len, len(toks))
        self.firsts.add(toks[0])
        self.lasts.add(toks[-1])

    def match_at(self, toks: Sequence[Tok], i: int) -> tuple[object, int] | None:
        """(value, end index) of the longest form starting at token ``i``. Inner tokens of a multi-token
        form must be adjacent or separated by single spaces (no punctuation slips in)."""
        n = len(toks)
        if i >= n or (toks[i].lower not in self.firsts and toks[i].text not in self.firsts):
            return None
        for length in range(min(self.max_len, n - i), 0, -1):
            value = self._lookup(toks[i : i + length])
            if value is not _MISSING:
                return value, i + length
        return None

    def match_before(self, toks: Sequence[Tok], i: int) -> tuple[object, int] | None:
        """(value, start index) of the longest form ending right before token ``i``."""
        if i <= 0 or i > len(toks) or (toks[i - 1].lower not in self.lasts and toks[i - 1].text not in self.lasts):
            return None
        for length in range(min(self.max_len, i), 0, -1):
            value = self._lookup(toks[i - length : i])
            if value is not _MISSING:
                return value, i - length
        return None

    def _lookup(self, seq: Sequence[Tok]) -> object:
        """Value of the form spelled by ``seq`` (exact forms first), or ``_MISSING``."""
        length = len(seq)
        if length > 1 and any(seq[k + 1].start - seq[k].end > 1 for k in range(length - 1)):
            return _MISSING
        key_exact = tuple(t.text for t in seq)
        if key_exact in self.exact:
            return self.exact[key_exact]
        key_lower = tuple(t.lower for t in seq)
        if key_lower in self.lower:
            return self.lower[key_lower]
        return _MISSING

"""The segmenter's fast paths: string scans and prefilters that answer what a regular expression
would (each has a test that compares it with the regex), and the token-array writes.

A regex that is tried at every character of a long paragraph, or a Token object per token, cost
more than the rest of the stage; these helpers do the same in C-level string and array calls.
"""
from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc

# The characters _line_key drops from the end of a line (with whitespace).
_KEY_TRAILING = frozenset(".:»›→>|")
# The words boilerplate._CREDIT_MARK finds, and the characters its IGNORECASE also reads as a letter
# of those words (İ and ı as "i", ſ as "s": found by testing every code point), and the © sign.
_CREDIT_WORDS = ("courtesy", "photo", "image", "credit")
_CREDIT_ODD_CHARS = ("©", "\u0130", "\u0131", "\u017f")


def word_count(text: str) -> int:
    """Whitespace-separated words (``str.split`` and regex ``\\S+`` agree on what whitespace is)."""
    return len(text.split())


def word_count_upto(text: str, limit: int) -> int:
    """:func:`word_count`, or ``limit + 1`` when the text has more than ``limit`` words (with
    ``maxsplit``, a long paragraph is not cut into all of its words)."""
    return len(text.split(None, limit))


def line_key(text: str) -> str:
    """Lowercased line without trailing whitespace and ``.:»›→>|`` (a scan from the end: the regex
    ``[\\s.:»›→>|]+$`` tries every whitespace run of a long paragraph)."""
    key = text.strip().lower()
    end = len(key)
    while end and (key[end - 1] in _KEY_TRAILING or key[end - 1].isspace()):
        end -= 1
    return key[:end]


def line_key_min_len(text: str) -> int:
    """A lower bound of ``len(line_key(text))`` without lowercasing the text: the length of the
    stripped text without its trailing ``.:»›→>|`` (``str.lower`` never shortens a string and
    never turns another character into one of those or into whitespace: tested on every code
    point)."""
    end = len(text)
    while end and (text[end - 1] in _KEY_TRAILING or text[end - 1].isspace()):
        end -= 1
    return end - (len(text) - len(text.lstrip())) if end else 0


def may_have_credit_mark(text: str) -> bool:
    """False only when ``_CREDIT_MARK`` cannot match ``text`` (substring tests in C instead of a
    regex tried at every character): every character the regex matches is one of
    ``_CREDIT_ODD_CHARS`` or an ASCII letter that ``str.lower`` turns into the word's letter."""
    if any(c in text for c in _CREDIT_ODD_CHARS):
        return True
    lower = text.lower()
    return any(word in lower for word in _CREDIT_WORDS)


def tokens_at_chars(doc: Doc, chars: list[int]) -> list[int]:
    """The token starting at each character offset (for an offset inside a token, the one holding
    it), from the token offsets as an array: creating a Token object per token is the slow path."""
    token_starts = doc.to_array("IDX").astype("int64") if len(doc) else numpy.zeros(0, dtype="int64")
    return (numpy.searchsorted(token_starts, chars, side="right") - 1).tolist()


def write_sentence_starts(doc: Doc, starts: list[int]) -> None:
    """``is_sent_start`` True at the token indices ``starts`` (sorted), False everywhere else.

    One array write: setting ``token.is_sent_start`` one token at a time re-checks the whole Doc's
    annotation on every call (quadratic on long articles).
    """
    if not len(doc):
        return
    values = numpy.full((len(doc), 1), -1, dtype="int64")
    values[starts, 0] = 1
    doc.from_array([SENT_START], values.astype("uint64"))

"""Find the words that bound or approximate a figure: before it ("more than", "nearly", "up to")
and after it ("-plus", "+", "or more")."""
from __future__ import annotations

from .sentence import Sentence
from .tokens import DASHES


def qualifier_before(s: Sentence, i0: int, unit: str | None) -> tuple[str, int] | None:
    """(qualifier, first token) of the qualifier right before token ``i0`` of a figure with
    ``unit``. "over", "under", "above" and "below" are prepositions after nouns such as "dispute"
    ("a dispute over four islands") and before a duration ("$10bn over ten years"), unless
    "for"/"of" precede ("for over 20 years")."""
    m = s.rules.qual_before.match_before(s.toks, i0)
    if m is None:
        return None
    q, start = m
    word = s.toks[start].lower
    if word in s.words.prepositional_qualifier and i0 - start == 1:
        p = s.tok(start - 1)
        if p is not None and s.rules.is_cue("over_noun", p.lower):
            return None
        is_time = unit is not None and s.rules.unit_dimension.get(unit) == "time"
        if is_time and word == "over" and not (p is not None and p.lower in s.words.over_duration_before):
            return None
    return str(q), start


def qualifier_after(s: Sentence, j: int) -> tuple[str, int] | None:
    """(qualifier, end) of a qualifier at token ``j``, right after a figure ending at j - 1:
    "-plus" and "+" glued to it, or a spaced form ("or more")."""
    t = s.tok(j)
    if t is None:
        return None
    if t.text in DASHES and s.glued(j - 1, j):
        n = s.tok(j + 1)
        if n is not None and n.lower == "plus" and s.glued(j, j + 1):
            return "more_than", j + 2
        return None
    if t.text == "+" and s.glued(j - 1, j):
        return "more_than", j + 1
    if not s.spaced(j - 1, j):
        return None
    m = s.rules.qual_after.match_at(s.toks, j)
    if m is None:
        return None
    q, end = m
    if s.toks[j].lower == "plus":
        n = s.tok(end)
        if n is not None and (n.is_digit or n.lower in s.rules.number_words or n.text in ("$", "€", "£")):
            return None  # "5 plus 3": arithmetic, not a bound
    return str(q), end

"""Ages (CONVENTIONS: unit "years of age"): "65 years of age", "54 years old", "a 54-year-old",
"aged 54", "at the age of 54", and an age set off by commas after a name or a person ("Elena Varga,
54, resigned"; "the minister, 54, resigned")."""
from __future__ import annotations

from .figure import Fig, Group
from .sentence import Sentence
from .tokens import DASHES

AGE_UNIT = "years of age"


def age_end(s: Sentence, fig: Fig, g: Group) -> int | None:
    """One past the last token of the age ``fig`` states (its span grows to take "of age", "old",
    "-old"), or None when it states no age. The figure's unit so far is "year" or None."""
    v = g.value
    if g.currency or g.scale or isinstance(v, list) or not (0 < v < 130):
        return None
    j = fig.i1
    nxt, after = s.tok(j), s.tok(j + 1)
    if fig.unit == "year":
        if nxt is not None and nxt.lower == "old" and s.spaced(j - 1, j):
            return j + 1  # "54 years old"
        if nxt is not None and nxt.text in DASHES and after is not None and after.lower == "old" and s.glued(j - 1, j):
            return j + 2  # "a 54-year-old"
        if nxt is not None and nxt.lower == "of" and after is not None and after.lower == "age":
            return j + 2  # "65 years of age"
        return None
    if fig.unit is not None or not g.is_digit or v != int(v):
        return None
    prev, prev2 = s.tok(fig.i0 - 1), s.tok(fig.i0 - 2)
    if prev is not None and prev.lower in s.words.age_before:
        return j  # "aged 54", "ages 18"
    if prev is not None and prev.lower == "of" and prev2 is not None and prev2.lower == "age":
        return j  # "at the age of 54"
    if (prev is not None and prev.text == "," and nxt is not None and nxt.text == "," and prev2 is not None
            and prev2.is_word and (prev2.text[0].isupper() or prev2.lower in s.words.age_person)):
        return j  # "Elena Varga, 54, resigned"
    return None

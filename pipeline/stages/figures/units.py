"""Find the unit after a number: a currency word ("22 billion kronor"), a unit of measure ("3,000
km", "15bcm", "10-year"), "times" (a factor or a frequency), "-fold", and fractions ("half",
"two-thirds", "one in five")."""
from __future__ import annotations

from typing import NamedTuple

from .counts import find_head
from .figure import Fig, Group
from .groups import read_group
from .numbers import YEAR_RE
from .sentence import Sentence
from .tokens import DASHES


class Measure(NamedTuple):
    """A unit found after a number; None fields leave the figure's own value."""

    unit: str
    kind: str
    end: int  # one past the figure's last token
    counted: str | None = None  # what is counted ("three in ten officers", "met 20 times")
    value: float | None = None  # a new value ("one in five" -> 0.2)


def currency_after(s: Sentence, j: int, scale: float | None, currency: str | None) -> tuple[str, int] | None:
    """(ISO code, end) of a currency word at token j, after a number (and its scale): "22 billion
    kronor", "600 billion USD". A word that is also English ("won", "pounds") counts only after a scale."""
    if not s.near(j - 1, j):
        return None
    m = s.rules.currency_suffix.match_at(s.toks, j)
    if m is None:
        return None
    code, end = m
    if s.toks[j].lower in s.words.ambiguous_currency and scale is None and currency is None:
        return None
    return str(code), end


def measure_after(s: Sentence, j: int) -> Measure | None:
    """The unit at token j, right after a number: a unit of measure (glued "15bcm", spaced "3,000
    km", hyphenated "10-year"), "times" ("six times larger" is a factor, "met 20 times" a
    frequency) or "-fold"."""
    toks = s.toks
    k = j
    if s.tok(k) is not None and toks[k].text in DASHES and s.glued(k - 1, k) and s.glued(k, k + 1):
        k += 1
    if s.near(k - 1, k):
        m = s.rules.units.match_at(toks, k)
        if m is not None:
            unit, end = m
            if toks[k].text == "nm" and not s.rules.chip_re.search(s.text):
                unit = "nmi"  # "3,700 nm" in a naval text: nautical miles; "7 nm chips": nanometres
            return Measure(str(unit), "quantity", end)
    if s.tok(j) is not None and toks[j].lower in ("times",) and s.spaced(j - 1, j):
        after = s.tok(j + 1)
        if after is not None and (
            after.lower in s.words.factor_next
            or after.is_word and (after.lower.endswith("er") or after.text[0].isupper() or after.lower.endswith(("’s", "'s")))
        ):
            return Measure("multiplier", "other", j + 1)  # a factor: "six times larger", "twice as many"
        return Measure("times", "count", j + 1, counted="times")  # a frequency: "they met more than 20 times"
    if s.tok(j) is not None and toks[j].text in DASHES and s.tok(j + 1) is not None and toks[j + 1].lower == "fold" and s.glued(j - 1, j):
        return Measure("multiplier", "other", j + 2)
    return None


def fraction_after(s: Sentence, fig: Fig, g: Group) -> Measure | None:
    """ "half", "a quarter", "two-thirds" (a spelled fraction, maybe with a unit after "a": "half
    a mile"), "one in five", "3 out of 4"."""
    toks = s.toks
    rules = s.rules
    entry = rules.number_words.get(toks[g.n1 - 1].lower) if g.raw_words else None
    if entry is not None and entry[1] == "fraction":
        nxt = s.tok(fig.i1)
        if nxt is not None and nxt.lower in ("a", "an"):
            m = rules.units.match_at(toks, fig.i1 + 1)
            if m is not None:
                return Measure(str(m[0]), "quantity", m[1])
        if nxt is not None and nxt.lower == "as" and g.n1 - g.n0 == 1:
            return Measure("multiplier", "other", fig.i1)  # "half as many": a factor of 0.5
        return Measure("fraction", "other", fig.i1)
    j = fig.i1
    t = s.tok(j)
    if t is None or g.currency or fig.kind == "percent" or isinstance(fig.value, list):
        return None
    k = None
    if t.lower == "in":
        k = j + 1
    elif t.lower == "out" and s.tok(j + 1) is not None and toks[j + 1].lower == "of":
        k = j + 2
    if k is None or s.tok(k) is None:
        return None
    g2 = read_group(s, k) if (toks[k].is_digit or toks[k].lower in rules.number_words) else None
    if g2 is None or g2.value == 0 or isinstance(g2.value, list) or g2.value <= fig.value:  # type: ignore[operator]
        return None
    if g2.is_digit and YEAR_RE.fullmatch(toks[g2.n0].text):
        return None  # "one in 2016"
    head = find_head(s, g2.n1, plural_only=True)
    counted = s.join(g2.n1, head + 1) if head is not None else None  # "three in ten officers": what is counted
    return Measure("fraction", "other", g2.n1, counted=counted, value=fig.value / g2.value)  # type: ignore[operator]

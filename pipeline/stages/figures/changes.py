"""Ranges, changes and comparisons: "between 2,000 and 3,000", "$2-3 billion", "fell from 12 to 9",
"rose by 5%", "a 5% increase", "X versus Y", "600 warheads, up from 400"."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from .figure import Fig, Group
from .filters import is_date_number, looks_like_year, number_is_code
from .groups import read_group, with_percent
from .numbers import YEAR_RE
from .sentence import Sentence
from .tokens import CLAUSE_PUNCT, DASHES


class ChangeFromTo(NamedTuple):
    """ "fell from 12 to 9": two numbers of one change, each a figure."""

    first: Group
    second: Group
    change: str


def change_verb_before(s: Sentence, i: int) -> str | None:
    """Direction of a change verb ending at token i or a few words before it, in the same clause
    ("fell", "was increased", "cut the number of troops")."""
    for k in range(i, max(-1, i - 14), -1):
        if s.toks[k].text in CLAUSE_PUNCT:
            break
        m = s.rules.change_verbs.match_before(s.toks, k + 1)
        if m is not None and s.toks[k].lower not in ("up", "down"):
            return str(m[0])
    return None


def range_after(s: Sentence, g: Group) -> tuple[Group, Group | ChangeFromTo | None]:
    """A second number joined to ``g`` by "-", "to" or "between ... and": a range (a group whose
    value is [low, high]) or a change "fell from 12 to 9". Returns ``g`` with what it shares with
    the second number ("$2-3 billion": the scale and the currency), and what was found."""
    found = _second_number(s, g)
    if found is None:
        return g, None
    g2, connector, prev, before_i = found
    g, g2 = _shared(g, g2)
    if connector == "to" and prev is not None and prev.lower == "from":
        change = change_verb_before(s, before_i - 2)
        if change is not None:
            return g, ChangeFromTo(g, g2, change)
    if g.value > g2.value:
        return g, None  # a score ("3-0") or a from-to without a change verb: not a range
    return g, replace(g2, i0=g.i0, n0=g.n0, raw_words=g.raw_words, value=[g.value, g2.value])


def _second_number(s: Sentence, g: Group):
    """(second group, connector, token before the first number's qualifier, that qualifier's
    start) when a number joined to ``g`` follows it; None otherwise."""
    j = g.n1
    t = s.tok(j)
    if t is None:
        return None
    q = s.rules.qual_before.match_before(s.toks, g.i0)
    before_i = q[1] if q else g.i0
    prev = s.tok(before_i - 1)
    if t.text in DASHES and (s.glued(j - 1, j) or s.spaced(j - 1, j)):
        connector = "-"
    elif t.lower == "to" and s.spaced(j - 1, j):
        connector = "to"
    elif t.lower == "and" and prev is not None and prev.lower == "between":
        connector = "and"
    else:
        return None
    g2 = _group_after_connector(s, g, j + 1)
    if g2 is None:
        return None
    if (g.unit and g2.unit and g.unit != g2.unit) or (g.currency and g2.currency and g.currency != g2.currency) or (
        (g.unit == "percent") != (g2.unit == "percent") and (g.currency or g2.currency)
    ):
        return None  # "by 26% to ¥6.8 trillion": two different figures
    # year ranges "2014-2016", "2018-19" and day ranges "4-6 March" belong to the dates stage
    if looks_like_year(s, g) or (connector == "-" and YEAR_RE.fullmatch(s.toks[g.n0].text) and not g.scale and not g.unit):
        return None
    if is_date_number(s, g2) or is_date_number(s, g):
        return None
    return g2, connector, prev, before_i


def _group_after_connector(s: Sentence, g: Group, k: int) -> Group | None:
    """The number (with a currency before it, its scale and percent) at token k, written like the
    first one (digits after digits, words after words); None when there is none or it is a code."""
    cur = s.rules.currency_prefix.match_at(s.toks, k)
    k2 = cur[1] if cur is not None else k
    nt = s.tok(k2)
    if nt is None or not (nt.is_digit or (nt.is_word and nt.lower in s.rules.number_words)):
        return None
    if nt.is_digit != s.toks[g.n0].is_digit:
        return None
    g2 = read_group(s, k2)
    if g2 is None:
        return None
    if cur is not None:
        g2 = replace(g2, currency=str(cur[0]), i0=k)
    if number_is_code(s, g2.n0, g2.n0 + 1, g2.currency is not None):
        return None
    return with_percent(s, g2)


def _shared(g: Group, g2: Group) -> tuple[Group, Group]:
    """Each number with what only the other states: "$2-3 billion", "10-15%", "2,000-3,000 troops"."""
    value, scale = g.value, g.scale
    if g.scale is None and g2.scale is not None and g.value < g2.value / g2.scale:
        value, scale = g.value * g2.scale, g2.scale
    unit, kind = (g2.unit, g2.kind) if g.unit is None and g2.unit is not None else (g.unit, g.kind)
    unit2, kind2 = (g.unit, g.kind) if g2.unit is None and g.unit is not None else (g2.unit, g2.kind)
    currency = g.currency if g.currency is not None else g2.currency
    currency2 = g2.currency if g2.currency is not None else g.currency
    return (replace(g, value=value, scale=scale, unit=unit, kind=kind, currency=currency),
            replace(g2, unit=unit2, kind=kind2, currency=currency2))


# --- sentence passes: each fills fields of the figures of one sentence ---------------------------


def share_alternatives(s: Sentence, figs: list[Fig]) -> None:
    """ "two or three days", "5 or 10 more grids": the first number takes the second's unit
    (writes unit, kind, currency, counted)."""
    for fa, fb in zip(figs, figs[1:]):
        gap = [t.lower for t in s.toks[fa.i1 : fb.i0]]
        joined = gap == ["or"] or gap == ["and"] and fb.kind in ("percent", "money", "quantity")
        if joined and fa.unit is None and fb.unit is not None and fa.kind == "other":
            fa.unit, fa.kind, fa.currency = fb.unit, fb.kind, fb.currency
            fa.counted = fb.counted


def mark_changes(s: Sentence, figs: list[Fig]) -> None:
    """ "rose by 5%", "fell 3%", "up 5%", "a 5% increase", "an increase of 5%", "rose to $60bn"
    (writes change, and change_to after "to")."""
    for f in figs:
        if f.change is not None:
            continue
        found = change_of(s, f)
        if found is not None:
            f.change, to = found
            if to:
                f.change_to = f.value if not isinstance(f.value, list) else None


def change_of(s: Sentence, f: Fig) -> tuple[str, bool] | None:
    """(direction, whether the figure is the new level: "rose to $60bn") of a change stated around
    the figure: a change verb before it, a change noun after it or before "of"."""
    toks = s.toks
    rules = s.rules
    k = f.i0 - 1
    prep = None
    if k >= 0 and toks[k].lower in ("by", "to", "of"):
        prep = toks[k].lower
        k -= 1
    m = _change_verb_at(s, k, prep)
    if m is not None and prep != "of":
        return str(m), prep == "to"
    # noun after: "a 5% increase", "a 5 percent cut"
    t = s.tok(f.i1)
    if t is not None and t.lower in rules.change_nouns and s.spaced(f.i1 - 1, f.i1):
        return rules.change_nouns[t.lower], False
    # noun before with "of": "an increase of 5%"
    if prep == "of" and k >= 0 and toks[k].lower in rules.change_nouns:
        return rules.change_nouns[toks[k].lower], False
    return None


def _change_verb_at(s: Sentence, k: int, prep: str | None) -> object:
    """The change of a verb ending at token k ("rose", "rose sharply", "up" without a
    preposition), or after "by" one a few words back in the clause ("increase the budget ... by")."""
    toks = s.toks
    verbs = s.rules.change_verbs
    m = verbs.match_before(toks, k + 1)
    if m is None and k >= 1 and toks[k].lower.endswith("ly"):
        m = verbs.match_before(toks, k)  # skip an adverb ("rose sharply by 5%")
    if m is not None:
        verb_tok = toks[m[1]].lower
        if (verb_tok in ("up", "down") and prep is not None) or (verb_tok == "cut" and prep is None):
            m = None
    if m is None and prep == "by":
        # "increase the budget for the coast guard by about 40 percent"
        for v in range(k, max(-1, k - 10), -1):
            if toks[v].text in CLAUSE_PUNCT:
                break
            mv = verbs.match_at(toks, v)
            if mv is not None and toks[v].lower not in ("up", "down"):
                return mv[0]
    return m[0] if m is not None else None


def compare_pairs(s: Sentence, figs: list[Fig]) -> None:
    """Set figures against each other: "X versus Y", "X compared with Y", "X, up from Y" (writes
    compared, and change / change_from / change_to / unit of a change pair)."""
    for fa, fb in zip(figs, figs[1:]):
        if fa.compared is not None and fa.change is not None and fa.change_from is not None:
            continue
        phrase = _compare_phrase(s, fa, fb)
        if phrase is None or (phrase == "against" and fa.kind != fb.kind):
            continue
        fa.compared, fb.compared = fb, fa
        if phrase == "from-to":
            # "collapsed from about 2.5 million barrels per day to fewer than 500,000"
            change = change_verb_before(s, fa.i0 - 2) if fa.i0 >= 2 else None
            _share_unit(fa, fb)
            if change is not None:
                _set_change(change, fa.value, fb.value, fa, fb)
        elif phrase == "from":
            _share_unit(fa, fb)
            fb.change = fa.change
            _set_change(None, fb.value, fa.value, fa, fb)
        elif phrase in ("up from", "down from"):
            _share_unit(fa, fb)  # "600 warheads, up from 400"
            _set_change("increase" if phrase == "up from" else "decrease", fb.value, fa.value, fa, fb)


def _compare_phrase(s: Sentence, fa: Fig, fb: Fig) -> str | None:
    """The words that set fa against the next figure fb ("versus", "compared with", "up from"; a
    short "in 2016" may come first); "from" after a change; "from-to" for "from X to Y"."""
    words = [t.lower for t in s.toks[fa.i1 : fb.i0] if t.text not in (",", "(", ")")]
    compare = s.rules.compare.lower
    for cut in range(0, min(4, len(words)) + 1):
        cand = tuple(words[cut:])
        if cand and cand in compare and cand not in (("from",), ("to",)):
            return " ".join(cand)
    if words == ["from"] and fa.change is not None:
        return "from"
    if words == ["to"] and fa.i0 > 0 and s.toks[fa.i0 - 1].lower == "from":
        return "from-to"
    return None


def _share_unit(fa: Fig, fb: Fig) -> None:
    if fb.unit is None and fa.unit is not None:
        fb.unit, fb.kind, fb.currency = fa.unit, fa.kind, fa.currency


def _set_change(change: str | None, old, new, *figs: Fig) -> None:
    """The change (None: keep each figure's own) from ``old`` to ``new`` (a range counts as None)."""
    for f in figs:
        if change is not None:
            f.change = change
        f.change_from = old if not isinstance(old, list) else None
        f.change_to = new if not isinstance(new, list) else None

"""Find what a figure measures: the counted noun ("nuclear weapons"), the population of a share
("Russian respondents who considered ..."), the object or subject of a change, the noun before
"of" ("a budget of $5bn") or after a preposition ("$10 billion in military aid"), or the subject
of the clause the figure completes."""
from __future__ import annotations

import re

from .figure import Fig
from .phrases import clause_bounds, find_verb, np_after, np_before, np_chain_before, predicate, subject_before, verb_starts
from .sentence import Sentence
from .tokens import CLAUSE_PUNCT, DASHES

_DEMONYM_PLURAL_RE = re.compile(r"[a-z]+(?:an|ian|ean)s")


def measured(s: Sentence, fig: Fig, state: dict) -> str | None:
    """What ``fig`` measures (``state``: the paragraph context; a share's population is kept in it
    for the shares after it: "78% of voters agreed; 12% disagreed")."""
    if fig.kind == "ordinal":
        return fig.measured
    if fig.kind == "count" and fig.counted:
        counted = fig.counted.strip()
        t = s.tok(fig.i1)
        if t is not None and t.lower == "of" and s.spaced(fig.i1 - 1, fig.i1):
            np, end = np_after(s, fig.i1 + 1, max_words=5)
            if np:
                counted = f"{counted} of {s.join(fig.i1 + 1, end)}"
        return counted
    if fig.unit == "multiplier" and fig.change is not None and fig.i1 - fig.i0 <= 3:
        # "effectively doubling their radius" / "China doubled its budget": the object after the verb;
        # "defence spending doubled": the noun phrase right before it
        nxt = s.tok(fig.i1)
        if nxt is not None and nxt.is_word and (nxt.lower in s.words.determiner or nxt.lower.endswith(("’s", "'s"))):
            np, _ = np_after(s, fig.i1, max_words=6)
            if np:
                return np
        return np_before(s, fig.i0)
    # percents and fractions of a population: "78% of X were against Y"
    if fig.kind == "percent" or fig.unit == "fraction" or (fig.kind == "range" and fig.unit in ("percent", "fraction")):
        share = _measured_share(s, fig, state)
        if share is not None:
            return share
    if fig.change is not None:
        target = _change_target(s, fig)
        if target:
            return target
    # quantities / money / other: "a budget of $5bn", then "$10 billion in military aid"
    if fig.kind == "quantity":
        after = _np_after_prep(s, fig)
        if after:
            return after
    return (_np_of_before(s, fig) or _np_after_prep(s, fig) or _np_worth_before(s, fig)
            or _subject_of_clause(s, fig))


def _measured_share(s: Sentence, fig: Fig, state: dict) -> str | None:
    """What a percent or fraction measures: "78% of X were against Y" -> "X who were against Y";
    "a turnout of 60%"; "55% considered that ..." (the population of an earlier figure)."""
    pop, end = _population_after(s, fig)
    if pop:
        state["population"] = pop
        if verb_starts(s, end):
            pred, copula = predicate(s, end)
            if pred:
                return f"{pop} {pred}" if copula else f"{pop} {_relative(s, pop)} {pred}"
        return pop
    if fig.counted:
        return fig.counted
    # "a turnout of 60%", "inflation of 5%": the noun before "of"
    before = _np_of_before(s, fig)
    if before:
        return before
    # "55% considered that ...": the figure is the subject
    nxt = s.tok(fig.i1)
    rules = s.rules
    if nxt is not None and nxt.is_word and (rules.is_cue("verb", nxt.lower) or nxt.lower.endswith("ed") or rules.is_cue("source_verb", nxt.lower)):
        pred, copula = predicate(s, fig.i1)
        if pred:
            pop = state.get("population")
            if pop:
                return f"{pop} {pred}" if copula else f"{pop} {_relative(s, pop)} {pred}"
            return pred
    return None


def _population_after(s: Sentence, fig: Fig) -> tuple[str | None, int]:
    """ "78% of Russian respondents ..." -> ("Russian respondents", index after the phrase); also
    "half the fuel" -> "fuel"."""
    t = s.tok(fig.i1)
    if fig.unit == "fraction" and t is not None and t.lower in s.words.determiner:
        return np_after(s, fig.i1, max_words=6)
    if t is None or t.lower != "of" or not s.spaced(fig.i1 - 1, fig.i1):
        return None, fig.i1
    return np_after(s, fig.i1 + 1, max_words=6)


def _relative(s: Sentence, pop: str) -> str:
    """ "who" after people ("Russian respondents who considered ..."), "that" after things."""
    head = pop.split()[-1].lower()
    return "who" if head in s.words.person_noun or _DEMONYM_PLURAL_RE.fullmatch(head) else "that"


def _change_target(s: Sentence, fig: Fig) -> str | None:
    """What changed: the object of a transitive change verb ("increase the budget for the coast guard by
    40 percent") or the subject of an intransitive one ("exports rose by 5%")."""
    toks = s.toks
    end = fig.i0
    if end > 0 and toks[end - 1].lower in ("by", "to", "from", "of"):
        end -= 1
    for v in range(end - 1, max(-1, end - 12), -1):
        t = toks[v]
        if t.text in CLAUSE_PUNCT:
            return None
        m = s.rules.change_verbs.match_at(toks, v)
        if m is None or t.text != t.lower and v > 0:
            continue
        vend = m[1]
        while vend < end and toks[vend].lower.endswith("ly"):
            vend += 1  # "fell drastically from ..."
        if vend < end:
            np, np_end = np_after(s, vend, max_words=8)
            if np and np_end >= end - 1:
                return np
        a, _ = clause_bounds(s, v)
        return subject_before(s, v, a) if v > a else None
    return None


def _np_after_prep(s: Sentence, fig: Fig) -> str | None:
    """ "15 bcm of gas", "$10 billion in military aid", "seven decades after the end of the war"."""
    t = s.tok(fig.i1)
    if t is None or not s.spaced(fig.i1 - 1, fig.i1):
        return None
    low = t.lower
    words = s.words
    if (fig.kind == "quantity" and t.is_word and t.text == low and not s.rules.is_cue("function", low)
            and not verb_starts(s, fig.i1) and low not in words.not_measured_after):
        np, _ = np_after(s, fig.i1, max_words=4)
        if np:
            return np  # "3 nm chips", "a 10-year contract", "155 mm shells"
    time_unit = fig.unit is not None and s.rules.unit_dimension.get(fig.unit) == "time"
    if time_unit and low in words.time_prep:
        np, end = np_after(s, fig.i1 + 1, max_words=8)
        if np:
            return f"time {low} {s.join(fig.i1 + 1, end)}" if low != "of" else np
        return None
    k0 = fig.i1
    if fig.kind == "money" and (low in words.rate_det or low in words.rate_adverb):
        k0 = fig.i1 + (1 if low in words.rate_adverb else 2)  # "$5bn a year on ...", "$5bn annually for ..."
        t = s.tok(k0)
        if t is None:
            return None
        low = t.lower
    if low in ("of", "worth") or (low in words.money_prep and fig.kind in ("money",)):
        k = k0 + 1
        if low == "worth" and s.tok(k) is not None and s.toks[k].lower == "of":
            k += 1
        n = s.tok(k)
        if n is None or n.is_digit or n.lower in words.months:
            return None
        np, _ = np_after(s, k, max_words=6)
        if np and low in words.money_prep and not np.split()[-1][:1].islower():
            if not _invest_verb_before(s, fig):
                return None  # "$5bn in Russia": a place, not what the money is
        return np
    return None


def _invest_verb_before(s: Sentence, fig: Fig) -> bool:
    stems = tuple(s.words.invest_stem)
    return any(s.toks[k].lower.startswith(stems) for k in range(max(0, fig.i0 - 4), fig.i0))


def _np_of_before(s: Sentence, fig: Fig) -> str | None:
    """ "a budget of $5bn", "a turnout of 60%" -> the noun phrase before "of"."""
    p = s.tok(fig.i0 - 1)
    if p is None or p.lower not in ("of", "at", "to") or not s.spaced(fig.i0 - 1, fig.i0):
        return None
    if p.lower in ("at", "to"):
        # "estimated at", "valued at", "put at" and "amounting to" only
        v = s.tok(fig.i0 - 2)
        if v is None or v.lower not in s.words.valuation_verb:
            return None
        a, _ = clause_bounds(s, fig.i0 - 2)
        return subject_before(s, fig.i0 - 2, a) if fig.i0 - 2 > a else None
    end = fig.i0 - 1
    start = _np_start_before(s, end)
    if start >= end:
        return None
    head = s.toks[end - 1].lower
    if head in s.rules.change_nouns:
        # "an increase of 5% in exports": the thing that changes comes after
        t = s.tok(fig.i1)
        if t is not None and t.lower in ("in", "of"):
            np, _ = np_after(s, fig.i1 + 1, max_words=6)
            return np
        return None
    return s.join(start, end)


def _np_start_before(s: Sentence, end: int) -> int:
    """First token of the noun phrase ending before token ``end``: words back to a verb, a function
    word or a determiner (at most 5), with a possessor ("2021’s election turnout")."""
    toks = s.toks
    rules = s.rules
    k = end - 1
    words = 0
    while k >= 0 and words < 5:
        w = toks[k]
        if not w.is_word and w.text not in DASHES and w.text not in ("’s", "'s"):
            break
        if (rules.is_cue("verb", w.lower) or rules.is_cue("source_verb", w.lower)) and w.text == w.lower:
            break
        if w.lower in s.words.determiner or rules.is_cue("function", w.lower):
            break
        k -= 1
        words += 1
    start = k + 1
    if k >= 0 and start < end and toks[start].text in ("’s", "'s") and (toks[k].is_digit or toks[k].is_word):
        start = k  # "2021’s election turnout"
    return start


def _np_worth_before(s: Sentence, fig: Fig) -> str | None:
    """ "contracts worth $5bn", "a deal valued at $2bn"."""
    p = s.tok(fig.i0 - 1)
    if p is None or p.lower not in s.words.worth_word:
        return None
    toks = s.toks
    rules = s.rules
    end = fig.i0 - 1
    k = end - 1
    while (k >= 0 and toks[k].is_word and toks[k].lower not in s.words.determiner and not rules.is_cue("function", toks[k].lower)
           and not rules.is_cue("verb", toks[k].lower) and end - k <= 4):
        k -= 1
    return s.join(k + 1, end) or None


def _subject_of_clause(s: Sentence, fig: Fig) -> str | None:
    """What a figure in a predicate measures: "the chances of any deal are zero" -> "chances of any deal";
    a parenthetical figure measures the noun phrase before the parenthesis ("U.S. imports ($44 billion)")
    or, when that is a pronoun phrase ("that of China"), the clause's subject."""
    i = fig.i0
    nxt = s.tok(fig.i1)
    if nxt is not None and verb_starts(s, fig.i1):
        return None  # the figure is itself a subject ("3.3 million tons were damaged")
    depth_open = _open_paren_before(s, i)
    if depth_open is not None:
        np = np_chain_before(s, depth_open)
        if np and not np.lower().startswith(("that of", "those of", "this", "that", "it")):
            return np
        anchor = depth_open - 1
    else:
        anchor = i
    if anchor < 0:
        return None
    a, _ = clause_bounds(s, anchor)
    verb = find_verb(s, a, anchor if depth_open is not None else i)
    if verb is None:
        return None
    if depth_open is None:
        # the figure completes the verb: only qualifiers, prepositions and adverbs may sit between
        filler = s.words.verb_figure_filler
        between = [t for t in s.toks[verb + 1 : i] if not (t.lower in filler or t.lower.endswith("ly"))]
        if len(between) > 1:
            return None
    return subject_before(s, verb, a)


def _open_paren_before(s: Sentence, i: int) -> int | None:
    """Index of an unclosed "(" among the 12 tokens before token i."""
    k = i - 1
    while k >= 0 and k >= i - 12:
        if s.toks[k].text == "(":
            return k
        if s.toks[k].text == ")":
            return None
        k -= 1
    return None

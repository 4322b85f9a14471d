"""Find what a count counts: "410 nuclear weapons" -> unit "weapon", counted "nuclear weapons";
"two of the disputed islands", "12-member panel", "three of them"."""
from __future__ import annotations

from typing import NamedTuple

from .figure import Fig, Group
from .numbers import looks_plural, plural_of
from .phrases import np_after
from .sentence import Sentence
from .tokens import DASHES


class Counted(NamedTuple):
    """What :func:`counted_after` found; None fields leave the figure's own value."""

    unit: str | None  # the counted noun's lemma (the figure becomes a count)
    end: int  # one past the figure's last token
    head_i: int | None = None  # the counted noun's head token
    counted: str | None = None  # the counted noun phrase


def lemma(s: Sentence, i: int) -> str:
    """The unit of a count whose counted noun is token ``i``: the noun in the plural (:func:`plural_of`)."""
    return plural_of(s.toks[i].text, s.rules)


def counted_after(s: Sentence, fig: Fig, g: Group) -> Counted | None:
    """The counted noun after the figure: "410 nuclear weapons", "two of the disputed islands",
    "12-member panel", "a nine-member board"."""
    j = fig.i1
    t = s.tok(j)
    if t is None:
        return None
    # "12-member": a hyphenated compound
    if t.text in DASHES and s.glued(j - 1, j) and s.glued(j, j + 1):
        w = s.tok(j + 1)
        if w is None or not w.is_word:
            return None
        if g.raw_words and not _compound_noun(s, j, w):
            return None  # "a nine-member board" counts members; "three-pronged" counts nothing
        np, _ = np_after(s, j + 2, max_words=3)
        return Counted(lemma(s, j + 1), j + 2, j + 1, np or w.text)
    if not s.spaced(j - 1, j):
        return None
    value = fig.value
    if t.lower == "of" and value is not None and not isinstance(value, list) and value >= 2 and value == int(value):
        return _partitive(s, j)
    want_plural = not (fig.value == 1 and not isinstance(fig.value, list))
    return _headed(s, j, plural_only=want_plural)


def _compound_noun(s: Sentence, j: int, w) -> bool:
    """Is ``w``, glued by the hyphen at token ``j`` to a spelled-out number, the noun it counts
    ("nine-member", "two-stage")? Not an adjective ("three-pronged"), a function word ("six-to-twelve"),
    a number word or an ordinal ("twenty-first"), and not after an em or en dash ("zero—more")."""
    low = w.lower
    rules = s.rules
    return (s.toks[j].text in ("-", "‑") and w.text[0].islower() and not low.endswith(("ed", "ing"))
            and low not in rules.number_words and "ord:" + low not in rules.number_words
            and not rules.is_cue("function", low))


def _headed(s: Sentence, k: int, *, plural_only: bool) -> Counted | None:
    """The count whose noun phrase starts at token ``k`` (the figure ends at its head)."""
    head = find_head(s, k, plural_only=plural_only)
    if head is None:
        return None
    return Counted(lemma(s, head), head + 1, head, s.join(k, head + 1))


def _partitive(s: Sentence, j: int) -> Counted | None:
    """ "two of the disputed islands", "three of them", "two of Ukraine’s Neptune missiles" (not
    for 1 or for percents); ``j`` is the token "of", right after the figure."""
    k = j + 1
    d = s.tok(k)
    possessive = d is not None and d.lower.endswith(("’s", "'s"))
    if d is None or not (d.lower in s.words.partitive_det or possessive):
        return None
    if d.lower in s.words.partitive_pronoun:
        return Counted(None, k + 1)
    if possessive and not d.text[0].islower():
        # "two of Ukraine’s Neptune missiles": the possessor is part of the phrase
        return _headed(s, k + 1, plural_only=True)
    k += 1
    if s.tok(k) is not None and s.toks[k].is_digit:
        # "12 of its 30 tailings dams": the unit comes from the noun, the span stays "12"
        head = find_head(s, k + 1, plural_only=True)
        if head is None:
            return None
        return Counted(lemma(s, head), j, None, s.join(k + 1, head + 1))
    return _headed(s, k, plural_only=True)


def find_head(s: Sentence, k: int, *, plural_only: bool) -> int | None:
    """Token index of the counted noun's head among up to 6 words from k (no parse): the first plural
    ("410 nuclear weapons", "496 defense and security engagements", "10 more grids")."""
    rules = s.rules
    toks = s.toks
    last_content = None
    for m in range(k, min(k + 7, len(toks))):
        w = toks[m]
        if m > k and not s.near(m - 1, m):
            break
        if w.text == "." and m > k and s.glued(m - 1, m) and len(toks[m - 1].text) <= 2 and toks[m - 1].text.isupper():
            continue  # "23,100 U.S. companies"
        if w.text in DASHES:
            if s.glued(m - 1, m) and s.glued(m, m + 1):
                continue
            break
        if w.is_digit:
            if m > k and (toks[m - 1].text in DASHES or toks[m - 1].is_word) and s.glued(m - 1, m):
                continue  # "Su-35 jets", "M1A2 Abrams tanks"
            break
        if not w.is_word:
            break
        low = w.lower
        if m > k and toks[m - 1].text in DASHES and s.glued(m - 1, m):
            # second part of a hyphenated modifier: "Chinese-made", "anti-ship"
            if looks_plural(w.text, rules):
                return m
            last_content = m
            continue
        if m == k and low in s.words.count_opener:
            nxt = s.tok(m + 1)
            if nxt is not None and nxt.is_word and nxt.lower != "than":
                continue
            break
        if low in ("and", "or") and m > k and last_content is not None:
            continue  # "defense and security engagements"
        if rules.is_cue("function", low) or low in s.words.months or (low in rules.scales and m == k):
            break
        if w.text == low and looks_plural(w.text, rules, strict=False) and (m == k or last_content is not None):
            nx = s.tok(m + 1)
            if not (m > k and nx is not None and nx.lower == "that"):
                return _last_plural(s, m)  # "19 projects", "two nuclear-armed states"
        if (rules.is_cue("verb", low) or rules.is_cue("source_verb", low)) and w.text == low:
            break
        if m == k and rules.units.match_at(toks, m) is not None:
            break
        if w.text[0].isupper() and m == k and not _adjectival_name(s, m) and not looks_plural(w.text, rules):
            nxt = s.tok(m + 1)
            if not (len(w.text) <= 2 and w.text.isupper() and nxt is not None and nxt.text == "."):
                return None
        if looks_plural(w.text, rules):
            return _last_plural(s, m)
        if low.endswith("ed") and m > k:
            break
        last_content = m
    if not plural_only and last_content is not None:
        return last_content
    return None


def _last_plural(s: Sentence, m: int) -> int:
    """A plural noun used as a modifier gives way to the plural after it ("tailings dams", "arms sales")."""
    nxt = s.tok(m + 1)
    if nxt is not None and nxt.is_word and nxt.text[0].islower() and s.spaced(m, m + 1) and looks_plural(nxt.text, s.rules):
        return m + 1
    return m


def _adjectival_name(s: Sentence, m: int) -> bool:
    """A capitalized modifier before a lowercase plural ("2,000 Chinese troops", "Chinese-made
    drones", "Neptune anti-ship missiles")."""
    for n in range(m + 1, min(m + 7, len(s.toks))):
        w = s.toks[n]
        if w.text in DASHES or w.is_digit or w.lower in ("and", "or"):
            continue  # "Su-24 aircraft", "M1A2 Abrams tanks", "African and partner nations"
        if not w.is_word or s.rules.is_cue("function", w.lower):
            return False
        if w.text[0].islower() and looks_plural(w.text, s.rules):
            return True
    return False

"""Normalize numbers and nouns without a Doc: "3,000" -> 3000, "two and a half million" -> 2500000,
"countries" -> "country"."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .figure import clean_value
from .resources import FigureRules, default_rules
from .tokens import DASHES, tokenize

DIGITS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
YEAR_RE = re.compile(r"(?:1[89]|20)\d\d|2100")
_DEMONYM_PLURAL_RE = re.compile(r"[A-Z][a-z]+(?:an|ian|ean)s")


def parse_digits(text: str) -> int | float | None:
    """ "3,000" -> 3000, "22.5" -> 22.5; None for anything that is not a plain number ("1,2", "2.0.1")."""
    if not DIGITS_RE.fullmatch(text):
        return None
    return clean_value(float(text.replace(",", "")))


def words_value(words: Sequence[str], rules: FigureRules) -> float | None:
    """Value of lowercase number words ("two", "hundred", "and", "a", "half"); None if one is not."""
    nw = rules.number_words
    ws = [w for w in words if w and w != "and"]
    if not ws:
        return None
    total, current = 0.0, None
    i = 0
    while i < len(ws):
        w = ws[i]
        entry = nw.get(w)
        if w in ("a", "an"):
            nxt = nw.get(ws[i + 1]) if i + 1 < len(ws) else None
            if nxt is None:
                return None
            if nxt[1] == "fraction":
                current = (current or 0.0) + nxt[0]
                i += 2
                continue
            if current is not None and current < 1 and nxt[1] == "scale":  # "half a million"
                i += 1
                continue
            current = (current or 0.0) + 1
        elif entry is None:
            return None
        elif entry[1] in ("unit", "teen", "tens"):
            current = (current or 0.0) + entry[0]
        elif entry[1] == "hundred":
            current = (current if current is not None else 1.0) * 100
        elif entry[1] == "dozen":
            current = (current if current is not None else 1.0) * 12
        elif entry[1] == "scale":
            total += (current if current is not None else 1.0) * entry[0]
            current = None
        elif entry[1] == "fraction":
            current = entry[0] if current is None else current * entry[0]
        else:
            return None
        i += 1
    return total + (current or 0.0)


def parse_number(text: str, rules: FigureRules | None = None) -> int | float | None:
    """Value of a number written in digits, words or both; None when ``text`` is not one.

    >>> parse_number("two and a half million")
    2500000
    >>> parse_number("22.5bn"), parse_number("3,000"), parse_number("a quarter"), parse_number("zero")
    (22500000000, 3000, 0.25, 0)
    """
    rules = rules or default_rules()
    toks = [t for t in tokenize(text.strip()) if t.text not in DASHES]
    if not toks:
        return None
    if toks[0].is_digit:
        value = parse_digits(toks[0].text)
        if value is None:
            return None
        total = float(value)
        for t in toks[1:]:
            scale = rules.scales.get(t.lower)
            if scale is not None:
                total *= scale[0]
                continue
            entry = rules.number_words.get(t.lower)
            if entry is not None and entry[1] in ("scale", "hundred"):
                total *= entry[0]
                continue
            return None
        return clean_value(total)
    value = words_value([t.lower for t in toks], rules)
    return None if value is None else clean_value(value)


def singularize(word: str, rules: FigureRules | None = None) -> str:
    """Lemma of a (plural) noun without a lemmatizer: "weapons" -> "weapon", "countries" -> "country"."""
    rules = rules or default_rules()
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        return word[:-1]
    if word[:1].isupper() and looks_plural(word, rules):
        return word[:-1]  # "Russians" -> "Russian"
    w = word.lower()
    if w in rules.lemmas:
        return rules.lemmas[w]
    if len(w) <= 3 or not w.endswith("s") or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return w[:-2]
    return w[:-1]


def plural_of(word: str, rules: FigureRules | None = None) -> str:
    """A count's unit: the counted noun in the plural, as CONVENTIONS asks ("members", "people",
    "countries", "UAVs", "Russians"). A plural stays as written (lowercase unless it holds a capital
    that is not only the sentence's first letter); a singular ("one person") is made plural."""
    rules = rules or default_rules()
    keep_case = any(c.isupper() for c in word[1:]) or bool(_DEMONYM_PLURAL_RE.fullmatch(word))
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        return word  # UASs
    if keep_case and word.isupper():
        return word + "s"  # "one ICBM" -> ICBMs
    if word[:1].isupper() and _DEMONYM_PLURAL_RE.fullmatch(word):
        return word  # Russians
    w = word.lower()
    if looks_plural(w, rules, strict=False) and rules.lemmas.get(w, w[:-1]) != w or w in rules.words.invariant_plural:
        return w
    if w in rules.plurals:
        return rules.plurals[w]
    if len(w) > 2 and w.endswith("y") and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return w + "es"
    return w + "s"


def looks_plural(word: str, rules: FigureRules, *, strict: bool = True) -> bool:
    """Plural noun without a tagger: "weapons", "countries", "UASs", "Russians" (not "Hamas", "various").
    ``strict=False`` right after a number, where "19 projects" / "5 reports" are nouns, not verbs."""
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        return True  # acronym plurals: UASs, ICBMs
    if word[:1].isupper():
        return bool(_DEMONYM_PLURAL_RE.fullmatch(word))  # demonyms: Russians, Koreans
    w = word.lower()
    if w in rules.words.invariant_plural:
        return True
    if w in rules.lemmas:
        return rules.lemmas[w] != w
    if rules.is_cue("not_plural", w) or rules.is_cue("function", w):
        return False
    if strict and (rules.is_cue("verb", w) or rules.is_cue("source_verb", w)):
        return False
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))

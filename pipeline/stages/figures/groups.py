"""Find the number at a token and what is glued to it: digits or number words, a scale ("22.5bn",
"1.2 million"), a currency before it ("US$", "€") and a percent sign or word after it."""
from __future__ import annotations

from dataclasses import replace

from .figure import Group
from .numbers import looks_plural, parse_digits, words_value
from .sentence import Sentence
from .tokens import DASHES

_NUMBER_WORD_TYPES = ("unit", "teen", "tens", "hundred", "scale", "dozen", "fraction")


def read_number(s: Sentence, i: int) -> tuple[float, int, bool] | None:
    """(value, end, spelled) of the bare number at token i (digits, or a run of number words)."""
    t = s.toks[i]
    if t.is_digit:
        v = parse_digits(t.text)
        return None if v is None else (float(v), i + 1, False)
    if not t.is_word:
        return None
    words: list[str] = []
    j = i
    last_good = None
    while j < len(s.toks):
        step = _number_word_step(s, i, j, words)
        if step is None:
            break
        j, took = step
        if took == "word":
            last_good = j
        if took != "joiner" and j - i > 12:
            break  # (a joiner does not count towards the length)
    if last_good is None:
        return None
    # Trim a dangling "and" / "a".
    while words and words[-1] in ("and", "a", "an"):
        words.pop()
    value = words_value(words, s.rules)
    if value is None:
        return None
    return value, last_good, True


def _number_word_step(s: Sentence, i: int, j: int, words: list[str]) -> tuple[int, str] | None:
    """One more token of the spelled number that starts at token i: (next j, what it took: "word"
    (the run may end after it), "article" ("a" before a scale or fraction) or "joiner" ("and", a
    dash)), appending to ``words``; None where the number ends."""
    nw = s.rules.number_words
    toks = s.toks
    w = toks[j].lower
    entry = nw.get(w)
    if entry is not None and entry[1] in _NUMBER_WORD_TYPES:
        if entry[1] == "fraction" and w == "second":
            return None
        if entry[1] in ("unit", "teen") and words and nw.get(words[-1], (0, ""))[1] in ("unit", "teen"):
            return None  # "one one", "two three": two numbers, not one
        words.append(w)
        return j + 1, "word"
    if w in ("a", "an") and (j == i or words):
        nxt = s.tok(j + 1)
        ne = nw.get(nxt.lower) if nxt else None
        if ne is None or ne[1] not in ("hundred", "scale", "dozen", "fraction"):
            return None
        if j == i and ne[1] == "fraction" and nxt.lower in ("second",):
            return None
        words.append(w)
        return j + 1, "article"
    if w == "and" and words and j + 1 < len(toks):
        nxt = toks[j + 1]
        ne = nw.get(nxt.lower)
        if nxt.lower in ("a", "an") or (ne is not None and ne[1] in ("unit", "teen", "tens", "fraction")):
            prev_entry = nw.get(words[-1])
            if prev_entry is not None and prev_entry[1] in ("hundred", "scale", "unit", "teen", "tens"):
                words.append("and")
                return j + 1, "joiner"
        return None
    if toks[j].text in DASHES and words and s.glued(j - 1, j) and s.glued(j, j + 1):
        ne = nw.get(toks[j + 1].lower)
        if ne is not None and ne[1] in ("unit", "fraction") and nw.get(words[-1], (0, ""))[1] in ("tens", "unit"):
            return j + 1, "joiner"  # "twenty-five", "two-thirds": the dash joins two number words
    return None


def read_group(s: Sentence, i: int) -> Group | None:
    """A number at token i with its glued scale ("22.5bn", "1.2 million")."""
    r = read_number(s, i)
    if r is None:
        return None
    value, j, spelled = r
    g = Group(i0=i, n0=i, n1=j, value=value, is_digit=not spelled, raw_words=spelled)
    t = s.tok(j)
    # Scale: glued ("22.5bn", "5m") or spaced ("1.2 million").
    if t is not None and not spelled:
        sc = s.rules.scales.get(t.lower)
        if sc is not None and t.is_word:
            mult, attached = sc
            glued = s.glued(j - 1, j)
            if (glued and attached in ("yes", "only")) or (not glued and s.spaced(j - 1, j) and attached in ("yes", "no")):
                if t.lower == "m" and m_is_metres(s, j):
                    g.unit, g.kind = "m", "quantity"
                    j += 1
                elif t.text in ("b", "B", "k", "K") and not glued:
                    pass
                else:
                    g.value *= mult
                    g.scale = mult
                    j += 1
        elif t.is_word and t.lower in ("hundred",) and s.spaced(j - 1, j):
            g.value *= 100
            j += 1
    elif spelled:
        # the scale came from number words: record it when the last word is a scale word
        entry = s.rules.number_words.get(s.toks[j - 1].lower)
        if entry is not None and entry[1] == "scale":
            g.scale = entry[0]
    g.n1 = j
    return g


def m_is_metres(s: Sentence, j: int) -> bool:
    """Is the glued "m" at token j metres (a length) rather than million? "300m-high", "5m deep" and
    "a 100m sprint" (a singular noun after it) are metres; "5m rounds" and "£300m." are millions."""
    nxt = s.tok(j + 1)
    if nxt is None:
        return False
    if nxt.text in DASHES and s.glued(j, j + 1):
        return True
    if nxt.lower in s.words.metre_next:
        return True
    rules = s.rules
    return (
        nxt.is_word
        and nxt.text[0].islower()
        and not rules.is_cue("function", nxt.lower)
        and not rules.is_cue("verb", nxt.lower)
        and not looks_plural(nxt.text, rules)
    )


def currency_before(s: Sentence, i: int) -> tuple[str, int] | None:
    """Currency prefix ending right before token i (glued or one space): "US$", "€", "RUB"."""
    m = s.rules.currency_prefix.match_before(s.toks, i)
    if m is None:
        return None
    code, start = m
    # the prefix must touch the number or be separated by one space
    if s.toks[i].start - s.toks[i - 1].end > 1:
        return None
    # a letter form must not be glued to a preceding word ("cherub 5")
    prev = s.tok(start - 1)
    if prev is not None and prev.end == s.toks[start].start and prev.is_word:
        return None
    return str(code), start


def percent_after(s: Sentence, j: int) -> tuple[str, int] | None:
    """(unit, end) of "%", "per cent", "percent", "percentage points" or "basis points" at token j,
    right after a number ending at j - 1; the unit is "percent", "percentage_point" or "basis_point"."""
    t = s.tok(j)
    if t is None:
        return None
    if t.text == "%" and (s.glued(j - 1, j) or s.spaced(j - 1, j)):
        return "percent", j + 1
    if not s.spaced(j - 1, j):
        return None
    low = t.lower
    n2 = s.tok(j + 1)
    words = s.words
    if low in words.percent_word:
        return "percent", j + 1
    if low == "per" and n2 is not None and n2.lower == "cent":
        return "percent", j + 2
    if low == "percentage" and n2 is not None and n2.lower in ("point", "points"):
        return "percentage_point", j + 2
    if low in words.point_abbrev:
        return "percentage_point", j + 1
    if low == "basis" and n2 is not None and n2.lower in ("point", "points"):
        return "basis_point", j + 2
    if low == "bps":
        return "basis_point", j + 1
    return None


def with_percent(s: Sentence, g: Group) -> Group:
    """The group with the percent sign or word after it (unit, kind "percent", end), if there is one."""
    found = percent_after(s, g.n1)
    if found is None:
        return g
    return replace(g, unit=found[0], kind="percent", n1=found[1])

"""Find noun phrases, clauses, subjects and verbs around a figure without a parse (for what a
figure measures and who says so)."""
from __future__ import annotations

from .sentence import Sentence
from .tokens import DASHES, OPEN_QUOTES


def np_after(s: Sentence, k: int, *, max_words: int = 8) -> tuple[str | None, int]:
    """A noun phrase starting at token k (leading determiner dropped) and the index after it."""
    rules = s.rules
    toks = s.toks
    determiners = s.words.determiner
    start = k
    while s.tok(start) is not None and toks[start].lower in determiners:
        start += 1
    m = start
    words = 0
    while m < len(toks) and words < max_words:
        w = toks[m]
        if w.text in DASHES and s.glued(m - 1, m) and s.glued(m, m + 1):
            m += 1
            continue
        if w.text == "." and m > start and s.glued(m - 1, m) and len(toks[m - 1].text) <= 2 and toks[m - 1].text.isupper():
            m += 1  # "U.S."
            continue
        if w.text in ("$", "€", "£", "¥") and m > start and s.tok(m + 1) is not None and toks[m + 1].is_digit:
            m += 1  # "Brazil’s $42.98 million total mineral exports"
            continue
        if not (w.is_word or w.is_digit) and w.text not in ("’s", "'s"):
            break
        low = w.lower
        if m > start and low in s.words.np_joiner and _joins_words(s, m):
            m += 1  # "heavy and medium brigades", "its more advanced aircraft"
            continue
        if low == "of" and m > start:
            nxt = s.tok(m + 1)
            if nxt is not None and (nxt.is_word or nxt.is_digit) and not rules.is_cue("verb", nxt.lower):
                m += 1
                while s.tok(m) is not None and toks[m].lower in determiners:
                    m += 1
                continue
            break
        if rules.is_cue("function", low) or rules.is_cue("verb", low) or rules.change_verbs.match_at(toks, m) is not None and m > start:
            break
        if low.endswith("ed") and m > start and low not in s.words.ed_adjective:
            break
        m += 1
        words += 1
    if m == start:
        return None, k
    return s.join(start, m), m


def _joins_words(s: Sentence, m: int) -> bool:
    """Does the joiner at token m ("and", "more") continue the noun phrase with the lowercase
    content word after it (not a verb: "and ships 5 units")?"""
    rules = s.rules
    nxt_w = s.tok(m + 1)
    if not (nxt_w is not None and nxt_w.is_word and nxt_w.text == nxt_w.lower
            and not rules.is_cue("function", nxt_w.lower) and not rules.is_cue("verb", nxt_w.lower)):
        return False
    after = s.tok(m + 2)
    verbish = nxt_w.lower.endswith("s") and (
        after is None or after.is_digit or after.lower in s.words.determiner or rules.is_cue("function", after.lower)
    )
    return not verbish


def clause_bounds(s: Sentence, i: int) -> tuple[int, int]:
    """Token range of the clause around token i (commas, semicolons, dashes and subordinators end
    it; a parenthesis before i is stepped over: "the budget of the FDA (FDA) for 2024 was ...")."""
    toks = s.toks
    a = i
    while a > 0:
        p = toks[a - 1]
        if p.text == ")":
            k = _opening_paren(s, a - 1)
            if k <= 0:
                break
            a = k
            continue
        if p.text in (";", ":", "–", "—", "(") or p.text == ",":
            break
        if p.lower in s.words.subordinator and not _that_is_determiner(s, p.lower, a):
            break
        a -= 1
    b = i
    while b < len(toks):
        p = toks[b]
        if p.text in (";", ":", "–", "—", "(", ")") or p.lower in ("while", "whereas") or (p.text == "," and b > i):
            break
        b += 1
    return a, b


def _opening_paren(s: Sentence, close: int) -> int:
    """Index of the "(" that the ")" at ``close`` closes (-1 when there is none)."""
    depth, k = 0, close
    while k >= 0:
        if s.toks[k].text == ")":
            depth += 1
        elif s.toks[k].text == "(":
            depth -= 1
            if depth == 0:
                break
        k -= 1
    return k


def _that_is_determiner(s: Sentence, word: str, a: int) -> bool:
    """Is "that" before token ``a`` a pronoun or a determiner ("that of China", "meeting that
    target") rather than the start of a clause?"""
    if word != "that":
        return False
    nx = s.toks[a]
    return nx.lower == "of" or (
        nx.is_word and nx.text == nx.lower and nx.lower not in s.words.determiner
        and nx.lower not in s.words.pronoun and not verb_starts(s, a)
    )


def subject_before(s: Sentence, verb_i: int, clause_start: int) -> str | None:
    """The noun phrase from the clause start up to the verb: determiners and openers dropped, cut
    before a preposition other than "of" once it has two words, at most 14 words; None for pronouns."""
    toks = s.toks
    words = s.words
    a = clause_start
    while a < verb_i and (toks[a].lower in words.determiner or toks[a].text in OPEN_QUOTES
                          or toks[a].lower in words.subject_opener):
        a += 1
    if a >= verb_i:
        return None
    end = verb_i
    n_words = 0
    for m in range(a, verb_i):
        t = toks[m]
        if t.is_word:
            n_words += 1
        if n_words >= 2 and t.lower in words.subject_cut_prep:
            end = m
            break
    while end > a and toks[end - 1].lower in words.verb_aux:
        end -= 1
    text = s.join(a, end).strip(" ,")
    if not text or len(text.split()) > 14:
        return None
    last = text.split()[-1].lower()
    if last in words.pronoun or text.lower() in words.pronoun:
        return None
    return text


def find_verb(s: Sentence, a: int, b: int) -> int | None:
    """First finite-verb-like token in [a, b) (cue verbs, change verbs, "-s" verbs after a noun phrase)."""
    rules = s.rules
    toks = s.toks
    words = s.words
    for m in range(a, b):
        w = toks[m]
        if not w.is_word:
            continue
        low = w.lower
        if w.text != low and m > a:
            continue  # "the United States": a capitalized word is not a verb mid-clause
        if rules.is_cue("verb", low) or rules.is_cue("source_verb", low):
            return m
        if m > a and rules.change_verbs.match_at(toks, m) is not None and low not in words.weak_change_verb:
            return m
        if m > a and low.endswith("ed") and len(low) > 4:
            prev, nxt = toks[m - 1], s.tok(m + 1)
            if prev.is_word and prev.lower not in words.determiner and not rules.is_cue("function", prev.lower) and nxt is not None and (
                nxt.is_digit or nxt.lower in words.determiner or nxt.lower in words.ed_verb_next
            ):
                return m  # "Ukraine advanced a total of ...", "Russia deployed 2,000 troops"
        if m > a + 1 and low.endswith("s") and not low.endswith(("ss", "us", "is")) and not rules.is_cue("not_plural", low):
            prev = toks[m - 1]
            pprev = toks[m - 2]
            nxt = s.tok(m + 1)
            if (prev.is_word and not prev.lower.endswith("s") and pprev.lower in words.determiner and nxt is not None
                    and (nxt.lower in words.s_verb_next or nxt.text == "(")):
                return m  # "the navy operates in ..."
    return None


def verb_starts(s: Sentence, k: int) -> bool:
    """Does a verb (copula, cue verb, change verb, "-ed" or "-s" form) start at token k?"""
    t = s.tok(k)
    if t is None or not t.is_word or t.text != t.lower:
        return False
    low = t.lower
    rules = s.rules
    return (
        low in s.words.copula
        or rules.is_cue("verb", low)
        or rules.is_cue("source_verb", low)
        or rules.change_verbs.match_at(s.toks, k) is not None
        or (low.endswith("ed") and len(low) > 4)
    )


def predicate(s: Sentence, k: int) -> tuple[str | None, bool]:
    """The predicate starting at token k, up to the clause end; (text without copula, had copula)."""
    toks = s.toks
    if k >= len(toks):
        return None, False
    copula = False
    a = k
    while a < len(toks) and toks[a].lower in s.words.copula:
        copula = True
        a += 1
    b = a
    while b < len(toks):
        t = toks[b]
        if t.text in (";", "(", ":", "–", "—") or t.lower in ("while", "whereas"):
            break
        if t.text == ",":
            break
        if t.text in (".", "?", "!") and (b == len(toks) - 1 or not s.glued(b - 1, b) or s.spaced(b, b + 1)):
            break
        b += 1
    while b > a and toks[b - 1].text in (",", ".", "”", "’", '"'):
        b -= 1
    if b <= a:
        return None, copula
    return s.join(a, b), copula


def np_before(s: Sentence, i: int) -> str | None:
    """The noun phrase ending right before token i (content words only, at most 6)."""
    toks = s.toks
    rules = s.rules
    k = i - 1
    while k >= 0 and toks[k].lower in s.words.np_before_skip:
        k -= 1
    end = k + 1
    while k >= 0 and end - k <= 6:
        w = toks[k]
        if not (w.is_word or w.is_digit) and w.text not in DASHES:
            break
        if rules.is_cue("function", w.lower) or rules.is_cue("verb", w.lower) or rules.is_cue("clause", w.lower):
            break
        k -= 1
    return s.join(k + 1, end) or None


def np_chain_before(s: Sentence, i: int) -> str | None:
    """The noun phrase (with "of" chains and "U.S.") ending right before token i; determiners dropped."""
    toks = s.toks
    rules = s.rules
    k = i - 1
    words = 0
    while k >= 0 and words < 8:
        w = toks[k]
        if w.text == "." and k > 0 and s.glued(k - 1, k) and len(toks[k - 1].text) <= 2 and toks[k - 1].text.isupper():
            k -= 1
            continue
        if w.text in DASHES and s.glued(k - 1, k) and s.glued(k, k + 1):
            k -= 1
            continue
        if not (w.is_word or w.is_digit or w.text in ("’s", "'s")):
            break
        low = w.lower
        if low in s.words.determiner and low not in ("that", "those", "this"):
            break
        if low != "of" and (rules.is_cue("function", low) and low not in ("that", "those", "this")):
            break
        if w.text == low and (rules.is_cue("verb", low) or rules.is_cue("source_verb", low)):
            break
        k -= 1
        words += 1
    text = s.join(k + 1, i).strip()
    while text.lower().startswith("of "):
        text = text[3:]
    return text or None


"""Numbers that are not figures: codes and names (G7, F-35, "Nord Stream 2", "Article 5"), years,
days and times, idioms ("half the battle"), the pronoun "one", vague spelled-out numbers ("several
hundred") and headings. A count after a determiner is a figure ("the two
governments", CONVENTIONS)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .figure import Group
from .numbers import YEAR_RE, looks_plural
from .speed import idiom_regex_for
from .sentence import Sentence
from .tokens import CLOSERS, DASHES

ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_CODE_PREFIXES = ("+", "/", ":", "#", "№", "'", "’", "^", "@", "&", "_")
_HEADING_WORD_RE = re.compile(r"[^\W\d_]+")


def overlaps(start: int, end: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """Does [start, end) overlap one of ``ranges``?"""
    return any(s < end and start < e for s, e in ranges)


def in_idiom(s: Sentence, start: int, end: int) -> bool:
    """Is [start, end) inside an idiom ("half the battle")? Searched only around the figure."""
    if s.rules.idiom_re is None:
        return False
    a = max(0, start - 40)
    b = min(len(s.text), end + 40)
    idiom_re = idiom_regex_for(s.rules.gates, s.text[a:b])
    if idiom_re is None:
        return False
    for m in idiom_re.finditer(s.text, a, b):
        if m.start() < end and start < m.end():
            return True
    return False


def is_heading(text: str) -> bool:
    """A section heading inside the body ("Six New Frameworks for a New Era"): no final punctuation and
    most longer words capitalized."""
    t = text.strip()
    if not t or t[-1] in ".?!:;\"”’)":
        return False
    words = [w for w in _HEADING_WORD_RE.findall(t) if len(w) > 3]
    if len(words) < 2:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.6


def number_is_code(s: Sentence, n0: int, n1: int, has_currency: bool) -> bool:
    """Digits glued to letters, plus signs, slashes or colons: G7, F-35, 2+2, 9/11, 10:30, 1990s."""
    t = s.toks[n0]
    if not t.is_digit:
        return False
    prev = s.tok(n0 - 1)
    if prev is not None and prev.end == t.start and _code_before(s, n0, prev, has_currency):
        return True
    nxt = s.tok(n1)
    last = s.toks[n1 - 1]
    if nxt is not None and nxt.start == last.end:
        return _code_after(s, n1, nxt, last)
    return False


def _code_before(s: Sentence, n0: int, prev, has_currency: bool) -> bool:
    """Is the number at n0 a code because of the token glued before it?"""
    if prev.is_word and not has_currency:
        return True  # G7, P5, Mate60
    if prev.text in DASHES:
        # walk left through a glued chain "SY-12-01": any letters in it make it a code
        k = n0 - 1
        while k > 0 and s.toks[k - 1].end == s.toks[k].start:
            k -= 1
            if s.toks[k].is_word:
                return True  # F-35, Vostok-2018, SY-12-01
            if not (s.toks[k].is_digit or s.toks[k].text in DASHES):
                break
    if prev.text in _CODE_PREFIXES:
        return True
    if prev.text in CLOSERS:
        pp = s.tok(n0 - 2)
        if pp is not None and pp.end == prev.start and (pp.is_word or pp.text in CLOSERS):
            return True  # footnote marker glued after a word: "islands.12", "said”3"
    return False


def _code_after(s: Sentence, n1: int, nxt, last) -> bool:
    """Is the number ending at n1 a code because of the token glued after it?"""
    if nxt.text in ("+", "/", ":"):
        after = s.tok(n1 + 1)
        if after is not None and after.start == nxt.end and (after.is_digit or after.is_word):
            return True  # 2+2, 24/7, 10:30 (but "b/d" is a unit after a space)
    if nxt.text == "(":
        after, close = s.tok(n1 + 1), s.tok(n1 + 2)
        if after is not None and close is not None and after.start == nxt.end and close.text == ")" and close.start == after.end:
            return True  # "a 6(b) study", "Article 26(2)": a section reference
    if nxt.is_word and last.is_digit:
        low = nxt.lower
        if low == "s" or low in ORDINAL_SUFFIXES:
            return True  # 1990s; 21st (ordinals handled separately)
        rules = s.rules
        if low in rules.scales:
            return False
        if rules.units.match_at(s.toks, n1) is not None:
            return False
        if rules.currency_suffix.match_at(s.toks, n1) is not None:
            return False
        return True  # 5G, 3D, A400M, "5pm"
    return False


def is_label(s: Sentence, i: int) -> bool:
    """A number right after a label word ("pp. 28", "Article 5", "Type 31", "No. 5")."""
    j = i - 1
    if j >= 0 and s.toks[j].text == "." and s.glued(j - 1, j):
        j -= 1
    p = s.tok(j)
    return p is not None and p.is_word and p.lower in s.rules.label_before


def titlecase_before(s: Sentence, i: int) -> bool:
    """A Title-case word right before the number ("Nord Stream 2", "Framework 2.0", "USA 270")."""
    p = s.tok(i - 1)
    if p is None or not p.is_word or not p.text[0].isupper():
        return False
    if not s.spaced(i - 1, i) or p.lower.endswith(("’s", "'s")):
        return False
    low = p.lower
    rules = s.rules
    if low in rules.cues.get("function", ()) or low in s.words.months:
        return False
    if rules.qual_before.match_before(s.toks, i) is not None:
        return False
    if s.is_sentence_initial(i - 1) and (
        rules.is_cue("function", low) or rules.is_cue("clause", low) or low.endswith("ly")
    ):
        return False  # "Between 2,000 and ...", "Roughly 300": a capital because the sentence starts
    return True


def looks_like_year(s: Sentence, g: Group) -> bool:
    """A bare 4-digit number between 1800 and 2100 that may be a year ("in 2016", "a 2016 poll"), so no
    other figure: :mod:`.years` makes a year figure of it where the context is clear. "2000 troops" (a
    plural noun after it and no determiner or strong year word before) and "of 1850 troops" are counts."""
    t = s.toks[g.n0]
    if not t.is_digit or g.n1 - g.n0 != 1 or g.currency or g.scale or g.unit or not YEAR_RE.fullmatch(t.text):
        return False
    nxt = s.tok(g.n1)
    if nxt is not None and (nxt.text == "%" or s.rules.units.match_at(s.toks, g.n1) is not None):
        return False
    prev = s.tok(g.n0 - 1)
    plural_after = (nxt is not None and nxt.is_word and s.spaced(g.n1 - 1, g.n1) and nxt.text[0].islower()
                    and looks_plural(nxt.text, s.rules) and nxt.lower not in s.words.year_plural_next)
    if plural_after and prev is not None and prev.lower in s.words.year_weak_before and s.spaced(g.n0 - 1, g.n0):
        return False  # "a total of 1850 troops" (``years.year_at`` took "in 2016 elections" and "the 2016 elections")
    if prev is not None and (prev.lower in s.words.year_before or prev.text in DASHES or prev.lower.endswith(("’s", "'s"))):
        return True
    if plural_after and not s.is_sentence_initial(g.n0):
        return False  # "2000 troops"
    return True


def is_date_number(s: Sentence, g: Group) -> bool:
    """Day numbers next to a month ("12 March", "March 12", "12th of March"), times ("5 pm")."""
    if not g.is_digit or g.scale or g.currency:
        return False
    nxt = s.tok(g.n1)
    if nxt is not None and _is_clock_time(s, g.n1, nxt):
        return True
    t = s.toks[g.n0]
    v = g.value
    if v == int(v) and 1 <= v <= 31 and "." not in t.text and "," not in t.text:
        return _is_day_of_month(s, g, nxt)
    return False


def _is_clock_time(s: Sentence, n1: int, nxt) -> bool:
    """Does the token after a number make it a time: "5 pm", "5 p.m.", "1530 hours", "1530 Munich time"?"""
    if nxt.lower.rstrip(".") in s.words.time_of_day:
        return True
    after = s.tok(n1 + 1)
    if nxt.lower in ("a", "p") and after is not None and after.text == ".":
        return True
    if nxt.lower in s.words.clock_next:
        return True
    return nxt.is_word and nxt.text[0].isupper() and after is not None and after.lower == "time"


def _is_day_of_month(s: Sentence, g: Group, nxt) -> bool:
    """Is the number (1 to 31) a day next to a month: "March 12", "Aug. 26", "February 13 to 19",
    "12 March", "12th of March", "on 3 and 10 November", "4-6 March"?"""
    months = s.words.months
    prev = s.tok(g.n0 - 1)
    if prev is not None and prev.lower in months and prev.text[0].isupper():
        return True
    if prev is not None and prev.text == "." and s.tok(g.n0 - 2) is not None and s.toks[g.n0 - 2].lower in months:
        return True  # "Aug. 26"
    if prev is not None and (prev.lower in s.words.day_range_joiner or prev.text in DASHES):
        p2, p3 = s.tok(g.n0 - 2), s.tok(g.n0 - 3)
        if p2 is not None and p2.is_digit and p3 is not None and p3.lower in months:
            return True  # "February 13 to 19", "February 16 and 17"
    if nxt is None:
        return False
    if nxt.lower in months and nxt.text[0].isupper():
        return True
    if nxt.lower == "of":
        n2 = s.tok(g.n1 + 1)
        if n2 is not None and n2.lower in months and n2.text[0].isupper():
            return True
    if nxt.lower in ("and", "to", "or", ",") or nxt.text in DASHES:
        n2, n3 = s.tok(g.n1 + 1), s.tok(g.n1 + 2)
        if n2 is not None and n2.is_digit and n3 is not None and n3.lower in months and n3.text[0].isupper():
            return True  # "on 3 and 10 November", "4-6 March"
    return False


def group_ok(s: Sentence, g: Group) -> bool:
    """Spelled-out numbers that are not figures: "one" as a pronoun, Title-case names, "the two countries"."""
    if not g.raw_words:
        return True
    words = [s.toks[k].lower for k in range(g.n0, g.n1)]
    nw = s.rules.number_words
    first = s.toks[g.n0]
    prev = s.tok(g.n0 - 1)
    if first.text[0].isupper() and not first.text.isupper():
        if not s.is_sentence_initial(g.n0) and not (prev is not None and prev.text in (":", "(", "“", '"', "‘")):
            return False  # "the Five Eyes", "Group of Seven"
        if is_title(s, g.n1):
            return False  # a feature title: "Twenty Years On", “Six New Frameworks”
    if words in (["a"], ["an"]):
        return False
    if nw.get(words[0], (0, ""))[1] in ("scale", "hundred", "dozen"):
        return False  # "million" or "dozen" with no number before it
    if prev is not None and prev.lower in s.words.vague_before_scale and nw.get(words[-1], (0, ""))[1] in ("scale", "hundred", "dozen"):
        return False  # "several hundred", "a few thousand", "several dozen": no value
    if words == ["one"] or words == ["one", "a"]:
        return one_is_figure(s, g)
    entry = nw.get(words[-1])
    last_type = entry[1] if entry else None
    if last_type == "fraction" and len(words) == 1 or (len(words) == 2 and words[0] in ("a", "an", "one") and last_type == "fraction"):
        if not fraction_ok(s, g, words):
            return False
    if last_type == "fraction" and words[-1] in ("second",):
        return False
    if words[0] in ("a", "an") and g.value >= 1:
        nxt_entry = nw.get(words[1]) if len(words) > 1 else None
        if nxt_entry is not None and nxt_entry[1] in ("scale", "hundred", "dozen"):
            nxt = s.tok(g.n1)
            # "a million" is a figure; "a thousand-year" old idiom-ish compounds are not
            if nxt is not None and nxt.text in DASHES and s.glued(g.n1 - 1, g.n1):
                return False
    return True


def is_title(s: Sentence, j: int) -> bool:
    """Do the words from token ``j`` to a closing quote, a colon or the end of the sentence spell a
    title with the Title-case number before them ("Twenty Years On", "Six New Frameworks")? Every
    word of three letters or more is capitalized, and there is at least one."""
    toks = s.toks
    words = 0
    for k in range(j, len(toks)):
        w = toks[k]
        if w.text in ("”", '"', "’", ":", ")", "!", "?") or (w.text == "." and k == len(toks) - 1):
            break
        if not w.is_word or len(w.text) < 3:
            continue
        if not w.text[0].isupper():
            return False
        words += 1
    return words >= 1


def one_is_figure(s: Sentence, g: Group) -> bool:
    """ "one" is a figure only with a scale, a fraction, "one in five", or a bounding word before it."""
    nxt = s.tok(g.n1)
    prev = s.tok(g.n0 - 1)
    nw = s.rules.number_words
    if nxt is not None and nxt.lower in ("in", "out"):
        n2 = s.tok(g.n1 + 1)
        n3 = s.tok(g.n1 + 2)
        if n2 is not None and (n2.is_digit or n2.lower in nw):
            return True
        if n2 is not None and n2.lower == "of" and n3 is not None and (n3.is_digit or n3.lower in nw):
            return True
    if prev is not None and prev.lower in s.words.one_bound:
        return True
    q = s.rules.qual_before.match_before(s.toks, g.n0)
    if q is not None:
        return q[0] in ("more_than", "at_least", "less_than", "up_to")
    return False


def fraction_ok(s: Sentence, g: Group, words: list[str]) -> bool:
    """Fractions need "of", a noun phrase ("half the population"), a numerator ("two-thirds"), a
    qualifier ("at least half"), "by" ("cut by half"), a verb ("half is funded") or "as" ("half as many")."""
    nxt = s.tok(g.n1)
    prev = s.tok(g.n0 - 1)
    last = words[-1]
    if prev is not None and prev.lower in s.words.fraction_blocker:
        return False  # "the second half of 2016", "in half"
    if nxt is not None and nxt.text in DASHES and s.glued(g.n1 - 1, g.n1):
        return False  # "half-hearted", "a quarter-century"
    if len(words) == 1 and last.endswith("s"):
        return False  # "in some quarters": no numerator
    rules = s.rules
    if rules.qual_before.match_before(s.toks, g.n0) is not None:
        return True  # "at least half is funded", "roughly a third came"
    if (prev is not None and prev.lower == "by" and rules.change_verbs.match_before(s.toks, g.n0 - 1) is not None
            and (nxt is None or not nxt.is_word or rules.is_cue("function", nxt.lower))):
        return True  # "cut by half", "fell by a third in 2029" (not "joined by a third.")
    if nxt is None:
        return False
    if nxt.lower == "of":
        return True
    if last in ("half", "halves") and nxt.lower in s.words.half_next:
        return True
    if last in ("half",) and nxt.is_word and looks_plural(nxt.text, rules):
        return True
    if nxt.lower == "as" and last == "half":
        return True  # "half as many": a factor
    return nxt.lower in s.words.copula or rules.is_cue("verb", nxt.lower)  # "a third were", "half remains"

"""Calendar years, decades and ranges of calendar years (CONVENTIONS: kind ``year``; a year's value is
the year, a decade's its first year, unit null; a range "2021–2025" is one figure, value [2021, 2025],
unit ``calendar_year``). A year inside a date counts too ("May 2019" gives 2019): the dates stage keeps
its own record of the date.

A bare number from 1800 to 2100 is a year only where the words around it say so (:func:`year_context`):
after "in", "since", a month or a season; after "by", "of", "to", ... unless a plural noun or a unit
follows; before a singular noun ("the 2030 election", "a 2016 poll"); opening a sentence before a verb
("2024 was ..."); in brackets; joined to another year ("2016 and 2017"). Not years: a number glued to a
name ("Shield-2029", "F-2030"), after a title word ("Outlook 2040") or a label ("Resolution 2031", "pp.
2019"), before a unit, a scale or a percent ("1990 km"), with a thousands comma ("2,000 troops"), or a
count ("of 1850 troops", "the 2000 soldiers"). Decades: "1990s", "the 80s", "’80s", "the mid-1990s"
(not "in their 20s": an age).
"""
from __future__ import annotations

from .figure import Fig
from .filters import is_label, titlecase_before
from .groups import currency_before, percent_after
from .numbers import YEAR_RE, looks_plural
from .sentence import Sentence
from .tokens import DASHES

RANGE_UNIT = "calendar_year"
_RANGE_GLUE = DASHES | {"/", "−"}  # "2021–2025", "2019/20", "1937−1945" (a minus sign)
_PUNCT_DASHES = ("—", "–")  # glued after a year before a word: punctuation ("in 2024—Russia")
_OPEN_BRACKETS = ("(", "[")
_GLUED_BEFORE_OK = ("(", "[", "“", '"', "‘")
_APOSTROPHES = ("'", "’", "‘")


def year_at(s: Sentence, i: int) -> Fig | None:
    """The year, decade or range of years whose number starts at token ``i``, or None."""
    t = s.toks[i]
    if not t.is_digit or len(t.text) not in (2, 4):
        return None
    decade = decade_at(s, i)
    if decade is not None or len(t.text) != 4 or not YEAR_RE.fullmatch(t.text):
        return decade
    if not plain_year(s, i):
        return None
    second = range_end(s, i)
    if second is not None:
        end_i, high = second
        return _fig(s, i, i, end_i, [int(t.text), high], RANGE_UNIT)
    if not year_context(s, i):
        return None
    return _fig(s, i, i, i + 1, int(t.text), None)


def _fig(s: Sentence, i0: int, n0: int, i1: int, value, unit: str | None) -> Fig:
    return Fig(start=s.toks[i0].start, end=s.toks[i1 - 1].end, i0=i0, i1=i1, n0=n0, value=value, unit=unit, kind="year")


def decade_at(s: Sentence, i: int) -> Fig | None:
    """ "1990s", "the 2020s", "the 80s", "’80s", "the mid-1990s": a decade, its first year."""
    toks = s.toks
    t = toks[i]
    nxt = s.tok(i + 1)
    if nxt is None or nxt.text not in ("s", "S") or not s.glued(i, i + 1) or t.text[-1] != "0":
        return None
    after = s.tok(i + 2)
    if after is not None and s.glued(i + 1, i + 2) and (after.is_word or after.is_digit):
        return None
    value = int(t.text)
    if after is not None and after.text in DASHES and s.glued(i + 1, i + 2) and len(t.text) == 4:
        second = s.tok(i + 3)  # "the 1980s–1990s": a range of decades
        if second is not None and s.glued(i + 2, i + 3) and _ends_decade(s, i + 4) and len(second.text) == 4 \
                and YEAR_RE.fullmatch(second.text) and value < int(second.text) and _free_before(s, i):
            return _fig(s, i, i, i + 5, [value, int(second.text)], RANGE_UNIT)
    i0 = i
    prev = s.tok(i - 1)
    if prev is not None and s.glued(i - 1, i) and prev.text in _APOSTROPHES and len(t.text) == 2:
        i0 = i - 1  # "’80s"
    elif not _free_before(s, i):
        return None  # "F-16s", "B-52s", "MiG-2010s"
    if len(t.text) == 4:
        if not (YEAR_RE.fullmatch(t.text) and not is_label(s, i)):
            return None
    elif not _short_decade_context(s, i0):
        return None
    else:
        value += 2000 if value < 20 else 1900
    return _fig(s, i0, i, i + 2, value, None)


def _short_decade_context(s: Sentence, i0: int) -> bool:
    """ "the 80s", "the late 80s", "the mid-80s", "’80s"; not "in their 20s" or "his early 40s" (ages)."""
    words = s.words
    k = i0 - 1
    apostrophe = s.toks[i0].text in _APOSTROPHES
    seen_the = False
    while k >= 0:
        w = s.toks[k]
        if w.text in DASHES and s.glued(k, k + 1):
            k -= 1
            continue
        if w.lower in words.decade_age:
            return False
        if w.lower not in words.decade_before:
            break
        seen_the = seen_the or w.lower == "the"
        if seen_the:
            break
        k -= 1
    if seen_the or apostrophe:
        return True
    # "the 20s and 30s": joined to a decade before it
    return k >= 1 and s.toks[k].lower in words.year_joiner and _ends_decade(s, k - 1)


def _ends_decade(s: Sentence, k: int) -> bool:
    """Does token ``k`` end a decade ("80s")?"""
    prev = s.tok(k - 1)
    return s.toks[k].text in ("s", "S") and prev is not None and prev.is_digit and s.glued(k - 1, k) and prev.text[-1] == "0"


def _free_before(s: Sentence, i: int) -> bool:
    """Nothing glued before the number at ``i`` that makes it a code or a name: a letter ("FY2025" is
    fine, "G2030" is not), a dash after a name ("Shield-2029"; "mid-2025" is fine), a symbol."""
    prev = s.tok(i - 1)
    if prev is None or not s.glued(i - 1, i):
        return True
    if prev.text in _GLUED_BEFORE_OK:
        return True
    if prev.is_word:
        return prev.lower == "fy"
    if prev.text in DASHES:
        word = s.tok(i - 2)
        return word is not None and s.glued(i - 2, i - 1) and word.lower in s.words.year_prefix and _free_before(s, i - 2)
    return False


def plain_year(s: Sentence, i: int) -> bool:
    """Is the 4-digit number at ``i`` free of what makes it no year: something glued to it (a name,
    a code, a time, "2000-strong"), a currency, a label or title word before it, a unit, scale or
    percent after it, or a word that makes it a name ("the 2014 Committee")?"""
    if not _free_before(s, i) or currency_before(s, i) is not None or is_label(s, i):
        return False
    nxt = s.tok(i + 1)
    if nxt is None:
        return True
    if s.glued(i, i + 1):
        after = s.tok(i + 2)
        if nxt.text in _PUNCT_DASHES and (after is None or not after.is_digit):
            return True  # "the summer of 2025—a grim mark"
        if nxt.text in _RANGE_GLUE:
            return _range_glued_ok(s, i)
        if nxt.is_word or nxt.text in ("%", "+", "#"):
            return nxt.lower in ("'s", "’s", "年")  # "2024's budget", "2019年"; not "2030km", "2019Q1"
        if nxt.text == ":":
            after = s.tok(i + 2)
            return after is None or not (after.is_digit and s.glued(i + 1, i + 2))  # not "2019:30"
        return True  # "2019.", "2019,", "(2019)"
    return not _unit_after(s, i + 1)


def _range_glued_ok(s: Sentence, i: int) -> bool:
    """A dash or slash glued after a year: only a second year may follow ("2021–2025", "2019/20"),
    and nothing glued after that ("2030-05-02" is a day)."""
    second = s.tok(i + 2)
    if second is None or not second.is_digit or not s.glued(i + 1, i + 2):
        return False
    after = s.tok(i + 3)
    return after is None or not s.glued(i + 2, i + 3) or after.text not in _RANGE_GLUE


def _unit_after(s: Sentence, j: int) -> bool:
    """A unit, scale, percent, currency, clock or name word at token ``j`` (after a spaced number)."""
    t = s.toks[j]
    rules = s.rules
    if t.text == "%" or percent_after(s, j) is not None:
        return True
    if not t.is_word:
        return False
    low = t.lower
    if low in rules.scales or low in rules.name_after or low in s.words.clock_next or low.rstrip(".") in s.words.time_of_day:
        return True
    if rules.units.match_at(s.toks, j) is not None or rules.currency_suffix.match_at(s.toks, j) is not None:
        return True
    entry = rules.number_words.get(low)
    return entry is not None and entry[1] in ("hundred", "scale", "dozen")  # "1900 hundred"; not "the 1967 Six-Day War"


def range_end(s: Sentence, i: int) -> tuple[int, int] | None:
    """(end token, second year) of a range of years starting at ``i``: "2021–2025", "2021-25",
    "2019/20", "2021 to 2025", "between 2021 and 2025" (the span starts at the first year). The second
    year is later and within a century; a plural noun or a unit after it makes the range a count."""
    toks = s.toks
    j = i + 1
    nxt = s.tok(j)
    if nxt is None:
        return None
    first = int(toks[i].text)
    glued = s.glued(i, j) and nxt.text in _RANGE_GLUE
    if not glued:
        prev = s.tok(i - 1)
        joiner = nxt.lower in s.words.year_range_joiner or (nxt.lower == "and" and prev is not None and prev.lower == "between")
        if not joiner or not s.spaced(i, j):
            return None
    second = s.tok(j + 1)
    if second is None or not second.is_digit or not (s.glued(j, j + 1) if glued else s.spaced(j, j + 1)):
        return None
    high = _second_year(first, second.text, short_ok=glued)
    if high is None or (nxt.text == "/" and high != first + 1):
        return None
    if not glued and _change_before(s, i):
        return None  # "rose from 1900 to 2050"
    after = s.tok(j + 2)
    if after is not None and s.glued(j + 1, j + 2) and (after.is_word and after.lower != "年" or after.is_digit
                                                        or after.text in DASHES and after.text not in _PUNCT_DASHES):
        return None
    if after is not None and s.spaced(j + 1, j + 2) and (_unit_after(s, j + 2) or _plural_after(s, j + 2) and not (
            glued and (len(second.text) == 2 or first % 100 or high % 100))):
        return None  # "1800-1900 troops", "from 1900 to 2000 tonnes"; not "the 2014-15 successes"
    if is_label(s, i):
        return None
    return j + 2, high


def _second_year(first: int, text: str, *, short_ok: bool) -> int | None:
    """The second year of a range: four digits, or two after a dash ("2021-25", "1999-00")."""
    if len(text) == 4 and YEAR_RE.fullmatch(text):
        high = int(text)
    elif len(text) == 2 and short_ok:
        high = first - first % 100 + int(text)
        if high <= first:
            high += 100
    else:
        return None
    return high if first < high <= first + 100 else None


def _change_before(s: Sentence, i: int) -> bool:
    """A change verb right before "from" / "by" / "to" before token ``i`` ("rose from", "cut by")."""
    k = i - 1
    if k >= 0 and s.toks[k].lower in ("from", "by", "to"):
        return s.rules.change_verbs.match_before(s.toks, k) is not None
    return False


def _plural_after(s: Sentence, j: int) -> bool:
    """A lowercase plural noun at token ``j`` that the number counts ("troops", "people"; not "levels"
    in "2019 levels"), or a word that opens a count ("1990 more")."""
    t = s.tok(j)
    if t is None or not t.is_word or not t.text[0].islower():
        return False
    low = t.lower
    if low in s.words.count_opener:
        return True
    return looks_plural(t.text, s.rules, strict=False) and not s.rules.is_cue("function", low) \
        and low not in s.words.year_plural_next


def year_context(s: Sentence, i: int) -> bool:
    """Do the words around the plain 4-digit number at ``i`` make it a calendar year?"""
    words = s.words
    prev = s.tok(i - 1)
    nxt = s.tok(i + 1)
    if prev is not None and s.glued(i - 1, i) and (prev.text in DASHES or prev.is_word):
        return True  # "mid-2025", "FY2025" (``_free_before`` let only these through)
    if nxt is not None and s.glued(i, i + 1) and nxt.lower in ("'s", "’s", "年"):
        return True  # "2024's budget", "2019年"
    if prev is not None and prev.text in _OPEN_BRACKETS:
        return not _count_after(s, i + 1)  # "(2019)"; not "(2000 troops)"
    if prev is not None and s.spaced(i - 1, i):
        low = prev.lower
        if low == "." and i >= 2 and s.toks[i - 2].lower in ("c", "ca") and s.glued(i - 2, i - 1):
            return True  # "c. 1850"
        if low in words.months and prev.text[0].isupper() or low in words.year_strong_before:
            return True  # "May 2019", "in 2019", "since 2014", "fiscal 2025"
        if _day_of_month_before(s, i):
            return True  # "March 3, 2027"
        if low in words.year_joiner and _after_year_or_now(s, i - 1):
            # "in 2016 and 2017", "the 1967, 1973, and 1982 wars"; not "in May 2019 and 1990 more"
            return not (nxt is not None and s.spaced(i, i + 1) and (nxt.lower in words.count_opener or _unit_after(s, i + 1)))
        if low in words.year_weak_before:
            return _weak_context_ok(s, i)
    if nxt is None or titlecase_before(s, i):
        return False  # "Outlook 2040"
    if s.is_sentence_initial(i):
        return nxt.lower in words.year_subject_verb or nxt.text == ","  # "2024 was ...", "2024, too, ..."
    if prev is not None and prev.text in (",", ";", ":") and nxt.lower in words.year_subject_verb:
        return True  # "For example, 2018 saw growth"
    if prev is not None and s.spaced(i - 1, i) and (prev.lower in words.year_det or prev.lower.endswith(("'s", "’s"))):
        return _after_determiner(s, i)
    return _singular_noun_after(s, i + 1) or (nxt.lower in words.year_plural_next and s.spaced(i, i + 1))


def _weak_context_ok(s: Sentence, i: int) -> bool:
    """After "of", "by", "to", ...: a year unless a count or unit follows, a change verb comes before
    the preposition ("cut by 2000"), or, after "of", a quantity noun or "a/an" does ("a total of 1850")."""
    nxt = s.tok(i + 1)
    if nxt is not None and nxt.lower in s.words.year_plural_next:
        return True  # "fell to 2019 levels", "grew from 2009 onwards"
    if _count_after(s, i + 1) or _change_before(s, i):
        return False
    prep = s.toks[i - 1]
    if prep.lower != "of":
        return True
    noun = s.tok(i - 2)
    if noun is None:
        return True
    entry = s.rules.number_words.get(noun.lower)
    if noun.is_digit or noun.lower in s.words.year_of_count or entry is not None and entry[1] != "fraction":
        return False  # "a total of 1850", "one of 2000", "three of 2000"; not "the first half of 2027"
    article = s.tok(i - 3)
    return not (article is not None and article.lower in ("a", "an"))  # "a force of 1900"


def _day_of_month_before(s: Sentence, i: int) -> bool:
    """ "March 3, 2027", "3 March, 2027": a day and a month before the comma before the year."""
    if i < 3 or s.toks[i - 1].text != ",":
        return False
    a, b = s.toks[i - 3], s.toks[i - 2]
    months = s.words.months
    day_then_month = a.is_digit and b.lower in months and b.text[0].isupper()
    month_then_day = b.is_digit and len(b.text) <= 2 and a.lower in months and a.text[0].isupper()
    return day_then_month or month_then_day


def _after_year_or_now(s: Sentence, k: int) -> bool:
    """Does the joiner at token ``k`` ("and", "or", a comma) follow a year ("2016 and", "2012, 2018,
    and"), or is it the "and" of "between now and"?"""
    if _joined_to_year(s, k - 1):
        return True
    prev = s.tok(k - 1)
    if prev is not None and prev.text == "," and s.toks[k].lower in ("and", "or"):
        return _joined_to_year(s, k - 2)
    return s.toks[k].lower == "and" and k >= 2 and s.toks[k - 2].lower == "between"


def _joined_to_year(s: Sentence, k: int) -> bool:
    """Is token ``k`` (before "and", "or", a comma) a calendar year or the end of a range or decade?"""
    t = s.tok(k)
    if t is None:
        return False
    if t.is_digit and len(t.text) == 4 and YEAR_RE.fullmatch(t.text):
        if k >= 2 and s.toks[k - 1].text in DASHES and s.glued(k - 1, k) and s.toks[k - 2].is_digit:
            return True  # "2016–2018 and 2020"
        return plain_year(s, k) and year_context(s, k)
    return _ends_decade(s, k)


def _after_determiner(s: Sentence, i: int) -> bool:
    """ "the 2030 election", "the 2016 elections", "Russia's 2022 invasion", "the 2031 Lisbon summit",
    "the 2016 and 2020 elections"; not "the 2000 soldiers" (a round hundred before a plural)."""
    nxt = s.toks[i + 1]
    if nxt.text == "," and s.glued(i, i + 1):
        after = s.tok(i + 2)  # "the 1967, 1973, and 1982 wars"
        return after is not None and after.is_digit and YEAR_RE.fullmatch(after.text) is not None
    if not s.spaced(i, i + 1):
        return False
    if nxt.is_word and nxt.text[0].isupper():
        return not looks_plural(nxt.text, s.rules)  # "the 2031 Lisbon summit"; not "the 2000 Russians"
    if nxt.lower in s.words.year_joiner:
        after = s.tok(i + 2)
        return after is not None and after.is_digit and YEAR_RE.fullmatch(after.text) is not None
    if _plural_after(s, i + 1):
        return int(s.toks[i].text) % 100 != 0
    return _singular_noun_after(s, i + 1)


def _singular_noun_after(s: Sentence, j: int) -> bool:
    """A lowercase singular noun at token ``j``, right after the number: a count would be plural, so
    the number names a year ("a 2016 poll", "the 2030 election", "its 2022 budget")."""
    t = s.tok(j)
    if t is None or not t.is_word or not t.text[0].islower() or not s.spaced(j - 1, j):
        return False
    low = t.lower
    rules = s.rules
    words = s.words
    if looks_plural(t.text, rules, strict=False) or low.endswith("ly") or low in rules.number_words:
        return False
    if rules.is_cue("function", low) or rules.is_cue("verb", low) or rules.is_cue("source_verb", low):
        return False
    return not (low in words.copula or low in words.verb_aux or low in words.year_subject_verb
                or low in words.duration_after or low in words.determiner or low in words.pronoun)


def _count_after(s: Sentence, j: int) -> bool:
    """A plural noun or a unit right after the number ending before ``j``: a count or quantity."""
    t = s.tok(j)
    if t is None or not s.spaced(j - 1, j):
        return False
    return _plural_after(s, j) or _unit_after(s, j)


def heading_years(s: Sentence) -> list[Fig]:
    """The years of a heading or caption ("Ukraine’s 2023 Offensive", "Since the 2022 Madrid
    Summit"): the same rules as in a sentence (a title word before the year still makes it a name:
    "Outlook 2040")."""
    out: list[Fig] = []
    i = 0
    toks = s.toks
    while i < len(toks):
        fig = year_at(s, i) if toks[i].is_digit else None
        if fig is not None:
            out.append(fig)
            i = fig.i1
        else:
            i += 1
    return out

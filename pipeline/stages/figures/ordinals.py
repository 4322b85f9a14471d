"""Find ordinals that rank or count: before a superlative ("the third-largest", "second most
populous": unit "rank"), after a ranking verb ("ranked 23rd"), and before the noun they rank ("for the
first time", "its fifth round", "a sixth-generation jet", "the nineteenth century", "the 14th sanctions
package": unit the noun ranked, singular). Not ordinals that rank: adverbial "first" ("first noticed"),
sentence-opening enumerators ("First, ..."), names ("the Second World War"), days ("March 3rd"), an
ordinal before a count ("the first two years") and the idioms of ``negatives.tsv`` ("in the first
place", "a third country", "second-hand")."""
from __future__ import annotations

from .figure import Fig
from .filters import ORDINAL_SUFFIXES
from .numbers import parse_digits, singularize
from .phrases import np_after
from .sentence import Sentence
from .tokens import DASHES

def ordinal_at(s: Sentence, i: int) -> Fig | None:
    """The ordinal figure whose number starts at token ``i``, or None."""
    read = read_ordinal(s, i)
    if read is None:
        return None
    value, j = read
    toks = s.toks
    t = toks[i]
    sup = _superlative_after(s, j)
    if sup is not None:
        end_i = sup + 1
        if toks[sup].lower in ("most", "least"):
            a = s.tok(sup + 1)
            if a is not None and a.is_word and (s.spaced(sup, sup + 1) or s.glued(sup, sup + 1)):
                end_i = sup + 2
        fig = Fig(start=t.start, end=toks[end_i - 1].end, i0=i, i1=end_i, n0=i, value=value, unit="rank", kind="ordinal")
        # measured: the superlative and the noun phrase after it ("largest economy")
        words = [toks[k].text for k in range(sup, end_i)]
        np, _ = np_after(s, end_i, max_words=4)
        fig.measured = " ".join(words + ([np] if np else []))
        return fig
    prev = s.tok(i - 1)
    if prev is not None and prev.lower in s.words.rank_verb:
        return Fig(start=t.start, end=toks[j - 1].end, i0=i, i1=j, n0=i, value=value, unit="rank", kind="ordinal")
    return _counting_ordinal(s, i, j, value)


def heading_ordinals(s: Sentence) -> list[Fig]:
    """The ordinals of a heading, where every word is capitalized: a capitalized ordinal right before
    the capitalized noun it ranks ("Fifth Round", "The 21st Century Navy"); not before a function
    word, a number or a word of ``ordinal_stop``."""
    out = []
    rules = s.rules
    for i, t in enumerate(s.toks):
        read = read_ordinal(s, i, heading=True) if (t.is_word and t.text[0].isupper() and t.lower in rules.start_words) or t.is_digit else None
        if read is None:
            continue
        value, j = read
        noun = s.tok(j)
        if (noun is None or not noun.is_word or not noun.text[0].isupper() or not s.spaced(j - 1, j) or noun.lower in s.words.ordinal_stop
                or noun.lower in rules.number_words or rules.is_cue("function", noun.lower) or _is_day(s, i, j)):
            continue
        out.append(Fig(start=t.start, end=noun.end, i0=i, i1=j + 1, n0=i, value=value,
                       unit=_singular(s, j), kind="ordinal", measured=noun.text))
    return out


def read_ordinal(s: Sentence, i: int, *, heading: bool = False) -> tuple[int, int] | None:
    """(rank, index after it) of the ordinal at token ``i``: a word ("third"), digits with a glued
    suffix ("21st") or tens and an ordinal joined by a hyphen ("twenty-first"). A Title-case word
    inside a sentence is part of a name ("the Second World War"), unless the sentence is a heading."""
    toks = s.toks
    t = toks[i]
    nw = s.rules.number_words
    if t.is_word:
        if t.text[0].isupper() and not s.is_sentence_initial(i) and not heading:
            return None
        e = nw.get("ord:" + t.lower)
        if e is not None:
            return int(e[0]), i + 1
        tens = nw.get(t.lower)
        unit = s.tok(i + 2)
        if (tens is not None and tens[1] == "tens" and unit is not None and toks[i + 1].text in DASHES
                and s.glued(i, i + 1) and s.glued(i + 1, i + 2)):
            e = nw.get("ord:" + unit.lower)
            if e is not None and e[0] < 10:
                return int(tens[0] + e[0]), i + 3  # "twenty-first"
        return None
    nxt = s.tok(i + 1)
    if t.is_digit and nxt is not None and nxt.lower in ORDINAL_SUFFIXES and s.glued(i, i + 1):
        value = parse_digits(t.text)
        if value is not None and value == int(value) and value >= 1:
            return int(value), i + 2
    return None


def _superlative_after(s: Sentence, j: int) -> int | None:
    """Token index of the superlative after an ordinal ending at j - 1: hyphenated ("third-largest")
    or spaced ("second most populous", "third largest")."""
    nxt = s.tok(j)
    if nxt is None:
        return None
    if nxt.text in DASHES and s.glued(j - 1, j) and s.glued(j, j + 1):
        cand = s.tok(j + 1)
        if cand is not None and cand.is_word and s.rules.superlative_re.match(cand.lower) and cand.lower not in s.words.not_superlative:
            return j + 1
        return None
    if nxt.is_word and s.spaced(j - 1, j) and nxt.lower in s.words.spaced_superlative:
        return j
    return None


def _counting_ordinal(s: Sentence, i: int, j: int, value: int) -> Fig | None:
    """An ordinal before the noun it ranks: glued by a hyphen ("sixth-generation", "21st-century")
    or, after a determiner or a possessive, spaced ("its fifth round", "the first major test": the
    span holds the noun only when it follows directly). None for days ("March 3rd", "the 3rd of
    March"), an ordinal before a count or a vague word ("the first two", "the first few") and an
    ordinal without a noun ("the first to arrive")."""
    toks = s.toks
    t = toks[i]
    nxt = s.tok(j)
    if nxt is None or _is_day(s, i, j):
        return None
    if nxt.text in DASHES and s.glued(j - 1, j) and s.glued(j, j + 1):
        noun = s.tok(j + 1)
        if noun is None or not noun.is_word or not noun.text[0].islower() or noun.lower in s.words.ordinal_stop:
            return None
        return Fig(start=t.start, end=noun.end, i0=i, i1=j + 2, n0=i, value=value,
                   unit=_singular(s, j + 1), kind="ordinal", measured=noun.text)
    prev = s.tok(i - 1)
    determined = prev is not None and s.spaced(i - 1, i) and (
        prev.lower in s.words.ordinal_det or prev.lower.endswith(("’s", "'s")))
    if not (determined or t.is_digit) or not s.spaced(j - 1, j):
        return None
    head = _ranked_noun(s, j)
    if head is None:
        return None
    end = head + 1 if head == j else j
    return Fig(start=t.start, end=toks[end - 1].end, i0=i, i1=end, n0=i, value=value,
               unit=_singular(s, head), kind="ordinal", measured=s.join(j, head + 1))


def _singular(s: Sentence, k: int) -> str:
    """The ranked noun at token ``k``, singular and lowercase ("rounds" -> "round")."""
    return singularize(s.toks[k].text, s.rules).lower()


def _is_day(s: Sentence, i: int, j: int) -> bool:
    """ "March 3rd", "3rd March", "the 3rd of March": a day of a month, not a rank."""
    months = s.words.months
    prev, nxt, after = s.tok(i - 1), s.tok(j), s.tok(j + 1)
    if prev is not None and prev.lower in months:
        return True
    if nxt is not None and nxt.lower in months:
        return True
    return nxt is not None and nxt.lower == "of" and after is not None and after.lower in months


def _ranked_noun(s: Sentence, k: int) -> int | None:
    """Token index of the noun an ordinal ranks, in the words from ``k`` (no parse): the last
    lowercase content word before a function word, a verb, a number or punctuation, within four
    words ("fifth round", "first major naval exercise", "second Trump administration"); "time" ends
    the phrase ("the first time officials met"). None when the first word is no noun."""
    rules = s.rules
    toks = s.toks
    words = s.words
    last = None
    for m in range(k, min(k + 4, len(toks))):
        w = toks[m]
        if m > k and not s.spaced(m - 1, m):
            break
        if not w.is_word:
            break
        low = w.lower
        if (low in rules.number_words or low in words.ordinal_stop or low in words.noun_phrase_verb
                or rules.is_cue("function", low) or rules.is_cue("verb", low) or rules.is_cue("source_verb", low)
                or rules.is_cue("clause", low)):
            break
        if m > k and low.endswith(("ed", "ing")):
            break  # "the first step leading to"
        if w.text[0].isupper() or low.endswith("ly"):
            continue  # a name or an adverb as a modifier: "the second Trump administration"
        if m == k and low in words.ordinal_period:
            return None  # "the first years of": a period, not a rank
        last = m
        nxt = s.tok(m + 1)
        if nxt is not None and nxt.text in DASHES and s.glued(m, m + 1) and s.glued(m + 1, m + 2):
            continue  # "the first non-European member": the compound is a modifier
        if low in words.ordinal_noun_end:
            break  # "the first time officials met"
    return last

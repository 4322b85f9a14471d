"""Finding date expressions: candidates from the pattern rows tried at token starts, then the
context checks a regex cannot express ("May" needs "in/since/by/the" before it, a capitalized word
before a year makes it part of a name, a counted noun after a number makes it a count, "Resolution"
before it makes it a reference). Pure: nothing is written to the Doc."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from spacy.tokens import Doc, Span

from .compiled import Grammar
from .grammar import default_grammar
from .phrase import match_groups, normalize_groups
from .rows import joined_groups, winner_groups, word_key
from .speed import DocView, can_start_here, entity_char_ranges, overlapping
from .values import Reject, norm_space


@dataclass
class Candidate:
    """A pattern match in the text: character offsets, the row's rule and the groups that took part."""

    start: int
    end: int
    rule: str
    groups: dict[str, str]


_WORD_BEFORE = re.compile(r"(\S+)(\s+)$")
_TRAIL_PUNCT = ",;:)(\"“”‘’'!?."


def _prev_word(text: str, start: int, lo: int) -> tuple[str | None, str]:
    """The whitespace-separated word just before ``start`` (within [lo, start)) and the gap."""
    m = _WORD_BEFORE.search(text[max(lo, start - 40):start])
    if not m:
        return None, ""
    return m.group(1), m.group(2)


def _next_words(text: str, end: int, hi: int, n: int = 2) -> list[str]:
    return text[end:min(hi, end + 40)].split()[:n]


def _clean(word: str | None) -> str:
    return (word or "").strip(_TRAIL_PUNCT).lower()


def _is_name_context(g: Grammar, text: str, start: int, lo: int) -> bool:
    """A capitalized non-function word right before (no punctuation between): "Theresa May"."""
    word, gap = _prev_word(text, start, lo)
    if not word or gap != " " or word[-1] in ".,;:)”’'\"!?":
        return False
    if not word[0].isupper() or word.endswith(("’s", "'s", "s’", "s'")):
        return False  # "Ulyukayev’s July visit": a possessive is not part of a name with the date
    low = word.lower()
    return low not in g.roles["not_name"] and word not in g.months and word not in g.weekdays \
        and low not in g.seasons


def _blocked_number(g: Grammar, text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """A number that is a count, an amount or a reference number rather than a date."""
    matched = text[start:end]
    word, _ = _prev_word(text, start, lo)
    determined = _clean(word) in g.roles["determiner"] or (word or "").endswith(("’s", "'s"))
    if matched[-1:].isdigit() and not any(ch.isalpha() for ch in matched) and not determined:
        # a bare number ("1956", "2014–16") followed by a counted noun; not after a determiner:
        # "its 2019 strikes", "Russia’s 2000 doctrine" are years
        nxt = [_clean(w) for w in _next_words(text, end, hi)]
        if nxt and (nxt[0] in g.roles["block_after"] or " ".join(nxt) in g.roles["block_after"]):
            return True
        if text[end:end + 1] == "%":
            return True
    if matched[:1].isdigit():
        if word and (word.lower() in g.roles["block_before"] or _clean(word) in g.roles["block_before"]
                     or word in ("$", "US$", "€", "£", "¥")):
            return True
    return False


# "2000 to 3000", "1000–2000": a plain number paired with another plain number is a count
_NUM_AFTER = re.compile(r"\s*(?:[-–—]|to|and|or)\s*(\d+)(?!\d|[.,]\d)")
_NUM_BEFORE = re.compile(r"(?<![\d,.])(\d+)\s*(?:[-–—]|to|and|or)\s*$")


def _plausible_year(s: str) -> bool:
    s = s.rstrip(".,")
    return s.isdigit() and (len(s) == 2 or (len(s) == 4 and 1000 <= int(s) <= 2100))


_LIST_SPLIT = re.compile(r"[\w.$%’']+|[,–-]")


def _listed_after_blocked(g: Grammar, text: str, start: int, lo: int) -> bool:
    """ "Resolutions 1970 and 1973": a number listed after a reference number is one too."""
    words = _LIST_SPLIT.findall(text[max(lo, start - 60):start])
    seen_number = False
    expect_sep = True
    for w in reversed(words):
        low = w.lower()
        if expect_sep and low in (",", "and", "or", "to", "-", "–"):
            expect_sep = False
            continue
        if not expect_sep and re.fullmatch(r"\d[\d,.]*", w):
            seen_number, expect_sep = True, True
            continue
        return seen_number and expect_sep and _clean(w) in g.roles["block_before"]
    return False


@dataclass(frozen=True)
class _Around:
    """What the context checks read around one candidate: the sentence text [lo, hi), the word
    before it (as written and cleaned), and whether that word (or a coordination with the
    previous date) licenses an ambiguous month, a season or an old year."""

    g: Grammar
    text: str
    lo: int
    hi: int
    word: str | None
    prev: str
    licensed: bool


def _accept(c: Candidate, g: Grammar, text: str, lo: int, hi: int, prev_end: int | None) -> bool:
    """Context checks that the regex cannot express. False = not a date here."""
    if _blocked_number(g, text, c.start, c.end, lo, hi):
        return False
    check = _CHECKS.get(c.rule)
    if check is None:
        return True
    word, _ = _prev_word(text, c.start, lo)
    prev = _clean(word)
    joined = prev_end is not None and _clean(text[prev_end:c.start]) in ("", "and", "or", "to", "–", "-", "through", "until")
    return check(c, _Around(g, text, lo, hi, word, prev, prev in g.roles["license"] or joined))


def _accept_year(c: Candidate, a: _Around) -> bool:
    gr, g, text = c.groups, a.g, a.text
    if gr.get("approx"):
        return True
    if c.end - c.start > 4 + 5:  # "the year 2000"
        return True
    if _is_name_context(g, text, c.start, a.lo):
        return False
    if int(gr["year"]) < 1600 and not a.licensed:
        return False
    after = _NUM_AFTER.match(text, c.end, a.hi)
    if after and not _plausible_year(after.group(1)):
        return False
    before = _NUM_BEFORE.search(text[max(a.lo, c.start - 20):c.start])
    if before and not _plausible_year(before.group(1)):
        return False
    return not _listed_after_blocked(g, text, c.start, a.lo)


def _accept_month(c: Candidate, a: _Around) -> bool:
    context = a.g.months[norm_space(c.groups["month"])][1]
    if context == "dated":
        return False
    if _is_name_context(a.g, a.text, c.start, a.lo):
        return False
    return not (context == "needs" and not c.groups.get("mod") and not a.licensed)


def _accept_season(c: Candidate, a: _Around) -> bool:
    season = c.groups["season"]
    if season[0].isupper() and (a.word is not None and not re.search(r"[.!?][”’\"']?$", a.word)) and c.start > a.lo:
        return False  # "Arab Spring", "Prague Spring": a name inside a sentence
    if re.match(r"\s+of\b", a.text[c.end:c.end + 5]):
        return False  # "the fall of Kabul"
    if a.g.seasons[season.lower()][1] == "dated" and not c.groups.get("the"):
        return False
    return a.licensed or bool(c.groups.get("mod"))


def _not_a_name(c: Candidate, a: _Around) -> bool:
    """ "Black Friday", "Super Tuesday", "John 3:16": not after a capitalized word of a name."""
    return not _is_name_context(a.g, a.text, c.start, a.lo)


def _not_a_capitalized_name(c: Candidate, a: _Around) -> bool:
    """ "Russia Today": a capitalized word inside a sentence, after a name."""
    w = c.groups.get("word")
    return not (w and w[0].isupper() and c.start > a.lo and _is_name_context(a.g, a.text, c.start, a.lo))


def _accept_vague_duration(c: Candidate, a: _Around) -> bool:
    return a.prev in a.g.roles["vague_duration"]  # "for years", "take months", "just weeks later"


_AGE_AFTER = re.compile(r"(?:-|\s+)old\b|\s+of\s+age\b", re.IGNORECASE)
_TITLE_AFTER = re.compile(r"\s*[”\"’]|\s+[A-Z]")


def _accept_rate(c: Candidate, a: _Around) -> bool:
    """ "per month" is a rate anywhere; "a month" only after an amount ("US$ 5 billion a year")."""
    if c.groups.get("per", "").lower() == "per":
        return True
    return a.g.amount_before.search(a.text[max(a.lo, c.start - 25):c.start]) is not None


def _not_an_age_or_title(c: Candidate, a: _Around) -> bool:
    """ "65 years of age", "a 54-year-old", "30 years old" are ages (CONVENTIONS: not dates);
    "Twenty Years On" in a title is a name."""
    if _AGE_AFTER.match(a.text, c.end, a.hi):
        return False
    num, unit = c.groups.get("num") or "", c.groups.get("unit") or ""
    return not (num[:1].isupper() and unit[:1].isupper() and _TITLE_AFTER.match(a.text, c.end, a.hi))


def _accept_holiday(c: Candidate, a: _Around) -> bool:
    """ "the Good Friday Agreement", "Easter Island": a holiday followed by a name word is a name."""
    return re.match(r"\s+[A-Z]", a.text[c.end:min(a.hi, c.end + 3)]) is None


def _accept_duration(c: Candidate, a: _Around) -> bool:
    gr, prev, roles = c.groups, a.prev, a.g.roles
    if not _not_an_age_or_title(c, a):
        return False
    num = (gr.get("num") or "").lower()
    if num in ("a", "an") and a.g.amount_before.search(a.text[max(a.lo, c.start - 25):c.start]):
        return False  # "US$ 5 billion a year": a rate (the figure's unit), not a duration
    if (gr.get("qmod") or "").lower() == "over" and prev not in roles["over_more"]:
        return False  # "£24 billion over four years": "over" = spread across; retried from "four"
    if num in ("one", "some") and gr.get("unit", "").lower() == "day" and prev not in roles["day_duration"]:
        return False  # "one day, Russia will ...": not a duration
    return True


def _accept_relative(c: Candidate, a: _Around) -> bool:
    # "the last year": a duration (next rows)
    return not (a.prev == "the" and c.groups.get("rel", "").lower() in ("last", "next", "past"))


def _accept_discourse(c: Candidate, a: _Around) -> bool:
    if not _accept_relative(c, a):
        return False
    gr, text = c.groups, a.text
    rel = gr.get("rel", "").lower()
    if rel in ("before", "after", "earlier", "later") and not re.match(r"\s*(?:[.,;:)!?]|$)", text[c.end:a.hi]):
        return False  # "the day after the invasion": relative to an event, not to a date
    if re.match(r"\s+as\b", text[c.end:a.hi]):
        return False  # "on the same day as the opening of the forum": relative to an event
    unit = gr.get("unit", "")
    # "means that fall beneath the threshold", "said that May would"
    return not (rel == "that" and (unit.lower() == "fall" or a.g.months.get(unit, (0, ""))[1] == "needs"))


# rule -> its context check (rules without one are accepted as matched)
_CHECKS = {
    "year": _accept_year, "month": _accept_month, "season": _accept_season, "weekday": _not_a_name,
    "time": _not_a_name, "deictic": _not_a_capitalized_name, "set": _not_a_capitalized_name,
    "vague_duration": _accept_vague_duration, "duration": _accept_duration,
    "relative": _accept_relative, "discourse": _accept_discourse, "rate": _accept_rate,
    "duration_range": _not_an_age_or_title, "holiday": _accept_holiday,
}


def match_at(g: Grammar, text: str, pos: int, lo: int, hi: int, prev_end: int | None = None,
             rows: Sequence[int] | None = None) -> Candidate | None:
    """The first pattern row (in priority order) that matches at ``pos`` and passes the context checks.

    ``rows``: the candidate rows (default: those dispatched on the word at ``pos``). The rows
    are first tried together (one alternation, one call into the regex engine); only when
    the winner fails a context check are the rows after it tried one by one.
    """
    rows = tuple(g.dispatch.get(word_key(text, pos), ())) if rows is None else tuple(rows)
    if not rows or not can_start_here(g, text, pos, hi, rows):
        return None
    pattern, row_groups = joined_groups(g, rows)
    m = pattern.match(text, pos, hi)
    if m is None:
        return None
    k, groups = winner_groups(m, row_groups)
    cand = Candidate(m.start(), m.end(), g.rows[rows[k]].rule, groups)
    if _accept(cand, g, text, lo, hi, prev_end) and _normalizable(cand, g):
        return cand
    for i in rows[k + 1:]:
        row = g.rows[i]
        m = row.regex.match(text, pos, hi)
        if m is None:
            continue
        cand = Candidate(m.start(), m.end(), row.rule, match_groups(m))
        if _accept(cand, g, text, lo, hi, prev_end) and _normalizable(cand, g):
            return cand
    return None


_WORD_START = re.compile(r"(?<![^\W\d_])[^\W\d_]|(?<![\w.,])\d|[’']")


def find_candidates(text: str, grammar: Grammar | None = None, *, lo: int = 0, hi: int | None = None,
                    blocked: Sequence[tuple[int, int]] = ()) -> list[Candidate]:
    """Date candidates in ``text[lo:hi]`` (character offsets into ``text``), in order, non-overlapping.

    Tries the patterns at every word start (the pipeline uses token starts instead, see
    :func:`find_dates`). ``blocked``: (start, end) character ranges (entities) no candidate
    may overlap.
    """
    g = grammar or default_grammar()
    hi = len(text) if hi is None else hi
    out: list[Candidate] = []
    prev_end: int | None = None
    pos = lo
    while True:
        w = _WORD_START.search(text, pos, hi)
        if w is None:
            break
        cand = match_at(g, text, w.start(), lo, hi, prev_end)
        if cand is None or _inside_entity(text, cand, blocked):
            pos = w.start() + 1
            continue
        out.append(cand)
        prev_end = pos = cand.end
    return out


def _normalizable(c: Candidate, g: Grammar) -> bool:
    """Run the normalizer once without an anchor to catch Reject (impossible days, bad ordinals).
    A pure function of the rule and the groups: cached per grammar ("1990", "2014" recur)."""
    cache = g.lookup_cache.setdefault("normalizable", {})
    key = (c.rule, tuple(c.groups.items()))
    ok = cache.get(key)
    if ok is None:
        try:
            normalize_groups(c.rule, c.groups, g, None, None, None)
            ok = True
        except Reject:
            ok = False
        if len(cache) >= 30_000:   # a cache over a huge corpus starts over rather than grow with it
            cache.clear()
        cache[key] = ok
    return ok


@dataclass
class Found:
    """One detected expression: the candidate, its token range and its sentence's token range."""

    cand: Candidate
    start: int
    end: int
    sent: tuple[int, int]


def iter_found(view: DocView, sentences: Iterable[tuple[int, int]] | None = None) -> Iterator[Found]:
    """Every date expression of the body sentences, token-aligned, outside entities, in order."""
    g, text = view.g, view.text
    blocked = entity_char_ranges(view)
    b_starts = [r[0] for r in blocked]
    b_reach = list(accumulate((r[1] for r in blocked), max))
    # plain lists: indexing numpy arrays one element at a time costs more than the lookups
    start_arr, start_rows = view.start_tokens()
    starts = start_arr.tolist()
    start_chars = view.idx[start_arr].tolist()
    idx, ends = view.idx, view.ends
    if sentences is None:
        sentences = _body_sentences_with(view, start_arr)
    for a, b in sentences:
        lo, hi = int(idx[a]), int(ends[b - 1])
        near = overlapping(blocked, b_starts, b_reach, lo, hi)
        prev_end: int | None = None
        for k in range(bisect_left(starts, a), bisect_left(starts, b)):
            pos = start_chars[k]
            if prev_end is not None and pos < prev_end:
                continue
            i = starts[k]
            cand = match_at(g, text, pos, lo, hi, prev_end, start_rows[k])
            if cand is None or _inside_entity(text, cand, near):
                continue
            end_tok = view.token_end(cand.end)
            if end_tok is None:
                continue
            prev_end = cand.end
            yield Found(cand, i, end_tok, (a, b))


def _body_sentences_with(view: DocView, start_arr: np.ndarray) -> list[tuple[int, int]]:
    """The body sentences that hold a start token, in order: only they can hold a date, so only
    they are tested for "body"."""
    bounds = view.sentence_bounds()
    is_body = view.body_test()
    sentences = []
    if len(start_arr):
        which = (np.searchsorted(np.asarray(bounds), start_arr, side="right") - 1).tolist()
        for s_i in dict.fromkeys(which):
            a, b = bounds[s_i], bounds[s_i + 1]
            if is_body(a, b):
                sentences.append((a, b))
    return sentences


def _inside_entity(text: str, cand: Candidate, ranges: Iterable[tuple[int, int]]) -> bool:
    """Does the candidate overlap one of the entity ``ranges`` (other than by closing it after "of",
    or as a year opening it, or as the place of a time's zone)? A holiday is a date even when it is
    the whole entity ("Independence Day, 2027"), not inside a longer one ("the Good Friday Agreement")."""
    return any(s < cand.end and cand.start < e and not _trailing_of_date(text, cand, s, e)
               and not (cand.rule == "holiday" and cand.start <= s and e <= cand.end)  # not "Good Friday Agreement"
               and not _leading_year(text, cand, s, e) and not (cand.rule == "time" and cand.start < s and e <= cand.end)
               for s, e in ranges)  # "9:30 Kyiv time": the zone's place is an entity inside the time


def _leading_year(text: str, cand: Candidate, start: int, end: int) -> bool:
    """ "the 2031 Lisbon summit": a year that opens a name as a word of its own is still a date
    (CONVENTIONS); "Shield-2029", "Outlook 2040" and "Zapad 2021" are not."""
    return (cand.rule == "year" and cand.end < end and text[cand.end:cand.end + 1] == " "
            and text[start:cand.start].lower() in ("", "the "))


def _trailing_of_date(text: str, cand: Candidate, start: int, end: int) -> bool:
    """ "the Joint Declaration of 1956": a date after "of" closing an entity is still a date
    (unlike "the 1956 Joint Declaration" or "Vostok-2018", where the year is part of the name)."""
    return cand.end == end and cand.start > start and text[max(start, cand.start - 3):cand.start] == "of "


def find_dates(doc: Doc | Span, grammar: Grammar | None = None) -> list[Span]:
    """Date spans in a Doc (its body sentences) or in one sentence Span; ``label_`` = the pattern rule.

    Token-aligned only (a match inside a token, such as "2018" in "Vostok-2018", is never
    tried); never overlapping an entity span. Pure: nothing is written to the Doc.
    """
    d = doc.doc if isinstance(doc, Span) else doc
    view = DocView(d, grammar or default_grammar())
    sents = [(doc.start, doc.end)] if isinstance(doc, Span) else None
    return [Span(d, f.start, f.end, label=f.cand.rule) for f in iter_found(view, sents)]

"""The speed layer of the figures stage: exact shortcuts, each with a fast-equals-slow test in
``tests/stages/figures/test_speed.py``.

* the sentence gate (:func:`sentence_gate`, :func:`gate_ranges`): can a sentence hold a figure at
  all? Most cannot (no digit, no number word); it over-approximates, so it only skips work;
* :func:`may_hold_figure`: every number of the sentence lies in a name or a date;
* :func:`idiom_regex_for`: the idiom alternation cut to the rows that can match in a window;
* :class:`RangeIndex`: the name / date ranges of one sentence by bisection;
* :func:`body_sentence_ranges`: sentence offsets read from one array instead of ``doc.sents``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc

from ...extensions import doc_text
from ...regex_structure import _has_backreference, required_strings
from ..segment import boilerplate_ranges
from .tokens import DASHES

DIGIT_RE = re.compile(r"\d")
_DIGIT_RUN_RE = re.compile(r"\d+")
_YEARISH_RE = re.compile(r"(?:1[89]|20)\d\d|2100")  # ``numbers.YEAR_RE``: a year (or a decade "1990s")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
# bytes.translate table: ASCII a-z kept, every other byte a space
_ASCII_LOWER_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
# The only non-ASCII characters that match an ASCII letter case-insensitively (see the ``re`` docs:
# "İ", "ı", "ſ" and the Kelvin sign).
FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")


@dataclass
class Gates:
    """What the shortcuts need, compiled once from the rules (:func:`compile_gates`)."""

    gate_re: re.Pattern | None = None  # the contexts where "one" or an ordinal can be a figure
    gate_words_ascii: frozenset[bytes] = frozenset()  # number and factor words but "one" (as bytes)
    gate_ordinals_ascii: frozenset[bytes] = frozenset()
    # for :func:`may_hold_figure`: the start words but "a" / "an" (None when one is not ASCII) and
    # every lowercase word that can give a figure a time unit (None: unknown)
    number_words_ascii: frozenset[bytes] | None = None
    time_words_ascii: frozenset[bytes] | None = None
    # words after which "a" / "an" starts a number ("a million", "a quarter"): what read_number accepts
    after_article: frozenset[str] = frozenset()
    idiom_re: re.Pattern | None = None  # every idiom row in one alternation
    # per idiom row: its "(?:pattern)" and the lowercase strings one of which every match contains
    # (None: unknown); see :func:`idiom_regex_for`
    idiom_parts: tuple[tuple[str, frozenset[str] | None], ...] = ()
    idiom_strings: tuple[str, ...] = ()  # every required string of idiom_parts, once
    idiom_rows_of: dict[str, tuple[int, ...]] = field(default_factory=dict)  # string -> rows requiring it
    idiom_rows_always: frozenset[int] = frozenset()  # rows with unknown required strings
    idiom_cache: dict[tuple[int, ...], re.Pattern] = field(default_factory=dict)


def compile_gates(number_words: Mapping[str, tuple[float, str, str | None]], *, factor_verbs: Iterable[str],
                  start_words: frozenset[str], time_words: frozenset[bytes] | None, idioms: tuple[str, ...],
                  idiom_re: re.Pattern | None, one_bound: Iterable[str], superlatives: Iterable[str],
                  rank_verbs: Iterable[str], ordinal_dets: Iterable[str] = (), one_words: Iterable[str] = ()) -> Gates:
    """The gates of compiled rules: their number words ("ord:" keys for ordinals), the factor verbs
    ("double"), the words that mean one before a percent unit ("a single percentage point"), the start
    words of a figure, the time words (:func:`time_words`), the idiom rows and
    the word lists the contexts of "one" and of ordinals come from."""
    gates = Gates(idiom_re=idiom_re, time_words_ascii=time_words)
    cardinal = {w for w in number_words if not w.startswith("ord:")}
    ordinals = {w[4:] for w in number_words if w.startswith("ord:")}
    starts_but_articles = start_words - {"a", "an"}
    if all(w.isascii() for w in starts_but_articles):
        gates.number_words_ascii = frozenset(w.encode() for w in starts_but_articles)
    gates.after_article = frozenset(
        w for w, e in number_words.items()
        if e[1] in ("hundred", "scale", "dozen", "fraction") and not (e[1] == "fraction" and w == "second")
    )
    # a word outside [a-z] can never be one of the [a-z]+ runs the gate compares
    gate_words = (cardinal - {"one"}) | set(factor_verbs) | set(one_words)
    gates.gate_words_ascii = frozenset(w.encode() for w in gate_words if w.isascii())
    gates.gate_ordinals_ascii = frozenset(w.encode() for w in ordinals if w.isascii())
    fractions = [w for w, e in number_words.items() if e[1] in ("fraction", "scale", "hundred", "dozen")]
    gates.gate_re = _one_and_ordinal_re(fractions, ordinals, set(one_bound), set(superlatives), set(rank_verbs),
                                        set(ordinal_dets))
    _compile_idiom_rows(gates, idioms)
    return gates


def _alternation(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=lambda w: (-len(w), w))))


def _one_and_ordinal_re(fractions: list[str], ordinals: set[str], one_bound: set[str], superlatives: set[str],
                        rank_verbs: set[str], ordinal_dets: set[str]) -> re.Pattern:
    """Where a bare "one" or a spelled ordinal can be a figure: "one in five", "one million", "only
    one", "more than one", "the third-largest", "ranked third", "its fifth round", "Japan's second
    term", "a sixth-generation jet" (see ``one_is_figure``, ``fraction_ok`` and ``ordinal_at``: this
    must match wherever they may accept)."""
    dashes = "".join(sorted(DASHES))
    ords = _alternation(ordinals)
    return re.compile(
        r"\bone(?:[- ](?:in|out|and|" + _alternation(fractions) + r")\b)"
        + r"|\b(?:" + _alternation(one_bound | {"than", "least"}) + r") one\b"
        + r"|\b(?:" + ords + r")(?:[" + dashes + r"]|\s+)(?:"
        + _alternation(superlatives) + r"|[a-z]+est)\b"
        + r"|\b(?:" + _alternation(rank_verbs) + r")\s+(?:" + ords + r")\b"
        + r"|(?:\b(?:" + _alternation(ordinal_dets) + r")|['’]s)\s+(?:" + ords + r")\b"
        + r"|\b(?:" + ords + r")[" + dashes + r"][^\W\d_]"
        + r"|(?-i:\b(?:" + _alternation(w.capitalize() for w in ordinals) + r")\s+[A-Z])",  # a heading's "Fifth Round"
        re.I,
    )


def _compile_idiom_rows(gates: Gates, idioms: tuple[str, ...]) -> None:
    """The required strings of every idiom row, when no row has a backreference (a subset of the
    rows then keeps every row's meaning)."""
    if not idioms or any(_has_backreference(p) for p in idioms):
        return
    gates.idiom_parts = tuple((p, required_strings(p)) for p in idioms)
    gates.idiom_strings = tuple(sorted({x for _, req in gates.idiom_parts for x in req or ()}))
    gates.idiom_rows_of = {
        x: tuple(i for i, (_, req) in enumerate(gates.idiom_parts) if req is not None and x in req)
        for x in gates.idiom_strings
    }
    gates.idiom_rows_always = frozenset(i for i, (_, req) in enumerate(gates.idiom_parts) if req is None)


def time_words(unit_rows: Iterable[Mapping[str, str]], unit_dimension: Mapping[str, str],
               lemmas: Mapping[str, str]) -> frozenset[bytes] | None:
    """Every lowercase word (as bytes) through which a figure can get a unit of time: the words of
    the unit forms (``units.tsv`` rows) of a time unit, and every word ``singularize`` can turn into
    a time unit ("days", "centuries", a lemma table entry). None if a form has a part without letters."""
    time_units = {u for u, dim in unit_dimension.items() if dim == "time"}
    words: set[str] = set()
    for u in time_units:
        words.update((u, u + "s", u + "es"))
        if u.endswith("y"):
            words.add(u[:-1] + "ies")
    forms = [r["form"] for r in unit_rows if r["unit"] in time_units]
    forms += [form for form, lemma in lemmas.items() if lemma in time_units]
    for form in forms:
        for part in form.lower().split():
            runs = re.findall(r"[a-z]+", part)
            if not runs:
                return None
            words.update(runs)
    if not all(w.isascii() for w in words):
        return None
    return frozenset(w.encode() for w in words)


def ascii_words(text: str) -> set[bytes]:
    """``set(re.findall("[a-z]+", text.lower()))`` as bytes, without a regex: after lowering, every
    character outside a-z (a non-ASCII one becomes "?") turns into a space, and ``split`` gives the
    runs. About three times faster, and the gate runs on every body sentence."""
    return set(text.lower().encode("ascii", "replace").translate(_ASCII_LOWER_ONLY).split())


def sentence_gate(gates: Gates, text: str) -> bool:
    """Cheap test: can this sentence hold a figure? (Most sentences cannot: no digit, no number word.)"""
    if DIGIT_RE.search(text):
        return True
    words = ascii_words(text)
    if not words.isdisjoint(gates.gate_words_ascii):
        return True
    if b"one" in words or not words.isdisjoint(gates.gate_ordinals_ascii):
        return gates.gate_re is not None and gates.gate_re.search(text) is not None
    return False


def gate_ranges(gates: Gates, text: str, ranges: Sequence[tuple[int, int]]) -> list[bool]:
    """``[sentence_gate(gates, text[a:b]) for a, b in ranges]``, with the digit search and the
    lowering done once for the whole text instead of once per sentence. The lowered text is sliced
    by the same offsets, which holds when lowering keeps the length (it then maps every character
    to one character); otherwise each sentence is gated on its own."""
    low = text.lower()
    if len(low) != len(text):
        return [sentence_gate(gates, text[a:b]) for a, b in ranges]
    letters = low.encode("ascii", "replace").translate(_ASCII_LOWER_ONLY)
    digits = [m.start() for m in DIGIT_RE.finditer(text)]
    words_ascii, ordinals_ascii = gates.gate_words_ascii, gates.gate_ordinals_ascii
    out = []
    for a, b in ranges:
        k = bisect_left(digits, a)
        if k < len(digits) and digits[k] < b:
            out.append(True)
            continue
        words = set(letters[a:b].split())
        if not words.isdisjoint(words_ascii):
            out.append(True)
        elif b"one" in words or not words.isdisjoint(ordinals_ascii):
            out.append(gates.gate_re is not None and gates.gate_re.search(text[a:b]) is not None)
        else:
            out.append(False)
    return out


def idiom_regex_for(gates: Gates, window: str) -> re.Pattern | None:
    """The idiom alternation restricted to the rows that can match somewhere in ``window``; None when
    no row can. A row whose required strings (:func:`required_strings`) are all absent from the
    window never matches there, so dropping it changes no match of ``finditer`` over the window:
    the kept rows keep their order (the first row that matches at a position still wins). The one
    big alternation tried at every position costs ~60 µs per figure; most windows need none of it."""
    if not gates.idiom_parts or not FOLDS_TO_ASCII.isdisjoint(window):
        return gates.idiom_re
    low = window.lower()
    # the rows whose required strings meet the window's (the same rows, in the same order, as testing
    # every row's strings; filter() and the string -> rows table keep the loop in C)
    rows = set(gates.idiom_rows_always)
    rows_of = gates.idiom_rows_of
    for x in filter(low.__contains__, gates.idiom_strings):
        rows.update(rows_of[x])
    keep = tuple(sorted(rows))
    if not keep:
        return None
    pattern = gates.idiom_cache.get(keep)
    if pattern is None:
        pattern = gates.idiom_cache[keep] = re.compile("|".join(gates.idiom_parts[i][0] for i in keep), re.I)
    return pattern


def may_hold_figure(gates: Gates, text: str, blocked: Sequence[tuple[int, int]], dates: Sequence[tuple[int, int]]) -> bool:
    """False only when ``scan_sentence`` (with these blocked and date ranges) surely finds no
    figure, decided without tokenizing: every number in ``text`` lies in a blocked range, or in a date
    with no word of time in the sentence to make it a duration.

    A figure's number token is a digit token, a start word or an "a" / "an" before one; the scan
    drops a figure whose number token overlaps a blocked range, or a date range unless its unit is
    one of time or it is a calendar year or decade (a digit run of 1800-2100, or two digits ending
    in 0 before "s": such a sentence is always scanned). So when every digit run, every start word and every "a" / "an" right before one
    overlaps such a range, no figure is left (and the scan changes no paragraph state). Digits are
    found by ``\\d+`` (a sentence with any other non-ASCII digit, "²", is scanned); the words as
    whole runs of a-z in the lowered text (a start word is ASCII, so its token is such a run)."""
    if not blocked and not dates:
        return True
    in_date = False   # a number lies in a date range (and in no blocked range)
    # cheapest first: most sentences that hold a figure have a digit outside every range
    for m in _DIGIT_RUN_RE.finditer(text):
        where = _overlap(m.start(), m.end(), blocked, dates)
        if where == 0 or _YEARISH_RE.fullmatch(m.group()) or (len(m.group()) == 2 and text[m.end() - 1] == "0"
                                                              and text[m.end():m.end() + 1] in ("s", "S")):
            return True  # a calendar year or decade is a figure inside a date or a name too
        in_date = in_date or where == 2
    if gates.number_words_ascii is None:
        return True
    low = text.lower()
    if len(low) != len(text):
        return True
    if not text.isascii() and any(c.isdigit() for c in _NON_ASCII_RE.findall(text)):
        return True
    letters = low.encode("ascii", "replace").translate(_ASCII_LOWER_ONLY)
    words = set(letters.split())
    for w in words.intersection(gates.number_words_ascii):
        where = _word_overlap(letters, w, blocked, dates)
        if where == 0:
            return True
        in_date = in_date or where == 2
    if in_date:
        return gates.time_words_ascii is None or not words.isdisjoint(gates.time_words_ascii)
    return False


def _word_overlap(letters: bytes, w: bytes, blocked: Sequence[tuple[int, int]], dates: Sequence[tuple[int, int]]) -> int:
    """0 when an occurrence of the whole word ``w`` in ``letters`` (or an "a" / "an" right before
    one: "a million") lies outside every range; else 2 when one lies in a date, else 1."""
    where_any = 1
    padded = b" " + letters + b" "
    k = padded.find(b" " + w + b" ")
    while k >= 0:  # the word is letters[k : k + len(w)]
        where = _overlap(k, k + len(w), blocked, dates)
        if where == 0:
            return 0
        if where == 2:
            where_any = 2
        before = letters[:k].rstrip()
        for art in (b"a", b"an"):
            if before.endswith(art) and (len(before) == len(art) or before[-len(art) - 1] == 32):
                where = _overlap(len(before) - len(art), len(before), blocked, dates)
                if where == 0:
                    return 0
                if where == 2:
                    where_any = 2
        k = padded.find(b" " + w + b" ", k + len(w) + 1)
    return where_any


def _overlap(a: int, b: int, blocked: Sequence[tuple[int, int]], dates: Sequence[tuple[int, int]]) -> int:
    """1 if [a, b) overlaps a blocked range, else 2 if it overlaps a date range, else 0."""
    for s, e in blocked:
        if s < b and a < e:
            return 1
    for s, e in dates:
        if s < b and a < e:
            return 2
    return 0


def local_ranges(ranges: Sequence[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The ranges that overlap [start, end), clipped to it and shifted to start at 0."""
    return [(max(s, start) - start, min(e, end) - start) for s, e in ranges if s < end and start < e]


class RangeIndex:
    """Sorted (start, end) ranges with :func:`local_ranges` answered by bisection: checking every
    range of the Doc for every sentence is quadratic in the document length."""

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        self.ranges = list(ranges)
        self.starts = [s for s, _ in self.ranges]
        self.reach = list(accumulate((e for _, e in self.ranges), max))   # running max of the ends

    def local(self, start: int, end: int) -> list[tuple[int, int]]:
        """Same list as ``local_ranges(ranges, start, end)``: the ranges before ``a`` end by
        ``start``, those from ``b`` on begin at or after ``end``."""
        a = bisect_right(self.reach, start)
        b = bisect_left(self.starts, end)
        return [(max(s, start) - start, min(e, end) - start) for s, e in self.ranges[a:b] if start < e]


def body_sentence_ranges(doc: Doc) -> Iterator[tuple[int, int, str]]:
    """(start_char, end_char, text) of the body sentences: the same sentences as
    :func:`~pipeline.stages.segment.body_sentences`, without building ``Span.text`` token by token."""
    ranges = boilerplate_ranges(doc)
    starts = [r[0] for r in ranges]
    text = doc_text(doc)
    for start, end in sentence_char_ranges(doc):
        k = bisect_right(starts, start) - 1
        if k >= 0 and ranges[k][0] <= start < ranges[k][1]:
            continue
        chunk = text[start:end]
        if chunk.strip():
            yield start, end, chunk


def sentence_char_ranges(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of every sentence, read from one array (iterating ``doc.sents`` builds a
    Token object per token, which costs more than this whole stage)."""
    if not len(doc):
        return []
    arr = doc.to_array([SENT_START, IDX, LENGTH])
    if len(doc) > 1 and not arr[1:, 0].any():
        return [(s.start_char, s.end_char) for s in doc.sents]  # no boundaries: doc.sents raises E030
    first = numpy.concatenate(([0], numpy.flatnonzero(arr[1:, 0] == 1) + 1))
    last = numpy.append(first[1:], len(doc)) - 1
    return list(zip(arr[first, 1].tolist(), (arr[last, 1] + arr[last, 2]).tolist()))

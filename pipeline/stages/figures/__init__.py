"""Figures stage: numeric figures with value, unit, kind, qualifier, change, what they measure and who says so.

Reads: the body sentences (:func:`~pipeline.stages.segment.body_sentences`), ``doc.spans["dates"]`` and
``doc.ents`` / ``doc.spans["entities"]`` (a number inside a date or a named entity is not a figure, except
a duration such as "seven decades"), and the dependency parse, POS tags and lemmas when the pipeline has
them (the stage also works on a blank pipeline).

Writes: ``doc.spans["figures"]`` (label = kind) and ``span._.figure``, a dict of JSON primitives::

    {"value": number | [low, high], "unit": str | None, "kind": "percent" | "money" | "count" |
     "quantity" | "ordinal" | "range" | "other", "currency": ISO 4217 | None, "scale": number | None,
     "qualifier": "approx" | "more_than" | "less_than" | "at_least" | "up_to" | None,
     "change": "increase" | "decrease" | None, "change_from": number | None, "change_to": number | None,
     "measured": str | None, "source": str | None, "compared_with": [start_char, end_char] | None}

Decisions (see also ``pipeline/resources/figures/README.md``):

* ``value`` is the full number: "US$ 200 million" -> 200000000 with ``scale`` 1000000.
* A count's ``unit`` is the lemma of the counted noun's head ("410 nuclear weapons" -> "weapon",
  "people" -> "person"); the whole noun phrase goes to ``measured`` ("nuclear weapons"). The span covers
  qualifier, number, scale, unit and counted noun ("more than seven decades", "two of the disputed
  islands"). Bare numbers after "the number of allies ... rose from three to eight" count allies.
* Fractions ("half", "a quarter", "two-thirds", "one in five") and factors ("doubled", "threefold",
  "six times larger") have unit None and kind "other"; a frequency ("met more than 20 times") is a count
  of "time". Ranking ordinals ("the third-largest") have kind "ordinal", unit None; a bare number
  ("zero", "21") kind "other", unit None.
* Percentage points: unit "percentage_point", kind "percent". Ranges: kind "range", value [low, high],
  span "between 2,000 and 3,000 troops".
* "fell from 12 to 9" gives two figures, each with change/change_from/change_to, compared with each other.
* Qualifiers: nearly/almost/about/some = approx; over/more than/-plus = more_than; under/fewer than =
  less_than; at least/or more = at_least; up to/as many as = up_to.
* Spelled-out numbers used anaphorically ("the two countries"), the pronoun "one", enumerations, codes
  and names (G7, F-35, Nord Stream 2, "1718 Committee"), page and footnote references, calendar years,
  days and times are not figures. A number inside a date span is not a figure unless it is a duration.
"""
from __future__ import annotations

import json
import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate
from dataclasses import dataclass, field
from pathlib import Path

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ...extensions import SPANS_DATES, SPANS_ENTITIES, SPANS_FIGURES, SPANS_PARAGRAPHS, doc_text, ensure_extensions
from ...resources import ResourceError, gc_paused, read_table
from ..segment import boilerplate_ranges

DEFAULT_CONFIG: dict[str, object] = {"spans_key": SPANS_FIGURES, "use_parse": True}
LOGGER = logging.getLogger("claims.figures")

KINDS = ("percent", "money", "count", "quantity", "ordinal", "range", "other")
QUALIFIERS = ("approx", "more_than", "less_than", "at_least", "up_to")
CHANGES = ("increase", "decrease")
# spaCy NER labels that are themselves numeric: a figure may sit inside them.
NUMERIC_ENT_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"})
TEMPORAL_ENT_LABELS = frozenset({"DATE", "TIME"})

RESOURCE_FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name -> (required columns, optional columns)
    "currencies": (("form", "code", "position"), ()),
    "scales": (("form", "multiplier", "attached"), ()),
    "number_words": (("word", "value", "type"), ("change",)),
    "units": (("form", "unit", "dimension"), ()),
    "qualifiers": (("form", "qualifier", "position"), ()),
    "changes": (("form", "change", "role"), ()),
    "cues": (("form", "role"), ()),
    "negatives": (("pattern", "kind"), ()),
    "lemmas": (("form", "lemma"), ()),
}

# --- tokens -------------------------------------------------------------------------------------

# Our own light tokenization of a sentence: digit runs, letter runs (with inner apostrophes), any other
# single character. Independent of the spaCy tokenizer, so "22.5bn" -> "22.5" "bn", "G7" -> "G" "7".
TOKEN_RE = re.compile(r"(?<![\w.])\.\d+|\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*|['’][sS]\b|\S")
DIGITS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
_DIGIT_RE = re.compile(r"\d")
_NUMBER_OF_RE = re.compile(r"(?:the )?number of (?:[\w-]+ )*?([a-z][\w-]*s)\b")
_CHIP_RE = re.compile(r"chip|semiconductor|node|process|lithograph|wafer|foundr|transistor", re.I)
DASHES = frozenset({"-", "–", "—", "‑"})
OPEN_QUOTES = frozenset({"“", "‘", '"', "'", "(", "["})
CLOSERS = frozenset({".", ",", ";", ":", "”", "’", '"', ")", "]", "'"})
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
YEAR_PREVIOUS = frozenset(
    "the a an in since by until till from to of during before after between and or early late mid for on at "
    "through circa c throughout s ’s 's january february march april may june july august september october "
    "november december jan feb mar apr jun jul aug sep sept oct nov dec spring summer autumn fall winter".split()
)
INVARIANT_PLURALS = frozenset(
    "people personnel aircraft spacecraft staff police data media series species headquarters means sheep fish "
    "deer offspring troops".split()
)
VAGUE_BEFORE_SCALE = frozenset({"several", "few", "many", "couple"})
TIME_WORDS = frozenset({"am", "pm", "a.m", "p.m", "gmt", "utc", "bst", "cet", "est", "edt"})
SUPERLATIVE_RE = re.compile(
    r"(?:largest|biggest|greatest|highest|lowest|smallest|strongest|weakest|richest|poorest|"
    r"most|least|fastest|slowest|longest|shortest|heaviest|best|worst|leading|top|deadliest|"
    r"busiest|oldest|youngest|costliest|wealthiest|closest|nearest|farthest|furthest|"
    r"[a-z]+est)$"
)
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
NOT_SUPERLATIVES = frozenset(
    "rest west interest est test forest request contest protest guest nest harvest quest modest honest earnest "
    "manifest arrest chest suggest invest digest".split()
)
SPACED_SUPERLATIVES = frozenset(
    "largest biggest greatest highest lowest most least strongest richest poorest smallest fastest longest "
    "deadliest leading busiest wealthiest costliest heaviest best worst weakest oldest".split()
)
RANK_VERBS = frozenset({"ranked", "ranks", "rank", "ranking", "placed", "came", "finished", "placing"})
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "any", "all", "some", "such"})
ANAPHORIC_DETS = frozenset({"the", "these", "those"})
NUM_DEP_LABELS = frozenset({"nummod"})
SUBJ_DEP_LABELS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "csubj"})


class Tok:
    """A light token: text, offsets relative to the scanned text, lowercase form, digit / word flags."""

    __slots__ = ("text", "start", "end", "lower", "is_digit", "is_word")

    def __init__(self, text: str, start: int, end: int, lower: str, is_digit: bool, is_word: bool) -> None:
        self.text, self.start, self.end, self.lower, self.is_digit, self.is_word = text, start, end, lower, is_digit, is_word

    def __repr__(self) -> str:
        return f"Tok({self.text!r}, {self.start})"


def tokenize(text: str) -> list[Tok]:
    """Light tokens of ``text`` with offsets relative to ``text``."""
    # TOKEN_RE ends with \S and no alternative matches a space: the tokens cover every non-space
    # character and only whitespace lies between them, so each token starts at its first
    # occurrence after the previous one (cheaper than a match object per token).
    out = []
    append = out.append
    find = text.find
    end = 0
    for t in TOKEN_RE.findall(text):
        start = find(t, end)
        end = start + len(t)
        c = t[0]
        append(Tok(t, start, end, t.lower(), c.isdigit() or (c == "." and len(t) > 1), c.isalpha()))
    return out


# --- rule data ----------------------------------------------------------------------------------


def load_rows(root: str | Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Every figures lexicon as validated rows (packaged files unless ``root``)."""
    rows = {}
    for name, (columns, optional) in RESOURCE_FILES.items():
        rows[name] = read_table(f"figures/{name}.tsv", root=root, columns=columns, optional=optional)
    return rows


def _key(form: str) -> tuple[tuple[str, ...], bool]:
    """Token tuple of a lexicon form and whether it matches case-sensitively."""
    exact = any(c.isupper() for c in form)
    toks = tuple(t.text if exact else t.lower for t in tokenize(form))
    return toks, exact


class PhraseTable:
    """Lexicon of multi-token forms, matched longest-first at a token position (or ending at one)."""

    def __init__(self) -> None:
        self.exact: dict[tuple[str, ...], object] = {}
        self.lower: dict[tuple[str, ...], object] = {}
        self.max_len = 0
        # quick rejection: the first / last token of every form (exact text, or lowercase)
        self.firsts: set[str] = set()
        self.lasts: set[str] = set()

    def add(self, form: str, value: object, *, exact: bool | None = None) -> None:
        toks, is_exact = _key(form)
        if exact is not None:
            is_exact = exact
            toks = tuple(t.text if exact else t.lower for t in tokenize(form))
        if not toks:
            return
        (self.exact if is_exact else self.lower)[toks] = value
        self.max_len = max(self.max_len, len(toks))
        self.firsts.add(toks[0])
        self.lasts.add(toks[-1])

    def match_at(self, toks: Sequence[Tok], i: int) -> tuple[object, int] | None:
        """(value, end index) of the longest form starting at token ``i``. Inner tokens of a multi-token
        form must be adjacent or separated by single spaces (no punctuation slips in)."""
        n = len(toks)
        if i >= n or (toks[i].lower not in self.firsts and toks[i].text not in self.firsts):
            return None
        for length in range(min(self.max_len, n - i), 0, -1):
            seq = toks[i : i + length]
            if length > 1 and any(seq[k + 1].start - seq[k].end > 1 for k in range(length - 1)):
                continue
            key_exact = tuple(t.text for t in seq)
            if key_exact in self.exact:
                return self.exact[key_exact], i + length
            key_lower = tuple(t.lower for t in seq)
            if key_lower in self.lower:
                return self.lower[key_lower], i + length
        return None

    def match_before(self, toks: Sequence[Tok], i: int) -> tuple[object, int] | None:
        """(value, start index) of the longest form ending right before token ``i``."""
        if i <= 0 or i > len(toks) or (toks[i - 1].lower not in self.lasts and toks[i - 1].text not in self.lasts):
            return None
        for length in range(min(self.max_len, i), 0, -1):
            seq = toks[i - length : i]
            if length > 1 and any(seq[k + 1].start - seq[k].end > 1 for k in range(length - 1)):
                continue
            key_exact = tuple(t.text for t in seq)
            if key_exact in self.exact:
                return self.exact[key_exact], i - length
            key_lower = tuple(t.lower for t in seq)
            if key_lower in self.lower:
                return self.lower[key_lower], i - length
        return None


@dataclass
class FigureRules:
    """Compiled lexicons. Build with :meth:`from_rows` (rows as returned by :func:`load_rows`)."""

    rows: dict[str, list[dict[str, str]]]
    currency_prefix: PhraseTable = field(default_factory=PhraseTable)
    currency_suffix: PhraseTable = field(default_factory=PhraseTable)
    scales: dict[str, tuple[float, str]] = field(default_factory=dict)
    number_words: dict[str, tuple[float, str, str | None]] = field(default_factory=dict)
    units: PhraseTable = field(default_factory=PhraseTable)
    unit_dimension: dict[str, str] = field(default_factory=dict)
    qual_before: PhraseTable = field(default_factory=PhraseTable)
    qual_after: PhraseTable = field(default_factory=PhraseTable)
    change_verbs: PhraseTable = field(default_factory=PhraseTable)
    change_nouns: dict[str, str] = field(default_factory=dict)
    cues: dict[str, frozenset[str]] = field(default_factory=dict)
    source_preps: PhraseTable = field(default_factory=PhraseTable)
    compare: PhraseTable = field(default_factory=PhraseTable)
    idiom_re: re.Pattern | None = None
    # per idiom row: its "(?:pattern)" and the lowercase strings one of which every match contains
    # (None: unknown); see :func:`idiom_regex_for`
    idiom_parts: tuple[tuple[str, frozenset[str] | None], ...] = ()
    idiom_strings: tuple[str, ...] = ()    # every required string of idiom_parts, once
    idiom_rows_of: dict[str, tuple[int, ...]] = field(default_factory=dict)  # string -> rows requiring it
    idiom_rows_always: frozenset[int] = frozenset()  # rows with unknown required strings
    idiom_cache: dict[tuple[int, ...], re.Pattern] = field(default_factory=dict)
    label_before: frozenset[str] = frozenset()
    name_after: frozenset[str] = frozenset()
    lemmas: dict[str, str] = field(default_factory=dict)
    gate_re: re.Pattern | None = None
    start_words: frozenset[str] = frozenset()  # lowercase words a figure can start with
    # words after which "a" / "an" starts a number ("a million", "a quarter"): see :meth:`_Scanner.read_number`
    after_article: frozenset[str] = frozenset()
    # for :func:`may_hold_figure`: the start words but "a" / "an" (as bytes; None when one is not
    # ASCII) and every lowercase word that can give a figure a time unit (None: unknown)
    number_words_ascii: frozenset[bytes] | None = None
    time_words_ascii: frozenset[bytes] | None = None
    gate_words: frozenset[str] = frozenset()
    gate_ordinals: frozenset[str] = frozenset()
    gate_words_ascii: frozenset[bytes] = frozenset()     # the same words as bytes, for :func:`ascii_words`
    gate_ordinals_ascii: frozenset[bytes] = frozenset()

    @classmethod
    def from_rows(cls, rows: Mapping[str, list[dict[str, str]]]) -> "FigureRules":
        rules = cls(rows={k: [dict(r) for r in v] for k, v in rows.items()})
        for r in rows["currencies"]:
            if not re.fullmatch(r"[A-Z]{3}", r["code"]):
                raise ResourceError(f"figures/currencies.tsv: bad ISO code {r['code']!r} for {r['form']!r}")
            if r["position"] not in ("prefix", "suffix", "both"):
                raise ResourceError(f"figures/currencies.tsv: bad position {r['position']!r}")
            if r["position"] in ("prefix", "both"):
                rules.currency_prefix.add(r["form"], r["code"], exact=True)
            if r["position"] in ("suffix", "both"):
                rules.currency_suffix.add(r["form"], r["code"])
        for r in rows["scales"]:
            if r["attached"] not in ("yes", "no", "only"):
                raise ResourceError(f"figures/scales.tsv: bad attached {r['attached']!r}")
            rules.scales[r["form"].lower()] = (float(r["multiplier"]), r["attached"])
        for r in rows["number_words"]:
            if r["type"] not in ("unit", "teen", "tens", "hundred", "scale", "dozen", "fraction", "ordinal", "multiplier"):
                raise ResourceError(f"figures/number_words.tsv: bad type {r['type']!r}")
            change = r.get("change") or None
            if change is not None and change not in CHANGES:
                raise ResourceError(f"figures/number_words.tsv: bad change {change!r}")
            key = r["word"].lower() if r["type"] != "ordinal" else "ord:" + r["word"].lower()
            if r["type"] == "fraction" and r["word"].lower() in rules.number_words:
                continue
            rules.number_words[key] = (float(r["value"]), r["type"], change)
        for r in rows["units"]:
            rules.units.add(r["form"], r["unit"])
            rules.unit_dimension[r["unit"]] = r["dimension"]
        for r in rows["qualifiers"]:
            if r["qualifier"] not in QUALIFIERS or r["position"] not in ("before", "after"):
                raise ResourceError(f"figures/qualifiers.tsv: bad row {r}")
            (rules.qual_before if r["position"] == "before" else rules.qual_after).add(r["form"], r["qualifier"], exact=False)
        for r in rows["changes"]:
            if r["change"] not in CHANGES or r["role"] not in ("verb", "noun"):
                raise ResourceError(f"figures/changes.tsv: bad row {r}")
            if r["role"] == "verb":
                rules.change_verbs.add(r["form"], r["change"], exact=False)
            else:
                rules.change_nouns[r["form"].lower()] = r["change"]
        cue_sets: dict[str, set[str]] = {}
        for r in rows["cues"]:
            role = r["role"]
            if role not in ("source_verb", "source_prep", "poll_noun", "compare", "verb", "function", "not_plural", "clause", "over_noun", "source_noun"):
                raise ResourceError(f"figures/cues.tsv: bad role {role!r}")
            if role == "source_prep":
                rules.source_preps.add(r["form"], True, exact=False)
            elif role == "compare":
                rules.compare.add(r["form"], r["form"].lower(), exact=False)
            else:
                cue_sets.setdefault(role, set()).add(r["form"].lower())
        rules.cues = {k: frozenset(v) for k, v in cue_sets.items()}
        idioms, labels, names = [], set(), set()
        for r in rows["negatives"]:
            if r["kind"] == "idiom":
                try:
                    re.compile(r["pattern"])
                except re.error as err:
                    raise ResourceError(f"figures/negatives.tsv: bad regex {r['pattern']!r}: {err}") from None
                idioms.append(f"(?:{r['pattern']})")
            elif r["kind"] == "label_before":
                labels.add(r["pattern"].lower().rstrip("."))
            elif r["kind"] == "name_after":
                names.add(r["pattern"].lower())
            else:
                raise ResourceError(f"figures/negatives.tsv: bad kind {r['kind']!r}")
        rules.idiom_re = re.compile("|".join(idioms), re.I) if idioms else None
        if idioms and not any(_has_backreference(p) for p in idioms):  # a subset keeps every row's meaning
            rules.idiom_parts = tuple((p, required_strings(p)) for p in idioms)
            rules.idiom_strings = tuple(sorted({x for _, req in rules.idiom_parts for x in req or ()}))
            rules.idiom_rows_of = {
                x: tuple(i for i, (_, req) in enumerate(rules.idiom_parts) if req is not None and x in req)
                for x in rules.idiom_strings
            }
            rules.idiom_rows_always = frozenset(i for i, (_, req) in enumerate(rules.idiom_parts) if req is None)
        rules.label_before = frozenset(labels)
        rules.name_after = frozenset(names)
        rules.lemmas = {r["form"].lower(): r["lemma"].lower() for r in rows["lemmas"]}
        cardinal = {w for w in rules.number_words if not w.startswith("ord:")}
        ordinals = {w[4:] for w in rules.number_words if w.startswith("ord:")}
        rules.start_words = frozenset(cardinal | ordinals | {"a", "an", "double", "triple", "treble", "quadruple", "halve"})
        starts_but_articles = rules.start_words - {"a", "an"}
        if all(w.isascii() for w in starts_but_articles):
            rules.number_words_ascii = frozenset(w.encode() for w in starts_but_articles)
        rules.time_words_ascii = _time_words(rules)
        rules.after_article = frozenset(
            w for w, e in rules.number_words.items()
            if e[1] in ("hundred", "scale", "dozen", "fraction") and not (e[1] == "fraction" and w == "second")
        )
        # The per-sentence gate (see :meth:`gate`): digits, number words, factor words; a bare "one" or an
        # ordinal only in the contexts where it can be a figure ("one in five", "the third-largest").
        rules.gate_words = frozenset((cardinal - {"one"}) | {"double", "triple", "treble", "quadruple", "halve"})
        rules.gate_ordinals = frozenset(ordinals)
        # a word outside [a-z] can never be one of the [a-z]+ runs the gate compares
        rules.gate_words_ascii = frozenset(w.encode() for w in rules.gate_words if w.isascii())
        rules.gate_ordinals_ascii = frozenset(w.encode() for w in rules.gate_ordinals if w.isascii())
        fractions = sorted((w for w, e in rules.number_words.items() if e[1] in ("fraction", "scale", "hundred", "dozen")), key=len, reverse=True)
        rules.gate_re = re.compile(
            r"\bone(?:[- ](?:in|out|and|" + "|".join(map(re.escape, fractions)) + r")\b)"
            + r"|\b(?:only|just|exactly|single|than|least) one\b"
            + r"|\b(?:" + "|".join(map(re.escape, sorted(ordinals, key=len, reverse=True))) + r")[- ](?:most|least|leading|best|worst|[a-z]+est)\b"
            + r"|\b(?:ranked|ranks|rank|ranking|placed|came|finished)\s+(?:" + "|".join(map(re.escape, sorted(ordinals, key=len, reverse=True))) + r")\b",
            re.I,
        )
        return rules

    def gate(self, text: str) -> bool:
        """Cheap test: can this sentence hold a figure? (Most sentences cannot: no digit, no number word.)"""
        if _DIGIT_RE.search(text):
            return True
        words = ascii_words(text)
        if not words.isdisjoint(self.gate_words_ascii):
            return True
        if b"one" in words or not words.isdisjoint(self.gate_ordinals_ascii):
            return self.gate_re is not None and self.gate_re.search(text) is not None
        return False

    # convenience lookups
    def is_cue(self, role: str, word: str) -> bool:
        return word in self.cues.get(role, ())


def _time_words(rules: FigureRules) -> frozenset[bytes] | None:
    """Every lowercase word (as bytes) through which a figure can get a unit of time: the words of
    the unit forms of a time unit, and every word :func:`singularize` can turn into a time unit
    ("days", "centuries", a lemma table entry). None if a form has a part without letters."""
    time_units = {u for u, dim in rules.unit_dimension.items() if dim == "time"}
    words: set[str] = set()
    for u in time_units:
        words.update((u, u + "s", u + "es"))
        if u.endswith("y"):
            words.add(u[:-1] + "ies")
    forms = [r["form"] for r in rules.rows["units"] if r["unit"] in time_units]
    forms += [form for form, lemma in rules.lemmas.items() if lemma in time_units]
    for form in forms:
        for part in form.lower().split():
            runs = re.findall(r"[a-z]+", part)
            if not runs:
                return None
            words.update(runs)
    if not all(w.isascii() for w in words):
        return None
    return frozenset(w.encode() for w in words)


# bytes.translate table: ASCII a-z kept, every other byte a space
_ASCII_LOWER_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


def ascii_words(text: str) -> set[bytes]:
    """``set(re.findall("[a-z]+", text.lower()))`` as bytes, without a regex: after lowering, every
    character outside a-z (a non-ASCII one becomes "?") turns into a space, and ``split`` gives the
    runs. About three times faster, and the gate runs on every body sentence."""
    return set(text.lower().encode("ascii", "replace").translate(_ASCII_LOWER_ONLY).split())


# The only non-ASCII characters that match an ASCII letter case-insensitively (see the ``re`` docs:
# "İ", "ı", "ſ" and the Kelvin sign).
_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")


def idiom_regex_for(rules: FigureRules, window: str) -> re.Pattern | None:
    """The idiom alternation restricted to the rows that can match somewhere in ``window``; None when
    no row can. A row whose required strings (:func:`required_strings`) are all absent from the
    window never matches there, so dropping it changes no match of ``finditer`` over the window:
    the kept rows keep their order (the first row that matches at a position still wins). The one
    big alternation tried at every position costs ~60 µs per figure; most windows need none of it."""
    if not rules.idiom_parts or not _FOLDS_TO_ASCII.isdisjoint(window):
        return rules.idiom_re
    low = window.lower()
    # the rows whose required strings meet the window's (the same rows, in the same order, as testing
    # every row's strings; filter() and the string -> rows table keep the loop in C)
    rows = set(rules.idiom_rows_always)
    rows_of = rules.idiom_rows_of
    for x in filter(low.__contains__, rules.idiom_strings):
        rows.update(rows_of[x])
    keep = tuple(sorted(rows))
    if not keep:
        return None
    pattern = rules.idiom_cache.get(keep)
    if pattern is None:
        pattern = rules.idiom_cache[keep] = re.compile("|".join(rules.idiom_parts[i][0] for i in keep), re.I)
    return pattern


from ...regex_structure import _has_backreference, required_strings  # noqa: F401  (re-exported)


def gate_ranges(rules: FigureRules, text: str, ranges: Sequence[tuple[int, int]]) -> list[bool]:
    """``[rules.gate(text[a:b]) for a, b in ranges]``, with the digit search and the lowering done
    once for the whole text instead of once per sentence. The lowered text is sliced by the same
    offsets, which holds when lowering keeps the length (it then maps every character to one
    character); otherwise each sentence is gated on its own."""
    low = text.lower()
    if len(low) != len(text):
        return [rules.gate(text[a:b]) for a, b in ranges]
    letters = low.encode("ascii", "replace").translate(_ASCII_LOWER_ONLY)
    digits = [m.start() for m in _DIGIT_RE.finditer(text)]
    words_ascii, ordinals_ascii = rules.gate_words_ascii, rules.gate_ordinals_ascii
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
            out.append(rules.gate_re is not None and rules.gate_re.search(text[a:b]) is not None)
        else:
            out.append(False)
    return out


_DEFAULT_RULES: FigureRules | None = None


def default_rules() -> FigureRules:
    """The packaged rules, loaded once per process (used by the pure helpers)."""
    global _DEFAULT_RULES
    if _DEFAULT_RULES is None:
        _DEFAULT_RULES = FigureRules.from_rows(load_rows())
    return _DEFAULT_RULES


# --- numbers ------------------------------------------------------------------------------------


def _clean_value(v: float) -> int | float:
    """Round float noise away; integral values become int (JSON writes 200000000, not 2e8)."""
    r = round(v, 6)
    if r == int(r) and abs(r) < 1e18:
        return int(r)
    return float(f"{v:.10g}")


def parse_digits(text: str) -> int | float | None:
    """ "3,000" -> 3000, "22.5" -> 22.5; None for anything that is not a plain number ("1,2", "2.0.1")."""
    if not DIGITS_RE.fullmatch(text):
        return None
    return _clean_value(float(text.replace(",", "")))


def _words_value(words: Sequence[str], rules: FigureRules) -> float | None:
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
        rest = toks[1:]
        total = float(value)
        for t in rest:
            scale = rules.scales.get(t.lower)
            if scale is not None:
                total *= scale[0]
                continue
            entry = rules.number_words.get(t.lower)
            if entry is not None and entry[1] in ("scale", "hundred"):
                total *= entry[0]
                continue
            return None
        return _clean_value(total)
    value = _words_value([t.lower for t in toks], rules)
    return None if value is None else _clean_value(value)


def singularize(word: str, rules: FigureRules | None = None) -> str:
    """Lemma of a (plural) noun without a lemmatizer: "weapons" -> "weapon", "countries" -> "country"."""
    rules = rules or default_rules()
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        return word[:-1]
    if word[:1].isupper() and _looks_plural(word, rules):
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


def _looks_plural(word: str, rules: FigureRules, *, strict: bool = True) -> bool:
    """Plural noun without a tagger: "weapons", "countries", "UASs", "Russians" (not "Hamas", "various").
    ``strict=False`` right after a number, where "19 projects" / "5 reports" are nouns, not verbs."""
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        return True  # acronym plurals: UASs, ICBMs
    if word[:1].isupper():
        return bool(re.fullmatch(r"[A-Z][a-z]+(?:an|ian|ean)s", word))  # demonyms: Russians, Koreans
    w = word.lower()
    if w in INVARIANT_PLURALS:
        return True
    if w in rules.lemmas:
        return rules.lemmas[w] != w
    if rules.is_cue("not_plural", w) or rules.is_cue("function", w):
        return False
    if strict and (rules.is_cue("verb", w) or rules.is_cue("source_verb", w)):
        return False
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))


# --- figures in a sentence ------------------------------------------------------------------------


@dataclass
class Fig:
    """A figure found in one sentence (offsets relative to the scanned text until shifted)."""

    start: int
    end: int
    i0: int  # first light token of the figure (qualifier / currency included)
    i1: int  # one past the last light token
    n0: int  # first token of the number itself
    value: float | list | None = None
    unit: str | None = None
    kind: str = "other"
    currency: str | None = None
    scale: float | None = None
    qualifier: str | None = None
    change: str | None = None
    change_from: float | None = None
    change_to: float | None = None
    measured: str | None = None
    source: str | None = None
    compared: "Fig | None" = field(default=None, repr=False)  # the figure this one is set against
    counted: str | None = None  # counted noun phrase (counts)
    head_i: int | None = None  # token index of the counted noun's head
    population: str | None = None  # "of X" population of a percent / fraction
    source_is_poll: bool = False

    def as_dict(self) -> dict:
        value = self.value
        if isinstance(value, list):
            value = [_clean_value(v) for v in value]
        elif value is not None:
            value = _clean_value(value)
        return {
            "value": value,
            # fractions and factors are numbers without a unit ("half", "doubled", "six times larger")
            "unit": None if self.unit in INTERNAL_UNITS else self.unit,
            "kind": self.kind,
            "currency": self.currency,
            "scale": _clean_value(self.scale) if self.scale else None,
            "qualifier": self.qualifier,
            "change": self.change,
            "change_from": _clean_value(self.change_from) if self.change_from is not None else None,
            "change_to": _clean_value(self.change_to) if self.change_to is not None else None,
            "measured": self.measured,
            "source": self.source,
            "compared_with": None,
        }


@dataclass
class _Group:
    """One number with what is glued to it: currency, scale, percent."""

    i0: int  # first token (currency prefix or the number)
    n0: int  # the number's first token
    n1: int  # one past the number (and its scale / percent sign)
    value: float
    is_digit: bool
    raw_words: bool = False  # spelled-out
    currency: str | None = None
    scale: float | None = None
    unit: str | None = None
    kind: str | None = None
    ordinal: bool = False


class _Scanner:
    """Finds the figures of one sentence. Pure: reads only the text, the rules and the blocked ranges."""

    def __init__(self, text: str, rules: FigureRules, blocked: Sequence[tuple[int, int]] = (),
                 dates: Sequence[tuple[int, int]] = ()) -> None:
        self.text = text
        self.rules = rules
        self.toks = tokenize(text)
        self.blocked = list(blocked)
        self.dates = list(dates)
        self.labels: set[int] = set()  # token indices of numbers rejected as labels / name parts

    def in_idiom(self, start: int, end: int) -> bool:
        """Is [start, end) inside an idiom ("half the battle")? Searched only around the figure."""
        if self.rules.idiom_re is None:
            return False
        a = max(0, start - 40)
        b = min(len(self.text), end + 40)
        idiom_re = idiom_regex_for(self.rules, self.text[a:b])
        if idiom_re is None:
            return False
        for m in idiom_re.finditer(self.text, a, b):
            if m.start() < end and start < m.end():
                return True
        return False

    # -- small helpers --
    # (called ~50 times per token: written without nested calls)
    def tok(self, i: int) -> Tok | None:
        toks = self.toks
        return toks[i] if 0 <= i < len(toks) else None

    def glued(self, i: int, j: int) -> bool:
        """Tokens i and j (j == i + 1) touch without whitespace."""
        toks = self.toks
        n = len(toks)
        return 0 <= i < n and 0 <= j < n and toks[i].end == toks[j].start

    def spaced(self, i: int, j: int) -> bool:
        toks = self.toks
        n = len(toks)
        if not (0 <= i < n and 0 <= j < n):
            return False
        a_end, b_start = toks[i].end, toks[j].start
        return 0 < b_start - a_end <= 2 and not self.text[a_end:b_start].strip()

    def near(self, i: int, j: int) -> bool:
        return self.glued(i, j) or self.spaced(i, j)

    def in_blocked(self, start: int, end: int, ranges: Sequence[tuple[int, int]]) -> bool:
        return any(s < end and start < e for s, e in ranges)

    def is_sentence_initial(self, i: int) -> bool:
        j = i - 1
        while j >= 0 and self.toks[j].text in OPEN_QUOTES:
            j -= 1
        return j < 0

    # -- number groups --
    def read_number(self, i: int) -> tuple[float, int, bool] | None:
        """(value, end, spelled) of the bare number at token i (digits, or a run of number words)."""
        t = self.toks[i]
        nw = self.rules.number_words
        if t.is_digit:
            v = parse_digits(t.text)
            return None if v is None else (float(v), i + 1, False)
        if not t.is_word:
            return None
        words: list[str] = []
        j = i
        last_good = None
        while j < len(self.toks):
            w = self.toks[j].lower
            entry = nw.get(w)
            if entry is not None and entry[1] in ("unit", "teen", "tens", "hundred", "scale", "dozen", "fraction"):
                if entry[1] == "fraction" and w == "second":
                    break
                words.append(w)
                j += 1
                last_good = j
            elif w in ("a", "an") and (j == i or words):
                nxt = self.tok(j + 1)
                ne = nw.get(nxt.lower) if nxt else None
                if ne is None or ne[1] not in ("hundred", "scale", "dozen", "fraction"):
                    break
                if j == i and ne[1] == "fraction" and nxt.lower in ("second",):
                    break
                words.append(w)
                j += 1
            elif w == "and" and words and j + 1 < len(self.toks):
                nxt = self.toks[j + 1]
                ne = nw.get(nxt.lower)
                if nxt.lower in ("a", "an") or (ne is not None and ne[1] in ("unit", "teen", "tens", "fraction")):
                    prev_entry = nw.get(words[-1])
                    if prev_entry is not None and prev_entry[1] in ("hundred", "scale", "unit", "teen", "tens"):
                        words.append("and")
                        j += 1
                        continue
                break
            elif self.toks[j].text in DASHES and words and self.glued(j - 1, j) and self.glued(j, j + 1):
                nxt = self.toks[j + 1]
                ne = nw.get(nxt.lower)
                if ne is not None and ne[1] in ("unit", "fraction") and nw.get(words[-1], (0, ""))[1] in ("tens", "unit"):
                    j += 1
                    continue
                break
            else:
                break
            if j - i > 12:
                break
        if last_good is None:
            return None
        # Trim a dangling "and" / "a".
        while words and words[-1] in ("and", "a", "an"):
            words.pop()
        value = _words_value(words, self.rules)
        if value is None:
            return None
        return value, last_good, True

    def read_group(self, i: int) -> _Group | None:
        """A number at token i with its glued scale ("22.5bn", "1.2 million") and percent sign."""
        r = self.read_number(i)
        if r is None:
            return None
        value, j, spelled = r
        g = _Group(i0=i, n0=i, n1=j, value=value, is_digit=not spelled, raw_words=spelled)
        t = self.tok(j)
        # Scale: glued ("22.5bn", "5m") or spaced ("1.2 million").
        if t is not None and not spelled:
            sc = self.rules.scales.get(t.lower)
            if sc is not None and t.is_word:
                mult, attached = sc
                glued = self.glued(j - 1, j)
                if (glued and attached in ("yes", "only")) or (not glued and self.spaced(j - 1, j) and attached in ("yes", "no")):
                    if t.lower == "m" and self._m_is_metres(j):
                        g.unit, g.kind = "m", "quantity"
                        j += 1
                    elif t.text in ("b", "B", "k", "K") and not glued:
                        pass
                    else:
                        g.value *= mult
                        g.scale = mult
                        j += 1
            elif t.is_word and t.lower in ("hundred",) and self.spaced(j - 1, j):
                g.value *= 100
                j += 1
        elif spelled:
            # the scale came from number words: record it when the last word is a scale word
            last = self.toks[j - 1].lower
            entry = self.rules.number_words.get(last)
            if entry is not None and entry[1] == "scale":
                g.scale = entry[0]
        g.n1 = j
        return g

    def _m_is_metres(self, j: int) -> bool:
        """Is the glued "m" at token j metres (a length) rather than million? "300m-high", "5m deep" and
        "a 100m sprint" (a singular noun after it) are metres; "5m rounds" and "£300m." are millions."""
        nxt = self.tok(j + 1)
        if nxt is None:
            return False
        if nxt.text in DASHES and self.glued(j, j + 1):
            return True
        if nxt.lower in ("high", "long", "wide", "deep", "tall", "thick", "away", "above", "below", "altitude", "depth"):
            return True
        return (
            nxt.is_word
            and nxt.text[0].islower()
            and not self.rules.is_cue("function", nxt.lower)
            and not self.rules.is_cue("verb", nxt.lower)
            and not _looks_plural(nxt.text, self.rules)
        )

    def currency_before(self, i: int) -> tuple[str, int] | None:
        """Currency prefix ending right before token i (glued or one space): "US$", "€", "RUB"."""
        m = self.rules.currency_prefix.match_before(self.toks, i)
        if m is None:
            return None
        code, start = m
        # the prefix must touch the number or be separated by one space
        if self.toks[i].start - self.toks[i - 1].end > 1:
            return None
        # a letter form must not be glued to a preceding word ("cherub 5")
        prev = self.tok(start - 1)
        if prev is not None and prev.end == self.toks[start].start and prev.is_word:
            return None
        return str(code), start

    # -- name / code / date filters --
    def number_is_code(self, n0: int, n1: int, has_currency: bool) -> bool:
        """Digits glued to letters, plus signs, slashes or colons: G7, F-35, 2+2, 9/11, 10:30, 1990s."""
        t = self.toks[n0]
        if not t.is_digit:
            return False
        prev, nxt = self.tok(n0 - 1), self.tok(n1)
        if prev is not None and prev.end == t.start:
            if prev.is_word and not has_currency:
                return True  # G7, P5, Mate60
            if prev.text in DASHES:
                # walk left through a glued chain "SY-12-01": any letters in it make it a code
                k = n0 - 1
                while k > 0 and self.toks[k - 1].end == self.toks[k].start:
                    k -= 1
                    if self.toks[k].is_word:
                        return True  # F-35, Vostok-2018, SY-12-01
                    if not (self.toks[k].is_digit or self.toks[k].text in DASHES):
                        break
            if prev.text in ("+", "/", ":", "#", "№", "'", "’", "^", "@", "&", "_"):
                return True
            if prev.text in CLOSERS:
                pp = self.tok(n0 - 2)
                if pp is not None and pp.end == prev.start and (pp.is_word or pp.text in CLOSERS):
                    return True  # footnote marker glued after a word: "islands.12", "said”3"
        last = self.toks[n1 - 1]
        if nxt is not None and nxt.start == last.end:
            if nxt.text in ("+", "/", ":") :
                after = self.tok(n1 + 1)
                if after is not None and after.start == nxt.end and (after.is_digit or after.is_word):
                    return True  # 2+2, 24/7, 10:30 (but "b/d" is a unit after a space)
            if nxt.is_word and last.is_digit:
                low = nxt.lower
                if low == "s" or low in ORDINAL_SUFFIXES:
                    return True  # 1990s; 21st (ordinals handled separately)
                if low in self.rules.scales:
                    return False
                if self.rules.units.match_at(self.toks, n1) is not None:
                    return False
                if self.rules.currency_suffix.match_at(self.toks, n1) is not None:
                    return False
                if low in TIME_WORDS:
                    return True
                return True  # 5G, 3D, A400M
        return False

    def is_label(self, i: int) -> bool:
        """A number right after a label word ("pp. 28", "Article 5", "Type 31", "No. 5")."""
        j = i - 1
        if j >= 0 and self.toks[j].text == "." and self.glued(j - 1, j):
            j -= 1
        p = self.tok(j)
        return p is not None and p.is_word and p.lower in self.rules.label_before

    def titlecase_before(self, i: int) -> bool:
        """A Title-case word right before the number ("Nord Stream 2", "Framework 2.0", "USA 270")."""
        p = self.tok(i - 1)
        if p is None or not p.is_word or not p.text[0].isupper():
            return False
        if not self.spaced(i - 1, i) or p.lower.endswith(("’s", "'s")):
            return False
        low = p.lower
        if low in self.rules.cues.get("function", ()) or low in MONTHS:
            return False
        if self.rules.qual_before.match_before(self.toks, i) is not None:
            return False
        if self.is_sentence_initial(i - 1) and (
            self.rules.is_cue("function", low) or self.rules.is_cue("clause", low) or low.endswith("ly")
        ):
            return False  # "Between 2,000 and ...", "Roughly 300": a capital because the sentence starts
        return True

    def looks_like_year(self, g: _Group) -> bool:
        """A bare 4-digit number between 1800 and 2099 used as a year ("in 2016", "a 2016 poll"); "2000
        troops" (a plural noun after it and no preposition or determiner before) is a count."""
        t = self.toks[g.n0]
        if not t.is_digit or g.n1 - g.n0 != 1 or g.currency or g.scale or g.unit or not YEAR_RE.fullmatch(t.text):
            return False
        nxt = self.tok(g.n1)
        if nxt is not None and (nxt.text == "%" or self.rules.units.match_at(self.toks, g.n1) is not None):
            return False
        prev = self.tok(g.n0 - 1)
        if prev is not None and (prev.lower in YEAR_PREVIOUS or prev.text in DASHES or prev.lower.endswith(("’s", "'s"))):
            return True
        if (
            nxt is not None
            and nxt.is_word
            and self.spaced(g.n1 - 1, g.n1)
            and nxt.text[0].islower()
            and _looks_plural(nxt.text, self.rules)
            and not self.is_sentence_initial(g.n0)
        ):
            return False  # "2000 troops"
        return True

    def is_date_number(self, g: _Group) -> bool:
        """Day numbers next to a month ("12 March", "March 12", "12th of March"), times ("5 pm")."""
        if not g.is_digit or g.scale or g.currency:
            return False
        t = self.toks[g.n0]
        v = g.value
        prev, nxt = self.tok(g.n0 - 1), self.tok(g.n1)
        if nxt is not None and nxt.lower.rstrip(".") in TIME_WORDS:
            return True
        if nxt is not None and nxt.lower in ("a", "p") and self.tok(g.n1 + 1) is not None and self.toks[g.n1 + 1].text == ".":
            return True
        if nxt is not None and nxt.lower in ("time", "hours", "hrs", "gmt", "utc") or (
            nxt is not None and nxt.is_word and nxt.text[0].isupper() and self.tok(g.n1 + 1) is not None and self.toks[g.n1 + 1].lower == "time"
        ):
            return True  # "at 1530 Munich time"
        if v == int(v) and 1 <= v <= 31 and "." not in t.text and "," not in t.text:
            if prev is not None and prev.lower in MONTHS and prev.text[0].isupper():
                return True
            if prev is not None and prev.text == "." and self.tok(g.n0 - 2) is not None and self.toks[g.n0 - 2].lower in MONTHS:
                return True  # "Aug. 26"
            if prev is not None and (prev.lower in ("to", "and", "or", "through", "until", "till") or prev.text in DASHES):
                p2, p3 = self.tok(g.n0 - 2), self.tok(g.n0 - 3)
                if p2 is not None and p2.is_digit and p3 is not None and p3.lower in MONTHS:
                    return True  # "February 13 to 19", "February 16 and 17"
            if nxt is not None and nxt.lower in MONTHS and nxt.text[0].isupper():
                return True
            if nxt is not None and nxt.lower == "of":
                n2 = self.tok(g.n1 + 1)
                if n2 is not None and n2.lower in MONTHS and n2.text[0].isupper():
                    return True
            if nxt is not None and (nxt.lower in ("and", "to", "or", ",") or nxt.text in DASHES):
                n2, n3 = self.tok(g.n1 + 1), self.tok(g.n1 + 2)
                if n2 is not None and n2.is_digit and n3 is not None and n3.lower in MONTHS and n3.text[0].isupper():
                    return True  # "on 3 and 10 November", "4-6 March"
        return False

    # -- the scan --
    def scan(self) -> list[Fig]:
        figs: list[Fig] = []
        toks = self.toks
        i = 0
        starts = self.rules.start_words
        after_article = self.rules.after_article
        n = len(toks)
        while i < n:
            t = toks[i]
            if not t.is_digit and t.lower not in starts:
                i += 1
                continue
            if (t.lower == "a" or t.lower == "an") and (i + 1 == n or toks[i + 1].lower not in after_article):
                # the commonest start word: every try_* below rejects it unless a scale or fraction
                # word follows ("a million", "a quarter"), so skip the calls
                i += 1
                continue
            fig = self.try_ordinal(i) or self.try_multiplier(i) or self.try_figure(i)
            if fig is None:
                if toks[i].is_digit:
                    # a rejected number takes its glued tail with it: "pp. 28–29", "10:30", "SY-12-01"
                    while i + 1 < len(toks) and self.glued(i, i + 1) and (toks[i + 1].is_digit or toks[i + 1].text in DASHES or toks[i + 1].text in ("/", ":", "+", ".")) and (i + 2 < len(toks) and self.glued(i + 1, i + 2) or toks[i + 1].is_digit):
                        i += 1
                i += 1
                continue
            if isinstance(fig, list):
                figs.extend(fig)
                i = max([f.i1 for f in fig] + [i + 1])
            else:
                figs.append(fig)
                i = fig.i1
        kept = []
        for f in figs:
            a, b = self.toks[f.n0].start, self.toks[f.n0].end
            if self.in_blocked(a, b, self.blocked) or self.in_idiom(a, b):
                continue
            # a number inside a date is the dates stage's, except a duration ("more than seven decades")
            if self.in_blocked(a, b, self.dates) and not (f.unit and self.rules.unit_dimension.get(f.unit) == "time"):
                continue
            kept.append(f)
        return kept

    def try_ordinal(self, i: int) -> Fig | None:
        """Ranking ordinals: "the third-largest", "second most populous", "ranked 23rd"."""
        t = self.toks[i]
        value = None
        j = i + 1
        if t.is_word:
            e = self.rules.number_words.get("ord:" + t.lower)
            if e is None or t.text[0].isupper() and not self.is_sentence_initial(i):
                return None
            value = e[0]
        elif t.is_digit and self.tok(i + 1) is not None and self.toks[i + 1].lower in ORDINAL_SUFFIXES and self.glued(i, i + 1):
            value = parse_digits(t.text)
            j = i + 2
        else:
            return None
        if value is None:
            return None
        nxt = self.tok(j)
        prev = self.tok(i - 1)
        sup = None
        if nxt is not None and nxt.text in DASHES and self.glued(j - 1, j) and self.glued(j, j + 1):
            cand = self.tok(j + 1)
            if cand is not None and cand.is_word and SUPERLATIVE_RE.match(cand.lower) and cand.lower not in NOT_SUPERLATIVES:
                sup = j + 1  # "third-largest"
        elif nxt is not None and nxt.is_word and self.spaced(j - 1, j) and nxt.lower in SPACED_SUPERLATIVES:
            sup = j  # "second most populous", "third largest"
        if sup is not None:
            end_i = sup + 1
            if self.toks[sup].lower in ("most", "least"):
                a = self.tok(sup + 1)
                if a is not None and a.is_word and (self.spaced(sup, sup + 1) or self.glued(sup, sup + 1)):
                    end_i = sup + 2
            fig = Fig(start=t.start, end=self.toks[end_i - 1].end, i0=i, i1=end_i, n0=i, value=value, kind="ordinal")
            # measured: the superlative and the noun phrase after it ("largest economy")
            words = [self.toks[k].text for k in range(sup, end_i)]
            np, _ = self.np_after(end_i, max_words=4)
            fig.measured = " ".join(words + ([np] if np else []))
            return fig
        if prev is not None and prev.lower in RANK_VERBS:
            fig = Fig(start=t.start, end=self.toks[j - 1].end, i0=i, i1=j, n0=i, value=value, kind="ordinal")
            return fig
        return None

    def try_multiplier(self, i: int) -> Fig | None:
        """ "doubled", "halved", "twice", "threefold", "3-fold", "three times"."""
        t = self.toks[i]
        rules = self.rules
        entry = rules.number_words.get(t.lower) if t.is_word else None
        if entry is not None and entry[1] == "multiplier":
            if t.lower == "twice":
                nxt = self.tok(i + 1)
                q = rules.qual_before.match_before(self.toks, i)
                if not (q or (nxt is not None and nxt.lower in ("as", "the", "that", "what", "its", "their", "his", "her", "more", "a", "an", "per"))):
                    return None
            fig = Fig(start=t.start, end=t.end, i0=i, i1=i + 1, n0=i, value=entry[0], unit="times", kind="other", change=entry[2])
            self.attach_before(fig)
            return fig
        if t.is_word and t.lower in ("double", "triple", "treble", "quadruple", "halve"):
            prev = self.tok(i - 1)
            if prev is not None and prev.lower in ("to", "will", "would", "could", "should", "might", "may", "can", "must", "nearly", "almost", "more"):
                value = {"double": 2, "triple": 3, "treble": 3, "quadruple": 4, "halve": 0.5}[t.lower]
                fig = Fig(start=t.start, end=t.end, i0=i, i1=i + 1, n0=i, value=value, unit="times", kind="other",
                          change="decrease" if t.lower == "halve" else "increase")
                return fig
        return None

    def attach_before(self, fig: Fig) -> None:
        """Qualifier words right before the figure ("more than", "nearly"). "over", "under", "above" and
        "below" are prepositions after nouns such as "dispute" ("a dispute over four islands") and
        before a duration ("$10bn over ten years"), unless "for"/"of" precede ("for over 20 years")."""
        m = self.rules.qual_before.match_before(self.toks, fig.i0)
        if m is None:
            return
        q, start = m
        word = self.toks[start].lower
        if word in ("over", "under", "above", "below") and fig.i0 - start == 1:
            p = self.tok(start - 1)
            if p is not None and self.rules.is_cue("over_noun", p.lower):
                return
            is_time = fig.unit is not None and self.rules.unit_dimension.get(fig.unit) == "time"
            if is_time and word == "over" and not (p is not None and p.lower in ("for", "of", "to", "lasted", "lasting", "took", "after", "spanning", "last", "is", "was", "are", "were")):
                return
        fig.qualifier = str(q)
        fig.i0 = start
        fig.start = self.toks[start].start

    def try_figure(self, i: int) -> Fig | list[Fig] | None:
        t = self.toks[i]
        if not (t.is_digit or t.is_word):
            return None
        if t.is_word and t.lower not in self.rules.number_words and t.lower not in ("a", "an"):
            return None
        g = self.read_group(i)
        if g is None:
            return None
        if not self.group_ok(g):
            return None
        p1, p2 = self.tok(i - 1), self.tok(i - 2)
        if p1 is not None and p1.text == "=":
            return None  # "n = 16": notation
        if p1 is not None and p2 is not None and p1.lower in ("and", "or", ",", "&", "/") and (i - 2) in self.labels:
            self.labels.add(i)
            return None  # "Phases 1 and 2", "Articles 4 and 5"
        cur = self.currency_before(g.n0)
        if cur is not None:
            g.currency, g.i0 = cur
        if self.number_is_code(g.n0, g.n1 if g.scale is None or not self.glued(g.n1 - 2, g.n1 - 1) else g.n1, g.currency is not None):
            return None
        if g.currency is None and (self.is_label(g.n0)):
            self.labels.add(g.n0)
            return None
        self.attach_percent(g)
        # ranges and changes "from X to Y"
        second = self.try_range(g)
        if isinstance(second, list):
            return second
        fig = self.finish(g, second)
        return fig

    def group_ok(self, g: _Group) -> bool:
        """Spelled-out numbers that are not figures: "one" as a pronoun, Title-case names, "the two countries"."""
        t = self.toks[g.n0]
        words = [self.toks[k].lower for k in range(g.n0, g.n1)]
        if g.raw_words:
            first = t
            if first.text[0].isupper() and not self.is_sentence_initial(g.n0) and not first.text.isupper():
                prev = self.tok(g.n0 - 1)
                if not (prev is not None and prev.text in (":", "(", "“", '"', "‘")):
                    return False  # "the Five Eyes", "Group of Seven"
            if words in (["a"], ["an"]):
                return False
            if self.rules.number_words.get(words[0], (0, ""))[1] in ("scale", "hundred", "dozen"):
                return False  # "million" or "dozen" with no number before it
            prev = self.tok(g.n0 - 1)
            if prev is not None and prev.lower in VAGUE_BEFORE_SCALE and self.rules.number_words.get(words[-1], (0, ""))[1] in ("scale", "hundred", "dozen"):
                return False  # "several hundred", "a few thousand", "several dozen": no value
            if words == ["one"] or words == ["one", "a"]:
                return self.one_is_figure(g)
            entry = self.rules.number_words.get(words[-1])
            last_type = entry[1] if entry else None
            if last_type == "fraction" and len(words) == 1 or (len(words) == 2 and words[0] in ("a", "an", "one") and last_type == "fraction"):
                if not self.fraction_ok(g, words):
                    return False
            if last_type == "fraction" and words[-1] in ("second",):
                return False
            prev = self.tok(g.n0 - 1)
            if (
                prev is not None
                and prev.lower in ANAPHORIC_DETS
                and last_type in ("unit", "teen")
                and 2 <= g.value <= 12
                and self.rules.qual_before.match_before(self.toks, g.n0) is None
            ):
                nxt = self.tok(g.n1)
                compound = nxt is not None and nxt.text in DASHES and self.glued(g.n1 - 1, g.n1)
                if not compound and (nxt is None or not nxt.is_word or nxt.lower in REFERENTIAL_NOUNS):
                    return False  # "the two countries", "the two": an anaphoric reference, not a count
            if words[0] in ("a", "an") and g.value >= 1:
                nxt_entry = self.rules.number_words.get(words[1]) if len(words) > 1 else None
                if nxt_entry is not None and nxt_entry[1] in ("scale", "hundred", "dozen"):
                    nxt = self.tok(g.n1)
                    prev = self.tok(g.n0 - 1)
                    # "a million" is a figure; "a thousand-year" old idiom-ish compounds are not
                    if nxt is not None and nxt.text in DASHES and self.glued(g.n1 - 1, g.n1):
                        return False
        return True

    def one_is_figure(self, g: _Group) -> bool:
        """ "one" is a figure only with a scale, a fraction, "one in five", or a bounding word before it."""
        nxt = self.tok(g.n1)
        prev = self.tok(g.n0 - 1)
        if nxt is not None and nxt.lower in ("in", "out") :
            n2 = self.tok(g.n1 + 1)
            n3 = self.tok(g.n1 + 2)
            if n2 is not None and (n2.is_digit or n2.lower in self.rules.number_words):
                return True
            if n2 is not None and n2.lower == "of" and n3 is not None and (n3.is_digit or n3.lower in self.rules.number_words):
                return True
        if prev is not None and prev.lower in ("only", "just", "exactly", "single"):
            return True
        if self.rules.qual_before.match_before(self.toks, g.n0) is not None:
            q = self.rules.qual_before.match_before(self.toks, g.n0)
            return q[0] in ("more_than", "at_least", "less_than", "up_to")
        return False

    def fraction_ok(self, g: _Group, words: list[str]) -> bool:
        """Fractions need "of", a noun phrase ("half the population") or a numerator ("two-thirds")."""
        nxt = self.tok(g.n1)
        prev = self.tok(g.n0 - 1)
        last = words[-1]
        if prev is not None and prev.lower in ("first", "second", "third", "fourth", "last", "latter", "former", "other", "the", "final", "this", "that", "each", "every", "in"):
            return False  # "the second half of 2016", "in half"
        if nxt is None:
            return False
        if nxt.lower == "of":
            return True
        if nxt.text in DASHES and self.glued(g.n1 - 1, g.n1):
            return False  # "half-hearted", "a quarter-century"
        if last in ("half", "halves") and nxt.lower in ("the", "its", "their", "his", "her", "our", "all", "a", "an", "that", "this", "those", "these"):
            return True
        if last in ("half",) and nxt.is_word and _looks_plural(nxt.text, self.rules):
            return True
        return False

    def attach_percent(self, g: _Group) -> None:
        """ "%", "per cent", "percent", "percentage points", "basis points" after the number."""
        j = g.n1
        t = self.tok(j)
        if t is None:
            return
        if t.text == "%" and (self.glued(j - 1, j) or self.spaced(j - 1, j)):
            g.unit, g.kind, g.n1 = "percent", "percent", j + 1
            return
        low = t.lower
        n2 = self.tok(j + 1)
        if not self.spaced(j - 1, j):
            return
        if low in ("percent", "pct", "pc"):
            g.unit, g.kind, g.n1 = "percent", "percent", j + 1
        elif low == "per" and n2 is not None and n2.lower == "cent":
            g.unit, g.kind, g.n1 = "percent", "percent", j + 2
        elif low == "percentage" and n2 is not None and n2.lower in ("point", "points"):
            g.unit, g.kind, g.n1 = "percentage_point", "percent", j + 2
        elif low in ("pp", "ppt", "ppts", "pts"):
            g.unit, g.kind, g.n1 = "percentage_point", "percent", j + 1
        elif low == "basis" and n2 is not None and n2.lower in ("point", "points"):
            g.unit, g.kind, g.n1 = "basis_point", "percent", j + 2
        elif low == "bps":
            g.unit, g.kind, g.n1 = "basis_point", "percent", j + 1

    def try_range(self, g: _Group) -> _Group | list[Fig] | None:
        """A second number joined by "-", "to" or "between ... and": a range (the returned group holds
        [low, high]), or a change "fell from 12 to 9" (two figures)."""
        j = g.n1
        t = self.tok(j)
        if t is None:
            return None
        q = self.rules.qual_before.match_before(self.toks, g.i0)
        before_i = q[1] if q else g.i0
        prev = self.tok(before_i - 1)
        if t.text in DASHES and (self.glued(j - 1, j) or self.spaced(j - 1, j)):
            connector = "-"
        elif t.lower == "to" and self.spaced(j - 1, j):
            connector = "to"
        elif t.lower == "and" and prev is not None and prev.lower == "between":
            connector = "and"
        else:
            return None
        k = j + 1
        cur = self.rules.currency_prefix.match_at(self.toks, k)
        k2 = cur[1] if cur is not None else k
        nt = self.tok(k2)
        if nt is None or not (nt.is_digit or (nt.is_word and nt.lower in self.rules.number_words)):
            return None
        if nt.is_digit != self.toks[g.n0].is_digit:
            return None
        g2 = self.read_group(k2)
        if g2 is None:
            return None
        if cur is not None:
            g2.currency, g2.i0 = str(cur[0]), k
        if self.number_is_code(g2.n0, g2.n0 + 1, g2.currency is not None):
            return None
        self.attach_percent(g2)
        if (g.unit and g2.unit and g.unit != g2.unit) or (g.currency and g2.currency and g.currency != g2.currency) or (
            (g.unit == "percent") != (g2.unit == "percent") and (g.currency or g2.currency)
        ):
            return None  # "by 26% to ¥6.8 trillion": two different figures
        # year ranges "2014-2016", "2018-19" and day ranges "4-6 March" belong to the dates stage
        if self.looks_like_year(g) or (connector == "-" and YEAR_RE.fullmatch(self.toks[g.n0].text) and not g.scale and not g.unit):
            return None
        if self.is_date_number(g2) or self.is_date_number(g):
            return None
        # share what only the second number states: "$2-3 billion", "10-15%", "2,000-3,000 troops"
        if g.scale is None and g2.scale is not None and g.value < g2.value / g2.scale:
            g.value *= g2.scale
            g.scale = g2.scale
        if g.unit is None and g2.unit is not None:
            g.unit, g.kind = g2.unit, g2.kind
        if g2.unit is None and g.unit is not None:
            g2.unit, g2.kind = g.unit, g.kind
        if g.currency is None and g2.currency is not None:
            g.currency = g2.currency
        if g2.currency is None and g.currency is not None:
            g2.currency = g.currency
        if connector == "to" and prev is not None and prev.lower == "from":
            change = self.change_verb_before(before_i - 2)
            if change is not None:
                return self.make_change_pair(g, g2, change)
        if g.value > g2.value:
            return None  # a score ("3-0") or a from-to without a change verb: not a range
        low = g.value
        g2.i0 = g.i0
        g2.n0 = g.n0
        g2.raw_words = g.raw_words
        g2.value = [low, g2.value]  # type: ignore[assignment]
        return g2

    def change_verb_before(self, i: int) -> str | None:
        """Direction of a change verb ending at token i or a few words before it, in the same clause
        ("fell", "was increased", "cut the number of troops")."""
        for k in range(i, max(-1, i - 14), -1):
            if self.toks[k].text in (",", ";", ":", "(", ")", "–", "—"):
                break
            m = self.rules.change_verbs.match_before(self.toks, k + 1)
            if m is not None and self.toks[k].lower not in ("up", "down"):
                return str(m[0])
        return None

    def make_change_pair(self, g1: _Group, g2: _Group, change: str) -> list[Fig]:
        f1 = self.finish(g1, None, allow_count=False, keep_bare=True)
        f2 = self.finish(g2, None, keep_bare=True)
        if f1 is None or f2 is None:
            return [f for f in (f1, f2) if f is not None]
        if f1.unit is None and f2.unit is not None:
            f1.unit, f1.kind = f2.unit, f2.kind
        for f in (f1, f2):
            f.change = change
            f.change_from = g1.value
            f.change_to = g2.value
        f1.compared, f2.compared = f2, f1
        return [f1, f2]

    def finish(self, g: _Group, ranged: _Group | None, *, allow_count: bool = True, keep_bare: bool = False) -> Fig | None:
        """Attach qualifiers, currency/unit/counted noun after the number; build the Fig."""
        last = ranged if ranged is not None else g
        j = last.n1
        fig = Fig(start=self.toks[g.i0].start, end=self.toks[j - 1].end, i0=g.i0, i1=j, n0=g.n0,
                  value=last.value if ranged is not None else g.value, unit=last.unit or g.unit,
                  kind=last.kind or g.kind or "other", currency=last.currency or g.currency,
                  scale=last.scale or g.scale)
        # "-plus", "+", "or more" right after the number (before a unit / noun)
        self.attach_after_qualifier(fig)
        j = fig.i1
        # currency after the number: "22 billion kronor", "600 billion USD"
        if fig.kind != "percent":
            m = self.rules.currency_suffix.match_at(self.toks, j) if self.near(j - 1, j) else None
            if m is not None:
                code, end = m
                # "won" and "dong" after a figure only when a scale came first (ambiguity with the verb)
                if not (self.toks[j].lower in ("won", "rand", "lei", "lari", "dong", "taka", "pounds") and fig.scale is None and fig.currency is None):
                    fig.currency = fig.currency or str(code)
                    fig.i1 = end
                    fig.end = self.toks[end - 1].end
                    j = end
        if fig.currency is not None:
            fig.kind = "money"
            fig.unit = fig.currency
        elif fig.kind != "percent":
            # unit: glued ("15bcm", "3,000km"), spaced ("3,000 km"), hyphenated ("10-year")
            k = j
            if self.tok(k) is not None and self.toks[k].text in DASHES and self.glued(k - 1, k) and self.glued(k, k + 1):
                k += 1
            if fig.unit is None and self.near(k - 1, k):
                m = self.rules.units.match_at(self.toks, k)
                if m is not None:
                    unit, end = m
                    if self.toks[k].text == "nm" and not _CHIP_RE.search(self.text):
                        unit = "nmi"  # "3,700 nm" in a naval text: nautical miles; "7 nm chips": nanometres
                    fig.unit, fig.kind, fig.i1 = str(unit), "quantity", end
                    fig.end = self.toks[end - 1].end
                    j = end
            if fig.unit is None and self.tok(j) is not None and self.toks[j].lower in ("times",) and self.spaced(j - 1, j):
                after = self.tok(j + 1)
                if after is not None and (
                    after.lower in FACTOR_NEXT
                    or after.is_word and (after.lower.endswith("er") or after.text[0].isupper() or after.lower.endswith(("’s", "'s")))
                ):
                    fig.unit, fig.kind = "times", "other"  # a factor: "six times larger", "twice as many"
                else:
                    fig.unit, fig.kind = "time", "count"  # a frequency: "they met more than 20 times"
                    fig.counted = "times"
                fig.i1 = j + 1
                fig.end = self.toks[j].end
                j += 1
            elif fig.unit is None and self.tok(j) is not None and self.toks[j].text in DASHES and self.tok(j + 1) is not None and self.toks[j + 1].lower == "fold" and self.glued(j - 1, j):
                fig.unit, fig.kind, fig.i1 = "times", "other", j + 2
                fig.end = self.toks[j + 1].end
                j += 2
            nx = self.tok(j)
            if fig.unit is None and nx is not None and nx.is_word and nx.lower in self.rules.name_after and self.spaced(j - 1, j):
                return None  # "the 1718 Committee", "a 2+2 format"
            # fractions
            if fig.unit is None:
                self.attach_fraction(fig, g)
                j = fig.i1
            if fig.unit is None and allow_count:
                self.attach_count(fig, g)
                j = fig.i1
        self.attach_after_qualifier(fig)
        self.attach_before(fig)
        if ranged is not None:
            fig.kind = "range"
            p = self.tok(fig.i0 - 1)
            if p is not None and p.lower in ("between", "from") and self.spaced(fig.i0 - 1, fig.i0):
                fig.i0, fig.start = fig.i0 - 1, p.start  # the span reads "between 2,000 and 3,000 troops"
        if ranged is None and self.looks_like_year(g):
            return None
        sus = self.tok(fig.i1)
        if fig.unit is None and sus is not None and sus.text in DASHES and self.glued(fig.i1 - 1, fig.i1) and not self.glued(fig.i1, fig.i1 + 1):
            return None  # a suspended hyphen: "the 4-, 3- and 2-nanometer nodes"
        if g.raw_words and fig.unit is None and fig.kind == "other" and not keep_bare:
            # a bare spelled-out number ("not just one", "in two", "top three", "Six New Frameworks") is
            # not evidence; "zero", "a million" and partitives ("three of them") are
            nx, nx2 = self.tok(g.n1), self.tok(g.n1 + 1)
            partitive_of_number = nx is not None and nx.lower == "of" and nx2 is not None and nx2.is_digit
            if not (g.value == 0 or g.value >= 100 or fig.i1 > g.n1 or partitive_of_number):
                return None
            nx = self.tok(g.n1)
            if nx is not None and nx.text in DASHES and self.glued(g.n1 - 1, g.n1):
                return None  # "an eight-phase timeline", "a seven-part series"
        if ranged is None and self.is_date_number(g):
            return None
        if g.currency is None and fig.qualifier is None and self.titlecase_before(g.n0) and fig.kind not in ("percent",) and fig.scale is None:
            self.labels.add(g.n0)
            return None
        if ranged is None and fig.i1 == g.n1 and self.tok(g.n1) is not None and self.toks[g.n1].text in DASHES and self.glued(g.n1 - 1, g.n1) and self.tok(g.n1 + 1) is not None and self.toks[g.n1 + 1].is_digit and self.glued(g.n1, g.n1 + 1):
            return None  # "361–77", "3-0": numbers joined by a dash that are not a range
        nxt = self.tok(fig.i1)
        if nxt is not None and nxt.is_word and nxt.lower in self.rules.name_after and g.currency is None and fig.kind != "percent":
            return None
        # durations "two years ago" are dates
        if fig.unit is not None and self.rules.unit_dimension.get(fig.unit) == "time":
            if nxt is not None and nxt.lower in ("ago", "earlier", "later", "hence", "previously"):
                return None
        # section numbers: "1.1 Military component of ...", "2.4 Issues of ..." opening a sentence
        if self.is_sentence_initial(g.n0) and g.is_digit and "." in self.toks[g.n0].text and fig.unit is None and fig.kind == "other":
            nx = self.tok(g.n1)
            if nx is not None and nx.is_word and nx.text[0].isupper():
                return None
        # enumeration: a number opening the sentence and followed by "." or ")"
        if self.is_sentence_initial(g.n0) and g.is_digit and nxt is not None and nxt.text in (".", ")") and fig.unit is None and self.glued(fig.i1 - 1, fig.i1):
            return None
        prev = self.tok(fig.i0 - 1)
        if prev is not None and prev.text in ("(", "[") and nxt is not None and nxt.text in (")", "]") and fig.unit is None and fig.kind == "other" and g.is_digit:
            return None  # "(1)", "[12]"
        return fig

    def attach_after_qualifier(self, fig: Fig) -> None:
        j = fig.i1
        t = self.tok(j)
        if t is None:
            return
        if t.text in DASHES and self.glued(j - 1, j):
            n = self.tok(j + 1)
            if n is not None and n.lower == "plus" and self.glued(j, j + 1):
                fig.qualifier, fig.i1, fig.end = "more_than", j + 2, n.end
            return
        if t.text == "+" and self.glued(j - 1, j):
            fig.qualifier, fig.i1, fig.end = "more_than", j + 1, t.end
            return
        if not self.spaced(j - 1, j):
            return
        m = self.rules.qual_after.match_at(self.toks, j)
        if m is not None:
            q, end = m
            if self.toks[j].lower == "plus":
                n = self.tok(end)
                if n is not None and (n.is_digit or n.lower in self.rules.number_words or n.text in ("$", "€", "£")):
                    return  # "5 plus 3": arithmetic, not a bound
            fig.qualifier, fig.i1, fig.end = str(q), end, self.toks[end - 1].end

    def attach_fraction(self, fig: Fig, g: _Group) -> None:
        """ "half", "a quarter", "two-thirds", "one in five", "3 out of 4"."""
        words = [self.toks[k].lower for k in range(g.n0, g.n1)]
        entry = self.rules.number_words.get(words[-1]) if g.raw_words else None
        if entry is not None and entry[1] == "fraction":
            fig.unit, fig.kind = "fraction", "other"
            nxt = self.tok(fig.i1)
            if nxt is not None and nxt.lower in ("a", "an"):
                m = self.rules.units.match_at(self.toks, fig.i1 + 1)
                if m is not None:
                    unit, end = m
                    fig.unit, fig.kind, fig.i1, fig.end = str(unit), "quantity", end, self.toks[end - 1].end
            return
        j = fig.i1
        t = self.tok(j)
        if t is None or g.currency or fig.kind == "percent" or isinstance(fig.value, list):
            return
        k = None
        if t.lower == "in":
            k = j + 1
        elif t.lower == "out" and self.tok(j + 1) is not None and self.toks[j + 1].lower == "of":
            k = j + 2
        if k is None or self.tok(k) is None:
            return
        g2 = self.read_group(k) if (self.toks[k].is_digit or self.toks[k].lower in self.rules.number_words) else None
        if g2 is None or g2.value == 0 or isinstance(g2.value, list) or g2.value <= fig.value:  # type: ignore[operator]
            return
        if g2.is_digit and YEAR_RE.fullmatch(self.toks[g2.n0].text):
            return  # "one in 2016"
        fig.value = fig.value / g2.value  # type: ignore[operator]
        fig.unit, fig.kind, fig.i1, fig.end = "fraction", "other", g2.n1, self.toks[g2.n1 - 1].end
        head = self.find_head(g2.n1, plural_only=True)
        if head is not None:
            fig.counted = self.join(g2.n1, head + 1)  # "three in ten officers": what is counted

    def attach_count(self, fig: Fig, g: _Group) -> None:
        """The counted noun: "410 nuclear weapons", "two of the disputed islands", "12-member panel"."""
        j = fig.i1
        t = self.tok(j)
        if t is None:
            return
        rules = self.rules
        # "12-member": a hyphenated compound
        if t.text in DASHES and self.glued(j - 1, j) and self.glued(j, j + 1):
            w = self.tok(j + 1)
            if w is not None and w.is_word and not g.raw_words:
                fig.unit, fig.kind = singularize(w.text, rules), "count"
                fig.i1, fig.end = j + 2, w.end
                fig.head_i = j + 1
                np, _ = self.np_after(j + 2, max_words=3)
                fig.counted = np or w.text
            return
        if not self.spaced(j - 1, j):
            return
        k = j
        # "two of the disputed islands" (a partitive): not for 1 or for percents
        if t.lower == "of" and fig.value is not None and not isinstance(fig.value, list) and fig.value >= 2 and fig.value == int(fig.value):
            k = j + 1
            d = self.tok(k)
            if d is None or not (d.lower in ("the", "its", "their", "these", "those", "his", "her", "our", "them", "us", "whom", "which") or d.lower.endswith(("’s", "'s"))):
                return
            if d.lower in ("them", "us", "whom", "which"):
                fig.i1, fig.end = k + 1, d.end
                return
            if not d.lower.endswith(("’s", "'s")) or d.text[0].islower():
                k += 1
                if self.tok(k) is not None and self.toks[k].is_digit:
                    # "12 of its 30 tailings dams": the unit comes from the noun, the span stays "12"
                    head = self.find_head(k + 1, plural_only=True)
                    if head is not None:
                        fig.unit, fig.kind = self.lemma(head), "count"
                        fig.counted = self.join(k + 1, head + 1)
                    return
            else:
                k += 1  # "two of Ukraine’s Neptune missiles": the possessor is part of the phrase
                head = self.find_head(k, plural_only=True)
                if head is None:
                    return
                fig.unit, fig.kind = self.lemma(head), "count"
                fig.head_i = head
                fig.counted = self.join(k, head + 1)
                fig.i1, fig.end = head + 1, self.toks[head].end
                return
            head = self.find_head(k, plural_only=True)
            if head is None:
                return
            fig.unit, fig.kind = self.lemma(head), "count"
            fig.head_i = head
            fig.counted = self.join(k, head + 1)
            fig.i1, fig.end = head + 1, self.toks[head].end
            return
        want_plural = not (fig.value == 1 and not isinstance(fig.value, list))
        head = self.find_head(k, plural_only=want_plural)
        if head is None:
            return
        fig.unit, fig.kind = self.lemma(head), "count"
        fig.head_i = head
        fig.counted = self.join(k, head + 1)
        fig.i1, fig.end = head + 1, self.toks[head].end

    def find_head(self, k: int, *, plural_only: bool) -> int | None:
        """Token index of the counted noun's head among up to 6 words from k (no parse): the first plural
        ("410 nuclear weapons", "496 defense and security engagements", "10 more grids")."""
        rules = self.rules
        last_content = None
        for m in range(k, min(k + 7, len(self.toks))):
            w = self.toks[m]
            if m > k and not self.near(m - 1, m):
                break
            if w.text == "." and m > k and self.glued(m - 1, m) and len(self.toks[m - 1].text) <= 2 and self.toks[m - 1].text.isupper():
                continue  # "23,100 U.S. companies"
            if w.text in DASHES:
                if self.glued(m - 1, m) and self.glued(m, m + 1):
                    continue
                break
            if w.is_digit:
                if m > k and (self.toks[m - 1].text in DASHES or self.toks[m - 1].is_word) and self.glued(m - 1, m):
                    continue  # "Su-35 jets", "M1A2 Abrams tanks"
                break
            if not w.is_word:
                break
            low = w.lower
            if m > k and self.toks[m - 1].text in DASHES and self.glued(m - 1, m):
                # second part of a hyphenated modifier: "Chinese-made", "anti-ship"
                if _looks_plural(w.text, rules):
                    return m
                last_content = m
                continue
            if m == k and low in ("more", "fewer", "additional", "extra", "new", "other", "further"):
                nxt = self.tok(m + 1)
                if nxt is not None and nxt.is_word and nxt.lower != "than":
                    continue
                break
            if low in ("and", "or") and m > k and last_content is not None:
                continue  # "defense and security engagements"
            if rules.is_cue("function", low) or low in MONTHS or (low in rules.scales and m == k):
                break
            if w.text == low and _looks_plural(w.text, rules, strict=False) and (m == k or last_content is not None):
                nx = self.tok(m + 1)
                if not (m > k and nx is not None and nx.lower == "that"):
                    return self._last_plural(m)  # "19 projects", "two nuclear-armed states"
            if (rules.is_cue("verb", low) or rules.is_cue("source_verb", low)) and w.text == low:
                break
            if m == k and rules.units.match_at(self.toks, m) is not None:
                break
            if w.text[0].isupper() and m == k and not self._adjectival_name(m) and not _looks_plural(w.text, rules):
                nxt = self.tok(m + 1)
                if not (len(w.text) <= 2 and w.text.isupper() and nxt is not None and nxt.text == "."):
                    return None
            if _looks_plural(w.text, rules):
                return self._last_plural(m)
            if low.endswith("ed") and m > k:
                break
            last_content = m
        if not plural_only and last_content is not None:
            return last_content
        return None

    def _last_plural(self, m: int) -> int:
        """A plural noun used as a modifier gives way to the plural after it ("tailings dams", "arms sales")."""
        nxt = self.tok(m + 1)
        if nxt is not None and nxt.is_word and nxt.text[0].islower() and self.spaced(m, m + 1) and _looks_plural(nxt.text, self.rules):
            return m + 1
        return m

    def _adjectival_name(self, m: int) -> bool:
        """A capitalized modifier before a lowercase plural ("2,000 Chinese troops", "Chinese-made
        drones", "Neptune anti-ship missiles")."""
        for n in range(m + 1, min(m + 7, len(self.toks))):
            w = self.toks[n]
            if w.text in DASHES or w.is_digit or w.lower in ("and", "or"):
                continue  # "Su-24 aircraft", "M1A2 Abrams tanks", "African and partner nations"
            if not w.is_word or self.rules.is_cue("function", w.lower):
                return False
            if w.text[0].islower() and _looks_plural(w.text, self.rules):
                return True
        return False

    def lemma(self, i: int) -> str:
        return singularize(self.toks[i].text, self.rules)

    def join(self, a: int, b: int) -> str:
        """Source text of tokens a..b-1 (exact slice, so spacing and hyphens are preserved)."""
        if a >= b:
            return ""
        return self.text[self.toks[a].start : self.toks[b - 1].end]

    # -- noun phrases, for measured / source --
    def np_after(self, k: int, *, max_words: int = 8) -> tuple[str | None, int]:
        """A noun phrase starting at token k (leading determiner dropped) and the index after it."""
        rules = self.rules
        start = k
        while self.tok(start) is not None and self.toks[start].lower in DETERMINERS:
            start += 1
        m = start
        words = 0
        while m < len(self.toks) and words < max_words:
            w = self.toks[m]
            if w.text in DASHES and self.glued(m - 1, m) and self.glued(m, m + 1):
                m += 1
                continue
            if w.text == "." and m > start and self.glued(m - 1, m) and len(self.toks[m - 1].text) <= 2 and self.toks[m - 1].text.isupper():
                m += 1  # "U.S."
                continue
            if w.text in ("$", "€", "£", "¥") and m > start and self.tok(m + 1) is not None and self.toks[m + 1].is_digit:
                m += 1  # "Brazil’s $42.98 million total mineral exports"
                continue
            if not (w.is_word or w.is_digit) and w.text not in ("’s", "'s"):
                break
            low = w.lower
            nxt_w = self.tok(m + 1)
            if m > start and low in ("and", "or", "more", "most", "less") and nxt_w is not None and nxt_w.is_word and nxt_w.text == nxt_w.lower and not rules.is_cue("function", nxt_w.lower) and not rules.is_cue("verb", nxt_w.lower):
                after = self.tok(m + 2)
                verbish = nxt_w.lower.endswith("s") and (after is None or after.is_digit or after.lower in DETERMINERS or rules.is_cue("function", after.lower))
                if not verbish:
                    m += 1  # "heavy and medium brigades", "its more advanced aircraft"
                    continue
            if low == "of" and m > start:
                nxt = self.tok(m + 1)
                if nxt is not None and (nxt.is_word or nxt.is_digit) and not rules.is_cue("verb", nxt.lower):
                    m += 1
                    while self.tok(m) is not None and self.toks[m].lower in DETERMINERS:
                        m += 1
                    continue
                break
            if rules.is_cue("function", low) or rules.is_cue("verb", low) or rules.change_verbs.match_at(self.toks, m) is not None and m > start:
                break
            if low.endswith("ed") and m > start and low not in ("red", "united", "armed", "advanced", "based", "concerned"):
                break
            m += 1
            words += 1
        if m == start:
            return None, k
        return self.join(start, m), m

    def clause_bounds(self, i: int) -> tuple[int, int]:
        """Token range of the clause around token i (commas, semicolons, dashes and subordinators end
        it; a parenthesis before i is stepped over: "the budget of the FDA (FDA) for 2024 was ...")."""
        a = i
        while a > 0:
            p = self.toks[a - 1]
            if p.text == ")":
                depth, k = 0, a - 1
                while k >= 0:
                    if self.toks[k].text == ")":
                        depth += 1
                    elif self.toks[k].text == "(":
                        depth -= 1
                        if depth == 0:
                            break
                    k -= 1
                if k <= 0:
                    break
                a = k
                continue
            if p.text in (";", ":", "–", "—", "(") or p.text == ",":
                break
            if p.lower in ("while", "whereas", "although", "though", "because", "but", "if", "when", "which", "who", "that", "whereby"):
                nx = self.toks[a]
                determiner = p.lower == "that" and (
                    nx.lower == "of"  # "that of China" is a pronoun
                    or (nx.is_word and nx.text == nx.lower and nx.lower not in DETERMINERS and nx.lower not in PRONOUNS and not _verb_starts(self, a))
                )  # "meeting that target": a determiner
                if not determiner:
                    break
            a -= 1
        b = i
        while b < len(self.toks):
            p = self.toks[b]
            if p.text in (";", ":", "–", "—", "(", ")") or p.lower in ("while", "whereas") or (p.text == "," and b > i):
                break
            b += 1
        return a, b

    def subject_before(self, verb_i: int, clause_start: int) -> str | None:
        """The noun phrase from the clause start up to the verb: determiners and openers dropped, cut
        before a preposition other than "of" once it has two words, at most 14 words; None for pronouns."""
        a = clause_start
        while a < verb_i and (self.toks[a].lower in DETERMINERS or self.toks[a].text in OPEN_QUOTES or self.toks[a].lower in ("and", "so", "however", "indeed", "moreover", "thus", "then", "also", "today", "now", "yet", "still", "with", "while", "as")):
            a += 1
        if a >= verb_i:
            return None
        end = verb_i
        words = 0
        for m in range(a, verb_i):
            t = self.toks[m]
            if t.is_word:
                words += 1
            if words >= 2 and t.lower in ("for", "in", "at", "on", "during", "since", "by", "with", "from", "under", "over", "after", "before", "into", "across"):
                end = m
                break
        while end > a and self.toks[end - 1].lower in ("has", "have", "had", "will", "would", "could", "may", "might", "can", "should", "must", "also", "only", "now", "still", "reportedly", "already"):
            end -= 1
        text = self.join(a, end).strip(" ,")
        if not text or len(text.split()) > 14:
            return None
        last = text.split()[-1].lower()
        if last in PRONOUNS or text.lower() in PRONOUNS:
            return None
        return text

    def find_verb(self, a: int, b: int) -> int | None:
        """First finite-verb-like token in [a, b) (cue verbs, change verbs, "-s" verbs after a noun phrase)."""
        rules = self.rules
        for m in range(a, b):
            w = self.toks[m]
            if not w.is_word:
                continue
            low = w.lower
            if w.text != low and m > a:
                continue  # "the United States": a capitalized word is not a verb mid-clause
            if rules.is_cue("verb", low) or rules.is_cue("source_verb", low):
                return m
            if m > a and rules.change_verbs.match_at(self.toks, m) is not None and low not in ("up", "down", "cut", "rise", "increase", "fall", "drop", "decline"):
                return m
            if m > a and low.endswith("ed") and len(low) > 4:
                prev, nxt = self.toks[m - 1], self.tok(m + 1)
                if prev.is_word and prev.lower not in DETERMINERS and not rules.is_cue("function", prev.lower) and nxt is not None and (
                    nxt.is_digit or nxt.lower in DETERMINERS or nxt.lower in ("by", "to", "from", "more", "nearly", "about", "over", "some", "roughly", "almost", "approximately", "around", "only", "just")
                ):
                    return m  # "Ukraine advanced a total of ...", "Russia deployed 2,000 troops"
            if m > a + 1 and low.endswith("s") and not low.endswith(("ss", "us", "is")) and not rules.is_cue("not_plural", low):
                prev = self.toks[m - 1]
                pprev = self.toks[m - 2]
                nxt = self.tok(m + 1)
                if prev.is_word and not prev.lower.endswith("s") and pprev.lower in DETERMINERS and nxt is not None and (nxt.lower in ("in", "at", "by", "to", "on", "with", "from", "for", "as", "that", "the", "a", "an") or nxt.text == "("):
                    return m
        return None


# --- measured, source, compared_with -------------------------------------------------------------


COPULAS = frozenset({"is", "are", "was", "were", "be", "been", "being"})
INTERNAL_UNITS = frozenset({"fraction", "times"})  # kept while scanning, written as unit None
FACTOR_NEXT = frozenset({"as", "more", "less", "larger", "higher", "greater", "bigger", "smaller", "lower", "the", "that", "what", "than", "over", "faster", "longer", "stronger", "cheaper", "richer", "its", "their", "his", "her", "our"})
REFERENTIAL_NOUNS = frozenset(
    "countries counties sides states nations leaders men women parties governments capitals powers neighbours "
    "neighbors allies rivals companies presidents ministers groups camps organisations organizations delegations "
    "armies navies economies peoples superpowers candidates officials sides leaderships administrations".split()
)
PRONOUNS = frozenset({"it", "this", "that", "they", "he", "she", "we", "there", "which", "who", "these", "those", "i", "you", "them", "us", "one"})


def _predicate(sc: _Scanner, k: int) -> tuple[str | None, bool]:
    """The predicate starting at token k, up to the clause end; (text without copula, had copula)."""
    toks = sc.toks
    if k >= len(toks):
        return None, False
    copula = False
    a = k
    while a < len(toks) and toks[a].lower in COPULAS:
        copula = True
        a += 1
    b = a
    while b < len(toks):
        t = toks[b]
        if t.text in (";", "(", ":", "–", "—") or t.lower in ("while", "whereas"):
            break
        if t.text == ",":
            break
        if t.text in (".", "?", "!") and (b == len(toks) - 1 or not sc.glued(b - 1, b) or sc.spaced(b, b + 1)):
            break
        b += 1
    while b > a and toks[b - 1].text in (",", ".", "”", "’", '"'):
        b -= 1
    if b <= a:
        return None, copula
    return sc.join(a, b), copula


def _population_after(sc: _Scanner, fig: Fig) -> tuple[str | None, int]:
    """ "78% of Russian respondents ..." -> ("Russian respondents", index after the phrase); also
    "half the fuel" -> "fuel"."""
    t = sc.tok(fig.i1)
    if fig.unit == "fraction" and t is not None and t.lower in DETERMINERS:
        np, end = sc.np_after(fig.i1, max_words=6)
        return np, end
    if t is None or t.lower != "of" or not sc.spaced(fig.i1 - 1, fig.i1):
        return None, fig.i1
    np, end = sc.np_after(fig.i1 + 1, max_words=6)
    return np, end


def _measured(sc: _Scanner, fig: Fig, figs: list[Fig], state: dict) -> str | None:
    rules = sc.rules
    if fig.kind == "ordinal":
        return fig.measured
    if fig.kind == "count" and fig.counted:
        counted = fig.counted.strip()
        t = sc.tok(fig.i1)
        if t is not None and t.lower == "of" and sc.spaced(fig.i1 - 1, fig.i1):
            np, end = sc.np_after(fig.i1 + 1, max_words=5)
            if np:
                counted = f"{counted} of {sc.join(fig.i1 + 1, end)}"
        return counted
    if fig.unit == "times" and fig.change is not None and fig.i1 - fig.i0 <= 3:
        # "effectively doubling their radius" / "China doubled its budget": the object after the verb;
        # "defence spending doubled": the noun phrase right before it
        nxt = sc.tok(fig.i1)
        if nxt is not None and nxt.is_word and (nxt.lower in DETERMINERS or nxt.lower.endswith(("’s", "'s"))):
            np, _ = sc.np_after(fig.i1, max_words=6)
            if np:
                return np
        return _np_before(sc, fig.i0)
    # percents and fractions of a population: "78% of X were against Y"
    if fig.kind == "percent" or fig.unit == "fraction" or (fig.kind == "range" and fig.unit in ("percent", "fraction")):
        pop, end = _population_after(sc, fig)
        if pop:
            fig.population = pop
            state["population"] = pop
            if _verb_starts(sc, end):
                pred, copula = _predicate(sc, end)
                if pred:
                    return f"{pop} {pred}" if copula else f"{pop} {_relative(pop, rules)} {pred}"
            return pop
        if fig.counted:
            return fig.counted
        # "a turnout of 60%", "inflation of 5%": the noun before "of"
        before = _np_of_before(sc, fig)
        if before:
            return before
        # "55% considered that ...": the figure is the subject
        nxt = sc.tok(fig.i1)
        if nxt is not None and nxt.is_word and (rules.is_cue("verb", nxt.lower) or nxt.lower.endswith("ed") or rules.is_cue("source_verb", nxt.lower)):
            pred, copula = _predicate(sc, fig.i1)
            if pred:
                pop = state.get("population")
                if pop:
                    return f"{pop} {pred}" if copula else f"{pop} {_relative(pop, rules)} {pred}"
                return pred
    if fig.change is not None:
        target = _change_target(sc, fig)
        if target:
            return target
    # quantities / money / other: "a budget of $5bn", then "$10 billion in military aid"
    if fig.kind == "quantity":
        after = _np_after_prep(sc, fig)
        if after:
            return after
    before = _np_of_before(sc, fig)
    if before:
        return before
    after = _np_after_prep(sc, fig)
    if after:
        return after
    worth = _np_worth_before(sc, fig)
    if worth:
        return worth
    return _subject_of_clause(sc, fig)


def _change_target(sc: _Scanner, fig: Fig) -> str | None:
    """What changed: the object of a transitive change verb ("increase the budget for the coast guard by
    40 percent") or the subject of an intransitive one ("exports rose by 5%")."""
    end = fig.i0
    if end > 0 and sc.toks[end - 1].lower in ("by", "to", "from", "of"):
        end -= 1
    for v in range(end - 1, max(-1, end - 12), -1):
        t = sc.toks[v]
        if t.text in (",", ";", ":", "(", ")", "–", "—"):
            return None
        m = sc.rules.change_verbs.match_at(sc.toks, v)
        if m is None or t.text != t.lower and v > 0:
            continue
        vend = m[1]
        while vend < end and sc.toks[vend].lower.endswith("ly"):
            vend += 1  # "fell drastically from ..."
        if vend < end:
            np, np_end = sc.np_after(vend, max_words=8)
            if np and np_end >= end - 1:
                return np
        a, _ = sc.clause_bounds(v)
        return sc.subject_before(v, a) if v > a else None
    return None


def _np_before(sc: _Scanner, i: int) -> str | None:
    """The noun phrase ending right before token i (content words only, at most 6)."""
    k = i - 1
    while k >= 0 and sc.toks[k].lower in ("has", "have", "had", "more", "than", "nearly", "almost", "roughly", "about", "all", "but"):
        k -= 1
    end = k + 1
    while k >= 0 and end - k <= 6:
        w = sc.toks[k]
        if not (w.is_word or w.is_digit) and w.text not in DASHES:
            break
        if sc.rules.is_cue("function", w.lower) or sc.rules.is_cue("verb", w.lower) or sc.rules.is_cue("clause", w.lower):
            break
        k -= 1
    return sc.join(k + 1, end) or None


PERSON_NOUNS = frozenset(
    "respondents people voters citizens adults participants members experts officials residents workers users "
    "those russians americans ukrainians chinese japanese europeans germans britons voters men women children "
    "students soldiers troops analysts economists executives leaders politicians lawmakers legislators "
    "parliamentarians delegates supporters opponents israelis palestinians iranians indians koreans taiwanese "
    "employees households families consumers investors firms companies businesses".split()
)


def _relative(pop: str, rules: FigureRules) -> str:
    """ "who" after people ("Russian respondents who considered ..."), "that" after things."""
    head = pop.split()[-1].lower()
    return "who" if head in PERSON_NOUNS or re.fullmatch(r"[a-z]+(?:an|ian|ean)s", head) else "that"


def _verb_starts(sc: _Scanner, k: int) -> bool:
    """Does a verb (copula, cue verb, change verb, "-ed" or "-s" form) start at token k?"""
    t = sc.tok(k)
    if t is None or not t.is_word or t.text != t.lower:
        return False
    low = t.lower
    return (
        low in COPULAS
        or sc.rules.is_cue("verb", low)
        or sc.rules.is_cue("source_verb", low)
        or sc.rules.change_verbs.match_at(sc.toks, k) is not None
        or (low.endswith("ed") and len(low) > 4)
    )


def _np_after_prep(sc: _Scanner, fig: Fig) -> str | None:
    """ "15 bcm of gas", "$10 billion in military aid", "seven decades after the end of the war"."""
    t = sc.tok(fig.i1)
    if t is None or not sc.spaced(fig.i1 - 1, fig.i1):
        return None
    low = t.lower
    if fig.kind == "quantity" and t.is_word and t.text == low and not sc.rules.is_cue("function", low) and not _verb_starts(sc, fig.i1) and low not in ("ago", "later", "earlier"):
        np, _ = sc.np_after(fig.i1, max_words=4)
        if np:
            return np  # "3 nm chips", "a 10-year contract", "155 mm shells"
    time_unit = fig.unit is not None and sc.rules.unit_dimension.get(fig.unit) == "time"
    if time_unit and low in ("after", "since", "before", "of"):
        np, end = sc.np_after(fig.i1 + 1, max_words=8)
        if np:
            return f"time {low} {sc.join(fig.i1 + 1, end)}" if low != "of" else np
        return None
    k0 = fig.i1
    if fig.kind == "money" and low in ("a", "per", "each", "every", "annually", "yearly"):
        k0 = fig.i1 + (1 if low in ("annually", "yearly") else 2)
        t = sc.tok(k0)
        if t is None:
            return None
        low = t.lower
    if low in ("of", "worth") or (low in ("in", "for", "on", "into") and fig.kind in ("money",)):
        k = k0 + 1
        if low == "worth" and sc.tok(k) is not None and sc.toks[k].lower == "of":
            k += 1
        n = sc.tok(k)
        if n is None or n.is_digit or n.lower in MONTHS:
            return None
        np, _ = sc.np_after(k, max_words=6)
        if np and low in ("in", "for", "on", "into") and not np.split()[-1][:1].islower():
            if not _invest_verb_before(sc, fig):
                return None  # "$5bn in Russia": a place, not what the money is
        return np
    return None


def _invest_verb_before(sc: _Scanner, fig: Fig) -> bool:
    for k in range(max(0, fig.i0 - 4), fig.i0):
        if sc.toks[k].lower.startswith(("invest", "spen", "pour", "sank", "sunk", "allocat", "pledg", "commit")):
            return True
    return False


def _np_of_before(sc: _Scanner, fig: Fig) -> str | None:
    """ "a budget of $5bn", "a turnout of 60%" -> the noun phrase before "of"."""
    p = sc.tok(fig.i0 - 1)
    if p is None or p.lower not in ("of", "at", "to") or not sc.spaced(fig.i0 - 1, fig.i0):
        return None
    if p.lower in ("at", "to"):
        # "estimated at", "valued at", "put at" and "amounting to" only
        v = sc.tok(fig.i0 - 2)
        if v is None or v.lower not in ("estimated", "valued", "put", "amounting", "totalling", "totaling", "pegged"):
            return None
        a, _ = sc.clause_bounds(fig.i0 - 2)
        return sc.subject_before(fig.i0 - 2, a) if fig.i0 - 2 > a else None
    # walk back over the noun phrase: words (not verbs / function words except determiners)
    end = fig.i0 - 1
    k = end - 1
    words = 0
    while k >= 0 and words < 5:
        w = sc.toks[k]
        if not w.is_word and w.text not in DASHES and w.text not in ("’s", "'s"):
            break
        if (sc.rules.is_cue("verb", w.lower) or sc.rules.is_cue("source_verb", w.lower)) and w.text == w.lower:
            break
        if w.lower in DETERMINERS:
            break
        if sc.rules.is_cue("function", w.lower):
            break
        k -= 1
        words += 1
    start = k + 1
    if k >= 0 and start < end and sc.toks[start].text in ("’s", "'s") and (sc.toks[k].is_digit or sc.toks[k].is_word):
        start = k  # "2021’s election turnout"
    if start >= end:
        return None
    head = sc.toks[end - 1].lower
    if head in sc.rules.change_nouns:
        # "an increase of 5% in exports": the thing that changes comes after
        t = sc.tok(fig.i1)
        if t is not None and t.lower in ("in", "of"):
            np, _ = sc.np_after(fig.i1 + 1, max_words=6)
            return np
        return None
    return sc.join(start, end)


def _np_worth_before(sc: _Scanner, fig: Fig) -> str | None:
    """ "contracts worth $5bn", "a deal valued at $2bn"."""
    p = sc.tok(fig.i0 - 1)
    if p is None or p.lower not in ("worth", "totalling", "totaling", "costing"):
        return None
    end = fig.i0 - 1
    k = end - 1
    while k >= 0 and sc.toks[k].is_word and sc.toks[k].lower not in DETERMINERS and not sc.rules.is_cue("function", sc.toks[k].lower) and not sc.rules.is_cue("verb", sc.toks[k].lower) and end - k <= 4:
        k -= 1
    return sc.join(k + 1, end) or None


def _subject_of_clause(sc: _Scanner, fig: Fig) -> str | None:
    """What a figure in a predicate measures: "the chances of any deal are zero" -> "chances of any deal";
    a parenthetical figure measures the noun phrase before the parenthesis ("U.S. imports ($44 billion)")
    or, when that is a pronoun phrase ("that of China"), the clause's subject."""
    i = fig.i0
    nxt = sc.tok(fig.i1)
    if nxt is not None and _verb_starts(sc, fig.i1):
        return None  # the figure is itself a subject ("3.3 million tons were damaged")
    k = i - 1
    depth_open = None
    while k >= 0 and k >= i - 12:
        if sc.toks[k].text == "(":
            depth_open = k
            break
        if sc.toks[k].text == ")":
            break
        k -= 1
    if depth_open is not None:
        np = _np_chain_before(sc, depth_open)
        if np and not np.lower().startswith(("that of", "those of", "this", "that", "it")):
            return np
        anchor = depth_open - 1
    else:
        anchor = i
    if anchor < 0:
        return None
    a, _ = sc.clause_bounds(anchor)
    verb = sc.find_verb(a, anchor if depth_open is not None else i)
    if verb is None:
        return None
    if depth_open is None:
        # the figure completes the verb: only qualifiers, prepositions and adverbs may sit between
        between = [t for t in sc.toks[verb + 1 : i] if not (t.lower in ("to", "at", "of", "by", "only", "just", "be", "been", "about", "some", "roughly", "nearly", "almost", "around", "approximately", "also", "still", "now", "already") or t.lower.endswith("ly"))]
        if len(between) > 1:
            return None
    return sc.subject_before(verb, a)


def _np_chain_before(sc: _Scanner, i: int) -> str | None:
    """The noun phrase (with "of" chains and "U.S.") ending right before token i; determiners dropped."""
    k = i - 1
    words = 0
    while k >= 0 and words < 8:
        w = sc.toks[k]
        if w.text == "." and k > 0 and sc.glued(k - 1, k) and len(sc.toks[k - 1].text) <= 2 and sc.toks[k - 1].text.isupper():
            k -= 1
            continue
        if w.text in DASHES and sc.glued(k - 1, k) and sc.glued(k, k + 1):
            k -= 1
            continue
        if not (w.is_word or w.is_digit or w.text in ("’s", "'s")):
            break
        low = w.lower
        if low in DETERMINERS and low not in ("that", "those", "this"):
            break
        if low != "of" and (sc.rules.is_cue("function", low) and low not in ("that", "those", "this")):
            break
        if w.text == low and (sc.rules.is_cue("verb", low) or sc.rules.is_cue("source_verb", low)):
            break
        k -= 1
        words += 1
    text = sc.join(k + 1, i).strip()
    while text.lower().startswith("of "):
        text = text[3:]
    return text or None


def _sentence_sources(sc: _Scanner, figs: list[Fig], state: dict) -> None:
    """Attribute figures: "according to X", "X said", "a poll ... showed that", "(Org, 2016)"."""
    rules = sc.rules
    toks = sc.toks
    text = sc.text
    # "according to X"
    prep_firsts = rules.source_preps.firsts
    for i in range(len(toks)):
        if toks[i].lower not in prep_firsts and toks[i].text not in prep_firsts:
            continue  # match_at's own first test, without the call
        m = rules.source_preps.match_at(toks, i)
        if m is None:
            continue
        if i > 0 and toks[i - 1].is_word and toks[i - 1].lower in ("data", "figures", "statistics", "estimates") and toks[i].lower in ("from",):
            pass
        end = m[1]
        b = end
        while b < len(toks) and toks[b].text not in (",", ";", ")", "(", ":") and not (toks[b].text == "." and b == len(toks) - 1):
            if toks[b].lower in ("that", "which", "who") and b > end + 1:
                break
            b += 1
        phrase = sc.join(end, b)
        src, is_poll = normalize_source(phrase, rules, state)
        if src:
            for f in figs:
                if f.source is None:
                    f.source, f.source_is_poll = src, is_poll
    # "if X are to be believed"
    mt = re.search(r"\bif\s+(.{3,80}?)\s+(?:are|is)\s+to\s+be\s+believed", text, re.I)
    if mt:
        src, is_poll = normalize_source(mt.group(1), rules, state)
        for f in figs:
            if f.source is None and f.start > mt.end():
                f.source, f.source_is_poll = src, is_poll
    # "(Levada Center, 2016)" citation after the figures
    for mc in re.finditer(r"\(([A-Z][^()]{1,60}?),\s*((?:19|20)\d\d)\)", text):
        org = mc.group(1).strip()
        if any(ch.isdigit() for ch in org):
            continue
        for f in figs:
            if f.source is None and f.end <= mc.start():
                f.source = f"{org}, {mc.group(2)}"
    # "X said / showed that / estimates ..." before the figures; ", X said." after them
    source_verbs = rules.cues.get("source_verb", ())
    for i, t in enumerate(toks):
        if t.lower not in source_verbs or not t.is_word or t.text != t.lower or t.lower == "according":
            continue
        prev = sc.tok(i - 1)
        if prev is not None and (prev.lower in DETERMINERS or prev.lower in ("be", "been", "being", "to")):
            continue  # "a reported turnout", "to report": not an attribution
        nxt = sc.tok(i + 1)
        later = [f for f in figs if f.i0 > i and f.source is None]
        earlier = [f for f in figs if f.i1 <= i and f.source is None]
        if later:
            subj_text = _source_subject(sc, i)
            if subj_text and _plausible_source(subj_text, rules):
                src, is_poll = normalize_source(subj_text, rules, state)
                if src:
                    for f in later:
                        if is_poll and not (f.kind == "percent" or f.unit == "fraction" or f.kind == "range" and f.unit in ("percent",)):
                            continue
                        f.source, f.source_is_poll = src, is_poll
        if earlier and (nxt is None or nxt.text in (".", ",", ";") or (nxt.is_word and nxt.text[0].isupper())):
            # ", the ministry said." or ", said Alexander Panov"
            k = i - 1
            if k >= 0 and toks[k].text == ",":
                n2 = i + 1
                b = n2
                while b < len(toks) and toks[b].text not in (",", ".", ";") and b - n2 < 8:
                    b += 1
                phrase = sc.join(n2, b)
            else:
                a = k
                while a >= 0 and toks[a].text not in (",", ";", "(", ":", "—", "–"):
                    a -= 1
                phrase = sc.join(a + 1, i)
                if a < 0:
                    continue  # no comma: "X said" opens the sentence, so the figures are not reported by it
            if not _plausible_source(phrase, rules):
                continue
            src, is_poll = normalize_source(phrase, rules, state)
            if src:
                for f in earlier:
                    f.source, f.source_is_poll = src, is_poll


def _plausible_source(phrase: str, rules: FigureRules) -> bool:
    """A source names someone: a capitalized name (not just the sentence's first word), a poll or a
    source noun ("officials", "data")."""
    words = phrase.split()
    if not words or len(words) > 16:
        return False
    low = [w.lower().strip(",.") for w in words]
    if any(rules.is_cue("poll_noun", w) or rules.is_cue("source_noun", w) for w in low):
        return True
    return any(w[:1].isupper() for w in words[1:]) or (words[0][:1].isupper() and len(words) <= 4 and low[0] not in rules.cues.get("function", ()))


def _source_subject(sc: _Scanner, verb_i: int) -> str | None:
    """Subject of a source verb: the phrase right before it, stepping over a short comma-delimited aside
    (", on the other hand,") and keeping participle phrases ("a poll conducted by X in 2016")."""
    toks = sc.toks
    k = verb_i - 1
    while k >= 0 and toks[k].lower in ("also", "recently", "reportedly", "has", "have", "had", "previously", "once", "further"):
        k -= 1
    if k >= 0 and toks[k].text == ",":
        c = k - 1
        while c >= 0 and toks[c].text != ",":
            c -= 1
        if c >= 0 and k - c - 1 <= 5 and not any(sc.rules.is_cue("verb", toks[m].lower) for m in range(c + 1, k)):
            k = c - 1  # skip ", on the other hand,"
        else:
            return None
    end = k + 1
    stop_words = ("but", "that", "which", "while", "whereas", "although", "because", "if", "when", "as")
    words = 0
    while k >= 0 and words < 14:
        t = toks[k]
        if t.text in (",", ";", ":", "(", ")", "–", "—", "“", "”", '"'):
            break
        if t.lower in stop_words:
            break
        if t.is_word and t.text == t.lower and (sc.rules.is_cue("verb", t.lower) or sc.rules.is_cue("source_verb", t.lower)) and t.lower not in ("report", "reports", "estimates", "estimate", "data", "figures"):
            break
        k -= 1
        words += 1
    start = k + 1
    if start >= end:
        return None
    return sc.join(start, end)


def normalize_source(phrase: str, rules: FigureRules | None = None, state: dict | None = None) -> tuple[str | None, bool]:
    """Clean a source phrase; polls become "Org poll, Year". Returns (source, is_poll_or_survey).

    >>> normalize_source("a 2016 poll by the Levada Center")
    ('Levada Center poll, 2016', True)
    """
    rules = rules or default_rules()
    state = state if state is not None else {}
    p = " ".join(phrase.split()).strip(" ,.;:“”\"‘’'()")
    if not p:
        return None, False
    words = p.split()
    low = [w.lower().strip(",") for w in words]
    if low[0] in ("he", "she", "it", "they", "we", "i", "you", "this", "that", "which", "who"):
        return None, False
    polls = rules.cues.get("poll_noun", frozenset())
    poll_i = next((k for k, w in enumerate(low) if w in polls), None)
    if poll_i is not None:
        noun = low[poll_i]
        noun = {"polls": "poll", "surveys": "survey", "studies": "study", "estimates": "estimate"}.get(noun, noun)
        year = None
        m = re.search(r"\b((?:19|20)\d\d)\b", p)
        if m:
            year = m.group(1)
        elif re.search(r"\b(?:the )?same year\b", p, re.I):
            year = state.get("year")
        org = None
        tail = words[poll_i + 1 :]
        tl = [w.lower() for w in tail]
        for k, w in enumerate(tl):
            if w in ("by", "from", "for"):
                rest = tail[k + 1 :]
                stop = next((n for n, x in enumerate(rest) if x.lower() in ("in", "on", "at", "during", "which", "that", "published", "released", "among", "between", "last", "this") or re.fullmatch(r"(?:19|20)\d\d[,.]?", x)), len(rest))
                rest = rest[:stop]
                while rest and rest[0].lower() in ("the", "a", "an"):
                    rest = rest[1:]
                if rest:
                    org = " ".join(rest).strip(",")
                break
        if year:
            state["year"] = year
        if org is None:
            # no "by X": the phrase names its author ("the World Bank’s latest assessment"), or an
            # adjective-led phrase is just "a poll"
            pre = [w for w in words[:poll_i] if not re.fullmatch(r"(?:19|20)\d\d|an?|the|according|to|latest|new|recent|an?other", w.lower())]
            caps = [w for w in pre if w[:1].isupper()]
            org = " ".join(pre + [words[poll_i]]).strip(" ,") if caps and len(words) <= 14 else None
            if org:
                return (f"{org}, {year}" if year and year not in org else org), noun in ("poll", "survey")
        if org:
            return (f"{org} {noun}, {year}" if year else f"{org} {noun}"), noun in ("poll", "survey")
        return (f"{noun}, {year}" if year else None), noun in ("poll", "survey")
    while low and low[0] in ("the", "a", "an", "according", "to", "and", "but", "some", "also", "in", "at", "on", "for", "from", "by"):
        words, low = words[1:], low[1:]
    if not words:
        return None, False
    src = " ".join(words)
    if len(words) > 12:
        return None, False
    return src, False


def _share_alternatives(sc: _Scanner, figs: list[Fig]) -> None:
    """ "two or three days", "5 or 10 more grids": the first number takes the second's unit."""
    for fa, fb in zip(figs, figs[1:]):
        gap = [t.lower for t in sc.toks[fa.i1 : fb.i0]]
        if (gap == ["or"] or gap == ["and"] and fb.kind in ("percent", "money", "quantity")) and fa.unit is None and fb.unit is not None and fa.kind == "other":
            fa.unit, fa.kind, fa.currency = fb.unit, fb.kind, fb.currency
            fa.counted = fb.counted


def _compare_pairs(sc: _Scanner, figs: list[Fig]) -> None:
    """Set figures against each other: "X versus Y", "X compared with Y", "X, up from Y"."""
    rules = sc.rules
    for a, b in zip(range(len(figs)), range(1, len(figs))):
        fa, fb = figs[a], figs[b]
        if fa.compared is not None and fa.change is not None and fa.change_from is not None:
            continue
        gap_toks = [t for t in sc.toks[fa.i1 : fb.i0] if t.text not in (",", "(", ")")]
        # allow a short "in 2016" / "last year" between the figure and the connector
        words = [t.lower for t in gap_toks]
        phrase = None
        for cut in range(0, min(4, len(words)) + 1):
            cand = tuple(words[cut:])
            if not cand:
                continue
            if (cand in rules.compare.lower) and cand not in (("from",), ("to",)):
                phrase = " ".join(cand)
                break
        if phrase is None and words == ["from"] and fa.change is not None:
            phrase = "from"
        if phrase is None and words == ["to"] and fa.i0 > 0 and sc.toks[fa.i0 - 1].lower == "from":
            # "collapsed from about 2.5 million barrels per day to fewer than 500,000"
            change = sc.change_verb_before(fa.i0 - 2) if fa.i0 >= 2 else None
            fa.compared, fb.compared = fb, fa
            if fb.unit is None and fa.unit is not None:
                fb.unit, fb.kind, fb.currency = fa.unit, fa.kind, fa.currency
            if change is not None:
                for f in (fa, fb):
                    f.change = change
                    f.change_from = fa.value if not isinstance(fa.value, list) else None
                    f.change_to = fb.value if not isinstance(fb.value, list) else None
            continue
        if phrase is None:
            continue
        if phrase == "against" and fa.kind != fb.kind:
            continue
        if phrase == "from":
            fa.compared, fb.compared = fb, fa
            if fb.unit is None and fa.unit is not None:
                fb.unit, fb.kind, fb.currency = fa.unit, fa.kind, fa.currency
            fb.change = fa.change
            for f in (fa, fb):
                f.change_from = fb.value if not isinstance(fb.value, list) else None
                f.change_to = fa.value if not isinstance(fa.value, list) else None
            continue
        fa.compared, fb.compared = fb, fa
        if phrase in ("up from", "down from") and fb.unit is None and fa.unit is not None:
            fb.unit, fb.kind, fb.currency = fa.unit, fa.kind, fa.currency  # "600 warheads, up from 400"
        if phrase in ("up from", "down from"):
            change = "increase" if phrase == "up from" else "decrease"
            for f in (fa, fb):
                f.change = change
                f.change_from = fb.value if not isinstance(fb.value, list) else None
                f.change_to = fa.value if not isinstance(fa.value, list) else None


def _changes(sc: _Scanner, figs: list[Fig]) -> None:
    """ "rose by 5%", "fell 3%", "up 5%", "a 5% increase", "an increase of 5%", "rose to $60bn"."""
    rules = sc.rules
    for f in figs:
        if f.change is not None:
            continue
        k = f.i0 - 1
        prep = None
        if k >= 0 and sc.toks[k].lower in ("by", "to", "of"):
            prep = sc.toks[k].lower
            k -= 1
        # skip an adverb ("rose sharply by 5%")
        m = rules.change_verbs.match_before(sc.toks, k + 1)
        if m is None and k >= 1 and sc.toks[k].lower.endswith("ly"):
            m = rules.change_verbs.match_before(sc.toks, k)
        if m is not None:
            verb_tok = sc.toks[m[1]].lower
            if verb_tok in ("up", "down") and prep is not None:
                m = None
            if verb_tok == "cut" and prep is None:
                m = None
        if m is None and prep == "by":
            # "increase the budget for the coast guard by about 40 percent"
            for v in range(k, max(-1, k - 10), -1):
                if sc.toks[v].text in (",", ";", ":", "(", ")", "–", "—"):
                    break
                mv = rules.change_verbs.match_at(sc.toks, v)
                if mv is not None and sc.toks[v].lower not in ("up", "down"):
                    m = (mv[0], v)
                    break
        if m is not None and prep != "of":
            f.change = str(m[0])
            if prep == "to":
                f.change_to = f.value if not isinstance(f.value, list) else None
            continue
        # noun after: "a 5% increase", "a 5 percent cut"
        t = sc.tok(f.i1)
        if t is not None and t.lower in rules.change_nouns and sc.spaced(f.i1 - 1, f.i1):
            f.change = rules.change_nouns[t.lower]
            continue
        # noun before with "of": "an increase of 5%"
        if prep == "of" and k >= 0 and sc.toks[k].lower in rules.change_nouns:
            f.change = rules.change_nouns[sc.toks[k].lower]


def _is_heading(text: str) -> bool:
    """A section heading inside the body ("Six New Frameworks for a New Era"): no final punctuation and
    most longer words capitalized."""
    t = text.strip()
    if not t or t[-1] in ".?!:;\"”’)":
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", t) if len(w) > 3]
    if len(words) < 2:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.6


def scan_sentence(
    text: str,
    rules: FigureRules | None = None,
    *,
    blocked: Sequence[tuple[int, int]] = (),
    dates: Sequence[tuple[int, int]] = (),
    state: dict | None = None,
    gated: bool = False,
) -> list[Fig]:
    """The figures of one sentence, offsets relative to ``text``. Pure (``state`` carries the
    paragraph context: last poll source, its year and the last surveyed population)."""
    rules = rules or default_rules()
    state = state if state is not None else {}
    if not gated and not rules.gate(text):
        return []
    if _is_heading(text):
        return []
    sc = _Scanner(text, rules, blocked, dates)
    figs = sc.scan()
    for f in figs:
        if f.kind == "count" and f.unit is None:
            f.kind = "other"
    if not figs:
        return []
    _share_alternatives(sc, figs)
    _changes(sc, figs)
    _compare_pairs(sc, figs)
    _sentence_sources(sc, figs, state)
    for f in figs:
        f.measured = _measured(sc, f, figs, state)
        if f.measured is not None:
            f.measured = f.measured.strip(" ,;:.“”\"‘’'()[]—–-") or None
        if f.unit is None and f.kind == "other":
            m = _NUMBER_OF_RE.search(f.measured or "") or _NUMBER_OF_RE.search(text[: f.start])
            if m:  # "the number of allies ... rose from three to eight": counts of allies
                f.unit, f.kind = singularize(m.group(1), rules), "count"
    # the poll of the previous sentence covers this one's percentages (same paragraph)
    carried = state.get("poll_source")
    own_poll = next((f.source for f in figs if f.source_is_poll), None)
    for f in figs:
        if f.source is None and carried and (f.kind == "percent" or f.unit == "fraction"):
            f.source = carried
    state["poll_source"] = own_poll or (carried if any(f.kind == "percent" for f in figs) else carried)
    return figs


# --- the Doc-level API ----------------------------------------------------------------------------


def _blocked_ranges(doc: Doc) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(entities, dates) char ranges. A number inside a named entity (not a numeric NER label such as
    MONEY or CARDINAL) is never a figure; a number inside a date is one only as a duration."""
    blocked: list[tuple[int, int]] = []
    dates: list[tuple[int, int]] = [(s.start_char, s.end_char) for s in doc.spans.get(SPANS_DATES, [])]
    for ent in list(doc.ents) + list(doc.spans.get(SPANS_ENTITIES, [])):
        if ent.label_ in NUMERIC_ENT_LABELS:
            continue
        (dates if ent.label_ in TEMPORAL_ENT_LABELS else blocked).append((ent.start_char, ent.end_char))
    return sorted(blocked), sorted(dates)


def body_sentence_ranges(doc: Doc) -> Iterator[tuple[int, int, str]]:
    """(start_char, end_char, text) of the body sentences: the same sentences as
    :func:`~pipeline.stages.segment.body_sentences`, without building ``Span.text`` token by token."""
    ranges = boilerplate_ranges(doc)
    starts = [r[0] for r in ranges]
    text = doc_text(doc)
    for start, end in _sentence_char_ranges(doc):
        k = bisect_right(starts, start) - 1
        if k >= 0 and ranges[k][0] <= start < ranges[k][1]:
            continue
        chunk = text[start:end]
        if chunk.strip():
            yield start, end, chunk


def _sentence_char_ranges(doc: Doc) -> list[tuple[int, int]]:
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


def _paragraph_starts(doc: Doc) -> list[int]:
    paras = doc.spans.get(SPANS_PARAGRAPHS)
    if paras is not None and len(paras):
        return sorted(p.start_char for p in paras)
    text = doc_text(doc)
    return [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]


_DIGIT_RUN_RE = re.compile(r"\d+")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def may_hold_figure(rules: FigureRules, text: str, blocked: Sequence[tuple[int, int]], dates: Sequence[tuple[int, int]]) -> bool:
    """False only when :func:`scan_sentence` (with these blocked and date ranges) surely finds no
    figure, decided without tokenizing: every number in ``text`` lies in a blocked range, or in a date
    with no word of time in the sentence to make it a duration.

    A figure's number token is a digit token, a start word or an "a" / "an" before one; the scan
    drops a figure whose number token overlaps a blocked range, or a date range unless its unit is
    one of time. So when every digit run, every start word and every "a" / "an" right before one
    overlaps such a range, no figure is left (and the scan changes no paragraph state). Digits are
    found by ``\\d+`` (a sentence with any other non-ASCII digit, "²", is scanned); the words as
    whole runs of a-z in the lowered text (a start word is ASCII, so its token is such a run)."""
    if not blocked and not dates:
        return True
    in_date = False   # a number lies in a date range (and in no blocked range)
    # cheapest first: most sentences that hold a figure have a digit outside every range
    for m in _DIGIT_RUN_RE.finditer(text):
        where = _overlap(m.start(), m.end(), blocked, dates)
        if where == 0:
            return True
        in_date = in_date or where == 2
    if rules.number_words_ascii is None:
        return True
    low = text.lower()
    if len(low) != len(text):
        return True
    if not text.isascii() and any(c.isdigit() for c in _NON_ASCII_RE.findall(text)):
        return True
    letters = low.encode("ascii", "replace").translate(_ASCII_LOWER_ONLY)
    words = set(letters.split())
    found = words.intersection(rules.number_words_ascii)
    if found:
        padded = b" " + letters + b" "
        for w in found:
            k = padded.find(b" " + w + b" ")
            while k >= 0:  # the word is letters[k : k + len(w)]
                where = _overlap(k, k + len(w), blocked, dates)
                if where == 0:
                    return True
                in_date = in_date or where == 2
                before = letters[:k].rstrip()
                for art in (b"a", b"an"):
                    if before.endswith(art) and (len(before) == len(art) or before[-len(art) - 1] == 32):
                        where = _overlap(len(before) - len(art), len(before), blocked, dates)  # "a" in "a million"
                        if where == 0:
                            return True
                        in_date = in_date or where == 2
                k = padded.find(b" " + w + b" ", k + len(w) + 1)
    if in_date:
        return rules.time_words_ascii is None or not words.isdisjoint(rules.time_words_ascii)
    return False


def _overlap(a: int, b: int, blocked: Sequence[tuple[int, int]], dates: Sequence[tuple[int, int]]) -> int:
    """1 if [a, b) overlaps a blocked range, else 2 if it overlaps a date range, else 0."""
    for s, e in blocked:
        if s < b and a < e:
            return 1
    for s, e in dates:
        if s < b and a < e:
            return 2
    return 0


def find_figures(doc: Doc, rules: FigureRules | None = None, *, use_parse: bool = True) -> list[tuple[Span, dict]]:
    """(span, figure dict) for every figure in the body sentences of ``doc``, in text order. Pure:
    nothing is written to the Doc."""
    rules = rules or default_rules()
    blocked, dates = _blocked_ranges(doc)
    blocked_index, dates_index = _RangeIndex(blocked), _RangeIndex(dates)
    para_starts = _paragraph_starts(doc)
    parsed = use_parse and doc.has_annotation("DEP")
    lemmatized = doc.has_annotation("LEMMA")
    state: dict = {}
    current_para = -1
    out: list[tuple[Span, dict]] = []
    sentences = list(body_sentence_ranges(doc))
    gates = gate_ranges(rules, doc_text(doc), [(a, b) for a, b, _ in sentences])
    for (base, sent_end, text), gated in zip(sentences, gates):
        if not gated:
            continue
        para = bisect_right(para_starts, base) - 1
        if para != current_para:
            state = {"year": state.get("year")}
            current_para = para
        local_blocked = blocked_index.local(base, sent_end)
        local_dates = dates_index.local(base, sent_end)
        if not may_hold_figure(rules, text, local_blocked, local_dates):
            continue  # every number is in a name or a date: scanning would find nothing
        try:
            figs = scan_sentence(text, rules, blocked=local_blocked, dates=local_dates, state=state, gated=True)
        except Exception as err:  # a rule bug must cost one sentence, not the whole article
            LOGGER.warning("figures: skipped the sentence at %d of %r: %s: %s", base, doc._.doc_id, type(err).__name__, err)
            continue
        if not figs:
            continue
        kept: list[tuple[Span, Fig]] = []
        for f in figs:
            span = _align(doc, base + f.start, base + f.end, base + sc_number_start(text, f), f.kind)
            if span is not None:
                kept.append((span, f))
        if parsed or lemmatized:
            for span, f in kept:
                _refine_with_parse(doc, span, f, rules, parsed=parsed, lemmatized=lemmatized)
        span_of = {id(f): span for span, f in kept}
        for span, f in kept:
            d = f.as_dict()
            if f.compared is not None and id(f.compared) in span_of:
                ospan = span_of[id(f.compared)]
                d["compared_with"] = [ospan.start_char, ospan.end_char]
            out.append((span, d))
    # overlapping spans (after token expansion): keep the first
    result: list[tuple[Span, dict]] = []
    last_end = -1
    for span, d in sorted(out, key=lambda x: (x[0].start_char, -x[0].end_char)):
        if span.start_char < last_end:
            continue
        result.append((span, d))
        last_end = span.end_char
    return result


def sc_number_start(text: str, f: Fig) -> int:
    """Offset (in the sentence) of the figure's first digit or number word."""
    m = re.search(r"\d", text[f.start : f.end])
    return f.start + (m.start() if m else 0)


def _align(doc: Doc, start: int, end: int, number_at: int, label: str) -> Span | None:
    """The spaCy span for a figure's characters: exact when token boundaries agree; otherwise shrunk to
    whole tokens if that keeps the number ("poisons”—a" stays out), else grown to whole tokens."""
    span = doc.char_span(start, end, label=label)
    if span is not None and len(span):
        return span
    span = doc.char_span(start, end, label=label, alignment_mode="contract")
    if span is not None and len(span) and span.start_char <= number_at < span.end_char:
        return span
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    return span if span is not None and len(span) else None


def _local(ranges: Sequence[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    return [(max(s, start) - start, min(e, end) - start) for s, e in ranges if s < end and start < e]


class _RangeIndex:
    """Sorted (start, end) ranges with :func:`_local` answered by bisection: checking every range of
    the Doc for every sentence is quadratic in the document length."""

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        self.ranges = list(ranges)
        self.starts = [s for s, _ in self.ranges]
        self.reach = list(accumulate((e for _, e in self.ranges), max))   # running max of the ends

    def local(self, start: int, end: int) -> list[tuple[int, int]]:
        """Same list as ``_local(ranges, start, end)``: the ranges before ``a`` end by ``start``, those
        from ``b`` on begin at or after ``end``."""
        a = bisect_right(self.reach, start)
        b = bisect_left(self.starts, end)
        return [(max(s, start) - start, min(e, end) - start) for s, e in self.ranges[a:b] if start < e]


def _refine_with_parse(doc: Doc, span: Span, fig: Fig, rules: FigureRules, *, parsed: bool, lemmatized: bool) -> None:
    """Use the dependency parse / lemmas when present: the counted noun and the subject of the verb."""
    # The surface rules' counted noun wins: on real text the parse attaches numbers to compounds
    # ("250 Abrams tanks" -> "Abrams") and the lemmatizer misses plurals ("troops"). The parse and
    # lemmas only fill in what the rules left open, and the curated lemma table beats the model.
    if fig.kind == "count" and fig.head_i is not None and lemmatized and not fig.unit:
        head_tok = doc.char_span(span.end_char - 1, span.end_char, alignment_mode="expand")
        if head_tok is not None and len(head_tok):
            lem = rules.lemmas.get(head_tok[0].lower_) or head_tok[0].lemma_.lower()
            if lem and lem.isalpha():
                fig.unit = lem
    if not parsed:
        return
    # the number token
    num = None
    for tok in span:
        if tok.like_num or tok.is_digit:
            num = tok
            break
    if num is None:
        return
    if fig.kind == "count" and not fig.unit and num.dep_ in NUM_DEP_LABELS and num.head.pos_ in ("NOUN", "PROPN") and num.head.i >= num.i:
        head = num.head
        fig.unit = rules.lemmas.get(head.lower_) or singularize(head.text, rules).lower()
    if fig.measured is None and fig.kind in ("money", "quantity", "other", "percent"):
        # climb to the governing verb and take its subject
        tok = num
        for _ in range(6):
            if tok.pos_ in ("VERB", "AUX") or tok.dep_ == "ROOT":
                break
            tok = tok.head
        subj = [c for c in tok.children if c.dep_ in SUBJ_DEP_LABELS]
        if subj and not (subj[0].left_edge.i <= num.i <= subj[0].right_edge.i):
            s = doc[subj[0].left_edge.i : subj[0].right_edge.i + 1]
            words = [t.text_with_ws for t in s if t.lower_ not in DETERMINERS or t.i != s.start]
            text = "".join(words).strip()
            if text and text.lower() not in ("it", "this", "that", "they", "he", "she", "we"):
                fig.measured = text


# --- the component --------------------------------------------------------------------------------


class FigureExtractor:
    """Writes ``doc.spans[spans_key]`` (label = kind) and ``span._.figure`` for every figure in the
    body sentences. Reads ``doc.spans["dates"]``, ``doc.ents``/``doc.spans["entities"]`` and, when
    present, the dependency parse and lemmas."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str, use_parse: bool) -> None:
        ensure_extensions()
        self.name = name
        self.spans_key = spans_key
        self.use_parse = use_parse
        self.rules: FigureRules | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None) -> None:
        """Load the lexicons under ``figures/`` (packaged ones unless ``resources_root``)."""
        with gc_paused():
            self.rules = FigureRules.from_rows(load_rows(resources_root))

    def __call__(self, doc: Doc) -> Doc:
        if self.rules is None:
            self.initialize()
        assert self.rules is not None
        spans = []
        for span, fig in find_figures(doc, self.rules, use_parse=self.use_parse):
            span._.figure = fig
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.rules is None:
            self.initialize()
        assert self.rules is not None
        (path / "figures.json").write_text(json.dumps(self.rules.rows, ensure_ascii=False, indent=0), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "FigureExtractor":
        rows = json.loads((Path(path) / "figures.json").read_text(encoding="utf-8"))
        self.rules = FigureRules.from_rows(rows)
        return self


def make_figures(nlp: Language, name: str, spans_key: str, use_parse: bool) -> FigureExtractor:
    return FigureExtractor(nlp, name, spans_key=spans_key, use_parse=use_parse)


# --- records ----------------------------------------------------------------------------------------


def build_records(doc: Doc, ctx) -> list[dict]:
    """One ``figures.jsonl`` record per span in ``doc.spans["figures"]``."""
    records = []
    figure_ids = ctx.ids.get("figures", {})
    for _span, record, fig, sentence_id in ctx.iter_spans(SPANS_FIGURES, "figure"):
        fig = fig or {}
        other = fig.get("compared_with")
        record.update(
            value=fig.get("value"),
            unit=fig.get("unit"),
            kind=fig.get("kind", "other"),
            currency=fig.get("currency"),
            scale=fig.get("scale"),
            qualifier=fig.get("qualifier"),
            change=fig.get("change"),
            change_from=fig.get("change_from"),
            change_to=fig.get("change_to"),
            measured=fig.get("measured"),
            source=fig.get("source"),
            compared_with=figure_ids.get((other[0], other[1])) if other else None,
            sentence_id=sentence_id,
        )
        records.append(record)
    return records


def normalize_money(text: str, rules: FigureRules | None = None) -> dict | None:
    """{"value", "currency", "scale"} of the first money figure in ``text``, or None.

    >>> normalize_money("US$ 200 million")
    {'value': 200000000, 'currency': 'USD', 'scale': 1000000}
    """
    for f in scan_sentence(text, rules):
        d = f.as_dict()
        if d["kind"] in ("money",) or (d["kind"] == "range" and d["currency"]):
            return {"value": d["value"], "currency": d["currency"], "scale": d["scale"]}
    return None


def normalize_figure(text: str, rules: FigureRules | None = None) -> dict | None:
    """The figure dict of the first figure in ``text`` (a sentence or a phrase), or None."""
    figs = scan_sentence(text, rules)
    return figs[0].as_dict() if figs else None


def figures_in_text(text: str, rules: FigureRules | None = None) -> Iterator[tuple[int, int, dict]]:
    """(start, end, figure dict) for each figure in a sentence string (no Doc needed)."""
    for f in scan_sentence(text, rules):
        yield f.start, f.end, f.as_dict()

"""Dates stage: find temporal expressions in body sentences and normalize them TIMEX3-style.

Reads: sentence boundaries and ``doc.spans["boilerplate"]`` (the body sentences of
:func:`pipeline.stages.segment.body_sentences`, read from arrays),
entity spans (``doc.ents`` and ``doc.spans["entities"]``: a date is never produced inside a
named entity such as "Vostok-2018" or "the Second World War"), ``doc._.published`` (the
anchor for relative expressions) and, when present, tags/morphology/dependencies (tense).
Writes: ``doc.spans["dates"]`` (label DATE, TIME, DURATION or SET) and ``span._.date`` =
``{"type", "value", "mod", "relative", "anchor", "begin", "end", "unresolved"}``.

Detection: the rows of ``resources/dates/patterns.tsv`` (regexes with lexicon macros, in
priority order) are indexed by the words they can start with (computed from the regexes); a
vectorized pass over the token array keeps the tokens that start such a word, and only there are
the matching rows tried, followed by context checks written as plain functions (``_accept``).
Normalization is a pure function of the phrase, the anchor, the sentence tense and the last date
mentioned before it (for "that year", "two years later"). No dateparser anywhere in the stage:
see ``resources/dates/README.md`` for why.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import SPANS_DATES, SPANS_ENTITIES, doc_text, ensure_extensions
from ..records import RecordContext
from ..resources import ResourceError, gc_paused, read_table
from .segment import boilerplate_ranges

DEFAULT_CONFIG = {"spans_key": SPANS_DATES, "use_parse": True, "discourse_refs": True}

KIND = "dates"
TYPES = ("date", "time", "duration", "set")
NO_ANCHOR = "no publication date"
NO_REFERENCE = "no earlier date in the text"

# Entity labels that are themselves numeric/temporal (from a statistical NER): a date inside
# them is still a date. Every other entity label blocks dates inside it.
NUMERIC_ENTITY_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"})

# name -> (file, required columns, optional columns)
RESOURCE_TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "patterns": ("dates/patterns.tsv", ("rule", "example", "pattern"), ()),
    "months": ("dates/months.tsv", ("form", "month", "context"), ()),
    "weekdays": ("dates/weekdays.tsv", ("form", "day"), ()),
    "seasons": ("dates/seasons.tsv", ("form", "code", "context"), ()),
    "numbers": ("dates/numbers.tsv", ("form", "value"), ()),
    "ordinals": ("dates/ordinals.tsv", ("form", "value"), ()),
    "units": ("dates/units.tsv", ("form", "plural", "iso", "factor", "vague", "time"), ()),
    "modifiers": ("dates/modifiers.tsv", ("form", "mod", "kind"), ()),
    "sets": ("dates/sets.tsv", ("form", "value"), ()),
    "events": ("dates/events.tsv", ("form", "value"), ()),
    "context": ("dates/context.tsv", ("form", "role"), ()),
    "tense_cues": ("dates/tense_cues.tsv", ("form", "tense"), ()),
}

TIMEX_MODS = frozenset({
    "START", "MID", "END", "APPROX", "MORE_THAN", "LESS_THAN", "EQUAL_OR_MORE",
    "EQUAL_OR_LESS", "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER",
})
CONTEXT_ROLES = frozenset({"license", "not_name", "block_before", "block_after"})
TENSES = frozenset({"past", "present", "future", "none"})
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}

# Rules whose meaning depends on the words around them: normalize_date() without ``rule=``
# never picks them (the pure function sees the phrase only).
CONTEXT_ONLY_RULES: frozenset[str] = frozenset()
RULE_TYPES = {
    "range": "date", "range_days": "date", "range_short": "date", "duration": "duration",
    "vague_duration": "duration", "set": "set", "time": "time",
}


# --------------------------------------------------------------------------------------------
# Resources and the compiled grammar
# --------------------------------------------------------------------------------------------

def load_tables(root: str | Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Read every rule table (validated, failing with file:line); ``root=None``: the packaged files."""
    return {
        name: read_table(file, root=root, columns=cols, optional=opt)
        for name, (file, cols, opt) in RESOURCE_TABLES.items()
    }


def write_tables(tables: dict[str, list[dict[str, str]]], root: Path) -> None:
    """Write tables in the layout :func:`load_tables` reads (used by ``to_disk``)."""
    for name, (file, cols, opt) in RESOURCE_TABLES.items():
        path = Path(root) / file
        path.parent.mkdir(parents=True, exist_ok=True)
        header = list(cols) + list(opt)
        lines = ["\t".join(header)] + ["\t".join(row.get(c, "") for c in header) for row in tables[name]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Unit:
    iso: str          # Y, M, W, D, H
    factor: float     # how many iso units one unit is
    vague: str        # TIMEX unit for an unknown count (Y, DE, CE ...)
    time: bool        # written after "T"


@dataclass
class Row:
    index: int
    rule: str
    example: str
    source: str               # the expanded regex (plain group names)
    _regex: re.Pattern | None = field(default=None, repr=False, compare=False)

    @property
    def regex(self) -> re.Pattern:
        """The row compiled alone, on first use: the joined alternations of
        :func:`_joined_groups` find and normalize dates, this only the rows tried after a
        rejected winner (and :func:`normalize_date` with ``rule=``)."""
        got = self._regex
        if got is None:
            got = self._regex = re.compile(row_pattern(self.source), re.IGNORECASE)
        return got


def row_pattern(source: str) -> str:
    """The regex of one row alone: its expanded source between the guards."""
    return LEFT_GUARD + "(?:" + source + ")" + RIGHT_GUARD


@dataclass
class Grammar:
    """Everything compiled from the tables, built once per component (or once per process)."""

    rows: list[Row]
    dispatch: dict[str, tuple[int, ...]]        # first-word key -> row indices in priority order
    months: dict[str, tuple[int, str]]
    weekdays: dict[str, int]
    seasons: dict[str, tuple[str, str]]
    numbers: dict[str, str]
    ordinals: dict[str, str]
    units: dict[str, Unit]
    mods: dict[str, dict[str, str]]           # kind -> form -> mod
    sets: dict[str, str]
    events: dict[str, str]
    roles: dict[str, frozenset[str]]           # role -> lowercase forms
    cue_regex: re.Pattern
    cue_tense: dict[str, str]
    ed_exceptions: frozenset[str]
    row_of_rule: dict[str, list[int]] = field(default_factory=dict)
    # first-word key -> the words that can follow it after one space in some row of that key
    # (None: anything can); see :func:`second_words` and :func:`can_start_here`
    next_words: dict[str, frozenset[str] | None] = field(default_factory=dict)
    # per-grammar caches filled while documents are processed (see :class:`HashLookup`)
    lookup_cache: dict = field(default_factory=dict, repr=False, compare=False)
    # a row can match only where the word is one of its dispatch keys, whatever the text (see
    # :func:`exact_dispatch`); normalize_date then tries only that key's rows
    exact_dispatch: bool = False


def _alt(forms: Iterable[str]) -> str:
    """Regex alternation of literal forms, longest first, spaces as ``\\s``."""
    uniq = sorted(set(forms), key=lambda f: (-len(f), f))
    return "(?:" + "|".join(re.escape(f).replace("\\ ", r"\s").replace(" ", r"\s") for f in uniq) + ")"


_GROUP = re.compile(r"\(\?P<([a-z][a-z0-9]*)>")
_BACKREF = re.compile(r"\(\?P=([a-z][a-z0-9]*)\)")
_MACRO = re.compile(r"<([A-Z][A-Z0-9]*)>")
# Left guard: not glued to a word, a currency sign, a hyphenated prefix ("Vostok-2018",
# "F-35") or a decimal; right guard: not glued to a word, a decimal part or a percent sign.
LEFT_GUARD = r"(?<![\w$€£¥#@+/\\–-])(?<!\d[.,])"
RIGHT_GUARD = r"(?!\w|[.,]\d|\s?%)"


def _macros(t: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    month = "(?-i:" + _alt(r["form"] for r in t["months"]) + r")(?![\w])"
    weekday = "(?-i:" + _alt(r["form"] for r in t["weekdays"]) + ")"
    season = _alt(r["form"] for r in t["seasons"]) + r"(?![\w])"
    numbers = [r["form"] for r in t["numbers"]]
    tens = [r["form"] for r in t["numbers"] if r["value"].isdigit() and int(r["value"]) in range(20, 100, 10)]
    ones = [r["form"] for r in t["numbers"] if r["value"].isdigit() and 1 <= int(r["value"]) <= 9 and r["form"] not in ("a", "an")]
    compound = "(?:" + _alt(tens) + r"[\s-]" + _alt(ones) + ")"
    num = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + compound + "|" + _alt(numbers) + r")(?:\sand\sa\shalf)?"
    unit1 = _alt(r["form"] for r in t["units"])
    unitp = _alt(r["plural"] for r in t["units"])
    unit = _alt([r["form"] for r in t["units"]] + [r["plural"] for r in t["units"]])
    mods = {kind: [r["form"] for r in t["modifiers"] if r["kind"] == kind] for kind in
            ("point", "partof", "quantity", "approx_point", "prefix")}
    ordw = _alt(r["form"] for r in t["ordinals"])
    ordinal = r"(?:\d{1,2}(?:st|nd|rd|th)|" + ordw + ")"
    day = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?!\d)"
    year = r"(?<!\d)(?:1\d{3}|20\d{2}|2100)(?!\d)"
    pmod = _alt(mods["point"])
    m = {
        "MONTH": month, "WEEKDAY": weekday, "SEASON": season, "DAY": day, "YEAR": year,
        "NUM": num, "UNIT": unit, "UNIT1": unit1, "UNITP": unitp,
        "QMOD": _alt(mods["quantity"]), "PMOD": pmod, "PARTOF": _alt(mods["partof"]),
        "ORD": ordinal, "APPROX": _alt(mods["approx_point"]), "PREFIX": _alt(mods["prefix"]),
        "SETWORD": _alt(r["form"] for r in t["sets"]),
        "EVENT": "(?-i:" + _alt(r["form"] for r in t["events"]) + ")",
    }
    m["POINT"] = (
        f"(?:{day}(?:\\sof)?\\s{month},?\\s{year}|{month}\\s{day},?\\s{year}|(?:{pmod}[\\s-])?{month},?\\s{year}"
        f"|{day}(?:\\sof)?\\s{month}|{month}\\s{day}|(?:{pmod}[\\s-])?{month}|(?:{pmod}[\\s-])?{year}"
        f"|{season},?\\s{year})"
    )
    rel = r"(?:the|this|last|next|that|the\ssame|the\sfollowing|the\sprevious|the\scurrent)"
    m["PARTX"] = (
        f"(?:{month},?\\s{year}|{year}|(?:the\\s)?(?:1\\d\\d0|20\\d0)['’]?s|the\\s{ordinal}[\\s-]century"
        f"|(?:the\\s)?{season}(?:\\sof)?\\s{year}|{month}|{rel}\\s(?:year|month|decade|century|week|quarter|{season})"
        f")(?![\\w-])"
    )
    return m


def _expand(template: str, macros: dict[str, str], where: str) -> str:
    def sub(mt: re.Match) -> str:
        if mt.group(1) not in macros:
            raise ResourceError(f"{where}: unknown macro <{mt.group(1)}>")
        return macros[mt.group(1)]

    return _MACRO.sub(sub, template)


@gc_paused()
def build_grammar(tables: dict[str, list[dict[str, str]]]) -> Grammar:
    """Compile the tables; every malformed value fails with the file name and the row."""
    file = {name: spec[0] for name, spec in RESOURCE_TABLES.items()}

    def bad(name: str, row: dict, msg: str) -> ResourceError:
        return ResourceError(f"{file[name]}: row {row}: {msg}")

    months: dict[str, tuple[int, str]] = {}
    for r in tables["months"]:
        if not r["month"].isdigit() or not 1 <= int(r["month"]) <= 12 or r["context"] not in ("free", "needs", "dated"):
            raise bad("months", r, "month must be 1-12 and context free|needs|dated")
        months[r["form"]] = (int(r["month"]), r["context"])
    weekdays = {}
    for r in tables["weekdays"]:
        if not r["day"].isdigit() or not 1 <= int(r["day"]) <= 7:
            raise bad("weekdays", r, "day must be 1-7 (ISO, Monday = 1)")
        weekdays[r["form"]] = int(r["day"])
    seasons = {}
    for r in tables["seasons"]:
        if r["code"] not in SEASON_MONTHS or r["context"] not in ("needs", "dated"):
            raise bad("seasons", r, f"code must be one of {sorted(SEASON_MONTHS)}, context needs|dated")
        seasons[r["form"].lower()] = (r["code"], r["context"])
    numbers = {}
    for r in tables["numbers"]:
        if r["value"] != "X" and not _is_number(r["value"]):
            raise bad("numbers", r, "value must be a number or X")
        numbers[r["form"].lower()] = r["value"]
    ordinals = {}
    for r in tables["ordinals"]:
        if r["value"] != "last" and not r["value"].isdigit():
            raise bad("ordinals", r, "value must be an integer or 'last'")
        ordinals[r["form"].lower()] = r["value"]
    units = {}
    for r in tables["units"]:
        if r["iso"] not in ("Y", "M", "W", "D", "H") or not _is_number(r["factor"]) or r["time"] not in ("true", "false"):
            raise bad("units", r, "iso must be Y/M/W/D/H, factor a number, time true|false")
        unit = Unit(r["iso"], float(r["factor"]), r["vague"], r["time"] == "true")
        units[r["form"].lower()] = unit
        units[r["plural"].lower()] = unit
    mods: dict[str, dict[str, str]] = {}
    for r in tables["modifiers"]:
        if r["mod"] not in TIMEX_MODS or r["kind"] not in ("point", "partof", "quantity", "approx_point", "prefix"):
            raise bad("modifiers", r, f"mod must be one of {sorted(TIMEX_MODS)}; kind point|partof|quantity|approx_point|prefix")
        mods.setdefault(r["kind"], {})[_norm_space(r["form"].lower())] = r["mod"]
    sets = {}
    for r in tables["sets"]:
        if not re.fullmatch(r"PT?\d+[YMWDH]", r["value"]):
            raise bad("sets", r, "value must be an ISO duration like P1Y")
        sets[_norm_space(r["form"].lower())] = r["value"]
    events = {}
    for r in tables["events"]:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["value"]):
            raise bad("events", r, "value must be YYYY-MM-DD")
        events[_norm_space(r["form"])] = r["value"]
    roles: dict[str, set[str]] = {role: set() for role in CONTEXT_ROLES}
    for r in tables["context"]:
        if r["role"] not in CONTEXT_ROLES:
            raise bad("context", r, f"role must be one of {sorted(CONTEXT_ROLES)}")
        roles[r["role"]].add(r["form"].lower())
    roles["not_name"] |= roles["license"]
    cue_tense = {}
    ed_exceptions = set()
    for r in tables["tense_cues"]:
        if r["tense"] not in TENSES:
            raise bad("tense_cues", r, f"tense must be one of {sorted(TENSES)}")
        if r["tense"] == "none":
            ed_exceptions.add(r["form"].lower())
        else:
            cue_tense[_norm_space(r["form"].lower())] = r["tense"]
    cue_regex = re.compile(r"(?<![\w’'])" + _alt(cue_tense) + r"(?![\w’'])", re.IGNORECASE)

    grammar = Grammar(
        rows=[], dispatch={}, months=months, weekdays=weekdays, seasons=seasons,
        numbers=numbers, ordinals=ordinals, units=units, mods=mods, sets=sets, events=events,
        roles={k: frozenset(v) for k, v in roles.items()}, cue_regex=cue_regex, cue_tense=cue_tense,
        ed_exceptions=frozenset(ed_exceptions),
    )
    macros = _macros(tables)
    try:
        _add_rows(grammar, tables["patterns"], macros, file["patterns"])
    except Exception:
        # Something is wrong with a row: find it the slow way, row by row in file order, so the
        # error is the one the first bad row gives (a pattern that only looked wrong to the
        # shortcuts would be built as it always was).
        _forget_joined(grammar)
        grammar.rows, grammar.dispatch, grammar.row_of_rule, grammar.next_words = [], {}, {}, {}
        _add_rows_checked(grammar, tables["patterns"], macros, file["patterns"], bad)
    return grammar


def _add_rows(g: Grammar, patterns: list[dict[str, str]], macros: dict[str, str], file: str) -> None:
    """The pattern rows of :func:`build_grammar`, with every regex parsed once and compiled once:
    each row's source is parsed for :func:`first_keys` and :func:`second_words` together, and
    compiled only inside its keys' joined alternations, which also check that it matches its own
    example (a row is compiled alone only when an earlier row of the alternation takes that
    example). Raises on any problem (the caller then runs :func:`_add_rows_checked`)."""
    rows: list[Row] = []
    dispatch: dict[str, list[int]] = {}
    per_row: dict[int, dict[str, set[str] | None] | None] = {}
    for i, r in enumerate(patterns):
        if r["rule"] not in RULES:
            raise ResourceError(f"unknown rule {r['rule']!r}")
        where = f"{file}: rule {r['rule']} example {r['example']!r}"
        source = _expand(r["pattern"], macros, where)
        parsed = parse_pattern(source)
        for key in first_keys(source, where, parsed=parsed):
            dispatch.setdefault(key, []).append(i)
        try:
            per_row[i] = second_words(source, parsed=parsed)
        except AnyNext:
            per_row[i] = None
        rows.append(Row(i, r["rule"], r["example"], source))
    g.rows = rows
    g.dispatch = {k: tuple(v) for k, v in dispatch.items()}
    for row in rows:
        g.row_of_rule.setdefault(row.rule, []).append(row.index)
    g.next_words = _next_word_table(rows, g.dispatch, per_row)
    g.exact_dispatch = exact_dispatch(g.dispatch)
    for key_rows in set(g.dispatch.values()):
        _joined(g, key_rows)   # compile once here, not during the first documents
    for row in rows:
        if not matches_own_example(g, row):
            raise ResourceError(f"{row.example!r}: the pattern does not match its own example")


def matches_own_example(g: Grammar, row: Row) -> bool:
    """``row.regex.fullmatch(row.example)``, read from the joined alternation of the example's
    first word when that alternation's first full match is this row (compiling the row alone
    only otherwise)."""
    rows = g.dispatch.get(word_key(row.example, 0)) if row.example else None
    if rows and row.index in rows:
        m = _joined(g, rows).fullmatch(row.example)
        if m is None:
            return False  # (no row of the alternation matches it whole, this one included)
        if m.lastgroup == f"j{rows.index(row.index)}":
            return True
    return row.regex.fullmatch(row.example) is not None


def exact_dispatch(dispatch: dict[str, tuple[int, ...]]) -> bool:
    """True when a row can match a text only if :func:`word_key` of the text is one of the row's
    :func:`first_keys`, for every text whose first word is ASCII or that starts with a non-letter.

    Case-insensitive matching lets a pattern letter match letters whose lowercase is another
    one ("s" matches "ſ", "k" the Kelvin sign): harmless while every letter key is ASCII (the
    letters such a key's pattern letters match in an ASCII word are the same letters up to
    case) and every sign key is a character without case (it matches only itself)."""
    for key in dispatch:
        if key.startswith("<CHAR:"):
            ch = key[6:-1]
            if ch.lower() != ch or ch.upper() != ch:
                return False
        elif key != DIGIT_KEY and not key.isascii():
            return False
    return True


def _forget_joined(g: Grammar) -> None:
    for key in [k for k in _JOINED if k[0] == id(g)]:
        del _JOINED[key]


def _add_rows_checked(g: Grammar, patterns: list[dict[str, str]], macros: dict[str, str], file: str, bad) -> None:
    """The pattern rows compiled one by one, each checked before the next (the error messages)."""
    rows: list[Row] = []
    dispatch: dict[str, list[int]] = {}
    for i, r in enumerate(patterns):
        if r["rule"] not in RULES:
            raise bad("patterns", r, f"unknown rule {r['rule']!r} (known: {sorted(RULES)})")
        where = f"{file}: rule {r['rule']} example {r['example']!r}"
        source = _expand(r["pattern"], macros, where)
        try:
            regex = re.compile(row_pattern(source), re.IGNORECASE)
        except re.error as err:
            raise ResourceError(f"{where}: invalid regex: {err}") from None
        if not regex.fullmatch(r["example"]):
            raise ResourceError(f"{where}: the pattern does not match its own example")
        for key in first_keys(source, where):
            dispatch.setdefault(key, []).append(i)
        rows.append(Row(i, r["rule"], r["example"], source, regex))
    g.rows = rows
    g.dispatch = {k: tuple(v) for k, v in dispatch.items()}
    for row in rows:
        g.row_of_rule.setdefault(row.rule, []).append(row.index)
    g.next_words = _next_word_table(rows, g.dispatch)
    g.exact_dispatch = exact_dispatch(g.dispatch)
    for key_rows in set(g.dispatch.values()):
        _joined(g, key_rows)   # compile once here, not during the first documents


from ..regex_structure import AnyNext, parse_pattern, DIGIT_KEY, _MEMO_WORD, _class_chars, after_key, char_key, first_keys, second_words  # noqa: F401  (re-exported)


def _next_word_table(rows: Sequence[Row], dispatch: dict[str, tuple[int, ...]],
                     per_row: dict[int, dict[str, set[str] | None] | None] | None = None) -> dict[str, frozenset[str] | None]:
    """Per letter-initial dispatch key: the union of :func:`second_words` over its rows (None = any).
    ``per_row``: :func:`second_words` of each row (None where it raised AnyNext), if known."""
    if per_row is None:
        per_row = {}
        for row in rows:
            try:
                per_row[row.index] = second_words(row.source)
            except AnyNext:
                per_row[row.index] = None
    table: dict[str, frozenset[str] | None] = {}
    for key, indices in dispatch.items():
        if not key[0].isalpha():
            continue
        words: set[str] = set()
        for i in indices:
            info = per_row[i]
            nxt = info.get(key) if info is not None else None
            if nxt is None:
                words = None
                break
            words |= nxt
        table[key] = None if words is None else frozenset(words)
    return table


def can_start_here(g: Grammar, text: str, pos: int, hi: int, rows: Sequence[int]) -> bool:
    """Cheap exact pre-test for :func:`match_at`: False only when no row of ``rows`` can match at
    ``pos``, because the word after the first one is not one the rows can continue with ("the
    United States": no date pattern has "the united"). Most "the", "a", "in" are rejected here
    without running the big alternation. Words outside ASCII are always let through (case-
    insensitive matching folds some of them onto ASCII letters)."""
    m = _FIRST_TWO.match(text, pos, hi)
    if m is None:
        return True
    first, space, second, sign_after_space, sign = m.groups()
    key = first.lower()
    if not key.isascii() or g.dispatch.get(key) != rows:
        return True   # a word the table was not built for: let the regex decide (rows compared by
        # value: words with the same rows share one tuple object in the start-token tables)
    nxt = g.next_words.get(key)
    if nxt is None:
        return True
    if space:
        if second:
            second = second.lower()
            return second in nxt or not second.isascii()
        return sign_after_space is not None and char_key(sign_after_space) in nxt
    return sign is not None and after_key(sign) in nxt


# A word, then one space and a word or a sign, or a sign glued to it. "[^\W\d_]" is a superset of
# str.isalpha: a longer run only makes the test let more through.
_FIRST_TWO = re.compile(r"([^\W\d_]+)(?:(\s)(?:([^\W\d_]+)|(.))?|(.))?", re.DOTALL)


def word_key(text: str, pos: int) -> str:
    """Dispatch key of the word starting at ``text[pos]`` (see :func:`first_keys`)."""
    ch = text[pos]
    if not ch.isalpha():
        return char_key(ch)
    end = pos + 1
    n = len(text)
    while end < n and text[end].isalpha():
        end += 1
    return text[pos:end].lower()


@lru_cache(maxsize=1)
def default_grammar() -> Grammar:
    """The grammar of the packaged tables (built once per process)."""
    return build_grammar(load_tables())


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _norm_space(s: str) -> str:
    return " ".join(s.split())


# --------------------------------------------------------------------------------------------
# Anchors and small date arithmetic
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Anchor:
    text: str
    year: int
    month: int | None
    day: int | None

    @property
    def date(self) -> _dt.date | None:
        return _dt.date(self.year, self.month, self.day) if self.month and self.day else None


_ANCHOR = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_anchor(text: str | None) -> Anchor | None:
    """ "2016", "2016-09", "2016-09-12" (or an ISO timestamp) -> Anchor; anything else -> None."""
    if not text:
        return None
    m = _ANCHOR.match(text.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    mo_i = int(mo) if mo and 1 <= int(mo) <= 12 else None
    d_i = int(d) if d and mo_i and 1 <= int(d) <= calendar.monthrange(y, mo_i)[1] else None
    return Anchor(text.strip()[: m.end()], y, mo_i, d_i)


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _iso_week(d: _dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _direction(tense: str | None) -> int:
    return {"past": -1, "future": 1}.get(tense or "", 0)


def _year_for_month(month: int, day: int | None, anchor: Anchor, tense: str | None) -> int:
    """Year of a month (and day) written without one: tense decides past or future occurrence."""
    d = _direction(tense)
    if d == 0 or anchor.month is None:
        return anchor.year
    if day is None or anchor.day is None:   # compare at the coarser of the two granularities
        here, there = (anchor.month, 0), (month, 0)
    else:
        here, there = (anchor.month, anchor.day), (month, day)
    if d > 0:
        return anchor.year if there >= here else anchor.year + 1
    return anchor.year if there <= here else anchor.year - 1


def _year_for_season(code: str, anchor: Anchor, tense: str | None) -> int:
    """Year of a season written without one ("in the summer"), like :func:`_year_for_month`."""
    d = _direction(tense)
    first, last = SEASON_MONTHS[code]
    month = anchor.month
    if month is None:
        return anchor.year
    if code == "WI" and month <= 2:
        month += 12          # January/February belong to the winter that began the year before
        year = anchor.year - 1
    else:
        year = anchor.year
    if d < 0:
        return year if first <= month else year - 1
    if d > 0:
        return year if month <= last else year + 1
    return year


def _valid_day(y: int | None, m: int, d: int) -> bool:
    return 1 <= d <= calendar.monthrange(y or 2000, m)[1]


# --------------------------------------------------------------------------------------------
# Normalization (pure)
# --------------------------------------------------------------------------------------------

def _result(type_: str, value: str | None = None, *, mod: str | None = None, relative: bool = False,
            anchor: str | None = None, begin: str | None = None, end: str | None = None,
            unresolved: str | None = None) -> dict:
    return {"type": type_, "value": value, "mod": mod, "relative": relative, "anchor": anchor,
            "begin": begin, "end": end, "unresolved": unresolved}


class _Reject(Exception):
    """The match is not a date after all (normalize-time check)."""


def _num(g: Grammar, text: str | None) -> float | None:
    """Number phrase -> float; None for vague counts ("several")."""
    if text is None:
        return None
    t = _norm_space(text.lower())
    half = 0.0
    if t.endswith(" and a half"):
        t, half = t[: -len(" and a half")], 0.5
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", t):
        return float(t.replace(",", "")) + half
    if t in g.numbers:
        v = g.numbers[t]
        return None if v == "X" else float(v) + half
    parts = re.split(r"[\s-]", t)
    if len(parts) == 2 and parts[0] in g.numbers and parts[1] in g.numbers:
        a, b = g.numbers[parts[0]], g.numbers[parts[1]]
        if a != "X" and b != "X":
            return float(a) + float(b) + half
    raise _Reject(f"not a number: {text!r}")


def _ordinal(g: Grammar, text: str) -> int | str:
    t = _norm_space(text.lower())
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", t)
    if m:
        return int(m.group(1))
    v = g.ordinals.get(t) or g.ordinals.get(t.replace(" ", "-"))
    if v is None:
        raise _Reject(f"not an ordinal: {text!r}")
    return v if v == "last" else int(v)


def _month(g: Grammar, text: str) -> int:
    return g.months[_norm_space(text)][0]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))


def _mod(g: Grammar, kind: str, text: str | None) -> str | None:
    if not text:
        return None
    return g.mods.get(kind, {}).get(_norm_space(text.lower()))


def _duration_value(n: float | None, unit: Unit) -> str:
    if n is None:
        return f"PT X{unit.vague}".replace(" ", "") if unit.time else f"PX{unit.vague}"
    total = n * unit.factor
    iso = unit.iso
    if iso == "Y" and not float(total).is_integer() and float(total * 12).is_integer():
        total, iso = total * 12, "M"
    if iso == "W" and not float(total).is_integer() and float(total * 7).is_integer():
        total, iso = total * 7, "D"
    return f"PT{_fmt_num(total)}{iso}" if unit.time else f"P{_fmt_num(total)}{iso}"


def _need(anchor: Anchor | None, what: str) -> None:
    """Raise _Unresolved when the anchor lacks the precision ``what`` (month|day)."""
    if anchor is None:
        raise _Unresolved(NO_ANCHOR)
    if what in ("month", "day") and anchor.month is None:
        raise _Unresolved(f"anchor {anchor.text} has no month")
    if what == "day" and anchor.day is None:
        raise _Unresolved(f"anchor {anchor.text} has no day")


class _Unresolved(Exception):
    """A relative expression whose anchor is missing or too coarse."""


def _shift(unit: str, k: int, anchor: Anchor) -> str:
    """The calendar unit ``k`` steps from the anchor: year/month/week/day/decade/century/quarter/weekend."""
    if unit == "year":
        return f"{anchor.year + k:04d}"
    if unit == "decade":
        return f"{(anchor.year // 10 + k):03d}X"
    if unit == "century":
        return f"{(anchor.year // 100 + k):02d}XX"
    if unit in ("month", "quarter"):
        _need(anchor, "month")
        if unit == "month":
            y, m = _shift_month(anchor.year, anchor.month, k)
            return f"{y:04d}-{m:02d}"
        q = (anchor.month - 1) // 3 + k
        return f"{anchor.year + q // 4:04d}-Q{q % 4 + 1}"
    _need(anchor, "day")
    if unit == "day":
        return (anchor.date + _dt.timedelta(days=k)).isoformat()
    week = _iso_week(anchor.date + _dt.timedelta(weeks=k))
    return week + "-WE" if unit == "weekend" else week


def _weekday_date(target: int, anchor: Anchor, d: int, strict: bool = False) -> str:
    _need(anchor, "day")
    today = anchor.date
    back = (today.isoweekday() - target) % 7
    fwd = (target - today.isoweekday()) % 7
    if strict:
        back, fwd = back or 7, fwd or 7
    if d < 0:
        delta = -back
    elif d > 0:
        delta = fwd
    else:
        delta = -back if back <= fwd else fwd
    return (today + _dt.timedelta(days=delta)).isoformat()


def normalize_date(
    text: str,
    *,
    anchor: str | None = None,
    tense: str | None = None,
    reference: str | None = None,
    rule: str | None = None,
    grammar: Grammar | None = None,
) -> dict:
    """TIMEX3-style value of a date phrase.

    ``anchor``: the publication date ("YYYY", "YYYY-MM", "YYYY-MM-DD") that relative phrases
    are resolved against; ``tense``: "past" | "present" | "future" | None, deciding whether a
    month without a year lies before or after the anchor; ``reference``: the value of the last
    date mentioned before the phrase (for "that year", "two years later"); ``rule``: the
    pattern rule that detected it (else the first pattern that matches the whole phrase).
    Returns ``{"type", "value", "mod", "relative", "anchor", "begin", "end", "unresolved"}``;
    an unrecognized phrase gives ``value`` None and ``unresolved`` = "unrecognized".
    """
    g = grammar or default_grammar()
    text = text.strip()
    if not rule and g.exact_dispatch and text and (not text[0].isalpha() or word_key(text, 0).isascii()):
        return _normalize_dispatched(text, g, anchor, tense, reference)
    rows = (g.rows[i] for i in g.row_of_rule.get(rule, ())) if rule else (
        r for r in g.rows if r.rule not in CONTEXT_ONLY_RULES)
    return _first_normalized(rows, text, g, anchor, tense, reference)


def _first_normalized(rows: Iterable[Row], text: str, g: Grammar, anchor: str | None, tense: str | None,
                      reference: str | None) -> dict:
    """The value of the first of ``rows`` that matches the whole phrase and normalizes (else unrecognized)."""
    for row in rows:
        m = row.regex.fullmatch(text)
        if not m:
            continue
        try:
            return _normalize_groups(row.rule, _groups(m), g, parse_anchor(anchor), tense, reference)
        except _Reject:
            continue
    return _result("date", None, unresolved="unrecognized")


def _normalize_dispatched(text: str, g: Grammar, anchor: str | None, tense: str | None,
                          reference: str | None) -> dict:
    """:func:`normalize_date` without ``rule``: the same first row (in priority order) that
    matches the whole phrase and normalizes, looked for among the rows of the phrase's first
    word only (no other row can match it: :func:`exact_dispatch`), in one call of their joined
    alternation; the rows after a winner that does not normalize are tried one by one."""
    rows = g.dispatch.get(word_key(text, 0), ())
    if rows:
        pattern, row_groups = _joined_groups(g, rows)
        m = pattern.fullmatch(text)
        if m is not None:
            k = int(m.lastgroup[1:])
            row = g.rows[rows[k]]
            if row.rule not in CONTEXT_ONLY_RULES:
                names, numbers = row_groups[k]
                gr = {name: v for name, v in zip(names, m.group(0, *numbers)[1:]) if v is not None}
                try:
                    return _normalize_groups(row.rule, gr, g, parse_anchor(anchor), tense, reference)
                except _Reject:
                    pass
            later = (g.rows[i] for i in rows[k + 1:] if g.rows[i].rule not in CONTEXT_ONLY_RULES)
            return _first_normalized(later, text, g, anchor, tense, reference)
    return _result("date", None, unresolved="unrecognized")


def _groups(m: re.Match) -> dict[str, str]:
    return {k: v for k, v in m.groupdict().items() if v is not None}


def _normalize_groups(rule: str, gr: dict[str, str], g: Grammar, anchor: Anchor | None,
                      tense: str | None, reference: str | None) -> dict:
    """Dispatch to the rule's normalizer; turns _Unresolved into value None + reason."""
    fn = RULES[rule]
    try:
        return fn(gr, g, anchor, tense, reference)
    except _Unresolved as why:
        type_ = RULE_TYPES.get(rule, "date")
        if rule == "deictic" and gr.get("word", "").lower().startswith(("this", "tonight")):
            type_ = "time"
        uses_reference = rule == "discourse" or (rule == "ago" and gr.get("dir", "").lower() in ("earlier", "later"))
        anchor_text = reference if uses_reference else (anchor.text if anchor else None)
        return _result(type_, None, relative=True, anchor=anchor_text, unresolved=str(why))


# -- one normalizer per rule ------------------------------------------------------------------

def _n_year(gr, g, anchor, tense, ref):
    y = int(gr["year"])
    return _result("date", f"{y:04d}", mod=_mod(g, "approx_point", gr.get("approx")))


def _n_mod_year(gr, g, anchor, tense, ref):
    mod = _mod(g, "prefix", gr.get("prefix")) if gr.get("prefix") else _mod(g, "point", gr.get("mod"))
    return _result("date", gr["year"], mod=mod)


def _n_full(gr, g, anchor, tense, ref):
    y, m, d = int(gr["year"]), _month(g, gr["month"]), _day(gr["day"])
    if not _valid_day(y, m, d):
        raise _Reject("no such day")
    return _result("date", f"{y:04d}-{m:02d}-{d:02d}")


def _n_iso(gr, g, anchor, tense, ref):
    y, m, d = int(gr["year"]), int(gr["month"]), int(gr["day"])
    if not _valid_day(y, m, d):
        raise _Reject("no such day")
    return _result("date", f"{y:04d}-{m:02d}-{d:02d}")


def _n_numeric(gr, g, anchor, tense, ref):
    y, p1, p2 = int(gr["year"]), int(gr["p1"]), int(gr["p2"])
    # dots are read day-first (European), slashes month-first (US), unless a part exceeds 12
    if p1 > 12 or (gr["sep"] == "." and p2 <= 12):
        d, m = p1, p2
    else:
        m, d = p1, p2
    if not 1 <= m <= 12 or not _valid_day(y, m, d):
        raise _Reject("no such day")
    return _result("date", f"{y:04d}-{m:02d}-{d:02d}")


def _n_month_year(gr, g, anchor, tense, ref):
    return _result("date", f"{int(gr['year']):04d}-{_month(g, gr['month']):02d}", mod=_mod(g, "point", gr.get("mod")))


def _n_season_year(gr, g, anchor, tense, ref):
    code = g.seasons[gr["season"].lower()][0]
    return _result("date", f"{int(gr['year']):04d}-{code}", mod=_mod(g, "point", gr.get("mod")))


def _n_event(gr, g, anchor, tense, ref):
    return _result("date", g.events[_norm_space(gr["event"])])


def _n_day_month(gr, g, anchor, tense, ref):
    m, d = _month(g, gr["month"]), _day(gr["day"])
    if not _valid_day(None, m, d):
        raise _Reject("no such day")
    _need(anchor, "year")
    y = _year_for_month(m, d, anchor, tense)
    if not _valid_day(y, m, d):
        y -= 1 if _direction(tense) <= 0 else -1
    return _result("date", f"{y:04d}-{m:02d}-{d:02d}", relative=True, anchor=anchor.text)


def _n_month(gr, g, anchor, tense, ref):
    m = _month(g, gr["month"])
    mod = _mod(g, "point", gr.get("mod"))
    if anchor is None:
        return _result("date", None, mod=mod, relative=True, unresolved=NO_ANCHOR)
    y = _year_for_month(m, None, anchor, tense)
    return _result("date", f"{y:04d}-{m:02d}", mod=mod, relative=True, anchor=anchor.text)


def _n_season(gr, g, anchor, tense, ref):
    code = g.seasons[gr["season"].lower()][0]
    mod = _mod(g, "point", gr.get("mod"))
    if anchor is None:
        return _result("date", None, mod=mod, relative=True, unresolved=NO_ANCHOR)
    return _result("date", f"{_year_for_season(code, anchor, tense):04d}-{code}", mod=mod, relative=True,
                   anchor=anchor.text)


def _n_weekday(gr, g, anchor, tense, ref):
    target = g.weekdays[gr["wd"]]
    _need(anchor, "day")
    return _result("date", _weekday_date(target, anchor, _direction(tense)), relative=True, anchor=anchor.text)


def _n_decade(gr, g, anchor, tense, ref):
    mod = _mod(g, "point", gr.get("mod"))
    if gr.get("dec"):
        return _result("date", gr["dec"][:3] + "X", mod=mod)
    if gr.get("word"):
        digit = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}[gr["word"].lower()]
        return _result("date", f"19{digit}X", mod=mod)
    d2 = int(gr["d2"])
    # "the '90s": the 20th century unless that decade is not yet over at the anchor (" '10s")
    now = anchor.year if anchor else None
    century = 20 if now is not None and 2000 + d2 <= now else 19
    if now is None and d2 < 30:
        century = 20
    return _result("date", f"{century}{d2 // 10}X", mod=mod)


def _n_century(gr, g, anchor, tense, ref):
    n = _ordinal(g, gr["ord"])
    if n == "last" or not 1 <= n <= 22:
        raise _Reject("not a century")
    return _result("date", f"{n - 1:02d}XX", mod=_mod(g, "point", gr.get("mod")))


def _n_quarter(gr, g, anchor, tense, ref):
    part = gr["part"].lower()
    letter, count = ("Q", 4) if part in ("quarter", "q") else ("H", 2)
    n = gr.get("n")
    n = int(n) if n else _ordinal(g, gr["ord"])
    if n == "last":
        n = count
    if not 1 <= n <= count:
        raise _Reject(f"no {part} {n}")
    if gr.get("year"):
        return _result("date", f"{int(gr['year']):04d}-{letter}{n}")
    if gr.get("y2"):
        return _result("date", f"20{gr['y2']}-{letter}{n}")
    rel = _norm_space(gr.get("rel", "").lower())
    if rel in ("that", "the same", "the previous", "the following"):
        if not ref:
            raise _Unresolved(NO_REFERENCE)
        y = int(ref[:4]) + {"the previous": -1, "the following": 1}.get(rel, 0)
        return _result("date", f"{y:04d}-{letter}{n}", relative=True, anchor=ref)
    _need(anchor, "year")
    if rel in ("last", "next"):
        y = anchor.year + (1 if rel == "next" else -1)
    elif rel:
        y = anchor.year
    else:  # "the third quarter", "Q3": tense decides this year or the previous/next one
        y = anchor.year
        if anchor.month is not None:
            current = (anchor.month - 1) // (12 // count) + 1
            d = _direction(tense)
            if d < 0 and n > current:
                y -= 1
            elif d > 0 and n < current:
                y += 1
    return _result("date", f"{y:04d}-{letter}{n}", relative=True, anchor=anchor.text)


def _n_fiscal(gr, g, anchor, tense, ref):
    y = gr["year"]
    return _result("date", f"FY{'20' + y if len(y) == 2 else y}")


def _n_partof(gr, g, anchor, tense, ref):
    mod = _mod(g, "partof", gr["mod"])
    x = _norm_space(gr["x"])
    m = re.fullmatch(r"(the|this|last|next|that|the same|the following|the previous|the current)\s"
                     r"(year|month|decade|century|week|quarter|spring|summer|autumn|fall|winter)", x, re.IGNORECASE)
    if m:
        rel, unit = m.group(1).lower(), m.group(2).lower()
        if unit in g.seasons:
            inner = _n_relative({"rel": rel if rel != "the" else "this", "unit": unit}, g, anchor, tense, ref) \
                if rel in ("the", "this", "last", "next") else _n_discourse({"rel": rel, "unit": unit}, g, anchor, tense, ref)
        elif rel in ("that", "the same", "the following", "the previous"):
            inner = _n_discourse({"rel": rel, "unit": unit}, g, anchor, tense, ref)
        else:
            _need(anchor, "year")
            k = {"last": -1, "next": 1}.get(rel, 0)
            inner = _result("date", _shift(unit, k, anchor), relative=True, anchor=anchor.text)
    else:
        inner = normalize_date(x, anchor=anchor.text if anchor else None, tense=tense, reference=ref, grammar=g)
        if inner["value"] is None and inner["unresolved"] == "unrecognized":
            raise _Reject("unknown part")
    inner["mod"] = mod
    inner["type"] = "date"
    return inner


def _n_relative(gr, g, anchor, tense, ref):
    rel = gr["rel"].lower()
    _need(anchor, "year")
    k = {"last": -1, "next": 1}.get(rel, 0)
    base = dict(relative=True, anchor=anchor.text)
    if gr.get("month"):       # "February last year"
        return _result("date", f"{anchor.year + k:04d}-{_month(g, gr['month']):02d}", **base)
    unit = gr["unit"]
    lunit = unit.lower()
    if lunit in ("year", "month", "week", "decade", "century", "quarter", "weekend"):
        return _result("date", _shift(lunit, k, anchor), **base)
    if lunit in g.seasons:
        code = g.seasons[lunit][0]
        first, last = SEASON_MONTHS[code]
        y = anchor.year
        if k and anchor.month is not None:
            if k < 0:
                y = anchor.year if anchor.month > last else anchor.year - 1
            else:
                y = anchor.year if anchor.month < first else anchor.year + 1
        elif k:
            raise _Unresolved(f"anchor {anchor.text} has no month")
        return _result("date", f"{y:04d}-{code}", **base)
    if unit in g.months:
        m = _month(g, unit)
        if k == 0:
            return _result("date", f"{anchor.year:04d}-{m:02d}", **base)
        _need(anchor, "month")
        if k < 0:
            y = anchor.year if m < anchor.month else anchor.year - 1
        else:
            y = anchor.year if m > anchor.month else anchor.year + 1
        return _result("date", f"{y:04d}-{m:02d}", **base)
    if unit in g.weekdays:
        _need(anchor, "day")
        target = g.weekdays[unit]
        if k == 0:
            monday = anchor.date - _dt.timedelta(days=anchor.date.isoweekday() - 1)
            return _result("date", (monday + _dt.timedelta(days=target - 1)).isoformat(), **base)
        return _result("date", _weekday_date(target, anchor, k, strict=True), **base)
    raise _Reject(f"unknown unit {unit!r}")


def _n_discourse(gr, g, anchor, tense, ref):
    rel = _norm_space(gr["rel"].lower())
    unit = gr.get("unit", "year").lower()
    k = -1 if rel in ("the previous", "the preceding", "the prior", "before", "earlier") else \
        1 if rel in ("the following", "the subsequent", "after", "later") else 0
    if not ref:
        raise _Unresolved(NO_REFERENCE)
    ra = parse_anchor(ref)
    if ra is None:
        raise _Unresolved(NO_REFERENCE)
    base = dict(relative=True, anchor=ref)
    if gr.get("month"):          # "May of the same year", "December of that year"
        return _result("date", f"{ra.year + k:04d}-{_month(g, gr['month']):02d}", **base)
    if unit in g.seasons:
        return _result("date", f"{ra.year + k:04d}-{g.seasons[unit][0]}", **base)
    if gr["unit"] in g.months:   # "that same March", "the following May"
        m = _month(g, gr["unit"])
        y = ra.year
        if k and ra.month is not None:
            y = (ra.year if m > ra.month else ra.year + 1) if k > 0 else (ra.year if m < ra.month else ra.year - 1)
        elif k:
            y += k
        return _result("date", f"{y:04d}-{m:02d}", **base)
    try:
        return _result("date", _shift(unit, k, ra), **base)
    except _Unresolved:
        raise _Unresolved(f"reference {ref} too coarse for '{unit}'") from None


def _n_ago(gr, g, anchor, tense, ref):
    unit = g.units[gr["unit"].lower()]
    direction = _norm_space(gr["dir"].lower())
    n = _num(g, gr.get("num")) if gr.get("num") else None
    mod = _mod(g, "quantity", gr.get("qmod"))
    sign = -1 if direction in ("ago", "earlier") else 1
    uses_ref = direction in ("earlier", "later")
    if n is None:
        if uses_ref:
            raise _Reject("vague offset from a reference")
        return _result("date", "PAST_REF" if sign < 0 else "FUTURE_REF", mod=mod, relative=True,
                       anchor=anchor.text if anchor else None)
    if uses_ref:
        if not ref:
            raise _Unresolved(NO_REFERENCE)
        base_anchor = parse_anchor(ref)
        if base_anchor is None:
            raise _Unresolved(NO_REFERENCE)
    else:
        _need(anchor, "year")
        base_anchor = anchor
    total = n * unit.factor * sign
    if unit.time:
        raise _Reject("clock offsets are not dates")
    if uses_ref and unit.iso in ("W", "D") and base_anchor.day is None:
        raise _Unresolved(f"reference {ref} has no day")
    if uses_ref and unit.iso == "M" and base_anchor.month is None:
        raise _Unresolved(f"reference {ref} has no month")
    if unit.iso == "Y" and float(total).is_integer():
        value = _shift("year", int(total), base_anchor)
    elif unit.iso in ("Y", "M") and float(total * (12 if unit.iso == "Y" else 1)).is_integer():
        value = _shift("month", int(total * (12 if unit.iso == "Y" else 1)), base_anchor)
    elif unit.iso in ("W", "D"):
        _need(base_anchor, "day")
        days = total * (7 if unit.iso == "W" else 1)
        value = (base_anchor.date + _dt.timedelta(days=days)).isoformat()
    else:
        raise _Reject("fractional offset")
    return _result("date", value, mod=mod, relative=True, anchor=base_anchor.text)


def _n_vague_ref(gr, g, anchor, tense, ref):
    rel = gr["rel"].lower()
    return _result("date", "PAST_REF" if rel == "recent" else "FUTURE_REF", relative=True,
                   anchor=anchor.text if anchor else None)


def _n_set(gr, g, anchor, tense, ref):
    if gr.get("word"):
        return _result("set", g.sets[_norm_space(gr["word"].lower())])
    if gr.get("wd") and not gr.get("unit"):
        return _result("set", f"XXXX-WXX-{g.weekdays[gr['wd']]}")
    unit = gr["unit"]
    if unit.lower() == "quarter":
        return _result("set", "P3M")
    if unit in g.months:
        return _result("set", f"XXXX-{_month(g, unit):02d}")
    if unit in g.weekdays:
        return _result("set", f"XXXX-WXX-{g.weekdays[unit]}")
    if unit.lower() in g.seasons:
        return _result("set", f"XXXX-{g.seasons[unit.lower()][0]}")
    n = 1.0
    if gr.get("q") and gr.get("num"):
        n = _num(g, gr["num"]) or 1.0
    if (gr.get("other") or "").lower() == "other":
        n = 2.0
    return _result("set", _duration_value(n, g.units[unit.lower()]))


def _n_duration(gr, g, anchor, tense, ref):
    unit = g.units[gr["unit"].lower()]
    plural = gr["unit"].lower() != _singular(g, gr["unit"].lower())
    rel = (gr.get("rel") or "").lower()
    if gr.get("half") and not gr.get("num"):      # "half a century"
        n: float | None = 0.5
    elif gr.get("num"):
        n = _num(g, gr["num"])
        num = gr["num"].lower()
        if plural and num in ("a", "an", "one"):
            raise _Reject("'a decades-long': not a count")
        if not plural and re.fullmatch(r"1\d{3}|20\d\d", num):
            raise _Reject("'2022 Year in Review': a year, not a count")
        if gr.get("half"):                        # "a year and a half"
            n = None if n is None else n + 0.5
    elif rel:
        if rel in ("first", "final", "initial", "previous", "following", "preceding", "remaining"):
            raise _Reject("ordinal part, not a duration")
        n = None if plural else 1.0
    else:
        raise _Reject("no count")
    return _result("duration", _duration_value(n, unit), mod=_mod(g, "quantity", gr.get("qmod")))


def _singular(g: Grammar, form: str) -> str:
    return form[:-1] if form.endswith("s") else form


def _n_vague_duration(gr, g, anchor, tense, ref):
    return _result("duration", _duration_value(None, g.units[gr["unit"].lower()]))


def _n_deictic(gr, g, anchor, tense, ref):
    word = _norm_space(gr["word"].lower())
    if word == "today":
        if anchor is None:
            raise _Unresolved(NO_ANCHOR)
        return _result("date", anchor.text, relative=True, anchor=anchor.text)
    if word in ("yesterday", "tomorrow"):
        _need(anchor, "day")
        return _result("date", _shift("day", -1 if word == "yesterday" else 1, anchor), relative=True,
                       anchor=anchor.text)
    _need(anchor, "day")
    part = {"tonight": "NI", "this morning": "MO", "this afternoon": "AF", "this evening": "EV"}[word]
    return _result("time", f"{anchor.date.isoformat()}T{part}", relative=True, anchor=anchor.text)


def _n_time(gr, g, anchor, tense, ref):
    h, mi = int(gr["h"]), int(gr.get("mi") or 0)
    ampm = (gr.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    return _result("time", f"T{h:02d}:{mi:02d}")


def _point(text: str, g: Grammar, anchor: Anchor | None, tense: str | None, ref: str | None) -> dict:
    res = normalize_date(text, anchor=anchor.text if anchor else None, tense=tense, reference=ref, grammar=g)
    if res["unresolved"] == "unrecognized":
        raise _Reject(f"range side {text!r}")
    return res


def _range_result(a: dict, b: dict, anchor: Anchor | None) -> dict:
    relative = a["relative"] or b["relative"]
    if a["value"] is None or b["value"] is None:
        return _result("date", None, relative=relative, anchor=anchor.text if anchor and relative else None,
                       unresolved=a["unresolved"] or b["unresolved"])
    if a["value"] >= b["value"] and len(a["value"]) == len(b["value"]):
        raise _Reject("range ends before it begins")
    return _result("date", f"{a['value']}/{b['value']}", relative=relative,
                   anchor=anchor.text if anchor and relative else None, begin=a["value"], end=b["value"])


def _n_range(gr, g, anchor, tense, ref):
    a_text, b_text = _norm_space(gr["a"]), _norm_space(gr["b"])
    b = _point(b_text, g, anchor, tense, ref)
    year_b = b["value"][:4] if b["value"] and b["value"][:4].isdigit() else None
    a_has_year = re.search(r"\d{4}", a_text) is not None
    if not a_has_year and year_b:
        # "from January to March 2020", "March–May 2019": the first side takes the year of the second
        a = _point(f"{a_text} {year_b}", g, None, tense, ref)
        if a["value"] and a["value"] > b["value"]:
            a = _point(f"{a_text} {int(year_b) - 1}", g, None, tense, ref)
        a["relative"] = b["relative"]
    else:
        a = _point(a_text, g, anchor, tense, ref)
    return _range_result(a, b, anchor)


def _n_range_days(gr, g, anchor, tense, ref):
    m = _month(g, gr["month"])
    d1, d2 = _day(gr["d1"]), _day(gr["d2"])
    if not (_valid_day(None, m, d1) and _valid_day(None, m, d2)) or d1 >= d2:
        raise _Reject("not a day range")
    if gr.get("year"):
        y, relative = int(gr["year"]), False
    else:
        _need(anchor, "year")
        y, relative = _year_for_month(m, d1, anchor, tense), True
    a = _result("date", f"{y:04d}-{m:02d}-{d1:02d}", relative=relative)
    b = _result("date", f"{y:04d}-{m:02d}-{d2:02d}", relative=relative)
    return _range_result(a, b, anchor)


def _n_range_short(gr, g, anchor, tense, ref):
    a, b2 = int(gr["a"]), int(gr["b"])
    if gr["sep"] == "-" and gr["b"].startswith(("0", "1")) and 1 <= b2 <= 12 and b2 != (a + 1) % 100:
        return _result("date", f"{a:04d}-{b2:02d}")      # ISO year-month "2016-09"
    b = a - a % 100 + b2
    if b <= a:
        b += 100
    if b - a > 30:
        raise _Reject("not a year range")
    return _range_result(_result("date", f"{a:04d}"), _result("date", f"{b:04d}"), anchor)


RULES = {
    "range": _n_range, "range_days": _n_range_days, "range_short": _n_range_short,
    "full": _n_full, "iso": _n_iso, "numeric": _n_numeric, "quarter": _n_quarter, "qcode": _n_quarter,
    "partof": _n_partof, "decade": _n_decade, "century": _n_century, "season_year": _n_season_year,
    "month_year": _n_month_year, "event": _n_event, "day_month": _n_day_month, "fiscal": _n_fiscal,
    "mod_year": _n_mod_year, "year": _n_year, "relative": _n_relative, "discourse": _n_discourse,
    "ago": _n_ago, "vague_ref": _n_vague_ref, "set": _n_set,
    "duration": _n_duration, "vague_duration": _n_vague_duration, "deictic": _n_deictic,
    "time": _n_time, "weekday": _n_weekday, "month": _n_month, "season": _n_season,
}


# --------------------------------------------------------------------------------------------
# Detection (context checks on the sentence text)
# --------------------------------------------------------------------------------------------

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


@dataclass
class Candidate:
    start: int
    end: int
    rule: str
    groups: dict[str, str]


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
    determined = _clean(word) in _DETERMINERS or (word or "").endswith(("’s", "'s"))
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
_AMOUNT_BEFORE = re.compile(r"(?:\d|million|billion|trillion|thousand|hundred|percent|per cent|%|dollars|euros|"
                            r"tonnes|tons|barrels|people)\W*\s*$", re.IGNORECASE)
# "for over 25 years", "in over a decade": after these "over" means "more than"
_OVER_MEANS_MORE = frozenset({"for", "in", "after", "of", "with", "since", "than", "lasted", "lasts", "took", "takes",
                              "spent", "spanning", "spans", "within", "by"})
# "for years", "take months", "just weeks later": a bare plural unit is a vague duration only here
_VAGUE_DURATION_BEFORE = frozenset({"for", "in", "over", "within", "after", "take", "takes", "took", "taken", "taking",
                                    "spent", "spend", "spends", "spending", "lasted", "last", "lasts", "just", "only",
                                    "mere", "waited", "wait"})
_DETERMINERS = frozenset({"the", "its", "their", "his", "her", "our", "my", "your", "this", "that", "these", "those"})


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


def _accept(c: Candidate, g: Grammar, text: str, lo: int, hi: int, prev_end: int | None) -> bool:
    """Context checks that the regex cannot express. False = not a date here."""
    rule, gr = c.rule, c.groups
    if _blocked_number(g, text, c.start, c.end, lo, hi):
        return False
    word, _ = _prev_word(text, c.start, lo)
    prev = _clean(word)
    joined = prev_end is not None and _clean(text[prev_end:c.start]) in ("", "and", "or", "to", "–", "-", "through", "until")
    licensed = prev in g.roles["license"] or joined
    if rule == "year":
        if gr.get("approx"):
            return True
        if c.end - c.start > 4 + 5:  # "the year 2000"
            return True
        y = int(gr["year"])
        if _is_name_context(g, text, c.start, lo):
            return False
        if y < 1600 and not licensed:
            return False
        after = _NUM_AFTER.match(text, c.end, hi)
        if after and not _plausible_year(after.group(1)):
            return False
        before = _NUM_BEFORE.search(text[max(lo, c.start - 20):c.start])
        if before and not _plausible_year(before.group(1)):
            return False
        if _listed_after_blocked(g, text, c.start, lo):
            return False
        return True
    if rule == "month":
        form = _norm_space(gr["month"])
        context = g.months[form][1]
        if context == "dated":
            return False
        if _is_name_context(g, text, c.start, lo):
            return False
        if context == "needs" and not gr.get("mod") and not licensed:
            return False
        return True
    if rule == "season":
        season = gr["season"]
        if season[0].isupper() and (word is not None and not re.search(r"[.!?][”’\"']?$", word)) and c.start > lo:
            return False  # "Arab Spring", "Prague Spring": a name inside a sentence
        if re.match(r"\s+of\b", text[c.end:c.end + 5]):
            return False  # "the fall of Kabul"
        if g.seasons[season.lower()][1] == "dated" and not gr.get("the"):
            return False
        return licensed or bool(gr.get("mod"))
    if rule == "weekday":
        return not _is_name_context(g, text, c.start, lo)  # "Black Friday", "Super Tuesday"
    if rule == "deictic":
        w = gr["word"]
        return not (w[0].isupper() and c.start > lo and _is_name_context(g, text, c.start, lo))  # "Russia Today"
    if rule == "set" and gr.get("word"):
        return not (gr["word"][0].isupper() and c.start > lo and _is_name_context(g, text, c.start, lo))
    if rule == "vague_duration":
        return prev in _VAGUE_DURATION_BEFORE
    if rule == "duration":
        num = (gr.get("num") or "").lower()
        if num in ("a", "an") and _AMOUNT_BEFORE.search(text[max(lo, c.start - 25):c.start]):
            return False  # "US$ 5 billion a year": a rate (the figure's unit), not a duration
        if (gr.get("qmod") or "").lower() == "over" and prev not in _OVER_MEANS_MORE:
            return False  # "£24 billion over four years": "over" = spread across; retried from "four"
        if num in ("one", "some") and gr.get("unit", "").lower() == "day" and prev not in ("for", "within", "in", "after", "than", "over"):
            return False  # "one day, Russia will ...": not a duration
        if num in ("some", "many", "few", "a few", "several") and gr.get("unit", "").lower() in ("minute", "minutes", "hour", "hours"):
            return True
    if rule in ("relative", "discourse"):
        if prev == "the" and gr.get("rel", "").lower() in ("last", "next", "past"):
            return False  # "the last year": a duration (next rows)
    if rule == "discourse":
        rel = gr.get("rel", "").lower()
        if rel in ("before", "after", "earlier", "later") and not re.match(r"\s*(?:[.,;:)!?]|$)", text[c.end:hi]):
            return False  # "the day after the invasion": relative to an event, not to a date
        if re.match(r"\s+as\b", text[c.end:hi]):
            return False  # "on the same day as the opening of the forum": relative to an event
        unit = gr.get("unit", "")
        if rel == "that" and (unit.lower() == "fall" or g.months.get(unit, (0, ""))[1] == "needs"):
            return False  # "means that fall beneath the threshold", "said that May would"
    if rule == "time":
        return not _is_name_context(g, text, c.start, lo)  # "John 3:16"
    return True


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
    pattern, row_groups = _joined_groups(g, rows)
    m = pattern.match(text, pos, hi)
    if m is None:
        return None
    k = int(m.lastgroup[1:])
    row = g.rows[rows[k]]
    names, numbers = row_groups[k]
    # only the winning row's groups (a groupdict() of the whole alternation reads every row's)
    cand = Candidate(m.start(), m.end(), row.rule,
                     {name: v for name, v in zip(names, m.group(0, *numbers)[1:]) if v is not None})
    if _accept(cand, g, text, lo, hi, prev_end) and _normalizable(cand, g):
        return cand
    for i in rows[k + 1:]:
        row = g.rows[i]
        m = row.regex.match(text, pos, hi)
        if m is None:
            continue
        cand = Candidate(m.start(), m.end(), row.rule, _groups(m))
        if _accept(cand, g, text, lo, hi, prev_end) and _normalizable(cand, g):
            return cand
    return None


_JOINED: dict[tuple[int, tuple[int, ...]], tuple[re.Pattern, list[tuple[tuple[str, ...], tuple[int, ...]]]]] = {}


def _joined(g: Grammar, rows: tuple[int, ...]) -> re.Pattern:
    """One alternation of the given rows, in order (group ``j<k>`` = the k-th row), cached."""
    return _joined_groups(g, rows)[0]


def _joined_groups(g: Grammar, rows: tuple[int, ...]) -> tuple[re.Pattern, list[tuple[tuple[str, ...], tuple[int, ...]]]]:
    """:func:`_joined`, and per row k the names (without the ``j<k>_`` prefix) and numbers of its
    groups, in ``groupdict()`` order.

    The left guard is written once, before the alternation: a lookbehind at the match position
    says the same for every row, and the engine would otherwise evaluate it once per row."""
    key = (id(g), rows)
    got = _JOINED.get(key)
    if got is None:
        parts = []
        for k, i in enumerate(rows):
            src = g.rows[i].source
            src = _BACKREF.sub(lambda mt: f"(?P=j{k}_{mt.group(1)})", _GROUP.sub(lambda mt: f"(?P<j{k}_{mt.group(1)}>", src))
            parts.append(f"(?P<j{k}>(?:{src}){RIGHT_GUARD})")
        pattern = re.compile(LEFT_GUARD + "(?:" + "|".join(parts) + ")", re.IGNORECASE)
        row_groups = []
        for k in range(len(rows)):
            prefix = f"j{k}_"
            own = [(name[len(prefix):], number) for name, number in pattern.groupindex.items() if name.startswith(prefix)]
            row_groups.append((tuple(n for n, _ in own), tuple(i for _, i in own)))
        got = _JOINED[key] = (pattern, row_groups)
    return got


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
        if cand is None or any(s < cand.end and cand.start < e and not _trailing_of_date(text, cand, s, e)
                               for s, e in blocked):
            pos = w.start() + 1
            continue
        out.append(cand)
        prev_end = pos = cand.end
    return out


def _normalizable(c: Candidate, g: Grammar) -> bool:
    """Run the normalizer once without an anchor to catch _Reject (impossible days, bad ordinals).
    A pure function of the rule and the groups: cached per grammar ("1990", "2014" recur)."""
    cache = g.lookup_cache.setdefault("normalizable", {})
    key = (c.rule, tuple(c.groups.items()))
    ok = cache.get(key)
    if ok is None:
        try:
            _normalize_groups(c.rule, c.groups, g, None, None, None)
            ok = True
        except _Reject:
            ok = False
        if len(cache) >= 30_000:   # a cache over a huge corpus starts over rather than grow with it
            cache.clear()
        cache[key] = ok
    return ok


def _entity_ranges(doc: Doc) -> list[tuple[int, int]]:
    spans = list(doc.ents)
    if SPANS_ENTITIES in doc.spans:
        spans.extend(doc.spans[SPANS_ENTITIES])
    return sorted({(s.start_char, s.end_char) for s in spans if s.label_ not in NUMERIC_ENTITY_LABELS})


def entity_char_ranges(view: "DocView") -> list[tuple[int, int]]:
    """``_entity_ranges(view.doc)`` from the view's arrays: ``doc.ents`` is rebuilt from the IOB columns
    (as spaCy's ``Doc.ents`` reads them) instead of as Span objects; only the ``entities`` span
    group is read span by span."""
    doc = view.doc
    strings = doc.vocab.strings
    numeric = {strings[label] for label in NUMERIC_ENTITY_LABELS}   # label hashes
    out = set()
    got = iob_entities(view.ent_iob, view.ent_type)
    if got is None:
        out.update(_entity_ranges_of(doc.ents, numeric))   # let spaCy raise its error
    else:
        first, last, label = got
        keep = ~np.isin(label, np.fromiter(numeric, dtype=np.uint64, count=len(numeric)))
        out.update(zip(view.idx[first[keep]].tolist(), view.ends[last[keep]].tolist()))
    if SPANS_ENTITIES in doc.spans:
        out.update(_entity_ranges_of(doc.spans[SPANS_ENTITIES], numeric))
    return sorted(out)


def iob_entities(iob: np.ndarray, typ: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``doc.ents`` from the ENT_IOB and ENT_TYPE columns, as spaCy's ``Doc.ents`` reads them: a B
    token with a label opens an entity, I tokens continue it, anything else (O, missing, an
    unlabelled B) closes it. Returns (first token, last token, label hash) arrays in order, or
    None where ``Doc.ents`` raises (an I token with no entity open): let the caller ask spaCy."""
    n = len(iob)
    empty = np.zeros(0, dtype=np.int64)
    if not n or not iob.any():
        return empty, empty, np.zeros(0, dtype=np.uint64)
    opens = (iob == 3) & (typ != 0)
    inside = iob == 1
    run_starts = np.flatnonzero(inside & ~np.concatenate(([False], inside[:-1])))
    if len(run_starts) and (run_starts[0] == 0 or not opens[run_starts - 1].all()):
        return None
    first = np.flatnonzero(opens)
    not_inside = np.flatnonzero(~inside)          # every entity ends before the next of these
    k = np.searchsorted(not_inside, first, side="right")
    last = np.where(k < len(not_inside), not_inside[np.minimum(k, len(not_inside) - 1)], n) - 1
    return first, last, typ[first]


def _entity_ranges_of(spans, numeric: set[int]) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in spans if s.label not in numeric]


def overlapping(ranges: Sequence[tuple[int, int]], starts: Sequence[int], reach: Sequence[int],
                lo: int, hi: int) -> list[tuple[int, int]]:
    """The sorted ``ranges`` that overlap [lo, hi), in order (= ``[r for r in ranges if r[0] < hi
    and lo < r[1]]``) without scanning them all: ``starts`` are the ranges' starts and ``reach`` the
    running maximum of their ends, so both ends of the slice to check are found by bisection."""
    a = bisect_right(reach, lo)
    b = bisect_left(starts, hi)
    return [r for r in ranges[a:b] if lo < r[1]]


TENSE_CODES = {"past": 1, "present": 2, "future": 3}
TENSE_NAMES = {1: "past", 2: "present", 3: "future"}
_BE_BEFORE_ED = ("is", "are", "be", "been", "being", "am", "get", "gets", "the", "a", "an", "its",
                 "their", "his", "her", "our", "this", "that", "these", "those", "to", "will", "would")
_AGREED = frozenset({"agreed", "freed", "decreed", "guaranteed"})
_PAST_AUX = frozenset({"was", "were", "had", "did", "has", "have", "ago"})


class DocView:
    """Per-document arrays read once (``doc.to_array``), so that no Token object is built.

    ``doc[i]``, ``for t in doc``, ``span.text`` and even ``doc.text`` create one Python Token per
    token, which costs more than the whole date search; everything here comes from arrays.
    """

    def __init__(self, doc: Doc, g: Grammar) -> None:
        from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH, ORTH, SENT_START, SPACY

        self.doc, self.g = doc, g
        n = self.n = len(doc)
        # one to_array call for every column (each call walks all the tokens); no LOWER: the
        # per-string tables are keyed by ORTH, and the few lowercase tests read the string
        arr = doc.to_array([ORTH, IDX, LENGTH, SENT_START, SPACY, ENT_IOB, ENT_TYPE]) if n else np.zeros((0, 7), dtype=np.uint64)
        self.text = doc_text(doc)   # the runner's source string; never rebuilt from the tokens
        self._orth: np.ndarray | None = arr[:, 0]
        self._lowers: np.ndarray | None = None
        self.spacy = arr[:, 4]       # 1: one space follows the token
        self.idx = arr[:, 1].astype(np.int64)
        self.ends = self.idx + arr[:, 2].astype(np.int64)
        self.sent_start = arr[:, 3].astype(np.int64)   # 1 start, -1 not, 0 unknown
        self.ent_iob, self.ent_type = arr[:, 5], arr[:, 6]
        self._ends_list: list[int] | None = None
        self.has_dep = doc.has_annotation("DEP")
        self.start_rows: list[tuple[int, ...]] = []       # the rows of each start_tokens() token
        self._cues: dict[tuple[int, int], list[int]] = {}
        self._para_starts: list[int] | None = None

    def paragraph_of(self, char: int) -> int:
        """Index of the paragraph (blank-line separated block) containing character ``char``."""
        if self._para_starts is None:
            self._para_starts = [0] + [m.end() for m in _PARA_BREAK.finditer(self.text)]
        return bisect_right(self._para_starts, char) - 1

    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) token ranges of the body sentences (as :func:`.segment.body_sentences` defines them)."""
        bounds = self.sentence_bounds()
        is_body = self.body_test()
        return [(a, b) for a, b in zip(bounds, bounds[1:]) if is_body(a, b)]

    def sentence_bounds(self) -> list[int]:
        """Start token of every sentence (body or not), then ``n``: sentence k is [bounds[k], bounds[k + 1])."""
        n = self.n
        if not n:
            return []
        if not self.doc.has_annotation("SENT_START"):
            bounds = [0]
        else:
            bounds = [0] + (np.flatnonzero(self.sent_start[1:] == 1) + 1).tolist()
        bounds.append(n)
        return bounds

    def body_test(self):
        """``is_body(a, b)``: is the sentence of tokens [a, b) a body sentence (not blank, not in boilerplate)?"""
        boiler = boilerplate_ranges(self.doc)
        b_starts = [b[0] for b in boiler]
        idx, ends, text = self.idx, self.ends, self.text

        def is_body(a: int, b: int) -> bool:
            start_char, end_char = int(idx[a]), int(ends[b - 1])
            if not text[start_char:end_char].strip():
                return False
            k = bisect_right(b_starts, start_char) - 1
            return not (k >= 0 and boiler[k][0] <= start_char < boiler[k][1])

        return is_body

    def start_tokens(self) -> np.ndarray:
        """Sorted indices of the tokens some pattern can start at (vectorized gate)."""
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        codes = _token_table(self.g).lookup(self.orth, self.doc.vocab.strings)
        ids = codes >> _ROWS_SHIFT
        starts = np.flatnonzero(ids)
        if len(starts):
            # most "the", "a", "in", "that" are followed by a word no date pattern continues with:
            # drop them here, all at once, rather than one can_start_here() call each
            starts = starts[second_word_keep(_gate_tables(self.g).allowed, codes, self.spacy, starts)]
        all_rows = self.g.lookup_cache.get("rows", [()])
        self.start_rows = [all_rows[k] for k in ids[starts].tolist()]
        return starts

    def lower_at(self, i: int) -> str:
        """Lowercase text of token ``i`` (spaCy's LOWER is ``ORTH.lower()``)."""
        return self.doc.vocab.strings[int(self.orth[i])].lower()

    @property
    def lowers(self) -> np.ndarray:
        """LOWER hash per token (read on demand: the stage itself only needs a few lowercase strings)."""
        if self._lowers is None:
            from spacy.attrs import LOWER
            self._lowers = self.doc.to_array(LOWER) if self.n else np.zeros(0, dtype=np.uint64)
        return self._lowers

    def token_end(self, char_end: int) -> int | None:
        """Index + 1 of the token ending exactly at ``char_end`` (None: inside a token)."""
        ends = self._ends_list
        if ends is None:
            ends = self._ends_list = self.ends.tolist()   # bisect on a list beats a numpy call per date
        k = bisect_left(ends, char_end)
        return k + 1 if k < self.n and ends[k] == char_end else None

    @property
    def orth(self) -> np.ndarray:
        """ORTH hash per token."""
        if self._orth is None:
            from spacy.attrs import ORTH
            self._orth = self.doc.to_array(ORTH) if self.n else np.zeros(0, dtype=np.uint64)
        return self._orth

    def cues(self, start: int = 0, end: int | None = None) -> np.ndarray:
        """Tense cue code per token of [start, end) (0 none, 1 past, 2 present, 3 future)."""
        return np.asarray(self.cue_codes(start, self.n if end is None else end), dtype=np.int8)

    def cue_codes(self, start: int, end: int) -> list[int]:
        """:meth:`cues` as a list, computed on first use: only the sentences with a tense-dependent
        date need them, and for one sentence plain lists beat numpy calls."""
        got = self._cues.get((start, end))
        if got is None:
            g, strings = self.g, self.doc.vocab.strings
            cache = g.lookup_cache.setdefault("cue_codes", {})
            got = []
            for h in self.orth[start:end].tolist():
                c = cache.get(h)
                if c is None:
                    c = cache[h] = _cue_code(g, strings[h])
                got.append(c)
            # "-ed" words (code 4) count as past unless a form of "be", a determiner or "to" precedes
            if 4 in got:
                for j, c in enumerate(got):
                    if c == 4:
                        at = start + j
                        got[j] = 0 if at > 0 and self.lower_at(at - 1) in _BE_BEFORE_ED else 1
            self._cues[(start, end)] = got
        return got


_PARA_BREAK = re.compile(r"\n[ \t\u00a0]*\n")


class HashLookup:
    """A function of a token string, cached per string hash across Docs as two sorted arrays, so that
    a whole Doc's column of hashes is looked up with one ``searchsorted`` (``np.unique`` plus a
    Python loop over the distinct hashes of every Doc cost more than the date search itself)."""

    def __init__(self, fn, dtype=np.int64, max_keys: int = 30_000) -> None:
        self.fn, self.dtype = fn, dtype
        self.max_keys = max_keys   # a cache over a huge corpus starts over rather than grow with it
        self.keys = np.zeros(0, dtype=np.uint64)
        self.values = np.zeros(0, dtype=dtype)

    def lookup(self, hashes: np.ndarray, strings) -> np.ndarray:
        """``fn(strings[h])`` for every hash in ``hashes`` (the values array is shared: do not modify)."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        if not len(hashes):
            return np.zeros(0, dtype=self.dtype)
        pos = np.searchsorted(self.keys, hashes)
        if not len(self.keys) or not (self.keys[np.minimum(pos, len(self.keys) - 1)] == hashes).all():
            known = self.keys[np.minimum(pos, len(self.keys) - 1)] == hashes if len(self.keys) else np.zeros(len(hashes), bool)
            new = np.unique(hashes[~known])
            if len(self.keys) + len(new) > self.max_keys:
                self.keys, self.values = self.keys[:0], self.values[:0]
                new = np.unique(hashes)
            values = np.asarray([self.fn(strings[h]) for h in new.tolist()], dtype=self.dtype)
            keys = np.concatenate([self.keys, new])
            order = np.argsort(keys, kind="stable")
            self.keys, self.values = keys[order], np.concatenate([self.values, values])[order]
            pos = np.searchsorted(self.keys, hashes)
        return self.values[pos]


def _lookup_table(g: Grammar, name: str, fn, dtype=np.int64) -> HashLookup:
    table = g.lookup_cache.get(name)
    if table is None:
        table = g.lookup_cache[name] = HashLookup(fn, dtype)
    return table


def _rows_id(g: Grammar, word: str) -> int:
    """Index (in ``g.lookup_cache["rows"]``) of the pattern rows a token can start; 0: none."""
    rows = g.dispatch.get(word_key(word, 0), ()) if word else ()
    if not rows:
        return 0
    all_rows = g.lookup_cache.setdefault("rows", [()])
    ids = g.lookup_cache.setdefault("rows_id", {})
    if rows not in ids:
        ids[rows] = len(all_rows)
        all_rows.append(rows)
    return ids[rows]


# -- the second-word gate of can_start_here(), for a whole Doc at once ----------------------------
#
# Per token string (ORTH), one int64 packs what the gate needs to know about a token:
#   bits  0-15  as a first word: the row of ``allowed`` for it (0: not a gated word, see below)
#   bits 16-31  as the token after "<first word><one space>": the id of the second word it starts
#               (its leading letter run, lowercased) or of its first sign (char_key)
#   bits 32-47  as the token glued to the first word: the id of after_key(its first character)
#   bit  48     the letter run it starts ends inside the token ("U.S.", "don’t")
#   bit  49     it starts with a letter-run character (a word glued before it would go on)
# Ids: 0 = a string no gated word continues with, 1 = cannot tell (never rejected).
_GATE_PASS = 1
_RUN_START = re.compile(r"[^\W\d_]+")
_SPACE_CHAR = re.compile(r"\s")
_M16 = 0xFFFF


@dataclass
class GateTables:
    """The allowed (first word, what follows) pairs of :func:`can_start_here` as a matrix."""

    ids: dict[str, int]          # every string of the next_words sets -> id >= 2
    rows: dict[str, int]         # gated first word -> row of ``allowed`` (>= 1)
    allowed: np.ndarray          # bool [row, id]; column 1 (cannot tell) is always True


def _gate_tables(g: Grammar) -> GateTables:
    tables = g.lookup_cache.get("gate_tables")
    if tables is None:
        gated = sorted(k for k, nxt in g.next_words.items() if nxt is not None and k.isascii())
        words = sorted({w for k in gated for w in g.next_words[k]})
        ids = {w: i for i, w in enumerate(words, 2)}
        rows = {k: i for i, k in enumerate(gated, 1)}
        allowed = np.zeros((len(rows) + 1, len(ids) + 2), dtype=bool)
        allowed[:, _GATE_PASS] = True
        for k, r in rows.items():
            allowed[r, [ids[w] for w in g.next_words[k]]] = True
        tables = g.lookup_cache["gate_tables"] = GateTables(ids, rows, allowed)
    return tables


_ROWS_SHIFT = 50   # bits 50-62 of a token code: _rows_id() of the token (0: no pattern starts there)


def _token_table(g: Grammar) -> "HashLookup":
    """Per ORTH string: its pattern rows id (high bits) and its second-word gate facts."""
    tables = _gate_tables(g)
    return _lookup_table(g, "token_codes", lambda s: token_code(g, tables, s))


def token_code(g: Grammar, tables: GateTables, s: str) -> int:
    """:func:`_rows_id` of the token string ``s`` (lowercased, as spaCy's LOWER) above bit 50, and
    its :func:`gate_code` below."""
    rows_id = _rows_id(g, s.lower())
    if rows_id >= 1 << (63 - _ROWS_SHIFT):
        raise ResourceError("dates: too many distinct pattern row sets for the token table")
    return rows_id << _ROWS_SHIFT | gate_code(tables, s)


def gate_code(tables: GateTables, s: str) -> int:
    """The packed gate facts of one token string (see the table above)."""
    ids = tables.ids
    row = 0
    if s.isascii() and s.isalpha():      # the whole token is the first word (if nothing glued follows)
        row = tables.rows.get(s.lower(), 0)
    run = _RUN_START.match(s)
    if run is None:                      # a sign: what follows it does not matter
        c = s[0]
        # glued to the first word, a whitespace character ("the\u00a0year": no spaCy space in
        # between) is the gate's one space, not a sign: no verdict
        aft = _GATE_PASS if _SPACE_CHAR.match(c) else ids.get(after_key(c), 0)
        sec, closed, starts_run = ids.get(char_key(c), 0), 1, 0
    else:
        w = run.group().lower()
        sec = ids.get(w, 0) if w.isascii() else _GATE_PASS
        aft = _GATE_PASS                 # letters glued to the first word make it longer: no verdict
        closed, starts_run = int(run.end() < len(s)), 1
    return row | sec << 16 | aft << 32 | closed << 48 | starts_run << 49


def second_word_keep(allowed: np.ndarray, codes: np.ndarray, spacy: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Boolean mask over ``starts`` (token indices): False only where :func:`can_start_here` would say
    False, decided from token facts alone (``codes``: :func:`gate_code` per token, ``spacy``: one
    space follows). A gated first word is rejected when it is the last token, when the token after
    "word + one space" starts a second word (or sign) its rows never continue with, or when a sign
    glued to it is not one they continue with. Undecidable cases (a letter run that may go on into
    the next token, letters glued to the word, non-ASCII) are kept for the exact test."""
    n = len(codes)
    codes = codes.astype(np.int64, copy=False)
    row = codes[starts] & _M16
    j = np.minimum(starts + 1, n - 1)
    k = np.minimum(starts + 2, n - 1)
    nj = codes[j]
    sec, aft = (nj >> 16) & _M16, (nj >> 32) & _M16
    closed = ((nj >> 48) & 1).astype(bool) | (spacy[j] != 0) | (starts + 2 >= n) | ((codes[k] >> 49) & 1 == 0)
    spaced = spacy[starts] != 0
    reject = (row > 0) & ((starts + 1 >= n)
                          | np.where(spaced, closed & ~allowed[row, sec], ~allowed[row, aft]))
    return ~reject


def _cue_code(g: Grammar, word: str) -> int:
    """Tense code of one exact token string; 4 = an "-ed" word (past unless after "be")."""
    low = word.lower()
    if low in g.cue_tense and (word == low or (word == low.capitalize() and word not in g.months)):
        tense = g.cue_tense[low]
        if tense == "past" and low not in _PAST_AUX:
            return 4  # "held", "built": a participle after "is"/"was"/"the", like the "-ed" words
        return TENSE_CODES[tense]
    if word == low and len(low) >= 5 and low.endswith("ed") and low.isalpha() and low not in g.ed_exceptions \
            and (not low.endswith("eed") or low in _AGREED):
        return 4
    return 0


def _tense_at(view: DocView, sent: tuple[int, int], start: int, end: int, use_parse: bool) -> str | None:
    """Tense governing tokens [start, end) of a sentence: parse first, else the nearest cue."""
    doc = view.doc
    if start > 0 and view.lower_at(start - 1) == "since":
        return "past"
    if use_parse and view.has_dep:
        t = _tense_from_parse(doc[start:end])
        if t:
            return t
    a, b = sent
    best, code = None, 0
    for pos, c in enumerate(view.cue_codes(a, b), a):
        if not c or start <= pos < end:
            continue   # no cue, or a cue inside the date itself
        dist = start - pos if pos < start else pos - end + 1
        if best is None or dist < best:   # the first of equally near cues wins
            best, code = dist, c
    return TENSE_NAMES.get(code) if best is not None else None


def _tense_from_parse(span: Span) -> str | None:
    tok = span.root
    for _ in range(8):
        head = tok.head
        if head.i == tok.i:
            break
        tok = head
        if tok.pos_ not in ("VERB", "AUX") and not tok.tag_.startswith("VB"):
            continue
        auxes = [c for c in tok.children if c.dep_ in ("aux", "aux:pass", "auxpass")]
        lows = {c.lower_ for c in auxes}
        if lows & FUTURE_AUX or tok.lower_ in FUTURE_VERBS or tok.lemma_.lower() in FUTURE_VERBS:
            return "future"
        if tok.tag_ == "VBD" or any(c.tag_ == "VBD" for c in auxes) or (
                "Past" in tok.morph.get("Tense") and "Fin" in tok.morph.get("VerbForm")):
            return "past"
        if lows & {"has", "have", "had"}:
            return "past"
        if tok.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") for c in auxes):
            return "present"
        if not auxes and (tok.tag_ == "VBN" or "Part" in tok.morph.get("VerbForm") and "Past" in tok.morph.get("Tense")):
            return "past"  # "a poll published in December": a participle on its own reports a past event
    return None


FUTURE_AUX = frozenset({"will", "'ll", "’ll", "shall", "wo", "would", "may", "might", "should"})
FUTURE_VERBS = frozenset({"schedule", "scheduled", "expect", "expected", "slate", "slated", "plan", "intend"})


def sentence_tense(span: Span, grammar: Grammar | None = None, *, use_parse: bool = True) -> str | None:
    """Tense governing a date span: "past" | "present" | "future" | None.

    With a dependency parse: the tense of the nearest governing verb (and its auxiliaries).
    Otherwise (or when the parse says nothing): the tense cue nearest to the span in its
    sentence (``tense_cues.tsv`` plus the "-ed" rule). "since <date>" is always past.
    """
    doc = span.doc
    view = DocView(doc, grammar or default_grammar())
    sent = (span.sent.start, span.sent.end) if doc.has_annotation("SENT_START") else (0, len(doc))
    return _tense_at(view, sent, span.start, span.end, use_parse)


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
    start_arr = view.start_tokens()
    starts = start_arr.tolist()
    start_chars = view.idx[start_arr].tolist()
    start_rows = view.start_rows
    idx, ends = view.idx, view.ends
    if sentences is None:
        # only the sentences that hold a start token can hold a date: test just those for "body"
        bounds = view.sentence_bounds()
        is_body = view.body_test()
        sentences = []
        if starts:
            which = (np.searchsorted(np.asarray(bounds), start_arr, side="right") - 1).tolist()
            for s_i in dict.fromkeys(which):
                a, b = bounds[s_i], bounds[s_i + 1]
                if is_body(a, b):
                    sentences.append((a, b))
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
            if cand is None or any(s < cand.end and cand.start < e and not _trailing_of_date(text, cand, s, e)
                                   for s, e in near):
                continue
            end_tok = view.token_end(cand.end)
            if end_tok is None:
                continue
            prev_end = cand.end
            yield Found(cand, i, end_tok, (a, b))


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


# --------------------------------------------------------------------------------------------
# The component
# --------------------------------------------------------------------------------------------

class DateTagger:
    """Writes ``doc.spans[spans_key]`` (DATE/TIME/DURATION/SET spans) and ``span._.date``.

    Reads body sentences and boilerplate (segmenter), entity spans (``doc.ents`` and
    ``doc.spans["entities"]``: never tags a date inside one), ``doc._.published`` (the anchor)
    and, if ``use_parse`` and present, the dependency parse (tense). With ``discourse_refs``,
    "that year" / "two years later" resolve against the last date mentioned before them.
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str, use_parse: bool, discourse_refs: bool) -> None:
        ensure_extensions()
        self.name = name
        self.spans_key = spans_key
        self.use_parse = use_parse
        self.discourse_refs = discourse_refs
        self.tables: dict[str, list[dict[str, str]]] | None = None
        self.grammar: Grammar | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None) -> None:
        """Load and compile the rule tables (``resources_root``: a folder laid out like pipeline/resources)."""
        with gc_paused():
            self.tables = load_tables(resources_root)
            self.grammar = default_grammar() if resources_root is None else build_grammar(self.tables)

    def _grammar(self) -> Grammar:
        if self.grammar is None:
            self.initialize()
        return self.grammar

    def __call__(self, doc: Doc) -> Doc:
        g = self._grammar()
        anchor = doc._.published
        view = DocView(doc, g)
        cached = g is default_grammar()
        spans: list[Span] = []
        reference: str | None = None
        narrative: tuple[str, int] | None = None   # last explicit date and its paragraph
        sentence: list[tuple[Found, dict]] = []
        for f in iter_found(view):
            if sentence and sentence[-1][0].sent != f.sent:
                spans.extend(self._emit(doc, view.text, sentence))
                sentence = []
            cand = f.cand
            tense = _tense_at(view, f.sent, f.start, f.end, self.use_parse) if cand.rule in TENSE_RULES else None
            ref = reference if self.discourse_refs else None
            try:
                if cached:
                    value = _normalize_cached(cand.rule, tuple(sorted(cand.groups.items())), anchor, tense, ref)
                else:
                    value = _normalize_groups(cand.rule, cand.groups, g, parse_anchor(anchor), tense, ref)
            except _Reject:
                continue
            value = dict(value)
            if self.discourse_refs and cand.rule in _YEARLESS_RULES and value["relative"] \
                    and tense not in ("future", "present") and narrative is not None \
                    and narrative[1] == view.paragraph_of(cand.start):
                _narrative_year(value, cand, narrative[0], anchor)
            sentence.append((f, value))
            v = value["end"] or value["value"]
            if v and v[:4].isdigit():
                reference = v
                if not value["relative"] and re.match(r"\d{4}(?:-|$)", v):
                    narrative = (v, view.paragraph_of(cand.start))
        spans.extend(self._emit(doc, view.text, sentence))
        doc.spans[self.spans_key] = spans
        return doc

    @staticmethod
    def _emit(doc: Doc, text: str, found: list[tuple[Found, dict]]) -> list[Span]:
        """Spans of one sentence, after coordinated dates share their year ("in June and July 2024")."""
        share_year(text, [(f.cand, value) for f, value in found])
        out = []
        for f, value in found:
            span = Span(doc, f.start, f.end, label=value["type"].upper())
            span._.date = value
            out.append(span)
        return out

    # -- serialization: the tables travel with the pipeline --------------------------------
    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        self._grammar()
        write_tables(self.tables, Path(path))

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "DateTagger":
        self.tables = load_tables(Path(path))
        self.grammar = build_grammar(self.tables)
        return self


def _narrative_year(value: dict, cand: Candidate, ref: str, anchor: str | None) -> None:
    """A month/day/season without a year, in a past-tense sentence of a paragraph whose last
    explicit date is a month (season, quarter) of an earlier year, belongs to that year: "In
    February 1989 Soviet troops left. In May, ..." -> 1989-05 (the paragraph narrates; the
    publication date would give the wrong year). Not after a bare year ("by 2023", "since
    1971": news paragraphs cite those too), not for the reference's own month, and only when the
    reference year lies before the anchor's. Edits ``value`` in place."""
    m = re.match(r"(\d{4})-(\d\d|SP|SU|FA|WI|Q[1-4]|H[12])", ref)
    if m is None:
        return  # a bare year ("by 2023", "since 1971") sets no narrative: the paragraph may be news
    ref_year = int(m.group(1))
    pub = parse_anchor(anchor)
    if pub is not None and ref_year >= pub.year:
        return
    own = value["value"]
    if own:
        rest = own[4:]
        if rest[1:3] == m.group(2):
            return  # "withdrew in May 2018 and ended the waivers in May": not the same May again
    else:
        g = default_grammar()
        groups = cand.groups
        if cand.rule == "season":
            rest = "-" + g.seasons[groups["season"].lower()][0]
        else:
            rest = f"-{_month_number(cand):02d}" + (f"-{_day(groups['day']):02d}" if groups.get("day") else "")
    value.update(value=f"{ref_year:04d}{rest}", anchor=ref, relative=True, unresolved=None)


_COORD_GAP = re.compile(r"\s*(?:,\s*and|,\s*or|,|and|or|to|through|until|[–-])\s*", re.IGNORECASE)
_YEARLESS_RULES = frozenset({"month", "day_month", "season"})


def share_year(text: str, found: list[tuple[Candidate, dict]]) -> None:
    """A month/day/season without a year takes the year of the date coordinated after it.

    "in June and July 2024", "in March, April and May 2019", "on 7 October and 9 November 2023":
    the yearless date gets the explicit year (the year before when its month comes later in
    the calendar: "December and January 2024" -> 2023-12). Edits the value dicts in place.
    """
    for i in range(len(found) - 2, -1, -1):
        cand, value = found[i]
        nxt, nvalue = found[i + 1]
        if cand.rule not in _YEARLESS_RULES or not value["relative"] and value["value"] is not None:
            continue
        nv = nvalue["value"]
        if not nv or not re.match(r"\d{4}-(?:\d\d|SP|SU|FA|WI)", nv) or nvalue["relative"] and nxt.rule not in _YEARLESS_RULES:
            continue
        if not _COORD_GAP.fullmatch(text, cand.end, nxt.start):
            continue
        if nvalue["relative"] and not nvalue.get("_shared"):
            continue
        year = int(nv[:4])
        own = value["value"] or ""
        m = re.match(r"\d{4}-(\d\d|SP|SU|FA|WI)(.*)", own)
        if m is None:
            if cand.rule == "month":
                part = f"{_month_number(cand):02d}"
            else:
                continue
            rest = ""
        else:
            part, rest = m.group(1), m.group(2)
        order = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
        mine = order.get(part) or int(part)
        theirs = order.get(nv[5:7]) or int(nv[5:7])
        if mine > theirs:
            year -= 1
        value.update(value=f"{year:04d}-{part}{rest}", relative=False, anchor=None, unresolved=None)
        value["_shared"] = True
    for _, value in found:
        value.pop("_shared", None)


def _month_number(cand: Candidate) -> int:
    return default_grammar().months[_norm_space(cand.groups["month"])][0]


# Rules whose value depends on the tense of the sentence.
TENSE_RULES = frozenset({"month", "day_month", "season", "weekday", "quarter", "qcode", "range", "range_days", "partof"})


@lru_cache(maxsize=65536)
def _normalize_cached(rule: str, groups: tuple, anchor: str | None, tense: str | None,
                      reference: str | None) -> dict:
    return _normalize_groups(rule, dict(groups), default_grammar(), parse_anchor(anchor), tense, reference)


def make_dates(nlp: Language, name: str, spans_key: str, use_parse: bool, discourse_refs: bool) -> DateTagger:
    """Factory for ``claims_dates`` (bound in ``pipeline/registry.py``)."""
    return DateTagger(nlp, name, spans_key=spans_key, use_parse=use_parse, discourse_refs=discourse_refs)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------

RECORD_FIELDS = ("type", "value", "mod", "relative", "anchor", "begin", "end", "unresolved")


def build_records(doc: Doc, ctx: RecordContext, *, spans_key: str = SPANS_DATES) -> list[dict]:
    """One ``dates`` record per span in ``doc.spans[spans_key]``."""
    records = []
    for _span, record, value, sentence_id in ctx.iter_spans(spans_key, "date", id_kind=KIND):
        value = value or {}
        for k in RECORD_FIELDS:
            record[k] = value.get(k)
        record["relative"] = bool(record["relative"])
        record["sentence_id"] = sentence_id
        records.append(record)
    return records


def count_unresolved(records: Iterable[dict]) -> int:
    """How many date records have no value because their anchor was missing or too coarse."""
    return sum(1 for r in records if r.get("value") is None and r.get("unresolved"))

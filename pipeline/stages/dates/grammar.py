"""The compiled grammar of the dates stage: the lexicons read from the tables, the pattern rows
with their lexicon macros expanded, and the first-word dispatch (which rows can start at a word,
and which words can follow it). Built once per component, or once per process for the packaged
tables (:func:`default_grammar`)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from ...regex_structure import (
    DIGIT_KEY,
    AnyNext,
    first_keys,
    parse_pattern,
    second_words,
)
from ...resources import ResourceError, gc_paused
from .compiled import Grammar, Row, Unit, row_pattern
from .normalize_calendar import CALENDAR_RULES
from .normalize_relative import RELATIVE_RULES
from .normalize_spans import SPAN_RULES
from .resources import CONTEXT_ROLES, TABLES, TENSE_WORD_ROLES, load_tables
from .rows import forget_joined, joined, word_key
from .values import holiday_key, norm_space

# pattern rule (patterns.tsv) -> its normalizer ``(groups, grammar, anchor, tense, reference) -> value``
RULES: dict[str, Callable] = {**SPAN_RULES, **CALENDAR_RULES, **RELATIVE_RULES}


def _alt(forms: Iterable[str]) -> str:
    """Regex alternation of literal forms, longest first, spaces as ``\\s``."""
    uniq = sorted(set(forms), key=lambda f: (-len(f), f))
    return "(?:" + "|".join(re.escape(f).replace("\\ ", r"\s").replace(" ", r"\s") for f in uniq) + ")"


_MACRO = re.compile(r"<([A-Z][A-Z0-9]*)>")


def build_macros(t: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """The lexicon macros of patterns.tsv (``<MONTH>``, ``<YEAR>``, ``<NUM>`` ...) as regexes."""
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
        "HOLIDAY": "(?-i:" + _alt(r["form"] for r in t["holidays"]).replace("'", "['’]") + r")(?![\w])",
        "ZONE": "(?-i:" + _alt(r["form"] for r in t["zones"] if not r["form"].isupper()) + ")",
        "TZ": "(?-i:" + _alt(r["form"] for r in t["zones"] if r["form"].isupper()) + ")",
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
    """A pattern with its macros replaced (an unknown macro fails, naming the row)."""
    def sub(mt: re.Match) -> str:
        if mt.group(1) not in macros:
            raise ResourceError(f"{where}: unknown macro <{mt.group(1)}>")
        return macros[mt.group(1)]

    return _MACRO.sub(sub, template)


def _bad(name: str, row: dict, msg: str) -> ResourceError:
    return ResourceError(f"{TABLES[name].file}: row {row}: {msg}")


def _calendar_words(tables: dict[str, list[dict[str, str]]]) -> dict:
    """Months, weekdays and seasons (the columns' closed sets are checked when the tables load)."""
    months: dict[str, tuple[int, str]] = {}
    for r in tables["months"]:
        if not r["month"].isdigit() or not 1 <= int(r["month"]) <= 12:
            raise _bad("months", r, "month must be 1-12")
        months[r["form"]] = (int(r["month"]), r["context"])
    weekdays = {}
    for r in tables["weekdays"]:
        if not r["day"].isdigit() or not 1 <= int(r["day"]) <= 7:
            raise _bad("weekdays", r, "day must be 1-7 (ISO, Monday = 1)")
        weekdays[r["form"]] = int(r["day"])
    seasons = {r["form"].lower(): (r["code"], r["context"]) for r in tables["seasons"]}
    return {"months": months, "weekdays": weekdays, "seasons": seasons}


def _count_words(tables: dict[str, list[dict[str, str]]]) -> dict:
    """Numbers, ordinals, units, modifiers, sets and the one-day events."""
    numbers = {}
    for r in tables["numbers"]:
        if r["value"] != "X" and not _is_number(r["value"]):
            raise _bad("numbers", r, "value must be a number or X")
        numbers[r["form"].lower()] = r["value"]
    ordinals = {}
    for r in tables["ordinals"]:
        if r["value"] != "last" and not r["value"].isdigit():
            raise _bad("ordinals", r, "value must be an integer or 'last'")
        ordinals[r["form"].lower()] = r["value"]
    units = {}
    for r in tables["units"]:
        unit = Unit(r["iso"], float(r["factor"]), r["vague"], r["time"] == "true")
        units[r["form"].lower()] = unit
        units[r["plural"].lower()] = unit
    mods: dict[str, dict[str, str]] = {}
    for r in tables["modifiers"]:
        mods.setdefault(r["kind"], {})[norm_space(r["form"].lower())] = r["mod"]
    sets = {}
    for r in tables["sets"]:
        if not re.fullmatch(r"PT?\d+[YMWDH]", r["value"]):
            raise _bad("sets", r, "value must be an ISO duration like P1Y")
        sets[norm_space(r["form"].lower())] = r["value"]
    events = {}
    for r in tables["events"]:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["value"]):
            raise _bad("events", r, "value must be YYYY-MM-DD")
        events[norm_space(r["form"])] = r["value"]
    return {"numbers": numbers, "ordinals": ordinals, "units": units, "mods": mods, "sets": sets, "events": events,
            **_holidays_and_zones(tables)}


_HOLIDAY_RULE = re.compile(r"(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|1[0-2])/[1-7]/(?:-1|[1-5])|easter[+-]\d{1,2}")
_OFFSET = re.compile(r"[+-](?:0\d|1[0-4]):[0-5]\d")


def _holidays_and_zones(tables: dict[str, list[dict[str, str]]]) -> dict:
    """Holidays (form -> rule) and time zones (place or abbreviation -> IANA zone or offset)."""
    from zoneinfo import ZoneInfo

    holidays = {}
    for r in tables["holidays"]:
        if not _HOLIDAY_RULE.fullmatch(r["rule"]):
            raise _bad("holidays", r, "rule must be MM-DD, MM/W/N or easter+N")
        holidays[holiday_key(r["form"])] = r["rule"]
    zones = {}
    for r in tables["zones"]:
        if not _OFFSET.fullmatch(r["zone"]):
            try:
                ZoneInfo(r["zone"])
            except Exception:
                raise _bad("zones", r, "zone must be an IANA time zone or an offset like +03:00") from None
        zones[norm_space(r["form"])] = r["zone"]
    return {"holidays": holidays, "zones": zones}



def _context_words(tables: dict[str, list[dict[str, str]]]) -> dict:
    """The words around a candidate (context.tsv) and the words of the tense rules (tense_cues.tsv,
    tense_words.tsv)."""
    roles = _by_role(tables["context"], CONTEXT_ROLES)
    roles["not_name"] |= roles["license"]
    # "US$ 5 billion a year": a digit, "%" or an amount word, then only signs and spaces
    amounts = [r"\d", "%"] + [re.escape(w) for w in sorted(roles["amount"])]
    amount_before = re.compile("(?:" + "|".join(amounts) + r")\W*\s*$", re.IGNORECASE)
    cue_tense = {}
    ed_exceptions = set()
    for r in tables["tense_cues"]:
        if r["tense"] == "none":
            ed_exceptions.add(r["form"].lower())
        else:
            cue_tense[norm_space(r["form"].lower())] = r["tense"]
    return {"roles": roles, "amount_before": amount_before, "cue_tense": cue_tense,
            "ed_exceptions": frozenset(ed_exceptions), "tense_words": _by_role(tables["tense_words"], TENSE_WORD_ROLES)}


def _by_role(rows: list[dict[str, str]], roles: frozenset[str]) -> dict[str, frozenset[str]]:
    """Lowercase forms per role, every role present (empty when no row has it)."""
    forms: dict[str, set[str]] = {role: set() for role in roles}
    for r in rows:
        forms[r["role"]].add(r["form"].lower())
    return {role: frozenset(words) for role, words in forms.items()}


@gc_paused()
def build_grammar(tables: dict[str, list[dict[str, str]]]) -> Grammar:
    """Compile the tables (as :func:`.resources.load_tables` reads them); every malformed value
    fails with the file name and the row."""
    grammar = Grammar(rows=[], dispatch={}, **_calendar_words(tables), **_count_words(tables),
                      **_context_words(tables), rules=RULES)
    macros = build_macros(tables)
    file = TABLES["patterns"].file
    try:
        _add_rows(grammar, tables["patterns"], macros, file)
    except Exception:
        # Something is wrong with a row: find it the slow way, row by row in file order, so the
        # error is the one the first bad row gives (a pattern that only looked wrong to the
        # shortcuts would be built as it always was).
        forget_joined(grammar)
        grammar.rows, grammar.dispatch, grammar.row_of_rule, grammar.next_words = [], {}, {}, {}
        add_rows_checked(grammar, tables["patterns"], macros, file)
    return grammar


def _add_rows(g: Grammar, patterns: list[dict[str, str]], macros: dict[str, str], file: str) -> None:
    """The pattern rows of :func:`build_grammar`, with every regex parsed once and compiled once:
    each row's source is parsed for :func:`first_keys` and :func:`second_words` together, and
    compiled only inside its keys' joined alternations, which also check that it matches its own
    example (a row is compiled alone only when an earlier row of the alternation takes that
    example). Raises on any problem (the caller then runs :func:`add_rows_checked`)."""
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
    _set_rows(g, rows, dispatch, per_row)
    for row in rows:
        if not matches_own_example(g, row):
            raise ResourceError(f"{row.example!r}: the pattern does not match its own example")


def matches_own_example(g: Grammar, row: Row) -> bool:
    """``row.regex.fullmatch(row.example)``, read from the joined alternation of the example's
    first word when that alternation's first full match is this row (compiling the row alone
    only otherwise)."""
    rows = g.dispatch.get(word_key(row.example, 0)) if row.example else None
    if rows and row.index in rows:
        m = joined(g, rows).fullmatch(row.example)
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


def add_rows_checked(g: Grammar, patterns: list[dict[str, str]], macros: dict[str, str], file: str) -> None:
    """The pattern rows compiled one by one, each checked before the next (the error messages)."""
    rows: list[Row] = []
    dispatch: dict[str, list[int]] = {}
    for i, r in enumerate(patterns):
        if r["rule"] not in RULES:
            raise _bad("patterns", r, f"unknown rule {r['rule']!r} (known: {sorted(RULES)})")
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
    _set_rows(g, rows, dispatch)


def _set_rows(g: Grammar, rows: list[Row], dispatch: dict[str, list[int]],
              per_row: dict[int, dict[str, set[str] | None] | None] | None = None) -> None:
    """Install the rows and their dispatch in ``g``, with the tables derived from them, and compile
    the joined alternations now rather than during the first documents."""
    g.rows = rows
    g.dispatch = {k: tuple(v) for k, v in dispatch.items()}
    for row in rows:
        g.row_of_rule.setdefault(row.rule, []).append(row.index)
    g.next_words = _next_word_table(rows, g.dispatch, per_row)
    g.exact_dispatch = exact_dispatch(g.dispatch)
    for key_rows in set(g.dispatch.values()):
        joined(g, key_rows)


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


@lru_cache(maxsize=1)
def default_grammar() -> Grammar:
    """The grammar of the packaged tables (built once per process)."""
    return build_grammar(load_tables())


def _is_number(s: str) -> bool:
    """Does ``s`` parse as a number (``float``)?"""
    try:
        float(s)
    except ValueError:
        return False
    return True

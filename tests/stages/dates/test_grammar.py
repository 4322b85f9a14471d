"""Dates stage: the grammar compiled from the tables (dispatch keys, second words, macros), the
fast build equal to the row-by-row one, and malformed rule data failing loudly."""
from __future__ import annotations

import dataclasses
import re

import pytest

from pipeline import regex_structure as R
from pipeline.resources import ResourceError
from pipeline.stages.dates.compiled import Grammar, Row
from pipeline.stages.dates.find import find_candidates
from pipeline.stages.dates.grammar import (
    add_rows_checked,
    build_grammar,
    build_macros,
    default_grammar,
    exact_dispatch,
    matches_own_example,
)
from pipeline.stages.dates.resources import load_tables, write_tables


def test_first_keys():
    assert R.first_keys(r"(?:the\s)?(?P<d>\d+)\s(?-i:[QH])") == {"the", R.DIGIT_KEY}
    assert R.first_keys(r"mid-(?:summer|winter)") == {"mid"}
    with pytest.raises(ResourceError):
        R.first_keys(r".*year")


def test_second_words_of_a_pattern():
    got = R.second_words(r"the\s(?P<rel>current|present)\s(?:year|month)")
    assert got == {"the": {"current", "present"}}
    assert R.second_words(r"(?:the\s)?(?P<dec>1\d\d0)s") == {"the": {R.DIGIT_KEY}}
    assert R.second_words(r"mid[\s-](?P<year>\d{4})") == {"mid": {R.DIGIT_KEY, R.after_key("-")}}
    assert R.second_words(r"today") == {"today": None}            # the pattern may end after the word
    assert R.second_words(r"the\s+year") == {"the": None}         # several spaces: no promise


def _checked_grammar() -> Grammar:
    """The grammar built the row-by-row way (each row compiled and checked alone)."""
    tables = load_tables()
    g = build_grammar(tables)
    slow = dataclasses.replace(g, rows=[], dispatch={}, row_of_rule={}, next_words={}, lookup_cache={},
                               exact_dispatch=False)
    add_rows_checked(slow, tables["patterns"], build_macros(tables), "patterns.tsv")
    return slow


def test_fast_grammar_equals_the_row_by_row_one():
    g, slow = default_grammar(), _checked_grammar()
    assert [(r.index, r.rule, r.example, r.source) for r in g.rows] == [(r.index, r.rule, r.example, r.source) for r in slow.rows]
    assert g.dispatch == slow.dispatch and list(g.dispatch) == list(slow.dispatch)
    assert g.next_words == slow.next_words
    assert g.row_of_rule == slow.row_of_rule
    assert g.exact_dispatch and slow.exact_dispatch
    for row, slow_row in zip(g.rows, slow.rows):
        assert row.regex.pattern == slow_row.regex.pattern
        assert matches_own_example(g, row) == bool(slow_row.regex.fullmatch(row.example))
        other = Row(row.index, row.rule, "2015" if row.example != "2015" else "May", row.source)
        assert matches_own_example(g, other) == bool(slow_row.regex.fullmatch(other.example))


def test_second_words_memo_equals_the_plain_walk():
    """second_words walks a shared tail once; the answers are those of walking every path."""
    g = default_grammar()
    num = build_macros(load_tables())["NUM"]
    sources = [r.source for r in g.rows] + [
        r"(?:a|b)\s(?:c|d)\s(?:e|f)", r"(?:ab|a)\s(?:x|y)+\sz", r"(?:a\s)+b", r"(?:x|y)\s(?:" + num + r")\s(?:z|é)",
        r"(?:x|yy)\s(?:p|q)|(?:x|yy)\s(?:p|r)", r"a\s(?:b|\d)|c\s(?:b|\d)", r"(?:a|b)\s(?:c|.)", r"(?:a|b)\s" + "(?:x)" * 250,
    ]
    for source in sources:
        got = want = "any"
        try:
            got = R.second_words(source)
        except R.AnyNext:
            pass
        try:
            want = _second_words_plain(source)
        except R.AnyNext:
            pass
        assert got == want, source


def _second_words_plain(source: str) -> dict[str, set[str] | None]:
    """R.second_words as it was before the tail memo (the reference)."""
    parsed = R._sre_p.parse(source, re.IGNORECASE)
    out: dict[str, set[str] | None] = {}

    def add(w1: str, w2: str | None) -> None:
        if w2 is None or not (w2.isascii() or w2.startswith("<")):
            out[w1] = None
        elif out.get(w1, ()) is not None:
            out.setdefault(w1, set()).add(w2)

    # w1 None: reading the first word (``prefix``); else reading the second one (``prefix``, "" =
    # right after the single space). ``loose``: inside or after a repeat that may run more than
    # once, where "one step, then the rest" no longer describes the text: answer None.
    def walk(items: list, w1: str | None, prefix: str, loose: bool, depth: int = 0) -> None:
        if depth > 200:
            raise R.AnyNext
        for i, (op, av) in enumerate(items):
            rest = items[i + 1:]
            if op in R._ZERO_WIDTH:
                continue
            if op is R._sre_c.LITERAL or op is R._sre_c.IN:
                chars = {chr(av)} if op is R._sre_c.LITERAL else R._class_chars(av)
                if chars is None:
                    if w1 is None:
                        if not prefix:
                            raise R.AnyNext
                        add(prefix, None)
                    else:
                        add(w1, None)
                    return
                for ch in chars:
                    if w1 is None:
                        if ch.isalpha():
                            walk(rest, None, prefix + ch.lower(), loose, depth + 1)
                        elif not prefix:
                            continue        # a digit/symbol first word: not gated
                        elif loose:
                            add(prefix, None)
                        elif ch.isspace():
                            walk(rest, prefix, "", loose, depth + 1)
                        else:
                            add(prefix, R.after_key(ch))   # "a-year", "mid-2025": glued to a sign
                    elif ch.isalpha():
                        walk(rest, w1, prefix + ch.lower(), loose, depth + 1)
                    elif prefix:
                        add(w1, None if loose else prefix)
                    elif ch.isspace():
                        add(w1, None)       # a second space
                    else:
                        add(w1, R.char_key(ch))   # one digit or sign: what repeats after it does not matter
                return
            if op is R._sre_c.BRANCH:
                for alt in av[1]:
                    walk(list(alt.data) + rest, w1, prefix, loose, depth + 1)
                return
            if op is R._sre_c.SUBPATTERN:
                walk(list(av[-1].data) + rest, w1, prefix, loose, depth + 1)
                return
            if op in R._REPEATS:
                lo, hi, sub = av
                if hi != 0:
                    walk(list(sub.data) + rest, w1, prefix, loose or hi > 1, depth + 1)
                if lo == 0:
                    walk(rest, w1, prefix, loose, depth + 1)
                return
            # anything else (a back reference, "any character" ...)
            if w1 is None:
                if not prefix:
                    raise R.AnyNext
                add(prefix, None)
            else:
                add(w1, None)
            return
        if w1 is None:
            if prefix:
                add(prefix, None)    # the pattern can end right after its first word
        else:
            add(w1, prefix if prefix and not loose else None)

    walk(list(parsed.data), None, "", False)
    return out


def test_exact_dispatch_needs_ascii_words_and_caseless_signs():
    assert exact_dispatch({"the": (0,), R.DIGIT_KEY: (1,), "<CHAR:’>": (2,)})
    assert not exact_dispatch({"ſept": (0,)})
    assert not exact_dispatch({"<CHAR:Ⅰ>": (0,)})


def test_bad_rows_fail_with_the_row_by_row_errors(tmp_path):
    from pipeline.resources import ResourceError

    tables = load_tables()
    for pattern, message in (("(?P<year><YEAR>", "invalid regex"), ("(?<=a+)<YEAR>", "invalid regex"),
                             ("<NOPE>", "unknown macro"), (".*<YEAR>", "unsupported regex element"), ("20", "does not match its own example")):
        bad = dict(tables, patterns=tables["patterns"] + [{"rule": "year", "example": "2015", "pattern": pattern}])
        with pytest.raises(ResourceError, match=message):
            build_grammar(bad)


def test_bad_resources_fail_loudly(tmp_path):
    tables = load_tables()
    write_tables(tables, tmp_path)
    path = tmp_path / "dates" / "patterns.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "year\t2015 BC\t(?P<year><YEAR>)\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="does not match its own example"):
        build_grammar(load_tables(tmp_path))
    write_tables(tables, tmp_path)
    path = tmp_path / "dates" / "months.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "Smarch\t13\tfree\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="months.tsv"):
        build_grammar(load_tables(tmp_path))


def test_context_words_are_rule_data():
    """The word lists the checks read come from the tables: "over" means "more than" after "for"
    because context.tsv says so."""
    text = "The truce held for over 25 years."
    tables = load_tables()
    assert [text[c.start:c.end] for c in find_candidates(text, build_grammar(tables))] == ["over 25 years"]
    context = [r for r in tables["context"] if (r["form"], r["role"]) != ("for", "over_more")]
    g = build_grammar(dict(tables, context=context))
    assert [text[c.start:c.end] for c in find_candidates(text, g)] == ["25 years"]


def test_unknown_role_fails_with_file_and_line(tmp_path):
    tables = load_tables()
    write_tables(tables, tmp_path)
    path = tmp_path / "dates" / "tense_words.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "soon\tfuture_adverb\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"tense_words\.tsv:\d+: role='future_adverb'"):
        load_tables(tmp_path)

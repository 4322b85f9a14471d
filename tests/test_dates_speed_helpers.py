"""Dates stage: the exact shortcuts of the detector (second-word gate, range bisection, cached
lookups) agree with the slow definitions they replace."""
from __future__ import annotations

import random
import re

import numpy as np
import pytest

from pipeline.stages import dates as D
from pipeline import regex_structure as R


def _texts() -> list[str]:
    g = D.default_grammar()
    words = set()
    for row in g.rows:
        words.update(re.findall(r"\w+|\W", row.example))
    for key, nxt in g.next_words.items():
        words.add(key)
        words.update(w for w in nxt or () if not w.startswith("<"))
    words = sorted(words) + [" ", "  ", "-", "’", "'", "1990s", "2014", ".", ",", "The", "THE", "Year",
                             "ſame", "\u212aey", "United", "the\u00a0year"]
    rnd = random.Random(7)
    texts = [row.example for row in g.rows] + [row.example.upper() + " and " + row.example for row in g.rows]
    for _ in range(2000):
        texts.append("".join(rnd.choice(words) + rnd.choice([" ", " ", "", "-", "  "]) for _ in range(10)))
    return texts


def test_second_words_of_a_pattern():
    got = D.second_words(r"the\s(?P<rel>current|present)\s(?:year|month)")
    assert got == {"the": {"current", "present"}}
    assert D.second_words(r"(?:the\s)?(?P<dec>1\d\d0)s") == {"the": {D.DIGIT_KEY}}
    assert D.second_words(r"mid[\s-](?P<year>\d{4})") == {"mid": {D.DIGIT_KEY, D.after_key("-")}}
    assert D.second_words(r"today") == {"today": None}            # the pattern may end after the word
    assert D.second_words(r"the\s+year") == {"the": None}         # several spaces: no promise


def test_can_start_here_never_rejects_a_match():
    g = D.default_grammar()
    assert g.next_words["the"] is not None
    rejected = 0
    for text in _texts():
        for hi in (len(text), max(0, len(text) - 3)):
            for m in re.finditer(r"(?<![^\W\d_])[^\W\d_]", text[:hi]):
                rows = g.dispatch.get(D.word_key(text, m.start()))
                if not rows or D.can_start_here(g, text, m.start(), hi, rows):
                    continue
                rejected += 1
                assert D._joined(g, rows).match(text, m.start(), hi) is None, (text, m.start(), hi)
    assert rejected > 1000


def test_can_start_here_rejects_the_common_non_dates():
    g = D.default_grammar()
    text = "the United States and a number of allies"
    assert not D.can_start_here(g, text, 0, len(text), g.dispatch["the"])
    text = "the summer of 2019"
    assert D.can_start_here(g, text, 0, len(text), g.dispatch["the"])


def test_overlapping_equals_the_scan():
    rnd = random.Random(3)
    for _ in range(300):
        ranges = sorted((s, s + rnd.randint(0, 30)) for s in (rnd.randint(0, 200) for _ in range(rnd.randint(0, 12))))
        starts = [r[0] for r in ranges]
        reach = list(np.maximum.accumulate([r[1] for r in ranges])) if ranges else []
        lo = rnd.randint(0, 220)
        hi = lo + rnd.randint(0, 60)
        assert D.overlapping(ranges, starts, reach, lo, hi) == [r for r in ranges if r[0] < hi and lo < r[1]]


def test_hash_lookup_matches_the_function():
    strings = {i: f"w{i % 7}" for i in range(50)}
    table = D.HashLookup(lambda w: int(w[1:]) + 1)
    for batch in ([3, 4, 3], [10, 49, 0, 3], [], [7]):
        got = table.lookup(np.asarray(batch, dtype=np.uint64), strings).tolist()
        assert got == [int(strings[h][1:]) + 1 for h in batch]


def _doc_texts() -> list[str]:
    texts = _texts()
    g = D.default_grammar()
    words = sorted({w for nxt in g.next_words.values() for w in nxt or () if not w.startswith("<")})[:200]
    words += ["the", "a", "in", "that", "The", "THE", "year", "U.S.", "don’t", "’s", "2014", "1990s", "-", ",", "’",
              "ſame", "\u212aey", "Ünited", "cannot", "gonna", "x2"]
    rnd = random.Random(11)
    seps = [" ", " ", " ", "", "  ", "\n", "\t", "\u00a0", "-", ", ", "\n\n"]
    for _ in range(1500):
        texts.append("".join(rnd.choice(words) + rnd.choice(seps) for _ in range(12)))
    return texts + [" ".join(texts[i:i + 5]) for i in range(0, 400, 5)] + [
        "In the United States, the year 2000 and the 1990s. The\nyear before, the  year after; the, the-year.",
        "cannot the cannot the U.S. the don’t the ’90s and a decade-long the year’s",
    ]


def test_second_word_keep_never_drops_a_start_can_start_here_keeps():
    import spacy
    nlp = spacy.blank("en")
    g = D.default_grammar()
    tables = D._gate_tables(g)
    dropped = 0
    for text in _doc_texts():
        doc = nlp.make_doc(text)
        view = D.DocView(doc, g)
        codes = np.asarray([D.token_code(g, tables, t.text) for t in doc], dtype=np.int64)
        starts = np.flatnonzero(codes >> D._ROWS_SHIFT)
        if not len(starts):
            continue
        keep = D.second_word_keep(tables.allowed, codes, view.spacy, starts)
        for i, kept in zip(starts.tolist(), keep.tolist()):
            if kept:
                continue
            dropped += 1
            rows = g.dispatch[D.word_key(doc[i].lower_, 0)]
            # the verdict holds for any sentence end at or after the token's end
            for hi in {len(text)} | {t.idx + len(t) for t in doc[i:i + 4]}:
                assert not D.can_start_here(g, text, doc[i].idx, hi, rows), (text, i, hi)
    assert dropped > 500


def test_token_code_rows_match_the_lowercase_dispatch():
    g = D.default_grammar()
    tables = D._gate_tables(g)
    all_rows = g.lookup_cache.setdefault("rows", [()])
    for word in ["The", "the", "THE", "2014", "’90s", "May", "may", "in", "Ünited", "\u212aey", "x"]:
        code = D.token_code(g, tables, word)
        assert all_rows[code >> D._ROWS_SHIFT] == tuple(g.dispatch.get(D.word_key(word.lower(), 0), ()))


def test_iob_entities_equals_doc_ents():
    import spacy
    from spacy.attrs import ENT_IOB, ENT_TYPE
    from spacy.tokens import Span
    nlp = spacy.blank("en")
    rnd = random.Random(5)
    for _ in range(200):
        doc = nlp.make_doc(" ".join(rnd.choice(["a", "b", "c", "d"]) for _ in range(rnd.randint(0, 15))))
        spans, i = [], 0
        while i < len(doc):
            if rnd.random() < 0.3:
                j = min(len(doc), i + rnd.randint(1, 3))
                spans.append(Span(doc, i, j, label=rnd.choice(["ORG", "DATE", "GPE"])))
                i = j
            else:
                i += 1
        doc.set_ents(spans, default=rnd.choice(["outside", "missing"]))
        arr = doc.to_array([ENT_IOB, ENT_TYPE]) if len(doc) else np.zeros((0, 2), dtype=np.uint64)
        first, last, label = D.iob_entities(arr[:, 0], arr[:, 1])
        assert list(zip(first.tolist(), (last + 1).tolist(), label.tolist())) == [(e.start, e.end, e.label) for e in doc.ents]


def test_entity_char_ranges_equals_entity_ranges():
    import spacy
    from spacy.tokens import Span
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Vostok 2018 began in 1956 with the Second World War and 5 tanks in Moscow")
    doc.set_ents([Span(doc, 0, 2, label="EVENT"), Span(doc, 4, 5, label="DATE"), Span(doc, 7, 10, label="EVENT"),
                  Span(doc, 11, 12, label="CARDINAL")])
    doc.spans["entities"] = [Span(doc, 0, 2, label="EVENT"), Span(doc, 14, 15, label="GPE"), Span(doc, 13, 15, label="ORG")]
    view = D.DocView(doc, D.default_grammar())
    assert D.entity_char_ranges(view) == D._entity_ranges(doc)


def test_hash_lookup_starts_over_when_full():
    strings = {i: f"w{i}" for i in range(100)}
    table = D.HashLookup(lambda w: int(w[1:]) * 2, max_keys=10)
    for start in range(0, 100, 7):
        batch = list(range(start, min(100, start + 8)))
        got = table.lookup(np.asarray(batch, dtype=np.uint64), strings).tolist()
        assert got == [h * 2 for h in batch]
        assert len(table.keys) <= 10


# --- build time: rows parsed once, compiled only in their alternations -----------------------------


def _checked_grammar() -> D.Grammar:
    """The grammar built the row-by-row way (each row compiled and checked alone)."""
    tables = D.load_tables()
    g = D.build_grammar(tables)
    slow = D.Grammar(rows=[], dispatch={}, months=g.months, weekdays=g.weekdays, seasons=g.seasons,
                     numbers=g.numbers, ordinals=g.ordinals, units=g.units, mods=g.mods, sets=g.sets,
                     events=g.events, roles=g.roles, cue_regex=g.cue_regex, cue_tense=g.cue_tense,
                     ed_exceptions=g.ed_exceptions)
    D._add_rows_checked(slow, tables["patterns"], D._macros(tables), "patterns.tsv", None)
    return slow


def test_fast_grammar_equals_the_row_by_row_one():
    g, slow = D.default_grammar(), _checked_grammar()
    assert [(r.index, r.rule, r.example, r.source) for r in g.rows] == [(r.index, r.rule, r.example, r.source) for r in slow.rows]
    assert g.dispatch == slow.dispatch and list(g.dispatch) == list(slow.dispatch)
    assert g.next_words == slow.next_words
    assert g.row_of_rule == slow.row_of_rule
    assert g.exact_dispatch and slow.exact_dispatch
    for row, slow_row in zip(g.rows, slow.rows):
        assert row.regex.pattern == slow_row.regex.pattern
        assert D.matches_own_example(g, row) == bool(slow_row.regex.fullmatch(row.example))
        other = D.Row(row.index, row.rule, "2015" if row.example != "2015" else "May", row.source)
        assert D.matches_own_example(g, other) == bool(slow_row.regex.fullmatch(other.example))


def test_second_words_memo_equals_the_plain_walk():
    """second_words walks a shared tail once; the answers are those of walking every path."""
    g = D.default_grammar()
    num = D._macros(D.load_tables())["NUM"]
    sources = [r.source for r in g.rows] + [
        r"(?:a|b)\s(?:c|d)\s(?:e|f)", r"(?:ab|a)\s(?:x|y)+\sz", r"(?:a\s)+b", r"(?:x|y)\s(?:" + num + r")\s(?:z|é)",
        r"(?:x|yy)\s(?:p|q)|(?:x|yy)\s(?:p|r)", r"a\s(?:b|\d)|c\s(?:b|\d)", r"(?:a|b)\s(?:c|.)", r"(?:a|b)\s" + "(?:x)" * 250,
    ]
    for source in sources:
        got = want = "any"
        try:
            got = D.second_words(source)
        except R.AnyNext:
            pass
        try:
            want = _second_words_plain(source)
        except R.AnyNext:
            pass
        assert got == want, source


def _second_words_plain(source: str) -> dict[str, set[str] | None]:
    """D.second_words as it was before the tail memo (the reference)."""
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
                            add(prefix, D.after_key(ch))   # "a-year", "mid-2025": glued to a sign
                    elif ch.isalpha():
                        walk(rest, w1, prefix + ch.lower(), loose, depth + 1)
                    elif prefix:
                        add(w1, None if loose else prefix)
                    elif ch.isspace():
                        add(w1, None)       # a second space
                    else:
                        add(w1, D.char_key(ch))   # one digit or sign: what repeats after it does not matter
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


def test_normalize_date_by_dispatch_equals_trying_every_row():
    g = D.default_grammar()
    texts = [r.example for r in g.rows] + _texts()[:1500]
    texts += ["between 2014 and 2016", "from May to June 2019", "early 2020", "mid-2025", "ſeptember 2019",
              "\u212aey 2019", "’90s", "the 1990s", "", "  2015  ", "1–3 October 2023", "late summer 2019"]
    for text in texts:
        for anchor, tense, ref in (("2020-06-15", "past", "2019"), (None, None, None), ("2016", "future", None)):
            want = None
            stripped = text.strip()
            for row in g.rows:
                m = row.regex.fullmatch(stripped)
                if not m:
                    continue
                try:
                    want = D._normalize_groups(row.rule, D._groups(m), g, D.parse_anchor(anchor), tense, ref)
                except D._Reject:
                    continue
                break
            if want is None:
                want = D._result("date", None, unresolved="unrecognized")
            assert D.normalize_date(text, anchor=anchor, tense=tense, reference=ref) == want, text


def test_exact_dispatch_needs_ascii_words_and_caseless_signs():
    assert D.exact_dispatch({"the": (0,), D.DIGIT_KEY: (1,), "<CHAR:’>": (2,)})
    assert not D.exact_dispatch({"ſept": (0,)})
    assert not D.exact_dispatch({"<CHAR:Ⅰ>": (0,)})


def test_bad_rows_fail_with_the_row_by_row_errors(tmp_path):
    from pipeline.resources import ResourceError

    tables = D.load_tables()
    for pattern, message in (("(?P<year><YEAR>", "invalid regex"), ("(?<=a+)<YEAR>", "invalid regex"),
                             ("<NOPE>", "unknown macro"), (".*<YEAR>", "unsupported regex element"), ("20", "does not match its own example")):
        bad = dict(tables, patterns=tables["patterns"] + [{"rule": "year", "example": "2015", "pattern": pattern}])
        with pytest.raises(ResourceError, match=message):
            D.build_grammar(bad)

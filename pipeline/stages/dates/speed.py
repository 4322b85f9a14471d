"""The dates stage's speed layer: a per-document view of the token arrays (no Token objects),
per-string tables looked up for a whole Doc at once, the vectorized gates that keep only the
tokens a pattern can start at, and the entity ranges read from the IOB columns. Each shortcut
here is exact: ``tests/stages/dates/test_speed.py`` checks it against the slow definition."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc

from ...extensions import SPANS_ENTITIES, doc_text
from ...regex_structure import after_key, char_key
from ...resources import ResourceError
from ..segment import boilerplate_ranges
from .compiled import Grammar
from .rows import word_key

# Entity labels that are themselves numeric/temporal (from a statistical NER): a date inside
# them is still a date. Every other entity label blocks dates inside it.
NUMERIC_ENTITY_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"})


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
        self.orth = arr[:, 0]        # ORTH hash per token
        self.spacy = arr[:, 4]       # 1: one space follows the token
        self.idx = arr[:, 1].astype(np.int64)
        self.ends = self.idx + arr[:, 2].astype(np.int64)
        self.sent_start = arr[:, 3].astype(np.int64)   # 1 start, -1 not, 0 unknown
        self.ent_iob, self.ent_type = arr[:, 5], arr[:, 6]
        self._ends_list: list[int] | None = None
        self.has_dep = doc.has_annotation("DEP")
        # tense cue codes per sentence (see :func:`.tense.cue_codes`): computed on first use
        self.cue_cache: dict[tuple[int, int], list[int]] = {}
        self._para_starts: list[int] | None = None

    def paragraph_of(self, char: int) -> int:
        """Index of the paragraph (blank-line separated block) containing character ``char``."""
        if self._para_starts is None:
            self._para_starts = [0] + [m.end() for m in _PARA_BREAK.finditer(self.text)]
        return bisect_right(self._para_starts, char) - 1

    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) token ranges of the body sentences (as :func:`pipeline.stages.segment.body_sentences` defines them)."""
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

    def start_tokens(self) -> tuple[np.ndarray, list[tuple[int, ...]]]:
        """Sorted indices of the tokens some pattern can start at (vectorized gate), and the
        pattern rows each of them can start."""
        if not self.n:
            return np.zeros(0, dtype=np.int64), []
        codes = _token_table(self.g).lookup(self.orth, self.doc.vocab.strings)
        ids = codes >> ROWS_SHIFT
        starts = np.flatnonzero(ids)
        if len(starts):
            # most "the", "a", "in", "that" are followed by a word no date pattern continues with:
            # drop them here, all at once, rather than one can_start_here() call each
            starts = starts[second_word_keep(gate_tables(self.g).allowed, codes, self.spacy, starts)]
        all_rows = self.g.lookup_cache.get("rows", [()])
        return starts, [all_rows[k] for k in ids[starts].tolist()]

    def lower_at(self, i: int) -> str:
        """Lowercase text of token ``i`` (spaCy's LOWER is ``ORTH.lower()``)."""
        return self.doc.vocab.strings[int(self.orth[i])].lower()

    def token_end(self, char_end: int) -> int | None:
        """Index + 1 of the token ending exactly at ``char_end`` (None: inside a token)."""
        ends = self._ends_list
        if ends is None:
            ends = self._ends_list = self.ends.tolist()   # bisect on a list beats a numpy call per date
        k = bisect_left(ends, char_end)
        return k + 1 if k < self.n and ends[k] == char_end else None


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


def gate_tables(g: Grammar) -> GateTables:
    """The :class:`GateTables` of ``g`` (built on first use, kept in its lookup cache)."""
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


ROWS_SHIFT = 50   # bits 50-62 of a token code: _rows_id() of the token (0: no pattern starts there)


def _token_table(g: Grammar) -> "HashLookup":
    """Per ORTH string: its pattern rows id (high bits) and its second-word gate facts."""
    tables = gate_tables(g)
    return _lookup_table(g, "token_codes", lambda s: token_code(g, tables, s))


def token_code(g: Grammar, tables: GateTables, s: str) -> int:
    """:func:`_rows_id` of the token string ``s`` (lowercased, as spaCy's LOWER) above bit 50, and
    its :func:`gate_code` below."""
    rows_id = _rows_id(g, s.lower())
    if rows_id >= 1 << (63 - ROWS_SHIFT):
        raise ResourceError("dates: too many distinct pattern row sets for the token table")
    return rows_id << ROWS_SHIFT | gate_code(tables, s)


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


def can_start_here(g: Grammar, text: str, pos: int, hi: int, rows: Sequence[int]) -> bool:
    """Cheap exact pre-test for :func:`.find.match_at`: False only when no row of ``rows`` can match at
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


def entity_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the entities that block dates, read span by span (the slow definition
    of :func:`entity_char_ranges`)."""
    spans = list(doc.ents)
    if SPANS_ENTITIES in doc.spans:
        spans.extend(doc.spans[SPANS_ENTITIES])
    return sorted({(s.start_char, s.end_char) for s in spans if s.label_ not in NUMERIC_ENTITY_LABELS})


def entity_char_ranges(view: "DocView") -> list[tuple[int, int]]:
    """``entity_ranges(view.doc)`` from the view's arrays: ``doc.ents`` is rebuilt from the IOB columns
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

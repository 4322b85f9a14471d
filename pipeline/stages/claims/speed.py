"""The claims stage's speed layer: plain token views, array reads of other stages' spans, gates
that skip regexes which cannot match, and fast twins of slow checks.

Every helper here gives exactly what the plain spaCy / Python way gives (each has a
fast-equals-slow test in ``tests/stages/claims/test_speed.py``); the rule modules read these views
instead of Token and Span objects.
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Container, Iterable, Sequence
from typing import NamedTuple

import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, ORTH, POS, SENT_START, TAG
from spacy.tokens import Doc, Span

from ...extensions import SPANS_ENTITIES, doc_text
from ...regex_structure import anchored_union, required_literals
from ..segment import body_sentences, boilerplate_ranges

# --- case-insensitive regexes and their lowercase twins -----------------------------------------

SUBORD_WORDS = ("that", "which", "who", "whom", "whose", "because", "since", "if", "when", "whether", "although", "though", "while", "unless", "until", "where", "whereas", "once")
SUBORD_RE = re.compile(r"\b(?:" + "|".join(SUBORD_WORDS) + r")\b", re.I)
SUBORD_MAX = max(map(len, SUBORD_WORDS))  # (a match is that long at most: re.I pairs single chars)
CONDITIONAL_RE = re.compile(r"\b(?:if|unless|otherwise|were\s+(?:it|they|he|she|the|to)|had\s+(?:it|they|he|she|the))\b", re.I)
# SUBORD_RE and CONDITIONAL_RE (lowercase words, \b, \s; re.I) are slow: at every position re.I
# compares each word char by char. Their case-sensitive twins find the same matches in the
# lowercased text, which is several times faster, when lowercasing maps each char to one char
# (equal lengths) and the text holds none of CASE_EXCEPTIONS: the only chars (checked over all of
# Unicode) that lowercase to one char and match a letter under re.I without lowercasing to it
# ("ı" matches "i", "ſ" matches "s"); lowercasing keeps every char's \w and \s class.
CASE_EXCEPTIONS = ("ı", "ſ")
SUBORD_LOW_RE = re.compile(SUBORD_RE.pattern)
CONDITIONAL_LOW_RE = re.compile(CONDITIONAL_RE.pattern)

TERMINAL_END_RE = re.compile(r"[.!?…][\s\"'”’»)\]]*$|[.!?…]\s*\[\d+\]\s*$")
TERMINAL_MARKS = ".!?…"
TERMINAL_TRAIL = "\"'”’»)]"  # (and whitespace) may follow the terminal mark


def ends_terminal(text: str) -> bool:
    """``bool(TERMINAL_END_RE.search(text))``, read from the end of the text: a terminal mark, then
    only closing quotes/brackets and whitespace, or a footnote marker ("... end. [12]"). The regex
    search tries every position of the text; this reads the few chars at its end. (``\\s`` and
    ``\\d`` of a str regex are ``str.isspace`` / ``str.isdecimal`` per char.)"""
    j = len(text)
    while j and (text[j - 1].isspace() or text[j - 1] in TERMINAL_TRAIL):
        j -= 1
    if j and text[j - 1] in TERMINAL_MARKS:
        return True
    # "[.!?…]\s*\[\d+\]\s*$"
    j = len(text)
    while j and text[j - 1].isspace():
        j -= 1
    if not j or text[j - 1] != "]":
        return False
    j -= 1
    k = j
    while k and text[k - 1].isdecimal():
        k -= 1
    if k == j or not k or text[k - 1] != "[":
        return False
    k -= 1
    while k and text[k - 1].isspace():
        k -= 1
    return bool(k) and text[k - 1] in TERMINAL_MARKS


# --- frame gates ---------------------------------------------------------------------------------


def frame_gates(plan: Sequence[tuple]) -> tuple[tuple[str, ...] | None, Callable | None, list, list]:
    """(literals, anchored match, unanchored entries, anchored entries) for
    :meth:`FramePlan.entries_for`: literals one of which every unit an unanchored frame can match
    in contains (each frame contributes its longest: its single trigger or one of its
    :func:`required_literals`), and the ``match`` of :func:`anchored_union` over the anchored
    frames. A gate is None when it cannot be built (a frame with no required literal, no union):
    then its group is always tried. With no anchored union, every frame is in the unanchored group."""
    union = anchored_union([f.regex for f, *_ in plan if f.anchored])
    anchored = [entry for entry in plan if union is not None and entry[0].anchored]
    unanchored = [entry for entry in plan if not (union is not None and entry[0].anchored)]
    keys = []
    for frame, _, _, single, required in unanchored:
        lits = [t for t in ((single,) if single is not None else ()) + tuple(required) if t]
        if not lits:
            keys = None  # a frame that can fire anywhere: the group has no gate
            break
        keys.append(max(lits, key=len))
    return tuple(dict.fromkeys(keys)) if keys else None, union.match if union is not None else None, unanchored, anchored


class FramePlan:
    """The frames of the rules, prepared for :func:`~.frames.find_frame_cues`: per frame (frame,
    its regex's bound search, triggers, the trigger when there is exactly one, the
    :func:`required_literals` of its regex) (every frame runs on every unit, where attribute
    lookups add up), and the gates of :func:`frame_gates` over them."""

    def __init__(self, frames: Sequence) -> None:
        self.entries = [
            (f, f.regex.search, f.triggers, f.triggers[0] if len(f.triggers) == 1 else None,
             required_literals(f.regex.pattern) if f.regex.flags & re.I else ())
            for f in frames
        ]
        self.gates = frame_gates(self.entries)

    def entries_for(self, text: str, low: str) -> list:
        """The entries worth trying on a unit (``low`` = ``text.lower()``), in plan order. Nearly
        every unit fails every frame's trigger test or anchored regex, and trying the frames one
        by one costs more than the few that succeed: a test for the literals the unanchored frames
        require, and one :func:`anchored_union` match, drop those groups at once. Only frames
        whose own tests must fail are dropped (find_frame_cues applies every test to the rest)."""
        literals, anchored_match, unanchored, anchored = self.gates
        if literals is not None:
            for k in literals:
                if k in low:
                    break
            else:  # no unanchored frame can match
                return anchored if anchored and anchored_match(text) else []
        if anchored_match is not None and not anchored_match(text):
            return unanchored
        return self.entries


# --- token views ---------------------------------------------------------------------------------

# Per-token facts of one lexeme (ORTH hash -> row); see token_facts(). The ints are packed into one
# number (length << 4 | like_num << 3 | is_alpha << 2 | is_punct << 1 | is_space) so that a Doc's
# distinct lexemes make one flat array.
TokenFacts = tuple[str, str, int]  # text, lower, packed ints
TOKEN_FACTS_MAX = 30_000  # a cache over a huge corpus starts over rather than grow with it (peak RSS stays flat)


def _unpack(packed: numpy.ndarray) -> numpy.ndarray:
    """[length, is_space, is_punct, is_alpha, like_num] per row of packed lexeme ints."""
    return numpy.stack([packed >> 4, packed & 1, packed >> 1 & 1, packed >> 2 & 1, packed >> 3 & 1], axis=1)


def token_facts(doc: Doc, orths: numpy.ndarray, cache: dict[int, TokenFacts] | None = None) -> tuple[list[str], list[str], numpy.ndarray, list[TokenFacts], numpy.ndarray]:
    """Facts of the tokens given by their ORTH hashes: texts and lowercase texts (lists), an int
    array of [length, is_space, is_punct, is_alpha, like_num] per token (one row per token, flags
    0/1 like ``doc.to_array``), the rows of the distinct lexemes, and each token's index into them.

    All of these are attributes of the token's lexeme, so each distinct string is looked up once
    (``np.unique``) and the per-token lists are gathered by numpy fancy indexing: reading lexeme
    flags token by token (``doc.to_array([IS_PUNCT, ...])``) and StringStore lookups per token cost
    more than the rest of the table. ``cache`` (one per Vocab: lexeme attributes depend on the
    language) keeps the rows across Docs.
    """
    if cache is None:
        cache = {}
    elif len(cache) > TOKEN_FACTS_MAX:
        cache.clear()
    vocab = doc.vocab
    distinct, inverse = numpy.unique(orths, return_inverse=True)
    rows = []
    for orth in distinct.tolist():
        row = cache.get(orth)
        if row is None:
            row = cache[orth] = lexeme_row(vocab, orth)
        rows.append(row)
    texts = numpy.empty(len(rows), dtype=object)
    texts[:] = [row[0] for row in rows]
    lower = numpy.empty(len(rows), dtype=object)
    lower[:] = [row[1] for row in rows]
    packed = numpy.array([row[2] for row in rows], dtype=numpy.int64)[inverse]
    return texts[inverse].tolist(), lower[inverse].tolist(), _unpack(packed), rows, inverse


def lexeme_row(vocab, orth: int) -> TokenFacts:
    """The :func:`token_facts` row of one lexeme: (text, lower, packed ints)."""
    lex = vocab[orth]
    text = lex.orth_
    return text, lex.lower_, len(text) << 4 | lex.like_num << 3 | lex.is_alpha << 2 | lex.is_punct << 1 | lex.is_space


class LexemeIndex:
    """The :func:`token_facts` rows of the lexemes seen so far (one Vocab's), as arrays indexed by a
    row id, with their ORTH hashes sorted: a Doc's distinct hashes are found with
    ``numpy.searchsorted`` and its per-token lists gathered by fancy indexing, with no Python step
    per distinct lexeme (in the pipeline, a dict lookup per distinct lexeme of every Doc, and
    building its rows into arrays, cost more than the rest of the TokenTable). Only new lexemes are
    looked up in the Vocab; past TOKEN_FACTS_MAX rows the index starts over (peak RSS stays flat
    over a huge corpus), so a TokenTable's ``positions`` hold only until the next Doc's table."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self.clear()

    def clear(self) -> None:
        self.orths = numpy.zeros(0, dtype=numpy.uint64)  # sorted
        self.ids = numpy.zeros(0, dtype=numpy.intp)  # the row id of each of self.orths
        self.size = 0  # rows in use; the row arrays below have spare capacity
        self.texts = numpy.empty(0, dtype=object)
        self.lowers = numpy.empty(0, dtype=object)
        self.packed = numpy.zeros(0, dtype=numpy.int64)
        self._hits: dict[int, tuple[Container[str], numpy.ndarray]] = {}  # see hits()

    def rows_of(self, orths: numpy.ndarray) -> numpy.ndarray:
        """The row id of each ORTH hash (uint64), adding the lexemes not seen yet. (The distinct
        hashes are looked up: a sorted query is several times faster than one per token.)"""
        distinct, inverse = numpy.unique(orths, return_inverse=True)
        pos = numpy.searchsorted(self.orths, distinct)
        known = len(self.orths) and bool((self.orths[numpy.minimum(pos, len(self.orths) - 1)] == distinct).all())
        if not known and len(distinct):
            new = distinct if not len(self.orths) else distinct[self.orths[numpy.minimum(pos, len(self.orths) - 1)] != distinct]
            if self.size + len(new) > TOKEN_FACTS_MAX:
                self.clear()
                new = distinct
            self._add(new)
            pos = numpy.searchsorted(self.orths, distinct)
        return self.ids[pos][inverse]

    def _add(self, new: numpy.ndarray) -> None:
        rows = [lexeme_row(self.vocab, orth) for orth in new.tolist()]
        k, size = len(rows), self.size
        if size + k > len(self.texts):  # grow the row arrays (doubling: amortized O(1) per row)
            cap = max(2 * len(self.texts), size + k, 1024)
            texts, lowers, packed = numpy.empty(cap, dtype=object), numpy.empty(cap, dtype=object), numpy.zeros(cap, dtype=numpy.int64)
            texts[:size], lowers[:size], packed[:size] = self.texts[:size], self.lowers[:size], self.packed[:size]
            self.texts, self.lowers, self.packed = texts, lowers, packed
        self.texts[size:size + k] = [r[0] for r in rows]
        self.lowers[size:size + k] = [r[1] for r in rows]
        self.packed[size:size + k] = [r[2] for r in rows]
        at = numpy.searchsorted(self.orths, new)
        self.orths = numpy.insert(self.orths, at, new)
        self.ids = numpy.insert(self.ids, at, numpy.arange(size, size + k, dtype=numpy.intp))
        self.size = size + k

    def hits(self, words: Container[str]) -> numpy.ndarray:
        """Per row: its lowercase form is in ``words`` (kept per ``words`` object, extended for new rows)."""
        got = self._hits.get(id(words))
        hit = got[1] if got is not None and got[0] is words else numpy.zeros(0, dtype=bool)
        if len(hit) < self.size:
            more = numpy.array([w in words for w in self.lowers[len(hit):self.size].tolist()], dtype=bool)
            hit = numpy.concatenate((hit, more))
            if len(self._hits) > 16:  # (callers passing a new set each time)
                self._hits.clear()
            self._hits[id(words)] = (words, hit)  # (holding ``words`` keeps its id from being reused)
        return hit


def strings_of(hashes: numpy.ndarray, strings) -> list[str]:
    """``[strings[h] for h in hashes]``, looking each distinct hash up once (POS and TAG have few)."""
    distinct, inverse = numpy.unique(hashes, return_inverse=True)
    values = numpy.empty(len(distinct), dtype=object)
    values[:] = [strings[h] for h in distinct.tolist()]
    return values[inverse].tolist()


class TokenTable:
    """Plain lists of the token attributes the rules read, built once per Doc from ``doc.to_array``.

    Reading ``doc[i].lower_`` creates a Token object per access; the rules read neighbours of
    every cue, so plain lists make the stage several times faster. ``text`` equals ``doc.text``
    (the runner's cached source string, see :func:`pipeline.extensions.doc_text`). ``facts`` is
    an optional cache of lexeme rows for this Doc's Vocab: a :class:`LexemeIndex` (what the
    component keeps), or a dict for :func:`token_facts`.
    ``tag`` (the TAG strings) is built on first access: the stage itself reads only
    ``tag_hashes`` (see :meth:`tag_cum`), and a list of strings per token costs more than that.
    """

    __slots__ = ("text", "idx", "end", "txt", "low", "space", "punct", "alpha", "num", "nl", "pos", "_tag", "tag_hashes", "strings", "n", "lex_low", "lex_index", "_alpha_arr", "_lexemes")

    def __init__(self, doc: Doc, facts: LexemeIndex | dict[int, TokenFacts] | None = None) -> None:
        self.n = len(doc)
        self.text = doc_text(doc)
        if not self.n:
            self.idx, self.txt, self.low, self.end = [], [], [], []
            self.space = self.punct = self.alpha = self.num = self.nl = []
            self.pos = self._tag = self.tag_hashes = None
            self.lex_low, self.lex_index = [], numpy.zeros(0, dtype=numpy.intp)
            self._alpha_arr = self._lexemes = None
            return
        arr = doc.to_array([ORTH, IDX])  # uint64
        if isinstance(facts, LexemeIndex):
            self._lexemes = facts
            self.lex_index = ids = facts.rows_of(arr[:, 0])  # (indices into the index's rows)
            self.lex_low = None  # (positions() reads LexemeIndex.hits)
            txt, self.low = facts.texts[ids].tolist(), facts.lowers[ids].tolist()
            ints = _unpack(facts.packed[ids])
        else:
            self._lexemes = None
            txt, self.low, ints, rows, self.lex_index = token_facts(doc, arr[:, 0], facts)
            self.lex_low = [row[1] for row in rows]  # lowercase form of each distinct lexeme
        self.txt = txt
        idx = arr[:, 1].astype(numpy.int64)
        self.idx = idx.tolist()
        self.end = (idx + ints[:, 0]).tolist()
        self.space, self.punct, self.alpha, self.num = (ints[:, k].tolist() for k in (1, 2, 3, 4))
        self._alpha_arr = ints[:, 3]
        # only whitespace tokens can hold a newline: test those few instead of every token
        nl = [False] * self.n
        for i in numpy.flatnonzero(ints[:, 1]).tolist():
            nl[i] = "\n" in txt[i]
        self.nl = nl
        self.strings = strings = doc.vocab.strings
        self.pos = strings_of(doc.to_array(POS), strings) if doc.has_annotation("POS") else None
        self.tag_hashes = doc.to_array(TAG) if doc.has_annotation("TAG") else None  # uint64 hashes
        self._tag = None

    @property
    def tag(self) -> list[str] | None:
        """The TAG string of each token (None without tags); built on first access."""
        if self._tag is None and self.tag_hashes is not None:
            self._tag = strings_of(self.tag_hashes, self.strings)
        return self._tag

    def tag_cum(self, tags: Iterable[str]) -> list[int] | None:
        """Running count of tokens whose TAG is one of ``tags`` (None without tags): the tokens
        [a, b) hold such a tag iff ``cum[b] > cum[a]``. Compares hashes, no strings per token."""
        if self.tag_hashes is None:
            return None
        hashes = self.tag_hashes
        hit = numpy.zeros(len(hashes), dtype=bool)
        for t in tags:
            hit |= hashes == numpy.uint64(self.strings[t])
        return [0, *numpy.cumsum(hit, dtype=numpy.int64).tolist()]

    def alpha_cum(self) -> list[int]:
        """Running count of alphabetic tokens: the tokens [a, b) hold ``cum[b] - cum[a]`` words."""
        if self._alpha_arr is None:
            return list(itertools.accumulate(self.alpha, initial=0))
        return numpy.concatenate(([0], numpy.cumsum(self._alpha_arr))).tolist()

    def positions(self, words: Container[str]) -> list[int]:
        """Indices of the tokens whose lowercase form is in ``words``, in order (one test per
        distinct lexeme instead of one per token)."""
        if self._lexemes is not None:
            return numpy.flatnonzero(self._lexemes.hits(words)[self.lex_index]).tolist()
        hit = numpy.array([w in words for w in self.lex_low], dtype=bool)
        return numpy.flatnonzero(hit[self.lex_index]).tolist() if hit.any() else []

    def prev(self, i: int, floor: int) -> int:
        """Index of the last non-space token before ``i`` (not below ``floor``), or -1."""
        j = i - 1
        while j >= floor and self.space[j]:
            j -= 1
        return j if j >= floor else -1

    def next(self, i: int, ceil: int) -> int:
        """Index of the first non-space token at or after ``i`` (below ``ceil``), or -1."""
        j = i
        while j < ceil and self.space[j]:
            j += 1
        return j if j < ceil else -1


# --- sentences and other stages' spans, read from arrays ------------------------------------------


class SpanRef(NamedTuple):
    """A span of another stage, read once into plain values (same attribute names as Span)."""

    start: int
    end: int
    start_char: int
    end_char: int
    label_: str
    text: str


def sentence_starts(doc: Doc) -> list[int]:
    """Indices of the tokens that start a sentence (SENT_START == 1, and token 0), from the array."""
    starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()  # uint64: -1 wraps around
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


def body_sentence_refs(doc: Doc, tt: TokenTable, starts: list[int] | None = None) -> list[SpanRef]:
    """The sentences :func:`segment.body_sentences` yields, as plain SpanRefs (same filtering:
    skip whitespace-only sentences and those starting inside a boilerplate span), read from
    the SENT_START array instead of iterating ``doc.sents`` token by token (several times faster).
    ``starts``: :func:`sentence_starts` of the Doc when the caller has it already.
    """
    if not tt.n:
        return []
    if not doc.has_annotation("SENT_START"):
        return [SpanRef(s.start, s.end, s.start_char, s.end_char, "", s.text) for s in body_sentences(doc)]
    if starts is None:
        starts = sentence_starts(doc)
    ranges = boilerplate_ranges(doc)
    # a sentence start sc lies in a range iff among the ranges starting at or before sc (a prefix of
    # the sorted list) the largest end is beyond sc
    range_starts = [r[0] for r in ranges]
    range_max_end = list(itertools.accumulate((r[1] for r in ranges), max))
    space, idx, tok_end, text = tt.space, tt.idx, tt.end, tt.text
    out = []
    for a, b in zip(starts, starts[1:] + [tt.n]):
        if space[a] and all(space[a:b]):
            continue
        sc = idx[a]
        if ranges:
            k = bisect.bisect_right(range_starts, sc)
            if k and range_max_end[k - 1] > sc:
                continue
        ec = tok_end[b - 1]
        out.append(SpanRef(a, b, sc, ec, "", text[sc:ec]))
    return out


def span_refs(spans: Iterable[Span], text: str) -> list[SpanRef]:
    """SpanRefs of ``spans`` (``text``: the Doc's text), sorted."""
    refs = []
    for sp in spans:
        sc, ec = sp.start_char, sp.end_char
        refs.append(SpanRef(sp.start, sp.end, sc, ec, sp.label_, text[sc:ec]))
    refs.sort()
    return refs


def entity_spans(doc: Doc, tt: TokenTable) -> list[SpanRef]:
    """Entity spans as SpanRefs: ``doc.spans["entities"]``, else ``doc.ents``.

    When ``doc.ents`` holds exactly the entity group (the entities stage writes both), the spans are
    read from the ENT_IOB/ENT_TYPE arrays, which is much cheaper than iterating Span objects.
    """
    group = doc.spans[SPANS_ENTITIES] if SPANS_ENTITIES in doc.spans else None
    if not tt.n or not doc.has_annotation("ENT_IOB"):
        return span_refs(group if group is not None and len(group) else doc.ents, tt.text)
    arr = doc.to_array([ENT_IOB, ENT_TYPE])
    iob, etype = arr[:, 0], arr[:, 1]
    if group is not None and len(group) and not _same_as_ents(doc, group, iob, etype):
        return span_refs(group, tt.text)
    # every B token starts a span that runs over the I tokens after it
    b_pos = numpy.flatnonzero(iob == 3)
    not_i = numpy.flatnonzero(iob != 1)
    ends = numpy.append(not_i, tt.n)[numpy.searchsorted(not_i, b_pos, side="right")]
    labels = strings_of(etype[b_pos], doc.vocab.strings) if len(b_pos) else []
    idx, end, text = tt.idx, tt.end, tt.text
    return [
        SpanRef(i, j, idx[i], end[j - 1], label, text[idx[i]:end[j - 1]])
        for i, j, label in zip(b_pos.tolist(), ends.tolist(), labels)
    ]


def ents_summary(iob: numpy.ndarray, etype: numpy.ndarray) -> tuple[int, int, int] | None:
    """(count, first start, last end) of ``doc.ents`` from the ENT_IOB / ENT_TYPE arrays, by the
    rules of ``Doc.ents``: an entity starts at a B token with a type and runs over the I tokens
    after it. None when an I token continues no entity (``Doc.ents`` raises on that).
    Building every entity Span just to count them costs more than the rest of the entity reading.
    """
    n = len(iob)
    not_i = numpy.flatnonzero(iob != 1)
    i_pos = numpy.flatnonzero(iob == 1)
    if len(i_pos):
        k = numpy.searchsorted(not_i, i_pos) - 1  # the token before each run of I tokens
        if (k < 0).any():
            return None
        prev = not_i[k]
        if not ((iob[prev] == 3) & (etype[prev] != 0)).all():
            return None
    starts = numpy.flatnonzero((iob == 3) & (etype != 0))
    if not len(starts):
        return 0, 0, 0
    k = int(numpy.searchsorted(not_i, starts[-1], side="right"))
    return len(starts), int(starts[0]), int(not_i[k]) if k < len(not_i) else n


def _same_as_ents(doc: Doc, group, iob: numpy.ndarray, etype: numpy.ndarray) -> bool:
    """The entity span group and doc.ents hold the same spans (cheap check: count and ends)."""
    summary = ents_summary(iob, etype)
    if summary is None:
        ents = doc.ents  # raises, as it always did on such a Doc
        summary = (len(ents), ents[0].start, ents[-1].end) if ents else (0, 0, 0)
    count, first_start, last_end = summary
    if count != len(group):
        return False
    return (first_start, last_end) == (min(s.start for s in (group[0], group[len(group) - 1])), max(s.end for s in (group[0], group[len(group) - 1])))

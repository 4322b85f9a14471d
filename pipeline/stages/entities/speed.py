"""The entity stage's speed layer: token facts of a Doc read from attribute arrays and a table
of token strings kept across documents (no Token objects), a set of ORTH ids found with array
reads, and the entity annotation written as token arrays.

Each has a test that compares it with the straightforward code it stands in for.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterable, Sequence

import numpy as np
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, ORTH, SENT_START, SPACY
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from ...extensions import doc_text
from .regions import analyzed_regions, boilerplate_headings, boilerplate_paragraphs, heading_mask

QUOTE_OPENERS = frozenset("“‘\"'([:–—-")
_UPPER_INITIALS = frozenset(chr(c) for c in range(0x41, 0x2000) if chr(c).isupper())
_CAMEL_NAME = re.compile(r"^(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+[A-Z][a-z]+$")

# Bits of a token string's flags (see token_flags)
_F_CAP, _F_UPPER, _F_SPACE, _F_OPENER, _F_NEWLINE = 1, 2, 4, 8, 16


def token_flags(text: str) -> int:
    """Flag bits of one token string: a capitalized word ("Putin", "McFaul", "O’Neill",
    "Shetler-Jones", "Vostok-2018", an initial "C."), an acronym ("NATO", "U.S.", "G7"), a
    whitespace token (with a line break), a character that opens a quote or bracket."""
    flags = 0
    if text[:1] in _UPPER_INITIALS:  # uppercase first character (Latin, Greek, Cyrillic ...)
        if len(text) == 2 and text[1] == ".":
            flags |= _F_CAP  # an initial: "Gregory C. Allen"
        elif len(text) > 1 and text.isupper():
            flags |= _F_UPPER
        elif text.istitle() or not text.isalpha() or _CAMEL_NAME.match(text) is not None:
            flags |= _F_CAP
    if text.isspace():
        flags |= _F_SPACE
        if "\n" in text:
            flags |= _F_NEWLINE
    if text in QUOTE_OPENERS:
        flags |= _F_OPENER
    return flags


class OrthSet:
    """A set of ORTH ids that finds its members among a document's tokens with array reads.

    A bitmap over the ids' low bits rules out nearly every token at once (``np.isin`` or a
    binary search per token costs ten times more); the few tokens it lets through are checked
    in the set itself.
    """

    BITS = 16

    def __init__(self, orths: Iterable[int]) -> None:
        self.orths = frozenset(int(orth) for orth in orths)
        self.mask = (1 << self.BITS) - 1
        self.maybe = np.zeros(1 << self.BITS, dtype=bool)
        self.maybe[[orth & self.mask for orth in self.orths]] = True

    def positions(self, orths: np.ndarray) -> list[int]:
        """Ascending indices of the ``orths`` (uint64 ORTH ids) that are in the set."""
        maybe = np.flatnonzero(self.maybe[(orths & np.uint64(self.mask)).astype(np.intp)])
        return [i for i, orth in zip(maybe.tolist(), orths[maybe].tolist()) if orth in self.orths]


class TokenTable:
    """Facts about token strings (text, lowercase, flag bits, length), one row per distinct ORTH
    hash, kept across documents: most of an article's tokens are strings seen before.

    A hash names the same string in every StringStore (including transient strings of a memory
    zone), so one table serves all pipelines. It is emptied when it would outgrow ``max_rows``,
    and locked while in use (pipelines in threads of one process share it).

    Rows are found with a direct-mapped index: slot ``orth & SLOT_MASK`` remembers the first
    string that fell into it, so a token's row is two array reads (numpy, for all tokens at
    once); the few tokens whose slot belongs to another string are looked up in ``row_of``.
    """

    SLOT_BITS = 18  # 262,144 slots (3 MB): few of at most max_rows strings share a slot
    SLOT_MASK = (1 << SLOT_BITS) - 1

    def __init__(self, max_rows: int = 30_000) -> None:  # ~11 MB; more would grow with the corpus (issue 9)
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget every row."""
        self.row_of: dict[int, int] = {}
        self.texts = np.empty(4096, dtype=object)
        self.lower = np.empty(4096, dtype=object)
        self.flags = np.zeros(4096, dtype=np.uint8)
        self.lengths = np.zeros(4096, dtype=np.int64)
        # an empty slot s holds s + 1, which no hash with s in its low bits equals
        self.slot_orth = np.arange(1, self.SLOT_MASK + 2, dtype=np.uint64)
        self.slot_row = np.zeros(self.SLOT_MASK + 1, dtype=np.int32)

    def lookup(self, orths: np.ndarray, strings) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
        """Texts, lowercase texts, flag bits and lengths of tokens given by their ORTH hashes.

        The per-token values are gathered by numpy fancy indexing: a StringStore lookup,
        ``str.lower`` and flag tests per token cost more than the rest of the view.
        """
        orths = np.ascontiguousarray(orths, dtype=np.uint64)
        with self._lock:
            idx = self._rows(orths, strings)
            return self.texts[idx].tolist(), self.lower[idx].tolist(), self.flags[idx], self.lengths[idx]

    def _rows(self, orths: np.ndarray, strings, may_clear: bool = True) -> np.ndarray:
        """Table rows of the hashes (strings not in the table yet are added)."""
        slots = (orths & np.uint64(self.SLOT_MASK)).astype(np.intp)
        rows = self.slot_row[slots]
        other = np.flatnonzero(self.slot_orth[slots] != orths)
        if len(other):
            keys = orths[other].tolist()
            found = list(map(self.row_of.get, keys))
            if None in found:
                new = list(dict.fromkeys(key for key, row in zip(keys, found) if row is None))
                if may_clear and len(self.row_of) + len(new) > self.max_rows:
                    self.clear()  # (then every string of the document is new)
                    return self._rows(orths, strings, may_clear=False)
                self._add(new, strings)
                found = list(map(self.row_of.__getitem__, keys))
            rows[other] = found
        return rows

    def _add(self, orths: list[int], strings) -> None:
        start, end = len(self.row_of), len(self.row_of) + len(orths)
        if end > len(self.texts):
            size = max(end, 2 * len(self.texts))
            for name in ("texts", "lower", "flags", "lengths"):
                old = getattr(self, name)
                grown = np.zeros(size, dtype=old.dtype) if old.dtype != object else np.empty(size, dtype=object)
                grown[:len(old)] = old
                setattr(self, name, grown)
        texts = [strings[orth] for orth in orths]
        for k, text in enumerate(texts, start):  # (element-wise: a list slice could be read as a shape)
            self.texts[k] = text
            self.lower[k] = text.lower()
        self.flags[start:end] = [token_flags(text) for text in texts]
        self.lengths[start:end] = [len(text) for text in texts]
        self.row_of.update(zip(orths, range(start, end)))
        if orths:
            # each new string takes its slot if the slot is empty (the first one, when several
            # new strings share an empty slot)
            new = np.array(orths, dtype=np.uint64)
            slots = (new & np.uint64(self.SLOT_MASK)).astype(np.intp)
            distinct, first = np.unique(slots, return_index=True)
            first = first[self.slot_orth[distinct] == distinct.astype(np.uint64) + np.uint64(1)]
            self.slot_orth[slots[first]] = new[first]
            self.slot_row[slots[first]] = np.arange(start, end, dtype=np.int32)[first]


_TOKENS = TokenTable()


class DocView:
    """Per-document token facts, computed once per Doc from token attribute arrays.

    Token objects are never created (``doc[i]``, ``for t in doc`` and ``doc.text`` build one per
    token, which costs more than the rest of the stage); texts and flags come from a table keyed
    by the token's ORTH hash, and per-token lists from numpy arrays. ``common_words`` and
    ``connectors`` are the gazetteer's word lists (see :func:`~.regions.heading_mask`).
    """

    def __init__(self, doc: Doc, common_words: Collection[str], connectors: Collection[str],
                 text: str | None = None) -> None:
        self.doc = doc
        self.common_words = common_words
        n = self.n = len(doc)
        arr = doc.to_array([ORTH, SPACY, SENT_START])  # uint64 (SENT_START -1 wraps around)
        self.text = text if text is not None else doc_text(doc)
        self.orths = arr[:, 0]
        self.texts, self.lower, flags, lengths = _TOKENS.lookup(self.orths, doc.vocab.strings)
        self.space_after = (arr[:, 1] == 1).tolist()
        # token offsets (token.idx): the doc's text is each token's text and trailing space in turn
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum((lengths + arr[:, 1].astype(np.int64))[:-1], out=starts[1:])
        self.starts = starts.tolist()  # (a token ends at its start plus the length of its text)
        is_space = self.is_space = (flags & _F_SPACE != 0).tolist()
        has_sents = doc.has_annotation("SENT_START")
        sent_starts = np.flatnonzero(arr[:, 2] == 1).tolist() if has_sents else [0]
        # in_region: token in an analyzed range; region_end: the end of that range
        in_region, region_end = analyzed_regions(doc, sent_starts)
        self.in_region_array, self.region_end_array = in_region, region_end
        self.in_region = in_region.tolist()
        self.region_end = region_end.tolist()
        # sentence-initial, or after whitespace or an opening quote / bracket
        initial = np.ones(n, dtype=bool)
        initial[1:] = flags[:-1] & (_F_SPACE | _F_OPENER) != 0
        initial[sent_starts] = True
        self.initial = initial.tolist()
        self.cap = (flags & _F_CAP != 0).tolist()
        self.upper = (flags & _F_UPPER != 0).tolist()
        self.cap_idx = np.flatnonzero(flags & (_F_CAP | _F_UPPER)).tolist()
        self.heading = heading_mask(self.texts, is_space, self.cap, self.upper, connectors,
                                    np.flatnonzero(flags & _F_NEWLINE).tolist(), self.lower)
        # the segmenter's boilerplate paragraphs: (start, end, kind), sorted
        self.paragraphs = boilerplate_paragraphs(doc)
        if self.paragraphs:
            boilerplate_headings(self.heading, self.paragraphs, self.lower, self.texts)

    def is_stop(self, i: int) -> bool:
        """A stop word (lowercase, spaCy's English list)."""
        return self.lower[i] in STOP_WORDS

    def is_common(self, i: int) -> bool:
        """A word mostly written in lowercase ("Data", "Wider"), i.e. not a proper name."""
        return self.lower[i] in self.common_words

    def span_text(self, start: int, end: int) -> str:
        """Text of tokens [start, end) without building a Span."""
        return self.text[self.starts[start]:self.starts[end - 1] + len(self.texts[end - 1])] if end > start else ""


def token_words(doc: Doc) -> tuple[list[str], list[bool]]:
    """The texts and trailing-space flags of ``doc``'s tokens (from the token table)."""
    arr = doc.to_array([ORTH, SPACY])
    words, _, _, _ = _TOKENS.lookup(arr[:, 0], doc.vocab.strings)
    return words, (arr[:, 1] == 1).tolist()


def set_entity_annotation(doc: Doc, spans: Sequence[Span]) -> None:
    """``doc.ents = spans`` for sorted, non-overlapping, labelled spans, written as token arrays.

    The same token annotation as ``Doc.set_ents(spans, default="outside")`` (entity tokens B / I
    with label and kb_id, every other token O without a label, kb_id and ent_id untouched), but
    ``set_ents`` tests each of the Doc's tokens against a Python set, and the ``ents`` setter first
    copies every Span.
    """
    n = len(doc)
    if not n:
        return
    iob = np.full(n, 2, dtype=np.uint64)  # O
    label = np.zeros(n, dtype=np.uint64)
    kb_id = doc.to_array(ENT_KB_ID).astype(np.uint64)
    if spans:
        starts = np.array([s.start for s in spans], dtype=np.int64)
        lengths = np.array([s.end for s in spans], dtype=np.int64) - starts
        # the token indices of all spans, and each one's span
        which = np.repeat(np.arange(len(spans)), lengths)
        tokens = np.arange(len(which)) - np.repeat(np.cumsum(lengths) - lengths, lengths) + starts[which]
        iob[tokens] = 1  # I
        iob[starts] = 3  # B
        label[tokens] = np.array([s.label for s in spans], dtype=np.uint64)[which]
        kb_id[tokens] = np.array([s.kb_id for s in spans], dtype=np.uint64)[which]
    doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], np.stack([iob, label, kb_id], axis=1))


"""Odd inline spaces (no-break, thin, figure spaces): the tokenizer makes tokens of them, which
would split names ("of\u00a0World"), so a text that has them is analyzed on a twin Doc where
they are plain spaces (same length: the character offsets are the same)."""
from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from itertools import accumulate, compress

import numpy as np
from spacy.attrs import SENT_START
from spacy.tokens import Doc

from ...extensions import SPANS_BOILERPLATE
from ..segment import sentence_spans
from .speed import token_words

ODD_SPACES = ("\u00a0", "\u2007", "\u2009", "\u202f")
SPACE_FIX = str.maketrans({c: " " for c in ODD_SPACES})


def plain_spaces(text: str) -> str | None:
    """``text`` with its odd spaces made plain, or None when it has none."""
    # (substring tests and str.replace find them in C; str.translate maps every character)
    if not any(c in text for c in ODD_SPACES):
        return None
    for c in ODD_SPACES:
        text = text.replace(c, " ")
    return text


def respace_tokens(words: Sequence[str], spaces: Sequence[bool], text: str,
                   tokenize: Callable[[str], Doc]) -> tuple[list[str], list[bool]]:
    """Tokens (words, trailing-space flags) that ``tokenize`` makes of ``text``, given the tokens
    it made of a text of the same length that differs only in which whitespace characters it has
    (no-break spaces where ``text`` has plain ones).

    The tokenizer splits a text into chunks at whitespace and tokenizes each chunk on its own,
    so the non-space tokens are the same; only the whitespace between them is redone, the way
    the tokenizer does it: a plain space right after a token is that token's trailing space, and
    the rest of the stretch (all of it at the start of the text) is tokenized by itself.
    Retokenizing the whole text costs as much as the rest of the entity stage for the Doc.
    """
    out_words: list[str] = []
    out_spaces: list[bool] = []
    space_tokens: dict[str, list[tuple[str, bool]]] = {}

    def add_stretch(stretch: str) -> None:
        if out_words and stretch[0] == " ":
            out_spaces[-1] = True
            stretch = stretch[1:]
        if stretch:
            if stretch not in space_tokens:
                space_tokens[stretch] = [(t.text, bool(t.whitespace_)) for t in tokenize(stretch)]
            for word, space in space_tokens[stretch]:
                out_words.append(word)
                out_spaces.append(space)

    # Between two non-space tokens with no whitespace token between them the stretch is the
    # first one's trailing space or nothing, so such tokens are copied as they are (in slices);
    # only the stretches around whitespace tokens (line breaks, no-break spaces) are redone.
    n = len(words)
    starts = [0, *accumulate(map(operator.add, map(len, words), spaces))]  # (token offsets)
    is_space = list(map(str.isspace, words))
    copied = 0  # tokens before this one are done
    for a in compress(range(n), is_space):
        if a < copied:
            continue  # inside a run of whitespace tokens already done
        b = a + 1
        while b < n and is_space[b]:
            b += 1
        out_words += words[copied:a]
        out_spaces += spaces[copied:a]
        last_end = starts[a - 1] + len(words[a - 1]) if a else 0
        add_stretch(text[last_end:starts[b]] if b < n else text[last_end:])
        copied = b
    if copied < n:
        out_words += words[copied:]
        out_spaces += spaces[copied:]
        last_end = starts[n - 1] + len(words[n - 1])
        if len(text) > last_end:
            add_stretch(text[last_end:])
    return out_words, out_spaces


def twin_doc(doc: Doc, text: str, make_doc: Callable[[str], Doc]) -> Doc:
    """``text`` (same length as doc.text) tokenized, with doc's sentence starts and boilerplate."""
    twin = Doc(doc.vocab, *respace_tokens(*token_words(doc), text, make_doc))
    if doc.has_annotation("SENT_START") and len(twin):
        starts = {s.start_char for s in sentence_spans(doc)}
        # One array write: setting token.is_sent_start per token re-checks the whole Doc each time.
        is_start = np.isin(twin.to_array("IDX").astype(np.int64), np.array(sorted(starts), dtype=np.int64))
        is_start[0] = True
        values = np.where(is_start, 1, -1).astype("int64").reshape(-1, 1)
        twin.from_array([SENT_START], values.astype("uint64"))
    spans = []
    for span in doc.spans.get(SPANS_BOILERPLATE, []):
        twin_span = twin.char_span(span.start_char, span.end_char, label=span.label_, alignment_mode="expand")
        if twin_span is not None:
            spans.append(twin_span)
    twin.spans[SPANS_BOILERPLATE] = spans
    return twin

"""The whole segmentation of one article's text: paragraphs, their boilerplate kinds, and where
sentences start (pure: a string in, character offsets out)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from .boilerplate import BoilerplateLexicon, classify_paragraphs
from .paragraphs import find_paragraphs
from .sentences import SentenceRules, split_sentences


class Segmentation(NamedTuple):
    """Paragraph ranges, the boilerplate kind of each (None: body), and the sentence start offsets
    of each."""

    paragraphs: list[tuple[int, int]]
    kinds: list[str | None]
    sentence_starts: list[list[int]]


def find_segments(
    text: str,
    rules: SentenceRules,
    lexicon: BoilerplateLexicon,
    *,
    title: str | None = None,
    authors: Sequence[str] = (),
    max_title_words: int = 25,
) -> Segmentation:
    """Paragraphs, boilerplate kinds and sentence starts of ``text`` (character offsets)."""
    paragraphs = find_paragraphs(text)
    kinds = classify_paragraphs(
        [text[s:e] for s, e in paragraphs], lexicon, title=title, authors=authors, max_title_words=max_title_words,
    )
    starts = [[s for s, _ in split_sentences(text, p_start, p_end, rules)] for p_start, p_end in paragraphs]
    return Segmentation(paragraphs, kinds, starts)

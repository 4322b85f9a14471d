"""The segmenter's span groups on the Doc: written by :func:`set_segments`, read by later stages
(:func:`body_sentences`, :func:`sentence_spans`, :func:`boilerplate_ranges`)."""
from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span

from ...extensions import SPANS_BOILERPLATE, SPANS_PARAGRAPHS, SPANS_SENTENCES
from .find import Segmentation
from .speed import tokens_at_chars, write_sentence_starts


def set_segments(doc: Doc, found: Segmentation) -> None:
    """Write a :class:`Segmentation` onto ``doc``: ``is_sent_start`` of every token, and the
    sentence, paragraph and boilerplate span groups.

    A paragraph and each sentence start a sentence token; a paragraph that covers no token is
    left out (with its sentences).
    """
    sent_starts: set[int] = {0} if len(doc) else set()
    sent_chars: list[int] = []  # character offsets where sentences start
    paragraphs: list[Span] = []
    boilerplate: list[Span] = []
    for (p_start, p_end), kind, starts in zip(found.paragraphs, found.kinds, found.sentence_starts):
        span = doc.char_span(p_start, p_end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        paragraphs.append(span)
        sent_starts.add(span.start)
        if kind is not None:
            bp = Span(doc, span.start, span.end, label=kind)
            bp._.segment = {"kind": kind}
            boilerplate.append(bp)
        sent_chars += starts
    sent_starts.update(tokens_at_chars(doc, sent_chars))
    ordered = sorted(sent_starts)
    doc.spans[SPANS_SENTENCES] = [
        Span(doc, start, end) for start, end in zip(ordered, ordered[1:] + [len(doc)]) if start < end
    ]
    write_sentence_starts(doc, ordered)
    doc.spans[SPANS_PARAGRAPHS] = paragraphs
    doc.spans[SPANS_BOILERPLATE] = boilerplate


def boilerplate_ranges(doc: Doc) -> list[tuple[int, int, str]]:
    """Sorted (start_char, end_char, kind) of the boilerplate paragraphs."""
    return sorted((s.start_char, s.end_char, s.label_) for s in doc.spans.get(SPANS_BOILERPLATE, []))


def sentence_spans(doc: Doc) -> list[Span]:
    """The segmenter's sentences (``doc.spans["sentences"]``), else ``doc.sents``.

    A statistical parser later in the pipeline keeps forced sentence starts but may split a
    sentence further where it leaves a fragment unattached; the segmenter's own list is the
    one the records use.
    """
    if SPANS_SENTENCES in doc.spans:
        return list(doc.spans[SPANS_SENTENCES])
    return list(doc.sents)


def body_sentences(doc: Doc) -> Iterator[Span]:
    """Sentences outside boilerplate, skipping whitespace-only ones (in document order)."""
    ranges = boilerplate_ranges(doc)
    for sent in sentence_spans(doc):
        if not sent.text.strip():
            continue
        start = sent.start_char
        if any(b_start <= start < b_end for b_start, b_end, _ in ranges):
            continue
        yield sent

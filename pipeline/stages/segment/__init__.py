"""Segmentation stage: paragraphs, sentences, and boilerplate set apart (never deleted).

Reads: the raw Doc (a whole article, text exactly as read), ``doc._.title`` / ``doc._.authors``
from metadata when present.
Writes: ``token.is_sent_start`` for every token (so a later parser keeps these boundaries),
``doc.spans["sentences"]`` (one span per sentence), ``doc.spans["paragraphs"]`` (one span per
paragraph) and ``doc.spans["boilerplate"]`` (one span per boilerplate paragraph, ``label_`` = its
kind, ``span._.segment = {"kind": kind}``).

Boilerplate kinds: ``title``, ``byline``, ``author_role``, ``author_bio``, ``image_credit``,
``navigation``, ``page_label``. Later stages analyze :func:`body_sentences` only.

Modules: :mod:`.component` (the spaCy component), :mod:`.resources` (the rule tables),
:mod:`.paragraphs`, :mod:`.sentences` and :mod:`.boilerplate` (pure functions over strings),
:mod:`.find` (all three for one text), :mod:`.spans` (the span groups on the Doc) and
:mod:`.speed` (scans and array writes that stand in for slower code).
"""
from __future__ import annotations

from .boilerplate import BOILERPLATE_KINDS, BoilerplateLexicon, classify_paragraphs, page_metadata
from .component import DEFAULT_CONFIG, Segmenter, make_segmenter
from .find import Segmentation, find_segments
from .paragraphs import find_lines, find_paragraphs
from .resources import load_boilerplate_lexicon, load_sentence_rules
from .sentences import Abbreviations, SentenceRules, split_sentences
from .spans import body_sentences, boilerplate_ranges, sentence_spans, set_segments
from .speed import may_have_credit_mark

__all__ = [
    "BOILERPLATE_KINDS",
    "DEFAULT_CONFIG",
    "Abbreviations",
    "BoilerplateLexicon",
    "Segmentation",
    "Segmenter",
    "SentenceRules",
    "body_sentences",
    "boilerplate_ranges",
    "classify_paragraphs",
    "find_lines",
    "find_paragraphs",
    "find_segments",
    "load_boilerplate_lexicon",
    "load_sentence_rules",
    "make_segmenter",
    "may_have_credit_mark",
    "page_metadata",
    "sentence_spans",
    "set_segments",
    "split_sentences",
]

"""What the claims tests share: a small claims pipeline, claim lookups by text, and an article
with hand-made entity, figure and date spans (as the other stages would add). Every sentence was
written for these tests in the style of foreign-policy commentary (no text is copied from the corpus).
"""
from __future__ import annotations

import json

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

import pipeline.registry  # noqa: F401  registers the factories
from pipeline.extensions import SPANS_CLAIMS, SPANS_DATES, SPANS_ENTITIES, SPANS_FIGURES, ensure_extensions
from pipeline.records import build_context
from pipeline.stages.claims import build_records


def claims_pipeline() -> Language:
    """Blank English + the segmenter + the claims stage: results do not depend on the
    entity/date/figure stages."""
    nlp = spacy.blank("en")
    nlp.add_pipe("claims_segmenter")
    nlp.add_pipe("claims_claims")
    nlp.initialize()
    return nlp


def claims_of(nlp, text: str) -> list[tuple[str, dict]]:
    """(text, claim dict) of every claim (plain values: the Doc may be garbage-collected)."""
    doc = nlp(text)
    return [(s.text, s._.claim) for s in doc.spans[SPANS_CLAIMS]]


def claim_at(nlp, text: str, prefix: str) -> Span | None:
    """The claim whose text starts with ``prefix`` (None if that sentence is not a claim)."""
    doc = nlp(text)
    start = doc.text.index(prefix)
    for span in doc.spans[SPANS_CLAIMS]:
        if span.start_char <= start < span.end_char:
            return span
    return None


ARTICLE = (
    "Russia and Japan: Wrong Premise\n\n"
    "Japan is putting too much faith in its ability to woo Russia. Tokyo will be disappointed.\n\n"
    "In 1956, the two countries issued a joint declaration.\n\n"
    "According to a 2016 poll by the Levada Center, 78% of Russians opposed a transfer. "
    "Public opinion therefore constrains the Kremlin.\n\n"
    "‘The two countries need to take advantage of this window’, said former Ambassador Alexander Panov."
)


def annotated_article(nlp) -> Doc:
    """The article with hand-made entity, figure and date spans (as the other stages would add)."""
    ensure_extensions()
    doc = nlp.make_doc(ARTICLE)
    procs = dict(nlp.pipeline)
    for name, proc in nlp.pipeline:
        if name == "claims_claims":
            break
        doc = proc(doc)

    def char_span(text: str, label: str, nth: int = 0) -> Span:
        start = -1
        for _ in range(nth + 1):
            start = ARTICLE.index(text, start + 1)
        return doc.char_span(start, start + len(text), label=label)

    ents = [
        char_span("Japan", "GPE", 1), char_span("Russia", "GPE", 1), char_span("Tokyo", "GPE"),
        char_span("Levada Center", "ORG"), char_span("Kremlin", "ORG"), char_span("Alexander Panov", "PERSON"),
    ]
    doc.spans[SPANS_ENTITIES] = ents
    doc.ents = ents
    doc.spans[SPANS_FIGURES] = [char_span("78%", "PERCENT")]
    doc.spans[SPANS_DATES] = [char_span("1956", "DATE"), char_span("2016", "DATE")]
    return procs["claims_claims"](doc)


def records_of(doc: Doc) -> tuple[list[dict], object]:
    """The claim records of ``doc`` and their RecordContext."""
    kinds = {k: list(doc.spans[k]) for k in (SPANS_ENTITIES, SPANS_FIGURES, SPANS_DATES, SPANS_CLAIMS)}
    ctx = build_context(doc, "doc-1", kinds)
    return build_records(doc, ctx), ctx


def plain(value):
    """msgpack hands lists back as tuples: compare as JSON would."""
    return json.loads(json.dumps(value))

"""The Doc-side contract: span-group keys and every custom extension, declared in one table.

Each stage writes its spans to ``doc.spans[<key>]`` and its normalized values to ONE span
extension named after the stage (``span._.date``, ``span._.figure`` ...). The value is a dict of
JSON primitives, so ``DocBin(store_user_data=True)`` round-trips it without custom encoders.
Names are stage-specific because spaCy keys span extensions by character offsets: a date and a
figure over the same characters ("seven decades") must not overwrite each other.
"""
from __future__ import annotations

import weakref
from collections.abc import Sequence

from spacy.tokens import Doc, Span

SPANS_SENTENCES = "sentences"
SPANS_PARAGRAPHS = "paragraphs"
SPANS_BOILERPLATE = "boilerplate"
SPANS_ENTITIES = "entities"
SPANS_DATES = "dates"
SPANS_FIGURES = "figures"
SPANS_CLAIMS = "claims"

# Document metadata set by the runner before the pipeline runs (all JSON primitives).
DOC_EXTENSIONS: dict[str, object] = {
    "doc_id": None,       # str: stable document id
    "published": None,    # str | None: "YYYY", "YYYY-MM" or "YYYY-MM-DD", the anchor for relative dates
    "title": None,        # str | None: from metadata or the page's title line
    "authors": None,      # list[str] | None
}

# One dict-valued extension per stage; the stage module documents the dict's keys.
SPAN_EXTENSIONS: dict[str, object] = {
    "segment": None,  # boilerplate spans: {"kind": str}
    "entity": None,   # {"canonical", "kb_id", "actor", "source"}
    "date": None,     # {"type", "value", "mod", "relative", "anchor", "begin", "end", "unresolved"}
    "figure": None,   # {"value", "unit", "kind", "currency", "scale", "qualifier", "change", ...}
    "claim": None,    # {"type", "score", "hedged", "certainty", "speaker", ...}
}


def ensure_extensions() -> None:
    """Register every extension once; safe to call from every component's constructor."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


_TEXT_CACHE: "weakref.WeakKeyDictionary[Doc, str]" = weakref.WeakKeyDictionary()


def remember_text(doc: Doc, text: str) -> None:
    """Seed :func:`doc_text` with the text the Doc was made from (the runner has it already).

    spaCy's tokenizer is non-destructive (``doc.text`` always equals its input), so the source
    string can stand in for ``doc.text`` without rebuilding it from every token.
    """
    _TEXT_CACHE[doc] = text


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc.

    spaCy rebuilds ``doc.text`` from every token on each access (~5 ms per 10k tokens); stages
    that need the whole text share this cached copy instead. A Doc's text never changes.
    """
    text = _TEXT_CACHE.get(doc)
    if text is None:
        text = _TEXT_CACHE[doc] = doc.text
    return text


def sentence_spans(doc: Doc) -> list[Span]:
    """The segmenter's sentences (``doc.spans["sentences"]``), else ``doc.sents``.

    A statistical parser later in the pipeline keeps forced sentence starts but may split a
    sentence further where it leaves a fragment unattached; the segmenter's own list is the one
    the records use. (Read here, in the Doc-side contract, so that record building needs no stage.)
    """
    if SPANS_SENTENCES in doc.spans:
        return list(doc.spans[SPANS_SENTENCES])
    return list(doc.sents)


def set_span_extension(doc: Doc, spans: Sequence[Span], name: str, values: Sequence) -> None:
    """``span._.<name> = value`` for each span of ``doc`` and its value.

    ``span._`` builds an Underscore object per span, which costs more than the value; a plain
    extension (a default, no getter / setter / method) is stored in ``doc.user_data`` under
    ``("._.", name, start_char, end_char)``, so the values are written there directly. The first
    span goes through ``span._`` and confirms that key: if spaCy keys it otherwise, every span
    does.
    """
    if not spans:
        return
    first = spans[0]
    setattr(first._, name, values[0])
    user_data = doc.user_data
    _, method, getter, setter = Span.get_extension(name)
    if (method is None and getter is None and setter is None
            and user_data.get(("._.", name, first.start_char, first.end_char), user_data) is values[0]):
        for span, value in zip(spans[1:], values[1:]):
            user_data[("._.", name, span.start_char, span.end_char)] = value
    else:
        for span, value in zip(spans[1:], values[1:]):
            setattr(span._, name, value)

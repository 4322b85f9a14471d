"""Doc -> record dicts. Pure: no file access, no spaCy pipeline state.

Every span record starts with ``id``, ``doc_id``, ``start_char``, ``end_char``, ``text`` where
``text == source_text[start_char:end_char]`` (Python string indices into the text exactly as
read). Ids are stable: they hash the record kind, the document id, the span text and the
occurrence number of that text among the kind's spans, so an id survives re-runs and even
edits elsewhere in the article (review decisions stay attached).
"""
from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span
from spacy.tokens.underscore import Underscore

from .contract import ID_DIGITS, ID_PREFIXES, RECORD_KINDS  # noqa: F401  (RECORD_KINDS: re-exported)
from .extensions import doc_text, sentence_spans


def stable_id(kind: str, doc_id: str, text: str, occurrence: int) -> str:
    """Id of the ``occurrence``-th span of ``kind`` whose text is ``text`` in document ``doc_id``."""
    digest = hashlib.sha1(f"{kind}\x1f{doc_id}\x1f{text}\x1f{occurrence}".encode("utf-8")).hexdigest()
    return f"{ID_PREFIXES.get(kind, kind[:3])}_{digest[:ID_DIGITS]}"


def assign_ids(kind: str, doc_id: str, spans: Iterable[tuple[int, int, str]]) -> dict[tuple[int, int], str]:
    """Map (start_char, end_char) -> stable id for one kind's spans (any order in, offset order used)."""
    # stable_id inlined (one sha1 per record is most of this function's time): the hashed
    # string's head and the id's prefix are the same for every span of the kind.
    head = f"{kind}\x1f{doc_id}\x1f"
    prefix = f"{ID_PREFIXES.get(kind, kind[:3])}_"
    sha1, digits = hashlib.sha1, ID_DIGITS
    seen: dict[str, int] = {}
    ids: dict[tuple[int, int], str] = {}
    for start, end, text in sorted(set(spans)):
        n = seen.get(text, 0)
        ids[(start, end)] = prefix + sha1(f"{head}{text}\x1f{n}".encode("utf-8")).hexdigest()[:digits]
        seen[text] = n + 1
    return ids


def extension_reader(doc: Doc, name: str) -> Callable[[Span], Any]:
    """A function giving ``span._.<name>`` for spans of ``doc``, read from ``doc.user_data``.

    spaCy stores a plain (default-valued) span extension in ``doc.user_data`` under
    ``("._.", name, start_char, end_char)``; ``span._`` builds an ``Underscore`` object per
    access to look it up. Extensions with a getter or method, or a mutable default (which
    spaCy stores on first read), keep going through ``span._``.
    """
    ext = Span.get_extension(name)
    if ext is None or ext[1] is not None or ext[2] is not None or isinstance(ext[0], Underscore.mutable_types):
        return lambda span: getattr(span._, name)
    default = ext[0]
    get = doc.user_data.get

    def read(span: Span) -> Any:
        return get(("._.", name, span.start_char, span.end_char), default)

    return read


@dataclass
class RecordContext:
    """What a stage needs to turn its spans into records: ids for every kind and sentence lookup.

    Built once per Doc by :func:`build_context` after the whole pipeline ran, so a stage can
    refer to records of other kinds (a claim's evidence -> figure ids) by the same stable ids.
    """

    doc: Doc
    doc_id: str
    ids: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    sentence_starts: list[int] = field(default_factory=list)
    sentence_ids: list[str] = field(default_factory=list)
    # Each kind's spans and the sentences, read once: every Span built from a SpanGroup costs
    # three Token objects (spaCy computes its character offsets through them).
    spans: dict[str, list[Span]] = field(default_factory=dict)
    sentences: list[Span] = field(default_factory=list)
    # ``doc_text(doc)``, kept here by build_context (a weak-dict lookup per record otherwise).
    text: str | None = None

    def spans_of(self, kind: str) -> list[Span]:
        """The spans of ``kind`` (``doc.spans[kind]``), without building them again."""
        found = self.spans.get(kind)
        return found if found is not None else list(self.doc.spans.get(kind, []))

    def id_of(self, kind: str, span: Span | tuple[int, int]) -> str | None:
        """Stable id of a span of ``kind`` (None when that span is not one of the kind's records)."""
        key = (span.start_char, span.end_char) if isinstance(span, Span) else span
        return self.ids.get(kind, {}).get(key)

    def sentence_id(self, span: Span | int) -> str | None:
        """Id of the sentence containing ``span`` (or the character offset)."""
        start = span.start_char if isinstance(span, Span) else span
        i = bisect_right(self.sentence_starts, start) - 1
        return self.sentence_ids[i] if i >= 0 else None

    def base(self, kind: str, span: Span) -> dict:
        """The fields every span record starts with, in contract order."""
        start, end = span.start_char, span.end_char
        return {
            "id": self.id_of(kind, span),
            "doc_id": self.doc_id,
            "start_char": start,
            "end_char": end,
            "text": (self.text if self.text is not None else doc_text(self.doc))[start:end],  # span.text builds a Token per token
        }

    def iter_spans(self, kind: str, extension: str | None = None, *, id_kind: str | None = None) -> Iterator[tuple[Span, dict, Any, str | None]]:
        """``(span, base fields, span._.<extension>, sentence id)`` for each span of ``kind``.

        What every stage's ``build_records`` needs per span, in one loop over local names
        (same values as ``base(id_kind or kind, span)``, ``span._.<extension>`` and
        :meth:`sentence_id`). The base dict is fresh: a stage adds its fields to it, then
        ``sentence_id`` last.
        """
        doc_id = self.doc_id
        text = self.text if self.text is not None else doc_text(self.doc)
        ids = self.ids.get(id_kind or kind, {})
        starts, sentence_ids = self.sentence_starts, self.sentence_ids
        read = extension_reader(self.doc, extension) if extension is not None else None
        for span in self.spans_of(kind):
            start, end = span.start_char, span.end_char
            i = bisect_right(starts, start) - 1
            base = {"id": ids.get((start, end)), "doc_id": doc_id, "start_char": start, "end_char": end, "text": text[start:end]}
            yield span, base, read(span) if read is not None else None, sentence_ids[i] if i >= 0 else None


def _record_encoder() -> Callable[[object], str]:
    """``json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode``, minus its overhead.

    ``JSONEncoder.encode`` builds a new C encoder (``c_make_encoder``) for every call; this
    builds it once with the same arguments, so the bytes are the ones ``encode`` writes (the
    same C code runs). Without circular-reference checks: records are trees of JSON values.
    Falls back to ``encode`` when the C accelerator is missing.
    """
    from json.encoder import c_make_encoder, encode_basestring

    reference = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    if c_make_encoder is None:  # pragma: no cover - CPython always has it
        return reference.encode
    iterencode = c_make_encoder(
        None, reference.default, encode_basestring, None,
        reference.key_separator, reference.item_separator, reference.sort_keys, reference.skipkeys, reference.allow_nan,
    )
    join = "".join

    def encode(record: object) -> str:
        return join(iterencode(record, 0))

    return encode


encode_record = _record_encoder()


def build_context(doc: Doc, doc_id: str, kind_spans: dict[str, Iterable[Span]]) -> RecordContext:
    """Assign ids for sentences and for every kind's spans in ``kind_spans``."""
    ctx = RecordContext(doc=doc, doc_id=doc_id)
    sents = ctx.sentences = list(sentence_spans(doc)) if len(doc) else []
    ctx.spans = {kind: list(spans) for kind, spans in kind_spans.items()}
    text = ctx.text = doc_text(doc)
    sent_ids = assign_ids("sentences", doc_id, ((s.start_char, s.end_char, text[s.start_char:s.end_char]) for s in sents))
    ctx.ids["sentences"] = sent_ids
    ctx.sentence_starts = [s.start_char for s in sents]
    ctx.sentence_ids = [sent_ids[(s.start_char, s.end_char)] for s in sents]
    for kind, spans in ctx.spans.items():
        ctx.ids[kind] = assign_ids(kind, doc_id, ((s.start_char, s.end_char, text[s.start_char:s.end_char]) for s in spans))
    return ctx


def sort_records(records: Iterable[dict]) -> list[dict]:
    """Deterministic order: document, then offsets, then id."""
    return sorted(records, key=lambda r: (r["doc_id"], r["start_char"], r["end_char"], r["id"]))

"""The records of one annotated Doc: sentences, every stage's kind, and the document record.

Stage records come from each stage's ``build_records(doc, ctx)`` (the stage named by the record
contract); sentence and document records are built here, from the segmenter's spans.
"""
from __future__ import annotations

import importlib
import re
from bisect import bisect_right
from typing import NamedTuple

from spacy.tokens import Doc

from ..contract import RECORD_KINDS, STAGE_KINDS
from ..extensions import SPANS_BOILERPLATE, SPANS_PARAGRAPHS, doc_text, sentence_spans
from ..io import Article
from ..records import RecordContext, build_context, sort_records


def _stage_module(kind: str):
    try:
        return importlib.import_module(STAGE_KINDS[kind])
    except ModuleNotFoundError:
        return None


def doc_records(doc: Doc, article: Article) -> dict[str, list[dict]]:
    """Every record of one annotated Doc, by kind, each list in contract order."""
    doc_id = article.doc_id
    kind_spans = {kind: list(doc.spans[kind]) for kind in STAGE_KINDS if kind in doc.spans}
    ctx = build_context(doc, doc_id, kind_spans)
    layout = page_layout(doc)  # read once for both sentence and document records
    out: dict[str, list[dict]] = {kind: [] for kind in RECORD_KINDS}
    out["sentences"] = sentence_records(doc, ctx, layout=layout)
    for kind in kind_spans:
        module = _stage_module(kind)
        if module is not None:
            out[kind] = sort_records(module.build_records(doc, ctx))
    out["documents"] = [document_record(doc, article, out, layout=layout)]
    return out


class PageLayout(NamedTuple):
    """Offsets of the segmenter's paragraphs and boilerplate spans, in span-group order."""

    paragraphs: list[tuple[int, int]]
    boilerplate: list[tuple[int, int, str]]  # (start_char, end_char, label)


def page_layout(doc: Doc) -> PageLayout:
    """The paragraph and boilerplate offsets of ``doc`` (each Span read costs three Tokens)."""
    return PageLayout(
        [(p.start_char, p.end_char) for p in doc.spans.get(SPANS_PARAGRAPHS, [])],
        [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(SPANS_BOILERPLATE, [])],
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_records(doc: Doc, ctx: RecordContext, *, layout: PageLayout | None = None) -> list[dict]:
    """One record per sentence (boilerplate lines included, marked with their kind)."""
    # ``doc.text`` is rebuilt from every token on each access: read it once (quadratic otherwise).
    text = doc_text(doc)
    layout = layout or page_layout(doc)
    para_starts = sorted(start for start, _ in layout.paragraphs)
    # Boilerplate spans are whole paragraphs (never overlapping): find the one a sentence starts
    # in by bisection instead of scanning them all for every sentence.
    boilerplate = sorted(layout.boilerplate)
    bp_starts = [b[0] for b in boilerplate]
    sentence_ids = ctx.ids.get("sentences", {})
    doc_id = ctx.doc_id
    records = []
    for sent in ctx.sentences or sentence_spans(doc):
        sent_start, sent_end = sent.start_char, sent.end_char
        start, end = sent_start, sent_end
        # Most sentences have no whitespace to trim: test both ends before calling _trim.
        if start == end or text[start].isspace() or text[end - 1].isspace():
            start, end = _trim(text, start, end)
            if start == end:
                continue
        kind = None
        if bp_starts:
            i = bisect_right(bp_starts, sent_start) - 1
            if i >= 0 and sent_start < boilerplate[i][1]:
                kind = boilerplate[i][2]
        records.append(
            {
                "id": sentence_ids.get((sent_start, sent_end)),
                "doc_id": doc_id,
                "paragraph": max(bisect_right(para_starts, start) - 1, 0),
                "start_char": start,
                "end_char": end,
                "text": text[start:end],
                "boilerplate": kind,
            }
        )
    return records


_LANG_HINTS = {
    "en": frozenset("the of and to in is that for with as on by was it this are be which from has have not".split()),
}


_EN_HINTS = frozenset(w.encode("ascii") for w in _LANG_HINTS["en"])
# Byte table keeping a-z and turning every other byte into a space.
_NON_AZ_TO_SPACE = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


def find_az_runs(text: str) -> list[bytes]:
    """``re.findall(r"[a-z]+", text)`` as ASCII bytes, ~4x faster.

    Non-ASCII characters become "?" and every byte but a-z a space, so the a-z runs are
    exactly the whitespace-separated pieces.
    """
    return text.encode("ascii", "replace").translate(_NON_AZ_TO_SPACE).split()


def detect_language(text: str) -> str | None:
    """'en' when English function words dominate, else None (only English is analyzed well)."""
    words = find_az_runs(text[:20000].lower())
    if not words:
        return None
    share = sum(map(_EN_HINTS.__contains__, words)) / len(words)  # bools summed in C
    return "en" if share >= 0.12 else None


def document_record(doc: Doc, article: Article, records: dict[str, list[dict]], *, layout: PageLayout | None = None) -> dict:
    from ..stages.segment import page_metadata

    # Span texts sliced from the Doc's text (``span.text`` builds a Token object per token).
    text = doc_text(doc)
    layout = layout or page_layout(doc)
    paragraphs = layout.paragraphs
    bp_spans = sorted(layout.boilerplate, key=lambda b: b[0])
    bp_by_start = {start: label for start, _, label in bp_spans}
    page = page_metadata([text[s:e] for s, e in paragraphs], [bp_by_start.get(s) for s, _ in paragraphs])
    boilerplate = [{"start_char": s, "end_char": e, "kind": label, "text": text[s:e]} for s, e, label in bp_spans]
    entities_module = _stage_module("entities")
    summary = entities_module.entity_summary(records["entities"]) if entities_module and records["entities"] else []
    dates_unresolved = sum(1 for r in records["dates"] if r.get("unresolved"))
    return {
        "doc_id": article.doc_id,
        "source": article.source,
        "source_line": article.source_line,
        "title": page["title"] or article.title,
        "authors": authors_of(list(article.authors), page["authors"]),
        "author_roles": page["author_roles"],
        "published": article.published,
        "published_from": article.published_from,
        "url": article.url,
        "publisher": article.publisher,
        "language": detect_language(article.text),
        "encoding": article.encoding,
        "encoding_from": article.encoding_from,
        "sha256": article.sha256,
        "n_chars": len(article.text),
        "n_words": len(article.text.split()),
        "n_sentences": len(records["sentences"]),
        "counts": {kind: len(records[kind]) for kind in RECORD_KINDS},
        "dates_unresolved": dates_unresolved,
        "boilerplate": boilerplate,
        "entities": summary,
    }


_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")


def authors_of(metadata: list[str], page: list[str]) -> list[str]:
    """The document's authors: metadata (a sidecar, a JSONL field, the HTML page's metadata) wins
    over names read off the page. The page's names are used only when there is no metadata, or
    when they spell out the very people the metadata names in one string ("A and B",
    "A, et al."): every name in the metadata is among them, and they are more.
    """
    if not metadata:
        return list(page)
    named = [n for entry in metadata for n in _AUTHOR_SPLIT.split(entry) if n and n.lower().rstrip(".") not in ("et al", "others")]
    if len(page) > len(metadata) and named and all(n in page for n in named):
        return list(page)
    return list(metadata)

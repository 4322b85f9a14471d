"""Annotating Docs: every component over batches, per-stage timings, one bad document dropped.

Long documents (over ``LONG_DOC_CHARS``) go through the rule stages whole, but through the
statistical components (tok2vec, tagger, parser, ...: every component that is not a
``claims_*`` stage) in paragraph-aligned pieces whose annotations are copied back into the
whole Doc: their memory grows with the piece, not with the article (a parser over one
million-character Doc takes ~3 GB). Tokens, offsets and the segmenter's sentence boundaries
are the whole Doc's, so records index the text exactly as for any other document.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP, ENT_IOB, ENT_KB_ID, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import remember_text
from ..io import Article

LONG_DOC_CHARS = 200_000  # longer Docs run the statistical components piece by piece
PIECE_CHARS = 50_000  # target size of one piece (cut at a paragraph, else a sentence, start)
_PIECE_ATTRS = {"TAG": TAG, "POS": POS, "MORPH": MORPH, "LEMMA": LEMMA, "DEP": DEP, "HEAD": HEAD,
                "ENT_IOB": ENT_IOB, "ENT_TYPE": ENT_TYPE, "ENT_KB_ID": ENT_KB_ID}


def make_doc(nlp: Language, article: Article) -> Doc:
    """A tokenized Doc of ``article`` carrying its metadata (``doc._.doc_id``, published, title, authors).

    Any length up to ``--max-mb``: spaCy's ``nlp.max_length`` guard (E088) is not applied, since
    the statistical components see long texts in pieces (above) and the file size limit bounds
    the rest.
    """
    doc = nlp.tokenizer(article.text)
    remember_text(doc, article.text)
    doc._.doc_id = article.doc_id
    doc._.published = article.published
    doc._.title = article.title
    doc._.authors = list(article.authors)
    return doc


@dataclass
class StageTimer:
    """Seconds spent in each component (plus the tokenizer) across a run."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, name: str, dt: float) -> None:
        self.seconds[name] += dt


def annotate(
    nlp: Language,
    docs: Iterable[Doc],
    *,
    batch_size: int = 32,
    timer: StageTimer | None = None,
    on_error: Callable[[str, str], None] | None = None,
) -> Iterator[Doc]:
    """Run every component over batches of Docs; a Doc whose stage raised is reported and dropped."""
    timer = timer or StageTimer()
    batch: list[Doc] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= batch_size:
            yield from _annotate_batch(nlp, batch, timer, on_error)
            batch = []
    if batch:
        yield from _annotate_batch(nlp, batch, timer, on_error)


def pipeline_steps(nlp: Language) -> list[tuple[bool, list[tuple[str, Callable]]]]:
    """The pipeline as steps: (statistical?, components); consecutive statistical components form one step."""
    steps: list[tuple[bool, list[tuple[str, Callable]]]] = []
    for name, proc in nlp.pipeline:
        statistical = not nlp.get_pipe_meta(name).factory.startswith("claims_")
        if statistical and steps and steps[-1][0]:
            steps[-1][1].append((name, proc))
        else:
            steps.append((statistical, [(name, proc)]))
    return steps


def _n_chars(doc: Doc) -> int:
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0  # ``doc.text`` rebuilds the text


def _annotate_batch(nlp: Language, docs: list[Doc], timer: StageTimer, on_error) -> list[Doc]:
    position = {id(d): i for i, d in enumerate(docs)}
    for statistical, procs in pipeline_steps(nlp):
        long_docs = [d for d in docs if statistical and _n_chars(d) > LONG_DOC_CHARS]
        if long_docs:
            docs = [d for d in docs if _n_chars(d) <= LONG_DOC_CHARS]
            long_docs = _per_doc("+".join(n for n, _ in procs), lambda d, p=procs: annotate_in_pieces(d, p, timer),
                                 long_docs, on_error)
        for name, proc in procs:
            docs = _run_component(name, proc, docs, timer, on_error)
        if long_docs:  # back in the batch's order
            docs = sorted(docs + long_docs, key=lambda d: position[id(d)])
    return docs


def _run_component(name: str, proc, docs: list[Doc], timer: StageTimer, on_error) -> list[Doc]:
    start = time.perf_counter()
    if not docs:
        return docs
    if hasattr(proc, "pipe"):
        try:
            docs = list(proc.pipe(docs, batch_size=len(docs)))
        except Exception:  # a batch failed as a whole: retry one by one to find the bad doc
            docs = _per_doc(name, lambda d, p=proc: next(iter(p.pipe([d]))), docs, on_error)
    else:
        docs = _per_doc(name, proc, docs, on_error)
    timer.add(name, time.perf_counter() - start)
    return docs


def piece_bounds(doc: Doc, max_chars: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """Token ranges covering ``doc``, each ending where a paragraph (else a sentence) starts.

    A piece grows to about ``max_chars``; it is cut before the last paragraph start (a sentence
    start after a line break) within reach, else the last sentence start, else (one sentence
    longer than a piece) at the token that reaches the limit.
    """
    bounds: list[tuple[int, int]] = []
    start, n = 0, len(doc)
    while start < n:
        limit = doc[start].idx + max_chars
        end = start + 1
        para = sent = None
        while end < n and doc[end].idx < limit:
            if doc[end].is_sent_start:
                sent = end
                if "\n" in doc[end - 1].text or "\n" in doc[end - 1].whitespace_:
                    para = end
            end += 1
        cut = n if end >= n else (para or sent or end)
        bounds.append((start, cut))
        start = cut
    return bounds


def annotate_in_pieces(doc: Doc, procs: list[tuple[str, Callable]], timer: StageTimer) -> Doc:
    """Run ``procs`` over paragraph-aligned pieces of ``doc`` and copy their token annotations back."""
    arrays: list[numpy.ndarray] = []
    names: list[str] | None = None
    for start, end in piece_bounds(doc):
        piece = doc[start:end].as_doc()
        for name, proc in procs:
            t0 = time.perf_counter()
            piece = proc(piece)
            timer.add(name, time.perf_counter() - t0)
        if names is None:
            names = [a for a in _PIECE_ATTRS if piece.has_annotation(a)]
            if "HEAD" in names and "DEP" not in names:
                names.remove("HEAD")
        arrays.append(piece.to_array([_PIECE_ATTRS[a] for a in names]))
    if names:
        doc.from_array([_PIECE_ATTRS[a] for a in names], numpy.concatenate(arrays))
    return doc


def _per_doc(name: str, fn, docs: list[Doc], on_error) -> list[Doc]:
    kept = []
    for doc in docs:
        try:
            kept.append(fn(doc))
        except Exception as err:  # one bad article must not stop the batch
            if on_error:
                on_error(doc._.doc_id, f"stage {name} failed: {type(err).__name__}: {err}")
    return kept

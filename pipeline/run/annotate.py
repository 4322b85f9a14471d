"""Annotating Docs: every component over batches, per-stage timings, one bad document dropped."""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import remember_text
from ..io import Article


def make_doc(nlp: Language, article: Article) -> Doc:
    """A tokenized Doc of ``article`` carrying its metadata (``doc._.doc_id``, published, title, authors)."""
    doc = nlp.make_doc(article.text)
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


def _annotate_batch(nlp: Language, docs: list[Doc], timer: StageTimer, on_error) -> list[Doc]:
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        if hasattr(proc, "pipe"):
            try:
                docs = list(proc.pipe(docs, batch_size=len(docs)))
            except Exception:  # a batch failed as a whole: retry one by one to find the bad doc
                docs = _per_doc(name, lambda d, p=proc: next(iter(p.pipe([d]))), docs, on_error)
        else:
            docs = _per_doc(name, proc, docs, on_error)
        timer.add(name, time.perf_counter() - start)
    return docs


def _per_doc(name: str, fn, docs: list[Doc], on_error) -> list[Doc]:
    kept = []
    for doc in docs:
        try:
            kept.append(fn(doc))
        except Exception as err:  # one bad article must not stop the batch
            if on_error:
                on_error(doc._.doc_id, f"stage {name} failed: {type(err).__name__}: {err}")
    return kept

"""Processing one shard: read its documents batch by batch, annotate them, write their records.

Runs anywhere: in the parent for one worker, in pool processes, on Dask workers. Nothing is kept
but per-document metadata: records go to the shard's per-kind files as each batch finishes.
"""
from __future__ import annotations

import gc
import os
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TextIO

from spacy.language import Language
from spacy.tokens import Doc

from ..contract import OUTPUT_KINDS
from ..io import Article, InputError
from .annotate import StageTimer, annotate, make_doc
from .doc_records import doc_records
from .inputs import DocRef, iter_articles
from .output import ENCODE
from .shards import ShardResult, ShardTask, make_batches


class InputFailure(RuntimeError):
    """Raised in --strict mode at the first input error."""

    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _hostname() -> str:
    import socket

    return socket.gethostname()


_words_seen: "weakref.WeakKeyDictionary[Language, int]" = weakref.WeakKeyDictionary()


def _memory_zone(nlp: Language, warm_up_words: int):
    if warm_up_words >= 0 and _words_seen.get(nlp, 0) >= warm_up_words and hasattr(nlp, "memory_zone"):
        return nlp.memory_zone()
    return nullcontext()


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep the objects alive now (the pipeline: rule tables, lexicons, model) out of the cyclic GC.

    A run allocates millions of short-lived objects, so Python's full collections come every few
    thousand documents and each walks every object of the pipeline (~50 ms each for the rule
    stages alone). Frozen objects are skipped; ``gc.unfreeze`` at the end makes them collectable
    again, so a process that builds and drops pipelines (tests, notebooks) leaks nothing.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class ErrorLog:
    """Input errors in the order they are reported (``--strict``: the first that skips an article stops the run)."""

    def __init__(self, strict: bool, on_error: Callable[[InputError], None] | None) -> None:
        self.errors: list[InputError] = []
        self.strict, self.on_error = strict, on_error

    def report(self, err: InputError) -> None:
        self.errors.append(err)
        if self.on_error:
            self.on_error(err)
        if self.strict and err.skipped:
            raise InputFailure(err)


class _ShardLog(ErrorLog):
    """What a shard gathers while it runs: errors, counts per kind, documents done, words, timings.

    Only accumulates (no state that decides what happens next); :meth:`result` turns it into the
    :class:`ShardResult` sent back to the parent.
    """

    def __init__(self, strict: bool, on_error: Callable[[InputError], None] | None) -> None:
        super().__init__(strict, on_error)
        self.timer = StageTimer()
        self.counts: Counter[str] = Counter({kind: 0 for kind in OUTPUT_KINDS})
        self.processed: list[str] = []
        self.n_words = 0
        self.in_flight: dict[str, Article] = {}  # read, not yet written (a stage may drop them)

    def stage_error(self, doc_id: str, reason: str, art: Article | None = None) -> None:
        art = art or self.in_flight.pop(doc_id, None)
        self.report(InputError(art.source if art else doc_id, reason, line=art.source_line if art else None))

    def write(self, doc: Doc, files: dict[str, TextIO]) -> None:
        """Build the records of ``doc`` and append them to the shard's files."""
        art = self.in_flight.pop(doc._.doc_id)
        t0 = time.perf_counter()
        try:
            recs = doc_records(doc, art)
            lines = {kind: "".join([ENCODE(r) + "\n" for r in recs[kind]]) for kind in OUTPUT_KINDS}
        except Exception as err:  # a record builder bug must not lose the batch
            self.stage_error(art.doc_id, f"building records failed: {type(err).__name__}: {err}", art)
            return
        for kind in OUTPUT_KINDS:
            files[kind].write(lines[kind])
            self.counts[kind] += len(recs[kind])
        self.timer.add("records", time.perf_counter() - t0)
        self.n_words += recs["documents"][0]["n_words"]
        self.processed.append(art.doc_id)

    def result(self, task: ShardTask, out: Path, started: float, started_at: float, cpu_started: float) -> ShardResult:
        return ShardResult(
            index=task.index,
            out_dir=str(out),
            processed=self.processed,
            errors=self.errors,
            counts=dict(self.counts),
            n_words=self.n_words,
            stage_seconds=dict(self.timer.seconds),
            seconds=time.perf_counter() - started,
            worker={
                "host": _hostname(), "pid": os.getpid(), "peak_rss_mb": peak_rss_mb(),
                "cpu_seconds": round(time.process_time() - cpu_started, 3), "process_cpu_seconds": round(time.process_time(), 3),
                "started_at": round(started_at, 3), "finished_at": round(time.time(), 3),
            },
        )


def process_shard(
    nlp: Language,
    task: ShardTask,
    *,
    on_error: Callable[[InputError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ShardResult:
    """Annotate one shard's documents and write its per-kind files (``<kind>.jsonl``, doc_id order).

    Documents are read and annotated one batch at a time (:func:`make_batches`, the same batches
    whatever the number of shards); records are written as each batch finishes, nothing else is kept.
    """
    started, started_at, cpu_started = time.perf_counter(), time.time(), time.process_time()
    out = Path(task.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    log = _ShardLog(task.strict, on_error)
    files = {kind: (out / f"{kind}.jsonl").open("w", encoding="utf-8", newline="\n") for kind in OUTPUT_KINDS}
    try:
        with _heap_frozen():
            for batch in make_batches(task.refs, task.batch_size, task.max_batch_chars):
                _process_batch(nlp, batch, task, log, files)
                if on_progress:
                    on_progress(len(log.processed))
    finally:
        for fh in files.values():
            fh.close()
    return log.result(task, out, started, started_at, cpu_started)


def _process_batch(nlp: Language, batch: list[DocRef], task: ShardTask, log: _ShardLog, files: dict[str, TextIO]) -> None:
    """Read, annotate and write one batch (in a memory zone once the process is warmed up)."""
    words_before = log.n_words
    with _memory_zone(nlp, task.warm_up_words):
        docs: list[Doc] = []
        for art in iter_articles(batch, published=task.published, max_bytes=task.max_bytes):
            log.in_flight[art.doc_id] = art
            t0 = time.perf_counter()
            docs.append(make_doc(nlp, art))
            log.timer.add("tokenizer", time.perf_counter() - t0)
        for annotated in annotate(nlp, docs, batch_size=len(docs) or 1, timer=log.timer, on_error=log.stage_error):
            log.write(annotated, files)
        docs = annotated = None  # nothing allocated in the zone may outlive it
    _words_seen[nlp] = _words_seen.get(nlp, 0) + log.n_words - words_before

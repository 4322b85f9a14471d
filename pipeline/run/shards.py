"""Planning a run's work: batches of documents, and contiguous shards cut between batches.

A shard is a contiguous slice of the sorted documents to process; each is annotated by one
pipeline (in this process, a worker process or a Dask worker) into its own per-kind files, and
the shards concatenated in order give the files one process would have written.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..io import DEFAULT_MAX_BYTES, InputError
from .inputs import DocRef

MAX_BATCH_CHARS = 50_000  # ~7,500 words: the text of one batch, whatever its number of documents
# Words each process annotates outside memory zones before it starts using them: the tokenizer
# cache and the vocabulary fill with the frequent words of the corpus (spaCy never caches inside
# a zone), after which every batch runs in a zone that frees the strings and lexemes it added, so
# the vocabulary stops growing with the corpus. See docs/performance.md.
WARM_UP_WORDS = 300_000


def make_batches(refs: Sequence[DocRef], batch_size: int, max_chars: int = MAX_BATCH_CHARS) -> list[list[DocRef]]:
    """Consecutive batches of at most ``batch_size`` documents and ``max_chars`` characters.

    A batch's memory follows its text size, not its document count: sixteen 20,000-word reports
    would hold ten times the memory of sixteen ordinary articles. A longer document is a batch alone.
    """
    batches: list[list[DocRef]] = []
    current: list[DocRef] = []
    size = 0
    for ref in refs:
        if current and (len(current) >= batch_size or size + ref.n_chars > max_chars):
            batches.append(current)
            current, size = [], 0
        current.append(ref)
        size += ref.n_chars
    if current:
        batches.append(current)
    return batches


def plan_shards(refs: Sequence[DocRef], n_shards: int, *, batch_size: int = 16, max_chars: int = MAX_BATCH_CHARS) -> list[list[DocRef]]:
    """Split ``refs`` (in order) into at most ``n_shards`` contiguous slices of similar text size.

    Cuts fall between the batches of :func:`make_batches`, so every shard sees the same batches as
    one process reading the whole list: output cannot depend on batch composition, even for
    statistical components. Concatenating the slices in order gives ``refs`` back.
    """
    refs = list(refs)
    if not refs:
        return []
    batches = make_batches(refs, batch_size, max_chars)
    n_shards = max(1, min(n_shards, len(batches)))
    sizes = [sum(r.n_chars for r in b) + 1 for b in batches]
    total = sum(sizes)
    shards: list[list[DocRef]] = [[]]
    done = 0
    for batch, size in zip(batches, sizes):
        # Start a new shard once this one holds its share of the text (by cumulative size).
        if shards[-1] and done >= total * len(shards) / n_shards and len(shards) < n_shards:
            shards.append([])
        shards[-1].extend(batch)
        done += size
    return shards


def shard_count(refs: Sequence[DocRef], workers: int, *, per_worker: int = 8, max_chars: int = 4_000_000) -> int:
    """Enough shards to balance ``workers`` (several each) and to keep a retry cheap."""
    if workers <= 1:
        return 1
    total = sum(r.n_chars for r in refs)
    return max(workers * per_worker, -(-total // max_chars))


@dataclass
class ShardTask:
    """One contiguous slice of the documents to process, and where to write its records."""

    index: int
    refs: list[DocRef]
    out_dir: str
    published: str | None = None  # the batch default publication date (already normalized)
    batch_size: int = 16
    max_bytes: int = DEFAULT_MAX_BYTES
    strict: bool = False
    max_batch_chars: int = MAX_BATCH_CHARS
    warm_up_words: int = WARM_UP_WORDS  # -1: no memory zones
    fail_attempts: int = 0  # fault injection for tests (see worker.FAULT_ENV)

    @property
    def n_chars(self) -> int:
        return sum(r.n_chars for r in self.refs)

    @property
    def span(self) -> str:
        """'first-doc .. last-doc' for messages."""
        return f"{self.refs[0].doc_id} .. {self.refs[-1].doc_id}" if self.refs else "(empty)"


@dataclass
class ShardResult:
    """What a shard returns to the parent: where its files are and what happened (no records)."""

    index: int
    out_dir: str
    processed: list[str]
    errors: list[InputError]
    counts: dict[str, int]
    n_words: int
    stage_seconds: dict[str, float]
    seconds: float
    worker: dict = field(default_factory=dict)  # host, pid, peak_rss_mb, cpu_seconds, process_cpu_seconds
    failed_attempts: list[str] = field(default_factory=list)  # earlier attempts' errors (retried)
    strict_failure: InputError | None = None

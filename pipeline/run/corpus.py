"""A run over a corpus: what to process, the shards, the engine, the merge and ``run.json``.

A run is: scan the inputs (ids and text hashes only) -> decide what to reuse -> split the
documents to process into contiguous shards -> each shard is annotated by one pipeline (in this
process, in a worker process, or on a Dask worker) and written to its own per-kind files, in
doc_id order -> once EVERY shard has succeeded, the shards (concatenated in order) are merged
with the kept records of earlier runs into a staged set (record files, errors.jsonl, run.json with
the sha256 of each) that becomes current in one commit (``commit.OutputSet``: the folder is locked
for the run, and a dead run's leftovers are cleaned or its commit finished at the next start).
Nothing proportional to the corpus is held in memory but per-document metadata.

Plain functions, no typer and no printing: the CLI (``cli.py``) and the tests call these.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

from .. import __version__
from ..io import DEFAULT_MAX_BYTES, InputError, normalize_published, write_json
from . import engines
from .annotate import StageTimer
from .build import DEFAULT_CONFIG, MODEL_CONFIG, PipelineConfigError, PipelineSpec, build_nlp, check_pipeline_config, config_hash, model_info
from .engines import ENGINES, ShardFailure
from .inputs import DocRef, scan_inputs
from .commit import NoReadableInput, OutputError, OutputSet, fault_point, is_write_error, trusted_previous
from .output import merge_outputs, write_errors
from .shard import ErrorLog, InputFailure, peak_rss_mb, process_shard
from .shards import MAX_BATCH_CHARS, WARM_UP_WORDS, ShardResult, ShardTask, plan_shards, shard_count
from .worker import injected_failures


@dataclass
class RunResult:
    out_dir: Path
    processed: list[str]
    reused: list[str]
    errors: list[InputError]
    counts: dict[str, int]
    n_words: int
    seconds: float
    stage_seconds: dict[str, float]
    manifest: dict


@dataclass(frozen=True)
class RunSettings:
    """How a run builds its pipeline and cuts its work (the arguments of :func:`run_corpus`)."""

    config_path: str | Path | None = None
    overrides: dict | None = None
    model: str | None = None
    published: str | None = None  # the batch default publication date, normalized
    strict: bool = False
    batch_size: int = 16
    max_bytes: int = DEFAULT_MAX_BYTES
    max_batch_chars: int = MAX_BATCH_CHARS
    warm_up_words: int = WARM_UP_WORDS
    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None
    retries: int = 2
    encoding: str | None = None  # --encoding: every input decoded with it

    @property
    def distributed(self) -> bool:
        return self.engine == "dask" or self.workers > 1

    def spec(self, chash: str | None) -> PipelineSpec:
        return PipelineSpec.of(self.config_path, self.overrides, self.model, chash)

    def shard_task(self, index: int, refs: list[DocRef], out_dir: Path) -> ShardTask:
        return ShardTask(index, refs, str(out_dir), self.published, self.batch_size, self.max_bytes, self.strict,
                         self.max_batch_chars, self.warm_up_words)


@dataclass(frozen=True)
class _Reuse:
    """Which documents an earlier run in the output folder already holds, and what is left to do."""

    reused: set[str]  # unchanged inputs: their records are kept
    keep_old: set[str]  # every document whose earlier records stay (reused + not among the inputs)
    todo: list[DocRef]  # to process, in doc_id order


def run_corpus(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    nlp: Language | None = None,
    config_path: str | Path | None = None,
    overrides: dict | None = None,
    model: str | None = None,
    published: str | None = None,
    force: bool = False,
    strict: bool = False,
    batch_size: int = 16,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
    max_batch_chars: int = MAX_BATCH_CHARS,
    warm_up_words: int = WARM_UP_WORDS,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    retries: int = 2,
    on_progress: Callable[[int, int], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> RunResult:
    """Annotate every article under ``inputs`` and write the run's files into ``out_dir``.

    Unchanged inputs (same text sha256 and config hash as in the previous run in ``out_dir``) are
    reused unless ``force``; documents of earlier runs that are not among ``inputs`` are kept.
    Only a previous set whose files match its run.json is trusted (else ``on_note`` says so and
    nothing of it is kept). The whole set is staged and committed at once (``commit.OutputSet``);
    :class:`~pipeline.run.commit.RunLocked` when another run holds ``out_dir``,
    :class:`~pipeline.run.commit.OutputError` when it cannot be written (nothing changed there),
    :class:`~pipeline.run.commit.NoReadableInput` when no input could be read (nothing written).

    Documents go through the pipeline in batches of at most ``batch_size`` documents and
    ``max_batch_chars`` characters, and their records are written as each batch finishes; once a
    process has annotated ``warm_up_words`` words, every batch runs in a spaCy memory zone (``-1``:
    never), so memory stays flat however large the corpus (docs/performance.md).

    ``workers`` > 1 (``engine="local"``) runs shards in a process pool; ``engine="dask"`` runs
    them on a Dask cluster (``scheduler`` address, or a LocalCluster of ``workers`` processes).
    Each worker builds the pipeline once from ``config_path`` / ``overrides`` / ``model`` (not
    from ``nlp``, which stays in this process); the output is byte-identical either way. A shard
    that fails is retried ``retries`` times; if it still fails nothing is merged, the previous
    outputs stay as they were and :class:`ShardFailure` is raised.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    started = time.perf_counter()
    settings = RunSettings(
        config_path, overrides, model, normalize_published(published) if published else None, strict, batch_size, max_bytes,
        max_batch_chars, warm_up_words, workers, engine, scheduler, retries, encoding,
    )
    with OutputSet(Path(out_dir)) as outset:  # locked; what dead runs left is cleaned or finished
        try:
            return _run_locked(inputs, outset, nlp, settings, force, started, on_progress, on_error, on_note)
        except OSError as err:
            if is_write_error(err, outset.out):
                raise OutputError(outset.write_failure(err)) from None
            raise


def _run_locked(inputs: Sequence[str | Path], outset: OutputSet, nlp: Language | None, settings: RunSettings, force: bool,
                started: float, on_progress, on_error, on_note) -> RunResult:
    """:func:`run_corpus` once the output folder is locked: process, stage the set, commit it."""
    out = outset.out
    if outset.finished_commit and on_note:
        on_note(f"an interrupted run had committed its files in {out}/ without moving them all in: finished")
    nlp = _pipeline_here(nlp, settings)
    chash = config_hash(nlp) if nlp is not None else None
    pipeline_model = model_info(nlp) if nlp is not None else None
    log = ErrorLog(settings.strict, on_error)
    executor = None
    try:
        if settings.distributed:  # workers start and load the pipeline while this process scans the inputs
            executor = engines.open_engine(settings.spec(chash), engine=settings.engine, workers=settings.workers, scheduler=settings.scheduler,
                                           retries=settings.retries, nlp=nlp if settings.engine == "local" else None)
        # Input problems are reported once the pipeline is known to build (as a serial run does).
        scan_errors: list[InputError] = []
        refs = scan_inputs(inputs, max_bytes=settings.max_bytes, encoding=settings.encoding, report=scan_errors.append)
        if chash is None:
            chash, pipeline_model = _pipeline_facts(executor)
            executor.spec = settings.spec(chash)
        for err in scan_errors:
            log.report(err)
        reuse = _reuse_plan(out, refs, chash, force, on_note)
        results = _process(nlp, executor, settings, reuse, outset, log, on_progress)
    finally:
        if executor is not None:
            executor.close()
    if not reuse.reused and not any(r.processed for r in results):
        raise NoReadableInput(_nothing_read(inputs, out, log.errors))
    merged = merge_outputs(out, reuse.keep_old, [Path(r.out_dir) for r in results], dest=outset.staged_set)
    write_errors(outset.staged_set, log.errors)
    seconds = time.perf_counter() - started
    manifest = _manifest(settings, chash, pipeline_model, refs, reuse, results, merged, log.errors, seconds=seconds, executor=executor)
    manifest["files"] = outset.file_hashes()
    outset.commit(lambda path: write_json(path, manifest))
    counts: Counter[str] = Counter()
    for result in results:
        counts.update(result.counts)
    return RunResult(out, [d for r in results for d in r.processed], sorted(reuse.reused), log.errors, dict(counts),
                     sum(r.n_words for r in results), seconds, _stage_seconds(results), manifest)


def _nothing_read(inputs: Sequence[str | Path], out: Path, errors: list[InputError]) -> str:
    skipped = sum(1 for e in errors if e.skipped)
    if not errors:
        what = f"no articles (.txt, .md, .html, .jsonl) found in {', '.join(map(str, inputs))}"
    else:
        what = f"no readable input ({skipped} skipped)"
    return f"{what}; nothing written to {out}/"


def _pipeline_here(nlp: Language | None, settings: RunSettings) -> Language | None:
    """The pipeline this process runs with, or None when only the workers build it.

    Local workers are forked from this process with its pipeline when the platform allows it
    (``engines.fork_is_safe``): build it here once. Otherwise (Dask, or no fork) the workers build
    it; this process only checks the config (a build here would compete with theirs for the same
    cores) and takes the pipeline's hash and model from the first worker that is ready.
    """
    if nlp is not None:
        return nlp
    if not settings.distributed or (settings.engine == "local" and engines.fork_is_safe()):
        return build_nlp(settings.config_path, settings.overrides, model=settings.model)
    check_pipeline_config(settings.config_path, settings.overrides, model=settings.model)
    return None


def _pipeline_facts(executor) -> tuple[str, dict]:
    """Config hash and model of the pipeline the workers built (the parent did not build one)."""
    try:
        info = executor.pipeline_info()
    except ShardFailure:
        raise
    except Exception as err:  # the workers could not build it: one line, as build_nlp says it
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise PipelineConfigError(message if isinstance(err, PipelineConfigError) else f"cannot build the pipeline: {message}") from None
    return info["config_hash"], info["model"]


def _reuse_plan(out: Path, refs: dict[str, DocRef], chash: str, force: bool, on_note: Callable[[str], None] | None) -> _Reuse:
    """What to reuse from the set in ``out``: nothing unless its files match its run.json (``commit.trusted_previous``)."""
    previous, distrust = trusted_previous(out) if not force else ({}, None)
    if distrust and on_note:
        on_note(f"the files in {out}/ are not one run's ({distrust}): nothing in them is reused; this run replaces them")
    prev_hashes = previous.get("documents", {}) if previous.get("config_hash") == chash else {}
    reused = {d for d, ref in refs.items() if prev_hashes.get(d) == ref.sha256}
    keep_old = set(previous.get("documents", {})) - set(refs) if not force else set()
    keep_old |= reused
    return _Reuse(reused, keep_old, [refs[d] for d in sorted(refs) if d not in reused])


def _process(nlp, executor, settings: RunSettings, reuse: _Reuse, outset: OutputSet, log: ErrorLog,
             on_progress: Callable[[int, int], None] | None) -> list[ShardResult]:
    """Run every shard, each into its own folder under the run's staging folder."""
    todo = reuse.todo
    n_shards = shard_count(todo, settings.workers) if settings.distributed else 1
    tasks = [
        settings.shard_task(i, shard, outset.stage / f"shard-{i:05d}")
        for i, shard in enumerate(plan_shards(todo, n_shards, batch_size=settings.batch_size, max_chars=settings.max_batch_chars))
    ]
    if executor is None:
        progress = (lambda n: on_progress(n, len(todo))) if on_progress else None
        return [process_shard(nlp, task, on_error=log.report, on_progress=progress) for task in tasks]
    return _run_on_engine(executor, tasks, log, on_progress, len(todo))


def _run_on_engine(executor, tasks: list[ShardTask], log: ErrorLog, on_progress, n_todo: int) -> list[ShardResult]:
    """Shards on the workers; their errors end up in document order, as one process reports them."""
    for task in tasks:
        task.fail_attempts = injected_failures(task.index)
    n_scan_errors = len(log.errors)
    done = 0
    results: list[ShardResult] = []
    for result in executor.run(tasks):
        for err in result.errors:
            log.report(err)
        if result.strict_failure is not None:
            raise InputFailure(result.strict_failure)
        done += len(result.processed)
        if on_progress:
            on_progress(done, n_todo)
        results.append(result)
        fault_point("shard-done")
    results.sort(key=lambda r: r.index)
    log.errors[n_scan_errors:] = [e for r in results for e in r.errors]
    return results


def _stage_seconds(results: Sequence[ShardResult]) -> dict[str, float]:
    timer = StageTimer()
    for result in results:
        for name, seconds in result.stage_seconds.items():
            timer.add(name, seconds)
    return dict(timer.seconds)


def _manifest(settings: RunSettings, chash: str, pipeline_model: dict, refs: dict[str, DocRef], reuse: _Reuse,
              results: list[ShardResult], merged: dict, errors: list[InputError], *, seconds: float, executor) -> dict:
    """``run.json``: what ran, on which inputs, with which outcome; the only place with timings."""
    return {
        "pipeline_version": __version__,
        "config_hash": chash,
        "config": str(settings.config_path or (MODEL_CONFIG if settings.model else DEFAULT_CONFIG)),
        "overrides": {k: v for k, v in (settings.overrides or {}).items()},
        "model": pipeline_model,
        "spacy_version": spacy.__version__,
        "inputs": [{"doc_id": d, "source": refs[d].source, "line": refs[d].line, "sha256": refs[d].sha256} for d in sorted(refs)],
        "documents": merged["documents"],
        "processed": sum(len(r.processed) for r in results),
        "reused": len(reuse.reused),
        "kept_from_earlier_runs": len(reuse.keep_old - reuse.reused),
        "counts": merged["counts"],
        "dates_unresolved": merged["dates_unresolved"],
        "errors": [e.to_record() for e in errors],
        "retried_shards": [
            {"shard": r.index, "documents": len(r.processed), "failed_attempts": r.failed_attempts}
            for r in results if r.failed_attempts
        ],
        "timings": _timings(settings, results, seconds, executor),
        "published_default": settings.published,
    }


def _timings(settings: RunSettings, results: list[ShardResult], seconds: float, executor) -> dict:
    distributed = settings.distributed
    n_words = sum(r.n_words for r in results)
    return {
        "seconds": round(seconds, 3),
        "words_processed": n_words,
        "words_per_second": round(n_words / seconds, 1) if seconds else None,
        "stage_seconds": {k: round(v, 4) for k, v in sorted(_stage_seconds(results).items())},
        "engine": settings.engine,
        "workers": settings.workers,
        "shards": len(results),
        "peak_rss_mb": {
            "parent": peak_rss_mb(),
            "worker_max": max((r.worker.get("peak_rss_mb", 0.0) for r in results if distributed), default=None),
        },
        "engine_start_seconds": executor.stats.get("engine_start_seconds") if executor is not None else None,
        # local workers forked from this process with its pipeline (else each built its own)
        "workers_inherited_pipeline": executor.stats.get("forked_with_pipeline", False) if executor is not None else None,
        "worker_cpu_seconds": _worker_cpu(results) if distributed else None,
        "worker_cpu_seconds_max": _worker_cpu(results, max) if distributed else None,
    }


def _worker_cpu(results: Sequence[ShardResult], combine: Callable = sum) -> float:
    """CPU seconds of the worker processes, summed (or their max): each process counted once."""
    per_process: dict[tuple, float] = {}
    for r in results:
        key = (r.worker.get("host"), r.worker.get("pid"))
        per_process[key] = max(per_process.get(key, 0.0), r.worker.get("process_cpu_seconds", 0.0))
    values = list(per_process.values())
    return round(combine(values), 3) if values else 0.0

"""The engines a sharded run uses: a local process pool or a Dask distributed cluster.

The run splits the sorted documents to process into contiguous shards (``shards.plan_shards``);
each shard is one task, :func:`~pipeline.run.worker.run_shard`. Docs are never pickled between
processes: for a cheap rule pipeline that costs more than it saves (see docs/performance.md).

- ``local``: ``concurrent.futures.ProcessPoolExecutor``. When the parent has built the pipeline
  and may fork (Linux, no other thread running: :func:`fork_is_safe`), the workers are forked
  from it and start with that pipeline: one build for the whole run, no imports. Otherwise (and
  for a pool restarted after a worker died) they come from a ``forkserver`` (``spawn`` where
  that does not exist) with spaCy already imported, and each builds its own.
- ``dask``: the same function as Dask tasks (``client.submit(..., retries=N)``) on the cluster
  at ``scheduler`` (``tcp://host:8786``), or on a ``LocalCluster`` of ``workers`` single-threaded
  processes. The inputs and OUT_DIR must be on a filesystem every worker sees at the same path.

A shard whose task raises is retried (``retries`` times); a shard that still fails raises
:class:`ShardFailure`: nothing is merged and the previous outputs stay untouched. Local workers
exit when the run dies, even by kill -9 (``worker.die_with_parent``).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from .build import PipelineSpec, config_hash
from .shards import ShardResult, ShardTask
from .worker import INHERITED, die_with_parent, run_shard, warm_up

ENGINES = ("local", "dask")
# Imported once in the fork server: spaCy, the stages, and the code a shard runs.
WORKER_MODULE = "pipeline.run.worker"


class ShardFailure(RuntimeError):
    """A shard still failed after its retries: nothing was merged, earlier outputs are untouched."""


def fork_is_safe() -> bool:
    """Workers can be forked from this process: Linux, and no other thread runs.

    A thread holding a lock (logging, I/O) at the moment of the fork would leave that lock held
    forever in the child; with the main thread alone there is none. macOS system libraries are not
    fork-safe (why Python spawns there by default), so other platforms use the fork server.
    """
    return sys.platform.startswith("linux") and threading.active_count() == 1


def run_shards(
    spec: PipelineSpec,
    tasks: Sequence[ShardTask],
    *,
    engine: str = "local",
    workers: int = 2,
    scheduler: str | None = None,
    retries: int = 2,
    start_method: str | None = None,
) -> Iterator[ShardResult]:
    """Run every shard; yields results as shards finish (any order).

    Raises :class:`ShardFailure` once a shard has failed ``retries + 1`` times.
    """
    executor = open_engine(spec, engine=engine, workers=workers, scheduler=scheduler, retries=retries, start_method=start_method)
    try:
        yield from executor.run(tasks)
    finally:
        executor.close()


def open_engine(
    spec: PipelineSpec,
    *,
    engine: str = "local",
    workers: int = 2,
    scheduler: str | None = None,
    retries: int = 2,
    start_method: str | None = None,
    nlp=None,
) -> "LocalEngine | DaskEngine":
    """Start the workers now (they load the pipeline while the caller scans the inputs).

    ``nlp``: this process's pipeline for ``spec``; local workers forked from here start with it.
    """
    if engine == "dask":
        return DaskEngine(spec, workers=workers, scheduler=scheduler, retries=retries)
    return LocalEngine(spec, workers=workers, retries=retries, start_method=start_method, nlp=nlp)


def default_start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _dask_imported() -> bool:
    return "distributed" in sys.modules


def _pool(workers: int, start_method: str | None) -> ProcessPoolExecutor:
    method = start_method or default_start_method()
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # Import spaCy and the stages once in the fork server; each worker forks from it.
        context.set_forkserver_preload([WORKER_MODULE] + (["distributed"] if _dask_imported() else []))
    # workers exit when the run dies (kill -9 included) instead of living on, orphaned
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))


def _preload_forkserver_for_dask() -> None:
    """LocalCluster workers fork from a server that has already imported Dask and the pipeline.

    Dask's default (``spawn``) starts each worker as a fresh interpreter that imports
    distributed, spaCy and the stages again; with ``forkserver`` they are imported once.
    Dask sets the server's preload list only if nobody did (``distributed.utils``); ours names
    both, and whichever engine starts the server first, its workers find both imported.
    """
    if default_start_method() != "forkserver":
        return
    from distributed import utils as dask_utils

    multiprocessing.get_context("forkserver").set_forkserver_preload(["distributed", WORKER_MODULE])
    dask_utils._forkserver_preload_set = True


def _failure(task: ShardTask, attempts: int, error: str) -> ShardFailure:
    return ShardFailure(
        f"shard {task.index} ({len(task.refs)} documents: {task.span}) failed after {attempts} attempt(s): {error}; "
        f"nothing was merged, earlier outputs are unchanged"
    )


class LocalEngine:
    """A process pool on this machine; workers start and load the pipeline at once."""

    def __init__(self, spec: PipelineSpec, *, workers: int, retries: int, start_method: str | None = None, nlp=None) -> None:
        self.spec, self.workers, self.retries, self.start_method = spec, workers, retries, start_method
        started = time.perf_counter()
        # Given this process's pipeline, fork the workers from here: they start with it built
        # (one build in all instead of one per worker, and no imports). Otherwise, and for pools
        # started again after a worker died, workers come from the fork server and build their own.
        inherit = nlp is not None and start_method is None and fork_is_safe()
        key = spec.key()
        if inherit:
            INHERITED[key] = (nlp, spec.config_hash or config_hash(nlp), threading.Lock())
        try:
            self.pool: ProcessPoolExecutor | None = _pool(workers, "fork" if inherit else start_method)
            # with "fork" the first submit forks every worker at once
            self.warm_ups = [self.pool.submit(warm_up, spec) for _ in range(workers)]
        finally:
            INHERITED.pop(key, None)
        self.stats = {"engine_start_seconds": round(time.perf_counter() - started, 3), "forked_with_pipeline": inherit}

    def pipeline_info(self) -> dict:
        """Config hash and model of the pipeline the workers built (waits for the first one).

        The parent of a parallel run does not build the pipeline itself: on a machine whose
        cores are all workers, that build would only delay theirs.
        """
        done, _ = wait(self.warm_ups, return_when=FIRST_COMPLETED)
        return next(iter(done)).result()

    def run(self, tasks: Sequence[ShardTask]) -> Iterator[ShardResult]:
        attempts: dict[int, int] = {t.index: 0 for t in tasks}
        crashes: dict[int, list[str]] = {t.index: [] for t in tasks}
        pending = sorted(tasks, key=lambda t: -t.n_chars)  # largest first: the last ones to finish are small
        while pending:
            if self.pool is None:
                self.pool = _pool(min(self.workers, len(pending)), self.start_method)
            pool = self.pool
            running = {pool.submit(run_shard, self.spec, task): task for task in pending}
            pending = []
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    attempts[task.index] += 1
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        # A worker died (killed, out of memory): every task still running is lost with
                        # it. Start a new pool for them; each counts the crash as a failed attempt.
                        lost = [task, *running.values()]
                        for t in lost[1:]:
                            attempts[t.index] += 1
                        for t in lost:
                            crashes[t.index].append("worker process died (killed or out of memory)")
                            if attempts[t.index] > self.retries:
                                raise _failure(t, attempts[t.index], crashes[t.index][-1]) from None
                        running.clear()
                        pending = lost
                        self.close()
                        break
                    except Exception as err:  # noqa: BLE001  the task's own error: retry it
                        if attempts[task.index] > self.retries:
                            raise _failure(task, attempts[task.index], f"{type(err).__name__}: {err}") from None
                        running[pool.submit(run_shard, self.spec, task)] = task
                        continue
                    result.failed_attempts += crashes[task.index]
                    yield result

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class DaskEngine:
    """Tasks on a Dask cluster: the one at ``scheduler``, or a LocalCluster started here.

    The cluster starts in a background thread, so it comes up while the caller scans the inputs.
    """

    def __init__(self, spec: PipelineSpec, *, workers: int, scheduler: str | None, retries: int) -> None:
        self.spec, self.workers, self.scheduler, self.retries = spec, workers, scheduler, retries
        self.client = self.cluster = None
        self.error: BaseException | None = None
        self.stats: dict = {}
        self.warm_ups: list = []
        self._thread = threading.Thread(target=self._start, name="claims-dask-start", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        started = time.perf_counter()
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as err:  # pragma: no cover - dask[distributed] is a dependency
            self.error = ShardFailure(f"the dask engine needs dask[distributed] ({err}): pip install 'dask[distributed]'")
            return
        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout="30s")
            else:
                _preload_forkserver_for_dask()
                # Dask sets MALLOC_TRIM_THRESHOLD_ in its workers, which also turns off glibc's
                # dynamic mmap threshold: every large numpy array of the model is then mapped
                # and faulted in afresh (tok2vec ran 30% slower than in a local worker).
                with dask.config.set({
                    "distributed.worker.multiprocessing-method": default_start_method(),
                    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                }):
                    self.cluster = LocalCluster(
                        n_workers=self.workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.CRITICAL,
                    )
                self.client = Client(self.cluster)
            # Load the pipeline on every worker now, pinned so each worker builds its own.
            self.warm_ups = [
                self.client.submit(warm_up, self.spec, workers=[address], allow_other_workers=False, pure=False)
                for address in self.client.scheduler_info()["workers"]
            ]
        except Exception as err:  # noqa: BLE001  reported when the run needs the cluster
            where = self.scheduler or "a LocalCluster"
            self.error = ShardFailure(f"cannot start the Dask engine on {where}: {type(err).__name__}: {err}")
        self.stats["engine_start_seconds"] = round(time.perf_counter() - started, 3)

    def pipeline_info(self) -> dict:
        """Config hash and model of the pipeline the workers built (waits for the first one)."""
        from distributed import wait as dask_wait

        self._thread.join()
        if self.error is not None:
            raise self.error
        done = dask_wait(self.warm_ups, return_when="FIRST_COMPLETED").done
        return next(iter(done)).result()

    def run(self, tasks: Sequence[ShardTask]) -> Iterator[ShardResult]:
        from distributed import as_completed

        self._thread.join()
        if self.error is not None:
            raise self.error
        client = self.client
        run_id = uuid.uuid4().hex[:8]
        futures = [
            client.submit(
                run_shard, self.spec, task, key=f"claims-shard-{run_id}-{task.index:05d}", pure=False,
                retries=self.retries, priority=task.n_chars,  # largest first
            )
            for task in tasks
        ]
        by_key = {f.key: t for f, t in zip(futures, tasks)}
        try:
            for future in as_completed(futures):
                if future.status != "finished":
                    err = future.exception()
                    raise _failure(by_key[future.key], self.retries + 1, f"{type(err).__name__}: {err}")
                yield future.result()
        finally:
            client.cancel(futures)

    def close(self) -> None:
        self._thread.join()
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

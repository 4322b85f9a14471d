"""What runs in a worker process: the per-process pipeline cache and the shard task both engines run.

A worker builds the pipeline ONCE per process from a :class:`~pipeline.run.build.PipelineSpec`
(config path + overrides + model name, never a pickled ``nlp``), keeps it in a per-process cache
(or starts with its parent's, when forked from it), annotates its shard and writes the shard's own
per-kind files under ``OUT_DIR/.claims-run-*/shard-NNNNN/attempt-*/``. Only metadata (counts,
errors, timings, where the files are) travels back to the parent.

Failures: each failed attempt leaves an ``attempt-*.failed`` note in its shard folder, so the
attempt that finally succeeds reports the earlier errors whichever machine ran them (they end up
in run.json ``retried_shards``).
"""
from __future__ import annotations

import os
import platform
import sys
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

from .build import PipelineSpec, config_hash, model_info
from .shard import InputFailure, process_shard
from .shards import ShardResult, ShardTask

# Fault injection for tests (also usable to rehearse failures on a real cluster): set in the
# environment of the process that starts the run, "<shard>:<n>[,<shard>:<n>...]" makes shard
# <shard> fail its first <n> attempts. Read once by the parent (ShardTask.fail_attempts), so it
# works whatever environment the workers were started with.
FAULT_ENV = "CLAIMS_FAIL_SHARDS"

_PIPELINES: dict[str, tuple[object, str, threading.Lock]] = {}
_PIPELINES_LOCK = threading.Lock()
# The parent's own pipeline, visible to workers forked from it (set only while the pool forks):
# they start with it built instead of building one each.
INHERITED: dict[str, tuple[object, str, threading.Lock]] = {}


class PipelineMismatch(RuntimeError):
    """A worker built a different pipeline than the parent (other code, config or rule files)."""


def get_pipeline(spec: PipelineSpec):
    """The pipeline for ``spec``, built once per process and cached (keyed by config + overrides)."""
    return pipeline_entry(spec)[0]


def pipeline_entry(spec: PipelineSpec):
    """(nlp, its config hash, the lock that lets one shard at a time use it) for ``spec``, cached."""
    key = spec.key()
    with _PIPELINES_LOCK:
        entry = _PIPELINES.get(key) or INHERITED.get(key)
        if entry is None:
            nlp = spec.build()
            entry = (nlp, config_hash(nlp), threading.Lock())
        _PIPELINES[key] = entry
    nlp, chash, _ = entry
    if spec.config_hash and chash != spec.config_hash:
        raise PipelineMismatch(
            f"worker pipeline differs from the parent's (config hash {chash} != {spec.config_hash}): "
            f"install the same version of the project and its rule files on every worker (or a rule file changed during the run)"
        )
    return entry


def injected_failures(index: int) -> int:
    """How many attempts of shard ``index`` must fail (from ``$CLAIMS_FAIL_SHARDS``; 0 normally)."""
    for item in os.environ.get(FAULT_ENV, "").split(","):
        shard, _, times = item.partition(":")
        if shard.strip() == str(index):
            return int(times or 1)
    return 0


def run_shard(spec: PipelineSpec, task: ShardTask) -> ShardResult:
    """Annotate one shard in this process (the task both engines run)."""
    shard_dir = Path(task.out_dir)
    shard_dir.mkdir(parents=True, exist_ok=True)
    attempt = shard_dir / f"attempt-{uuid.uuid4().hex[:12]}"  # a rerun never writes over another attempt
    earlier = sorted(shard_dir.glob("attempt-*.failed"), key=lambda p: p.stat().st_mtime)
    try:
        if len(earlier) < task.fail_attempts:
            raise RuntimeError(f"injected failure ({FAULT_ENV})")
        nlp, _, lock = pipeline_entry(spec)
        try:
            # One shard at a time per pipeline: a Dask worker with several threads shares one nlp,
            # and a spaCy pipeline is not safe to call from two threads at once (the GIL gives
            # nothing to gain from it anyway; use one thread per worker process).
            with lock:
                result = process_shard(nlp, replace(task, out_dir=str(attempt)))
        except InputFailure as err:  # --strict: not a failure to retry, the run stops
            return ShardResult(task.index, str(attempt), [], [err.error], {}, 0, {}, 0.0, strict_failure=err.error)
    except Exception as err:
        note = f"{platform.node()} pid {os.getpid()}: {type(err).__name__}: {err}"
        (shard_dir / f"{attempt.name}.failed").write_text(note.splitlines()[0] if note else "", encoding="utf-8")
        raise
    result.failed_attempts = [p.read_text(encoding="utf-8") for p in earlier]
    return result


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: this worker exits when the run ``parent_pid`` dies (even by kill -9).

    Forked from the run (Linux): the kernel sends SIGKILL when it dies (``PR_SET_PDEATHSIG``).
    Otherwise (a fork server's child: the server lives on as long as its children do, so its
    death cannot be waited for; other platforms) a thread polls the run's pid.
    """
    import signal

    armed = False
    if sys.platform.startswith("linux") and os.getppid() == parent_pid:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError, TypeError):  # pragma: no cover
            armed = False
    if not _alive(parent_pid):  # the run died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent_pid,), name="claims-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    """``pid`` runs (a zombie, killed but not yet waited for by its own parent, does not)."""
    if os.path.isdir("/proc/self"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                return fh.read().rpartition(b")")[2].split()[0] != b"Z"
        except FileNotFoundError:
            return False
        except OSError:  # pragma: no cover - unreadable: ask the kernel
            pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - exists, another user's (a reused pid)
        return True
    return True


def _watch_parent(parent_pid: int) -> None:
    while _alive(parent_pid):
        time.sleep(0.5)
    os._exit(1)


def warm_up(spec: PipelineSpec) -> dict:
    """Build (and cache) the pipeline in this worker process; say what it is (hash, model)."""
    nlp, chash, _ = pipeline_entry(spec)
    return {"pid": os.getpid(), "config_hash": chash, "model": model_info(nlp)}

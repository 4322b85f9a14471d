"""One measurement of the benchmark (the bare tokenizer, or a run), alone in a fresh process.

Each measurement runs in its own interpreter (``python -m pipeline.bench.measure SPEC``) so that
its peak memory (``ru_maxrss``) belongs to it alone.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .corpus import PROJECT_ROOT


def _rusage_cpu() -> float:
    """CPU seconds of this process (workers report their own: forkserver children are not ours)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb(ru_maxrss: int) -> float:
    return round(ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def measure(spec: dict) -> dict:
    """One measurement in this process: ``{"kind": "tokenizer"|"run", ...}`` -> figures."""
    if spec["kind"] == "tokenizer":
        return _measure_tokenizer(Path(spec["corpus"]))
    return _measure_run(spec)


def _measure_tokenizer(corpus: Path) -> dict:
    import spacy

    from ..io import load_articles

    texts = []
    for path in sorted(corpus.iterdir()):
        if path.suffix in (".txt", ".md"):
            texts += [a.text for a in load_articles(path, str(path), path.stem) if hasattr(a, "text")]
    tokenizer = spacy.blank("en").tokenizer
    cpu0, start = _rusage_cpu(), time.perf_counter()
    n_tokens = sum(len(tokenizer(text)) for text in texts)
    seconds = time.perf_counter() - start
    cpu = _rusage_cpu() - cpu0
    n_words = sum(len(t.split()) for t in texts)
    return {
        "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "words": n_words, "docs": len(texts), "tokens": n_tokens,
        "peak_rss_mb": _rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
    }


def _measure_run(spec: dict) -> dict:
    from ..run import build_nlp, run_corpus

    cpu0, start = _rusage_cpu(), time.perf_counter()
    overrides = spec.get("overrides") or {}
    parallel = spec.get("workers", 1) > 1 or spec.get("engine", "local") != "local"
    # As `claims run` does: one process builds the pipeline itself (timed apart, as build_seconds);
    # with workers, each worker builds it inside the timed run and this process builds nothing.
    nlp = None if parallel else build_nlp(spec["config"], overrides)
    build_seconds = time.perf_counter() - start
    cpu1, start = _rusage_cpu(), time.perf_counter()
    result = run_corpus(
        [spec["corpus"]], spec["out"], nlp=nlp, config_path=spec["config"], overrides=overrides, force=True,
        workers=spec.get("workers", 1), engine=spec.get("engine", "local"), batch_size=spec.get("batch_size", 16),
    )
    seconds = time.perf_counter() - start
    if nlp is None:
        nlp = build_nlp(spec["config"], overrides)  # after the timed run: only to name the components
    kinds = {name: nlp.get_pipe_meta(name).factory for name in nlp.pipe_names}
    timings = result.manifest["timings"]
    parent_cpu = _rusage_cpu() - cpu1
    cpu = parent_cpu + (timings.get("worker_cpu_seconds") or 0.0)
    rss_children = _rss_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        # CPU on the longest path: this process + its busiest worker (what the wall time would be
        # with a free core per worker; the parent's CPU also covers scanning and merging)
        "critical_path_cpu_seconds": round(parent_cpu + (timings.get("worker_cpu_seconds_max") or 0.0), 3) if timings.get("worker_cpu_seconds_max") else round(cpu, 3),
        "build_seconds": None if parallel else round(build_seconds, 3),
        # the whole job as a user waits for it: pipeline build + run (workers build inside the run)
        "job_seconds": round(seconds + (0.0 if parallel else build_seconds), 3),
        "build_cpu_seconds": round(cpu1 - cpu0, 3),
        "words": result.n_words,
        "docs": len(result.processed),
        "errors": len(result.errors),
        "counts": result.manifest["counts"],
        "stage_seconds": timings["stage_seconds"],
        "components": kinds,
        "trained_components": result.manifest["model"]["trained_components"],
        "shards": timings["shards"],
        "engine_start_seconds": timings.get("engine_start_seconds"),
        "peak_rss_mb": _rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "worker_peak_rss_mb": timings["peak_rss_mb"]["worker_max"] or (rss_children if spec.get("workers", 1) > 1 else None),
    }


def run_isolated(spec: dict, timeout: float) -> dict:
    """``measure(spec)`` in a fresh interpreter: its peak RSS is this measurement's alone."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    proc = subprocess.run(
        [sys.executable, "-m", __name__, json.dumps(spec)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=timeout,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"failed": f"exit {proc.returncode}: {tail}"}
    return json.loads(lines[-1])


def _child_main(argv: Sequence[str]) -> None:
    """``python -m pipeline.bench.measure '<spec json>'``: one isolated measurement, JSON on stdout."""
    result = measure(json.loads(argv[0]))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    _child_main(sys.argv[1:])

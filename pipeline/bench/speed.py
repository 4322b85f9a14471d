"""Benchmark: speed, memory and scaling of the pipeline, side by side in one run.

``claims bench`` (``make bench``) builds a corpus of about ``--words`` words (default 200,000) from
``corpus/`` and, when present, ``../shared/corpus/`` (with ``commentary/``), and a second one
``--scale`` times larger (default 10x), in a temporary folder. Then it measures, each in a fresh
Python process so that peak memory (``ru_maxrss``) belongs to that measurement alone:

- spaCy's bare tokenizer (``spacy.blank("en").tokenizer``) over the same texts: the reference;
- the full default pipeline (configs/default.cfg, with the shipped syntax model when present) and
  the rules-only pipeline (the same config without its statistical components: the project's
  rule stages on the bare tokenizer, or ``--rules-config``) through ``run_corpus`` exactly as ``claims run``
  runs them (scan, annotate, build records, write and merge the files);
- every measurement ``repeat`` times (default 3), in interleaved rounds; the median run counts;
- 1 and 2 workers (speed-up), the Dask engine on a LocalCluster of 2 workers, and the 1x and 10x
  corpora (memory growth).

It reports words/s and documents/s (wall clock, plus words per CPU-second, which a busy shared
machine disturbs less), peak RSS, each stage's share of the time (``run.annotate.StageTimer``), the
ratio to the bare tokenizer, and the issue's targets with PASS / FAIL; prints a table and writes
``bench.json`` + ``bench.txt`` to ``--out``.
"""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import DEFAULT_SOURCES, Corpus, build_corpus
from .measure import measure, run_isolated
from .targets import targets


@dataclass
class Step:
    name: str
    spec: dict
    size: str  # "1x" | "<scale>x"
    result: dict = field(default_factory=dict)


def _median_run(runs: Sequence[dict]) -> dict:
    """The run with the median wall time (the upper middle one of an even number), with every time."""
    ok = sorted((r for r in runs if "failed" not in r), key=lambda r: r["seconds"])
    if not ok:
        return dict(runs[-1])
    result = dict(ok[len(ok) // 2])
    if len(runs) > 1:
        result["repeat_seconds"] = [r["seconds"] for r in runs if "failed" not in r]
    return result


def rules_only_overrides(config: Path) -> dict:
    """Overrides that keep only the project's rule components of ``config`` (no statistical model)."""
    from ..run import load_pipeline_config

    loaded = load_pipeline_config(config)
    names = [n for n in loaded["nlp"]["pipeline"] if str(loaded["components"].get(n, {}).get("factory", "")).startswith("claims_")]
    return {"nlp.pipeline": names}


def plan(
    corpora: dict[str, Corpus], work: Path, *, full_config: Path, rules_config: Path, workers: int, dask: bool, full_scale: bool,
    rules_overrides: dict | None = None,
) -> list[Step]:
    """Which measurements to take (names are what the table shows)."""
    big = next(k for k in corpora if k != "1x")
    steps = [
        Step("tokenizer", {"kind": "tokenizer", "corpus": str(corpora["1x"].path)}, "1x"),
        Step(f"tokenizer {big}", {"kind": "tokenizer", "corpus": str(corpora[big].path)}, big),
    ]

    def run(name: str, config: Path, size: str, **kw) -> Step:
        out = work / "out" / name.replace(" ", "_").replace(",", "")
        if name.startswith("rules") and rules_overrides:
            kw["overrides"] = rules_overrides
        return Step(name, {"kind": "run", "config": str(config), "corpus": str(corpora[size].path), "out": str(out), **kw}, size)

    steps.append(run("full, 1 worker", full_config, "1x"))
    steps.append(run(f"full, {workers} workers", full_config, "1x", workers=workers))
    if full_scale:
        steps.append(run(f"full, 1 worker, {big}", full_config, big))
    steps.append(run("rules, 1 worker", rules_config, "1x"))
    steps.append(run(f"rules, 1 worker, {big}", rules_config, big))
    steps.append(run(f"rules, {workers} workers, {big}", rules_config, big, workers=workers))
    if dask:
        steps.append(run(f"rules, dask {workers} workers, {big}", rules_config, big, workers=workers, engine="dask"))
        steps.append(run(f"full, dask {workers} workers", full_config, "1x", workers=workers, engine="dask"))
    return steps


def run_bench(
    *,
    words: int = 200_000,
    scale: int = 10,
    workers: int = 2,
    full_config: Path | None = None,
    rules_config: Path | None = None,
    sources: Sequence[Path] = DEFAULT_SOURCES,
    dask: bool = True,
    full_scale: bool = False,
    repeat: int = 3,
    isolate: bool = True,
    timeout: float = 3600,
    keep: Path | None = None,
    on_step: Callable[[Step], None] | None = None,
) -> dict:
    """Build the corpora, take every measurement, return the report (see :func:`format_table`)."""
    from ..run import DEFAULT_CONFIG

    full_config = Path(full_config or DEFAULT_CONFIG).resolve()
    # Rules only: the full config without its statistical components, unless a config is given.
    rules_overrides = None if rules_config else rules_only_overrides(full_config)
    rules_config = Path(rules_config).resolve() if rules_config else full_config
    work = Path(tempfile.mkdtemp(prefix="claims-bench-")) if keep is None else keep
    try:
        corpora = {
            "1x": build_corpus(work / "corpus-1x", words, sources),
            f"{scale}x": build_corpus(work / f"corpus-{scale}x", words * scale, sources),
        }
        steps = plan(corpora, work, full_config=full_config, rules_config=rules_config, workers=workers, dask=dask, full_scale=full_scale,
                     rules_overrides=rules_overrides)
        load_before = os.getloadavg()
        # Every measurement ``repeat`` times, in rounds (all steps, then all again): a machine that
        # slows down for a while slows one run of each step, not every run of one side of a
        # comparison. The median run of each step is its row; all its times are kept.
        runs: dict[str, list[dict]] = {step.name: [] for step in steps}
        loads: dict[str, list[float]] = {step.name: [] for step in steps}
        for round_ in range(repeat):
            for step in steps:
                if round_ and any("failed" in r for r in runs[step.name]):
                    continue  # a step that failed or timed out is not run again
                loads[step.name].append(os.getloadavg()[0])
                try:
                    runs[step.name].append(run_isolated(step.spec, timeout) if isolate else measure(step.spec))
                except subprocess.TimeoutExpired:
                    runs[step.name].append({"failed": f"timed out after {timeout:.0f}s"})
                if round_ == repeat - 1 or "failed" in runs[step.name][-1]:
                    step.result = _median_run(runs[step.name])
                    step.result["load_average_1m"] = round(max(loads[step.name]), 2)
                    if on_step:
                        on_step(step)
        load_after = os.getloadavg()
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report = summarize(steps, corpora, load_before, load_after, workers=workers, full_config=full_config, rules_config=rules_config)
    if rules_overrides:
        report["configs"]["rules_overrides"] = rules_overrides
    return report


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import spacy

    mem = None
    try:
        mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "host": platform.node(), "cpu": cpu, "cpus": os.cpu_count(), "memory_gb": mem, "platform": platform.platform(),
        "python": platform.python_version(), "spacy": spacy.__version__,
    }


def _rate(n: float, seconds: float | None) -> float | None:
    return round(n / seconds, 1) if seconds else None


def summarize(steps: Sequence[Step], corpora: dict[str, Corpus], load_before, load_after, *, workers: int, full_config: Path, rules_config: Path) -> dict:
    rows = {}
    tokenizer_seconds = {s.size: s.result.get("seconds") for s in steps if s.spec["kind"] == "tokenizer" and "failed" not in s.result}
    for step in steps:
        r = step.result
        row = {"size": step.size, **r}
        if "failed" not in r:
            row["words_per_s"] = _rate(r["words"], r["seconds"])
            row["docs_per_s"] = _rate(r["docs"], r["seconds"])
            row["words_per_cpu_s"] = _rate(r["words"], r["cpu_seconds"])
            tok = tokenizer_seconds.get(step.size)
            row["x_tokenizer"] = round(r["seconds"] / tok, 2) if tok and step.spec["kind"] == "run" else None
            if r.get("stage_seconds"):
                total = sum(r["stage_seconds"].values())
                row["stage_share"] = {k: round(v / total, 4) for k, v in r["stage_seconds"].items()} if total else {}
        rows[step.name] = row
    report = {
        "machine": machine(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after]},
        "corpora": {k: {"words": c.words, "docs": c.docs, "sources": c.sources, "repeated_docs": c.copies} for k, c in corpora.items()},
        "configs": {"full": str(full_config), "rules": str(rules_config)},
        "workers": workers,
        "runs": rows,
    }
    report["gemm"] = gemm_report(full_config)
    report["targets"] = targets(rows, workers=workers, big=next(k for k in corpora if k != "1x"))
    return report


def gemm_report(config: Path) -> dict:
    """GFLOP/s of each matrix backend on this machine (one thread, the tok2vec's shape) and the one
    the runs used (``$CLAIMS_GEMM``, else the config's ``[system] gemm``)."""
    from ..run import load_pipeline_config
    from ..speed import GEMM_BACKENDS, choose_gemm, gemm_gflops

    used = choose_gemm(load_pipeline_config(config).get("system", {}).get("gemm"))
    return {"gflops": {name: gemm_gflops(name) for name in GEMM_BACKENDS}, "shape": "512x288 @ 288x192 float32", "used": used}

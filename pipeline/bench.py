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
machine disturbs less), peak RSS, each stage's share of the time (the runner's StageTimer), the
ratio to the bare tokenizer, and the issue's targets with PASS / FAIL; prints a table and writes
``bench.json`` + ``bench.txt`` to ``--out``.
"""
from __future__ import annotations

import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = (PROJECT_ROOT / "corpus", PROJECT_ROOT.parent / "shared" / "corpus")
MAX_DOC_WORDS = 20_000  # longer files are reports, not articles: one would dominate a shard

TARGETS = {
    "full_words_per_s": 10_000,
    "rules_on_top_of_model": 0.30,
    "rules_words_per_s": 100_000,
    "rules_x_tokenizer": 8.0,
    "speedup_2_workers": 1.8,
    "dask_vs_local": 0.15,
    "memory_growth_10x": 0.20,
}


# --- corpus ---------------------------------------------------------------------------------------


@dataclass
class Corpus:
    path: Path
    words: int
    docs: int
    sources: list[str]
    copies: int = 0  # documents repeated (under new names) because the sources were too small


def _candidates(sources: Sequence[Path]) -> list[tuple[Path, int]]:
    found = []
    for root in sources:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in (".txt", ".md") or path.name.lower() == "readme.md" or not path.is_file():
                continue
            words = len(path.read_text(encoding="utf-8", errors="replace").split())
            if 0 < words <= MAX_DOC_WORDS:
                found.append((path, words))
    return found


def build_corpus(dest: Path, words: int, sources: Sequence[Path] = DEFAULT_SOURCES, *, seed: int = 0) -> Corpus:
    """Copy articles (and their ``.meta.json`` sidecars) into ``dest`` until ``words`` is reached.

    Files are taken in a fixed shuffled order (the same for every size, so the small corpus is a
    prefix of the large one); when the sources run out they are copied again under new names.
    """
    candidates = _candidates(sources)
    if not candidates:
        raise FileNotFoundError(f"no .txt/.md articles in {', '.join(map(str, sources))}")
    random.Random(seed).shuffle(candidates)
    dest.mkdir(parents=True, exist_ok=True)
    total = docs = copies = 0
    used_sources = sorted({str(root) for root in sources if root.is_dir()})
    round_ = 0
    while total < words:
        for path, n in candidates:
            if total >= words:
                break
            name = path.name if round_ == 0 else f"{path.stem}--copy{round_}{path.suffix}"
            target = dest / f"{docs:06d}-{name}"
            shutil.copyfile(path, target)
            sidecar = path.with_name(path.name + ".meta.json")
            if sidecar.exists():
                shutil.copyfile(sidecar, target.with_name(target.name + ".meta.json"))
            total += n
            docs += 1
            copies += round_ > 0
        round_ += 1
    return Corpus(dest, total, docs, used_sources, copies)


# --- measurements ---------------------------------------------------------------------------------


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

    from .io import load_articles

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
    from .run import build_nlp, run_corpus

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


def _run_isolated(spec: dict, timeout: float) -> dict:
    """``measure(spec)`` in a fresh interpreter: its peak RSS is this measurement's alone."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.bench", json.dumps(spec)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=timeout,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"failed": f"exit {proc.returncode}: {tail}"}
    return json.loads(lines[-1])


# --- the benchmark --------------------------------------------------------------------------------


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
    from .run import load_pipeline_config

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
    from .run import DEFAULT_CONFIG

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
                    runs[step.name].append(_run_isolated(step.spec, timeout) if isolate else measure(step.spec))
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
    report["targets"] = targets(rows, workers=workers, big=next(k for k in corpora if k != "1x"))
    return report


def targets(rows: dict, *, workers: int, big: str) -> list[dict]:
    """The issue's targets, each with the measured value and PASS / FAIL (or n/a)."""

    def get(name: str, key: str):
        row = rows.get(name) or {}
        return None if "failed" in row else row.get(key)

    out = []

    def add(name: str, value, target, ok: bool | None, note: str = "") -> None:
        out.append({"target": name, "value": value, "goal": target, "status": "n/a" if ok is None else ("PASS" if ok else "FAIL"), "note": note})

    full = rows.get("full, 1 worker") or {}
    trained = full.get("trained_components") or []
    components = full.get("components") or {}
    if not trained:
        add("full pipeline with syntax model, 1 core (words/s)", get("full, 1 worker", "words_per_s"), f">= {TARGETS['full_words_per_s']:,}", None,
            "no trained model in the default pipeline yet (pipeline/models/syntax); the full run is rule stages only")
        add("rule stages on top of the model alone", None, f"<= {TARGETS['rules_on_top_of_model']:.0%}", None, "no model")
    else:
        wps = get("full, 1 worker", "words_per_s")
        add("full pipeline with syntax model, 1 core (words/s)", wps, f">= {TARGETS['full_words_per_s']:,}", wps is not None and wps >= TARGETS["full_words_per_s"])
        cpu_wps = get("full, 1 worker", "words_per_cpu_s")
        add("full pipeline with syntax model, 1 core (words per CPU-second)", cpu_wps, f">= {TARGETS['full_words_per_s']:,}",
            cpu_wps is not None and cpu_wps >= TARGETS["full_words_per_s"], "less sensitive to other jobs on the machine")
        stages = full.get("stage_seconds") or {}
        model_s = sum(v for k, v in stages.items() if k in trained)
        rules_s = sum(v for k, v in stages.items() if components.get(k, "").startswith("claims_")) + stages.get("records", 0.0)
        share = round(rules_s / model_s, 3) if model_s else None
        add("rule stages (+ records) on top of the model alone", share, f"<= {TARGETS['rules_on_top_of_model']:.0%}",
            share is not None and share <= TARGETS["rules_on_top_of_model"], f"rule stages {rules_s:.2f}s vs model {model_s:.2f}s")
    wps = get("rules, 1 worker", "words_per_s")
    add("rules only, 1 core (words/s)", wps, f">= {TARGETS['rules_words_per_s']:,}", wps is not None and wps >= TARGETS["rules_words_per_s"])
    cpu_wps = get("rules, 1 worker", "words_per_cpu_s")
    add("rules only, 1 core (words per CPU-second)", cpu_wps, f">= {TARGETS['rules_words_per_s']:,}", cpu_wps is not None and cpu_wps >= TARGETS["rules_words_per_s"],
        "less sensitive to other jobs on the machine")
    x = get("rules, 1 worker", "x_tokenizer")
    add("rules only vs bare tokenizer (x time)", x, f"<= {TARGETS['rules_x_tokenizer']:g}x", x is not None and x <= TARGETS["rules_x_tokenizer"])
    for pipeline, size, suffix in (("rules", big, f", {big}"), ("full", "1x", "")):
        # whole jobs: 1 worker = build + run in one process; N workers = the run, in which every
        # worker builds its pipeline (so neither side leaves its start-up out)
        one, many = get(f"{pipeline}, 1 worker{suffix}", "job_seconds"), get(f"{pipeline}, {workers} workers{suffix}", "job_seconds")
        speedup = round(one / many, 2) if one and many else None
        add(f"{pipeline}, {workers} workers vs 1 ({size} corpus)", speedup, f">= {TARGETS['speedup_2_workers']}x", speedup is not None and speedup >= TARGETS["speedup_2_workers"],
            "job time, pipeline build included on both sides")
        # 1 worker's CPU with its build (the N-worker parent's CPU includes the build it forks from)
        one = get(f"{pipeline}, 1 worker{suffix}", "cpu_seconds")
        one = one + (get(f"{pipeline}, 1 worker{suffix}", "build_cpu_seconds") or 0.0) if one else None
        many = get(f"{pipeline}, {workers} workers{suffix}", "critical_path_cpu_seconds")
        projected = round(one / many, 2) if one and many else None
        add(f"{pipeline}, {workers} workers vs 1 ({size}), projected from CPU times", projected, f">= {TARGETS['speedup_2_workers']}x", None,
            "1-worker CPU / (parent + busiest worker CPU): the speed-up with a free core per worker; informative only")
    local, dask = get(f"rules, {workers} workers, {big}", "seconds"), get(f"rules, dask {workers} workers, {big}", "seconds")
    if local and dask:
        slower = round(dask / local - 1, 3)
        add(f"dask LocalCluster vs --workers {workers} (rules, {big})", slower, f"<= +{TARGETS['dask_vs_local']:.0%} time", slower <= TARGETS["dask_vs_local"])
    local, dask = get(f"full, {workers} workers", "seconds"), get(f"full, dask {workers} workers", "seconds")
    if local and dask:
        slower = round(dask / local - 1, 3)
        add(f"dask LocalCluster vs --workers {workers} (full, 1x)", slower, f"<= +{TARGETS['dask_vs_local']:.0%} time", slower <= TARGETS["dask_vs_local"])
    for pipeline in ("rules", "full"):
        small, large = get(f"{pipeline}, 1 worker", "peak_rss_mb"), get(f"{pipeline}, 1 worker, {big}", "peak_rss_mb")
        if small and large:
            growth = round(large / small - 1, 3)
            add(f"{pipeline}: peak RSS growth 1x -> {big} corpus", growth, f"<= +{TARGETS['memory_growth_10x']:.0%}", growth <= TARGETS["memory_growth_10x"],
                f"{small:.0f} MB -> {large:.0f} MB")
    return out


# --- output ---------------------------------------------------------------------------------------


def _fmt(value, spec: str = ",.0f") -> str:
    if value is None:
        return "-"
    return format(value, spec)


def format_table(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"claims bench  {report['when']}  {m['host']}: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gb']} GB, "
        f"Python {m['python']}, spaCy {m['spacy']}",
        f"load average (1/5/15 min) before {report['load_average']['before']} after {report['load_average']['after']}"
        " -- other jobs on the machine slow every wall-clock figure",
    ]
    for size, c in report["corpora"].items():
        lines.append(f"corpus {size}: {c['words']:,} words, {c['docs']:,} documents" + (f" ({c['repeated_docs']} repeated)" if c["repeated_docs"] else ""))
    lines.append("")
    header = f"{'run':<30} {'words':>10} {'docs':>6} {'wall s':>8} {'job s':>7} {'words/s':>9} {'docs/s':>7} {'words/CPU-s':>11} {'peak MB':>8} {'worker MB':>9} {'x tok':>6} {'load':>5}"
    lines += [header, "-" * len(header)]
    for name, row in report["runs"].items():
        if "failed" in row:
            lines.append(f"{name:<30} FAILED: {row['failed']}")
            continue
        lines.append(
            f"{name:<30} {row['words']:>10,} {row['docs']:>6,} {row['seconds']:>8.2f} {_fmt(row.get('job_seconds'), '.2f'):>7} {_fmt(row['words_per_s']):>9} "
            f"{_fmt(row['docs_per_s'], ',.1f'):>7} {_fmt(row['words_per_cpu_s']):>11} {_fmt(row['peak_rss_mb'], ',.0f'):>8} "
            f"{_fmt(row.get('worker_peak_rss_mb'), ',.0f'):>9} {_fmt(row.get('x_tokenizer'), '.1f'):>6} {row.get('load_average_1m', 0):>5.1f}"
        )
    for name, row in report["runs"].items():
        if row.get("repeat_seconds"):
            lines.append(f"{name}: median of {len(row['repeat_seconds'])} runs, wall s {', '.join(f'{x:.2f}' for x in row['repeat_seconds'])}")
    for name in ("full, 1 worker", "rules, 1 worker"):
        row = report["runs"].get(name) or {}
        if row.get("stage_share"):
            shares = ", ".join(f"{k} {v:.0%}" for k, v in sorted(row["stage_share"].items(), key=lambda kv: -kv[1]))
            lines.append(f"stage shares ({name}): {shares}")
    lines.append("")
    for t in report["targets"]:
        value = t["value"]
        shown = "-" if value is None else (f"{value:,.0f}" if isinstance(value, (int, float)) and abs(value) >= 100 else f"{value:g}")
        lines.append(f"[{t['status']:>4}] {t['target']}: {shown} (goal {t['goal']})" + (f" -- {t['note']}" if t["note"] else ""))
    return "\n".join(lines)


def write_report(report: dict, out: Path) -> tuple[Path, Path]:
    from .io import write_json

    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "bench.json", report)
    (out / "bench.txt").write_text(format_table(report) + "\n", encoding="utf-8")
    return out / "bench.json", out / "bench.txt"


def _child_main(argv: Sequence[str]) -> None:
    """``python -m pipeline.bench '<spec json>'``: one isolated measurement, JSON on stdout."""
    result = measure(json.loads(argv[0]))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    _child_main(sys.argv[1:])

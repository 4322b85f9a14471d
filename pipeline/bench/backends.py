"""The speed layer measured in one process: the same corpus through the same built pipeline under
each matrix backend and lemmatizer, in interleaved rounds, with the records compared.

    python -m pipeline.bench.backends --words 40000 --rounds 3

Variants (``pipeline.speed``): *before* (blis everywhere, spaCy's lemmatizer), numpy's gemm with
blis left in the parser's C loop, numpy's BLAS in the loop too, and *after* (that plus the cached
lemmatizer: the default). Each run is ``run_corpus(nlp=...)`` as ``claims run`` does it in process
(scan, annotate, records, write), after one warm-up run. It prints each variant's median words/s
(wall) and words per CPU-second (which other jobs on the machine disturb less), the speed-up over
*before*, the GFLOP/s of each backend, and whether every variant wrote byte-identical records.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .corpus import DEFAULT_SOURCES, build_corpus

# name -> (gemm backend, cached lemmatizer)
VARIANTS: dict[str, tuple[str, bool]] = {
    "before: blis, spaCy's lemmatizer": ("blis", False),
    "numpy gemm, blis in the parser loop": ("numpy-gemm", False),
    "numpy gemm and parser loop": ("numpy", False),
    "after: + cached lemmatizer (default)": ("numpy", True),
}
RECORD_FILES = ("documents", "sentences", "entities", "dates", "figures", "claims", "errors")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def apply_variant(nlp, backend: str, cached_lemmatizer: bool) -> None:
    """Put ``backend``'s ops on every model and spaCy's or the cached lemmatizer class in place."""
    from spacy.pipeline.edit_tree_lemmatizer import EditTreeLemmatizer

    from ..speed import FastEditTreeLemmatizer, use_gemm

    use_gemm(nlp, backend)
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, EditTreeLemmatizer):
            pipe.__class__ = FastEditTreeLemmatizer if cached_lemmatizer else EditTreeLemmatizer


def _one_run(nlp, corpus: Path, out: Path) -> tuple[float, float, int, dict[str, str]]:
    from ..run import run_corpus

    cpu0, start = _cpu(), time.perf_counter()
    result = run_corpus([corpus], out, nlp=nlp, force=True, published=None)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu0
    digests = {name: hashlib.sha256((out / f"{name}.jsonl").read_bytes()).hexdigest()[:16] for name in RECORD_FILES}
    return seconds, cpu, result.n_words, digests


def compare_backends(corpus: Path, work: Path, *, rounds: int = 3, variants: Sequence[str] = tuple(VARIANTS)) -> dict:
    """Interleaved rounds of every variant on ``corpus``; medians, speed-ups and record digests."""
    from ..run import build_nlp
    from ..speed import gemm_gflops

    nlp = build_nlp()
    default = nlp.meta.get("claims_gemm")
    _one_run(nlp, corpus, work / "warm-up")
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    digests: dict[str, dict[str, str]] = {}
    loads = []
    for round_ in range(rounds):
        for i, name in enumerate(variants):
            apply_variant(nlp, *VARIANTS[name])
            loads.append(os.getloadavg()[0])
            seconds, cpu, words, digest = _one_run(nlp, corpus, work / f"run-{i}")
            runs[name].append((seconds, cpu))
            digests[name] = digest
    apply_variant(nlp, default or "numpy", True)
    rows = {}
    for name, times in runs.items():
        wall, cpu = statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)
        rows[name] = {"words_per_s": round(words / wall), "words_per_cpu_s": round(words / cpu),
                      "wall_seconds": [round(t[0], 2) for t in times], "cpu_seconds": [round(t[1], 2) for t in times]}
    first = rows[variants[0]]
    for row in rows.values():
        row["x_before_wall"] = round(row["words_per_s"] / first["words_per_s"], 2)
        row["x_before_cpu"] = round(row["words_per_cpu_s"] / first["words_per_cpu_s"], 2)
    return {
        "words": words, "rounds": rounds, "load_average_1m": [min(loads), max(loads)], "cpus": os.cpu_count(),
        "gemm_gflops": {b: gemm_gflops(b) for b in ("blis", "numpy")}, "variants": rows,
        "records_identical": len({json.dumps(d, sort_keys=True) for d in digests.values()}) == 1, "record_digests": digests,
    }


def format_report(report: dict) -> str:
    g = report["gemm_gflops"]
    lines = [
        f"{report['words']:,} words, median of {report['rounds']} interleaved rounds; load average (1 min) "
        f"{report['load_average_1m'][0]:.1f}-{report['load_average_1m'][1]:.1f} on {report['cpus']} CPUs",
        f"gemm GFLOP/s (512x288 @ 288x192, float32): blis {g['blis']}, numpy {g['numpy']}",
        f"{'variant':<40} {'words/s':>9} {'x':>5} {'words/CPU-s':>12} {'x':>5}",
    ]
    for name, row in report["variants"].items():
        lines.append(f"{name:<40} {row['words_per_s']:>9,} {row['x_before_wall']:>5.2f} {row['words_per_cpu_s']:>12,} {row['x_before_cpu']:>5.2f}")
    lines.append("records byte-identical across variants: " + ("yes" if report["records_identical"] else "NO"))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=40_000, help="corpus size in words (from corpus/ and ../shared/corpus/)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source", type=Path, action="append", help="article folder (default: corpus/ and ../shared/corpus/)")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="claims-ab-") as tmp:
        corpus = build_corpus(Path(tmp) / "corpus", args.words, args.source or DEFAULT_SOURCES)
        report = compare_backends(corpus.path, Path(tmp), rounds=args.rounds)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if report["records_identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The benchmark's report as a plain-text table, and the files ``bench.json`` / ``bench.txt``."""
from __future__ import annotations

from pathlib import Path


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
    if report.get("gemm"):
        g = report["gemm"]
        speeds = ", ".join(f"{name} {gflops:.1f}" for name, gflops in g["gflops"].items())
        lines.append(f"matrix multiplication GFLOP/s ({g['shape']}, one thread): {speeds}; the runs used {g['used']} "
                     "(CLAIMS_GEMM / [system] gemm)")
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
    from ..io import write_json

    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "bench.json", report)
    (out / "bench.txt").write_text(format_table(report) + "\n", encoding="utf-8")
    return out / "bench.json", out / "bench.txt"

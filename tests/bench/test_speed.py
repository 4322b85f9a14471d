"""The benchmark at toy sizes: every measurement, repeated, the median row, the table and the JSON."""
from __future__ import annotations

import json

from pipeline import bench
from pipeline.bench.speed import _median_run
from pipeline.run import CONFIG_DIR, DEFAULT_CONFIG, load_pipeline_config

from ..conftest import PROJECT_ROOT
from .test_corpus import SOURCES


def test_run_bench_in_process_small(tmp_path):
    rules = CONFIG_DIR / "rules.cfg"
    report = bench.run_bench(
        words=1_500, scale=2, workers=2, full_config=rules, rules_config=rules, sources=SOURCES, dask=False, isolate=False, repeat=3,
    )
    runs = report["runs"]
    assert list(runs) == [
        "tokenizer", "tokenizer 2x", "full, 1 worker", "full, 2 workers",
        "rules, 1 worker", "rules, 1 worker, 2x", "rules, 2 workers, 2x",
    ]
    for name, row in runs.items():
        assert "failed" not in row, (name, row)
        assert row["words"] == report["corpora"][row["size"]]["words"] or row["size"] == "1x" and name != "tokenizer"
        assert row["words_per_s"] > 0 and row["docs_per_s"] > 0
    one = runs["rules, 1 worker"]
    assert one["x_tokenizer"] > 0 and set(one["stage_share"]) >= {"tokenizer", "segmenter", "records"}
    assert abs(sum(one["stage_share"].values()) - 1) < 0.01
    assert runs["rules, 2 workers, 2x"]["shards"] >= 1 and runs["rules, 2 workers, 2x"]["worker_peak_rss_mb"] > 0
    # every measurement is repeated; the median run is the row
    for name, row in runs.items():
        times = row["repeat_seconds"]
        assert len(times) == 3 and row["seconds"] == sorted(times)[1], name
    statuses = {t["target"]: t["status"] for t in report["targets"]}
    assert statuses["full pipeline with syntax model, 1 core (words/s)"] == "n/a"  # rules.cfg has no model
    assert all(s in ("PASS", "FAIL", "n/a") for s in statuses.values())
    gemm = report["gemm"]
    assert set(gemm["gflops"]) == {"numpy", "blis"} and min(gemm["gflops"].values()) > 0 and gemm["used"] in gemm["gflops"]
    table = bench.format_table(report)
    assert "matrix multiplication GFLOP/s" in table and f"the runs used {gemm['used']}" in table
    assert "rules, 2 workers, 2x" in table and "load average" in table and "[" in table
    assert "rules, 1 worker: median of 3 runs" in table
    json_path, txt_path = bench.write_report(report, tmp_path / "out")
    assert json.loads(json_path.read_text())["runs"].keys() == runs.keys()
    assert txt_path.read_text().startswith("claims bench")


def test_rules_only_overrides_drop_the_statistical_components():
    names = bench.rules_only_overrides(DEFAULT_CONFIG)["nlp.pipeline"]
    config = load_pipeline_config(DEFAULT_CONFIG)
    assert names and names[0] == "segmenter"
    assert names == [n for n in config["nlp"]["pipeline"] if "source" not in config["components"][n]]


def test_median_run_keeps_every_time_and_skips_failures():
    runs = [{"seconds": 3.0, "n": 1}, {"failed": "timed out after 10s"}, {"seconds": 1.0, "n": 2}, {"seconds": 2.0, "n": 3}]
    assert _median_run(runs) == {"seconds": 2.0, "n": 3, "repeat_seconds": [3.0, 1.0, 2.0]}
    assert _median_run([{"seconds": 1.5}]) == {"seconds": 1.5}
    assert _median_run([{"failed": "x"}]) == {"failed": "x"}


def test_package_imports_without_the_optional_comparison_libraries():
    import subprocess
    import sys

    # quantulum3 and dateparser blocked: the bench package and both comparison modules still import
    script = (
        "import sys; sys.modules['quantulum3'] = None; sys.modules['dateparser'] = None; sys.modules['dateparser.search'] = None\n"
        "import pipeline.bench, pipeline.bench.figures, pipeline.bench.dates\n"
        "assert pipeline.bench.figures.quantulum_extractor() is None\n"
        "print('ok')"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]

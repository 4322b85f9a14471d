"""The benchmark at toy sizes: corpus building, one isolated measurement, targets, table and JSON."""
from __future__ import annotations

import json

import pytest

from pipeline import bench
from pipeline.runner import CONFIG_DIR

from .conftest import FIXTURES, PROJECT_ROOT

SOURCES = (PROJECT_ROOT / "corpus", FIXTURES / "articles")


def test_build_corpus_reaches_the_size_with_sidecars_and_prefix(tmp_path):
    small = bench.build_corpus(tmp_path / "s", 1_000, SOURCES)
    large = bench.build_corpus(tmp_path / "l", 3_000, SOURCES)
    assert small.words >= 1_000 and large.words >= 3_000 and small.copies == 0
    small_files = sorted(p.name for p in small.path.iterdir())
    large_files = sorted(p.name for p in large.path.iterdir())
    assert large_files[: len(small_files)] == small_files  # the 1x corpus is a prefix of the larger one
    assert not any(name.lower().endswith("readme.md") for name in large_files)
    for name in large_files:
        if name.endswith(".meta.json"):
            assert name[: -len(".meta.json")] in large_files
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in large.path.iterdir() if p.suffix in (".txt", ".md"))
    assert words == large.words


def test_build_corpus_repeats_documents_when_sources_are_small(tmp_path):
    corpus = bench.build_corpus(tmp_path / "c", 1_000, [FIXTURES / "articles"])  # 189 words in two files
    assert corpus.words >= 1_000 and corpus.copies >= 8
    assert any("--copy1" in p.name for p in corpus.path.iterdir())


def test_build_corpus_without_sources_fails(tmp_path):
    with pytest.raises(FileNotFoundError, match="no .txt/.md articles"):
        bench.build_corpus(tmp_path / "c", 100, [tmp_path / "nothing"])


def test_isolated_tokenizer_measurement(tmp_path):
    corpus = bench.build_corpus(tmp_path / "c", 500, SOURCES)
    result = bench._run_isolated({"kind": "tokenizer", "corpus": str(corpus.path)}, timeout=300)
    assert result["words"] == corpus.words and result["docs"] == corpus.docs and result["tokens"] > result["words"]
    assert result["seconds"] > 0 and result["peak_rss_mb"] > 20


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
    table = bench.format_table(report)
    assert "rules, 2 workers, 2x" in table and "load average" in table and "[" in table
    assert "rules, 1 worker: median of 3 runs" in table
    json_path, txt_path = bench.write_report(report, tmp_path / "out")
    assert json.loads(json_path.read_text())["runs"].keys() == runs.keys()
    assert txt_path.read_text().startswith("claims bench")


def test_rules_only_overrides_drop_the_statistical_components():
    from pipeline.runner import DEFAULT_CONFIG, load_pipeline_config

    names = bench.rules_only_overrides(DEFAULT_CONFIG)["nlp.pipeline"]
    config = load_pipeline_config(DEFAULT_CONFIG)
    assert names and names[0] == "segmenter"
    assert names == [n for n in config["nlp"]["pipeline"] if "source" not in config["components"][n]]


def _row(seconds, words=1_000_000, build=0.0, **kw):
    return {"seconds": seconds, "job_seconds": seconds + build, "words": words, "words_per_s": words / seconds, "words_per_cpu_s": words / seconds, **kw}


def test_targets_with_a_model():
    rows = {
        "full, 1 worker": _row(80.0, build=4.0, trained_components=["tok2vec", "parser"], components={"segmenter": "claims_segmenter", "claims": "claims_claims"},
                               stage_seconds={"tok2vec": 30.0, "parser": 40.0, "segmenter": 3.0, "claims": 10.0, "records": 5.0, "tokenizer": 2.0}),
        "full, 2 workers": _row(42.0),
        "rules, 1 worker": _row(8.0, x_tokenizer=5.0, peak_rss_mb=200.0),
        "rules, 1 worker, 10x": _row(80.0, peak_rss_mb=230.0),
        "rules, 2 workers, 10x": _row(40.0),
        "rules, dask 2 workers, 10x": _row(48.0),
    }
    found = {t["target"]: (t["value"], t["status"]) for t in bench.targets(rows, workers=2, big="10x")}
    assert found["full pipeline with syntax model, 1 core (words/s)"] == (12_500.0, "PASS")
    assert found["full pipeline with syntax model, 1 core (words per CPU-second)"] == (12_500.0, "PASS")
    assert found["rule stages (+ records) on top of the model alone"] == (0.257, "PASS")  # (3 + 10 + 5) / 70
    assert found["rules only, 1 core (words/s)"] == (125_000.0, "PASS")
    assert found["rules only vs bare tokenizer (x time)"] == (5.0, "PASS")
    assert found["rules, 2 workers vs 1 (10x corpus)"] == (2.0, "PASS")
    assert found["full, 2 workers vs 1 (1x corpus)"] == (2.0, "PASS")  # jobs: (80 + 4 build) / 42
    assert found["dask LocalCluster vs --workers 2 (rules, 10x)"] == (0.2, "FAIL")
    assert found["rules: peak RSS growth 1x -> 10x corpus"] == (0.15, "PASS")


def test_median_run_keeps_every_time_and_skips_failures():
    runs = [{"seconds": 3.0, "n": 1}, {"failed": "timed out after 10s"}, {"seconds": 1.0, "n": 2}, {"seconds": 2.0, "n": 3}]
    assert bench._median_run(runs) == {"seconds": 2.0, "n": 3, "repeat_seconds": [3.0, 1.0, 2.0]}
    assert bench._median_run([{"seconds": 1.5}]) == {"seconds": 1.5}
    assert bench._median_run([{"failed": "x"}]) == {"failed": "x"}

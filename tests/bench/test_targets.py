"""The issue's targets, PASS / FAIL from the benchmark's rows."""
from __future__ import annotations

from pipeline.bench.targets import targets


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
    found = {t["target"]: (t["value"], t["status"]) for t in targets(rows, workers=2, big="10x")}
    assert found["full pipeline with syntax model, 1 core (words/s)"] == (12_500.0, "PASS")
    assert found["full pipeline with syntax model, 1 core (words per CPU-second)"] == (12_500.0, "PASS")
    assert found["rule stages (+ records) on top of the model alone"] == (0.257, "PASS")  # (3 + 10 + 5) / 70
    assert found["rules only, 1 core (words/s)"] == (125_000.0, "PASS")
    assert found["rules only vs bare tokenizer (x time)"] == (5.0, "PASS")
    assert found["rules, 2 workers vs 1 (10x corpus)"] == (2.0, "PASS")
    assert found["full, 2 workers vs 1 (1x corpus)"] == (2.0, "PASS")  # jobs: (80 + 4 build) / 42
    assert found["dask LocalCluster vs --workers 2 (rules, 10x)"] == (0.2, "FAIL")
    assert found["rules: peak RSS growth 1x -> 10x corpus"] == (0.15, "PASS")

"""The in-process A/B of the speed layer, at toy size: every variant runs, records are compared."""
from __future__ import annotations

import pytest

from pipeline.bench.backends import VARIANTS, compare_backends, format_report
from pipeline.bench.corpus import build_corpus
from pipeline.syntax import syntax_model_available

from .test_corpus import SOURCES


@pytest.mark.skipif(not syntax_model_available(), reason="syntax model not built (run `make model`)")
def test_compare_backends_small(tmp_path):
    corpus = build_corpus(tmp_path / "corpus", 1_500, SOURCES)
    report = compare_backends(corpus.path, tmp_path, rounds=1)
    assert list(report["variants"]) == list(VARIANTS)
    assert report["records_identical"] is True
    assert all(row["words_per_s"] > 0 and row["words_per_cpu_s"] > 0 for row in report["variants"].values())
    assert report["variants"][next(iter(VARIANTS))]["x_before_cpu"] == 1.0
    assert min(report["gemm_gflops"].values()) > 0
    table = format_report(report)
    assert "records byte-identical across variants: yes" in table and "after: + cached lemmatizer (default)" in table

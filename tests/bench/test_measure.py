"""One isolated measurement, in a fresh interpreter."""
from __future__ import annotations

from pipeline.bench.corpus import build_corpus
from pipeline.bench.measure import run_isolated

from .test_corpus import SOURCES


def test_isolated_tokenizer_measurement(tmp_path):
    corpus = build_corpus(tmp_path / "c", 500, SOURCES)
    result = run_isolated({"kind": "tokenizer", "corpus": str(corpus.path)}, timeout=300)
    assert result["words"] == corpus.words and result["docs"] == corpus.docs and result["tokens"] > result["words"]
    assert result["seconds"] > 0 and result["peak_rss_mb"] > 20

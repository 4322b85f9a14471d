"""Building the benchmark corpora: sizes, sidecars, the 1x corpus a prefix of the larger one."""
from __future__ import annotations

import pytest

from pipeline.bench.corpus import build_corpus

from ..conftest import FIXTURES, PROJECT_ROOT

SOURCES = (PROJECT_ROOT / "corpus", FIXTURES / "articles")


def test_build_corpus_reaches_the_size_with_sidecars_and_prefix(tmp_path):
    small = build_corpus(tmp_path / "s", 1_000, SOURCES)
    large = build_corpus(tmp_path / "l", 3_000, SOURCES)
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
    corpus = build_corpus(tmp_path / "c", 1_000, [FIXTURES / "articles"])  # 189 words in two files
    assert corpus.words >= 1_000 and corpus.copies >= 8
    assert any("--copy1" in p.name for p in corpus.path.iterdir())


def test_build_corpus_without_sources_fails(tmp_path):
    with pytest.raises(FileNotFoundError, match="no .txt/.md articles"):
        build_corpus(tmp_path / "c", 100, [tmp_path / "nothing"])

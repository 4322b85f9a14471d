"""Fixtures of the run tests: input folders, and the one-process run that sharded runs must equal.

(The fixtures every test folder shares stay in ``tests/conftest.py``.)
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.contract import ERRORS_KIND, OUTPUT_KINDS
from pipeline.run import DEFAULT_CONFIG, build_nlp, run_corpus

from ..conftest import FIXTURES, PROJECT_ROOT

RUN_FILES = (*OUTPUT_KINDS, ERRORS_KIND)


@pytest.fixture()
def bad_batch(tmp_path) -> Path:
    """Two good articles, one JSONL with a malformed line, and several bad files."""
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "articles", folder)
    (folder / "arctic-shipping.txt.meta.json").write_text(json.dumps({"published": "2024-05-02", "authors": ["Anna Lindqvist"]}), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (folder / "latin.txt").write_bytes("Bad ".encode() + "Zürich’s".encode("utf-8") + b" \xe9t\xe9 \xff")
    (folder / "menu.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "feed-1", "text": "Seoul will hold talks in June. The outcome is uncertain.", "published": "2025-02-10"}) + "\n{oops\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="package")
def corpus_batch(tmp_path_factory) -> Path:
    """The sample corpus (txt, md, a two-article jsonl, sidecars), the fixtures, and two bad files."""
    folder = tmp_path_factory.mktemp("parallel") / "in"
    shutil.copytree(PROJECT_ROOT / "corpus", folder, ignore=shutil.ignore_patterns("README.md"))
    for path in (FIXTURES / "articles").iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "feed-1", "text": "Hanoi will host the talks in March. Officials expect little progress."}) + "\n{oops\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="package")
def nlp():
    """The default pipeline of the sharded-run tests (their own: memory zones are keyed by it)."""
    return build_nlp(DEFAULT_CONFIG)


@pytest.fixture(scope="package")
def serial(corpus_batch, nlp, tmp_path_factory) -> Path:
    """The reference: one process, batches of one document."""
    out = tmp_path_factory.mktemp("serial")
    run_corpus([str(corpus_batch)], out, nlp=nlp, config_path=DEFAULT_CONFIG, batch_size=1, published="2024-01")
    return out


def run_batch(batch: Path, out: Path, nlp, **kw):
    """``corpus_batch`` as the serial reference runs it (default config, batches of one, published 2024-01)."""
    return run_corpus([str(batch)], out, nlp=nlp, config_path=DEFAULT_CONFIG, batch_size=1, published="2024-01", **kw)


def assert_same_files(a: Path, b: Path) -> None:
    """Two run folders hold the same record bytes and the same manifest facts; no temporary files left."""
    for kind in RUN_FILES:
        assert (a / f"{kind}.jsonl").read_bytes() == (b / f"{kind}.jsonl").read_bytes(), kind
    ma, mb = (json.loads((d / "run.json").read_text()) for d in (a, b))
    for key in ("documents", "counts", "errors", "inputs", "config_hash", "processed", "dates_unresolved"):
        assert ma[key] == mb[key], key
    assert not list(b.glob(".claims-run-*")) and not list(b.glob(".*.tmp"))

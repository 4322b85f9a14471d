"""Sharded runs: --workers N and the Dask engine write byte-identical files; failures never half-merge."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import parallel
from pipeline.cli import app
from pipeline.runner import (
    CONFIG_DIR,
    DEFAULT_CONFIG,
    OUTPUT_FILES,
    DocRef,
    PipelineSpec,
    ShardFailure,
    build_nlp,
    config_hash,
    make_batches,
    plan_shards,
    run_corpus,
    shard_count,
)

from .conftest import FIXTURES, PROJECT_ROOT

FILES = (*OUTPUT_FILES, "errors")


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
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


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(DEFAULT_CONFIG)


@pytest.fixture(scope="module")
def serial(batch, nlp, tmp_path_factory) -> Path:
    """The reference: one process, batches of one document."""
    out = tmp_path_factory.mktemp("serial")
    run_corpus([str(batch)], out, nlp=nlp, config_path=DEFAULT_CONFIG, batch_size=1, published="2024-01")
    return out


def _run(batch, out, nlp, **kw):
    return run_corpus([str(batch)], out, nlp=nlp, config_path=DEFAULT_CONFIG, batch_size=1, published="2024-01", **kw)


def assert_same_files(a: Path, b: Path) -> None:
    for kind in FILES:
        assert (a / f"{kind}.jsonl").read_bytes() == (b / f"{kind}.jsonl").read_bytes(), kind
    ma, mb = (json.loads((d / "run.json").read_text()) for d in (a, b))
    for key in ("documents", "counts", "errors", "inputs", "config_hash", "processed", "dates_unresolved"):
        assert ma[key] == mb[key], key
    assert not list(b.glob(".claims-run-*")) and not list(b.glob(".*.tmp"))


def refs(sizes):
    return [DocRef(f"d{i:03d}", f"/x/d{i}.txt", f"d{i}.txt", f"d{i}", None, "0" * 64, n) for i, n in enumerate(sizes)]


@pytest.mark.parametrize("sizes, n_shards, batch_size, expected", [
    ([100] * 8, 4, 1, [2, 2, 2, 2]),
    ([100] * 8, 4, 2, [2, 2, 2, 2]),
    ([100] * 8, 3, 4, [4, 4]),                # cuts only between batches: 2 batches, 2 shards
    ([800, 100, 100, 100, 100, 100, 100, 100], 2, 1, [1, 7]),  # balanced by text size, not by count
    ([5], 4, 16, [1]),
    ([], 4, 16, []),
])
def test_plan_shards_contiguous_balanced_on_batch_boundaries(sizes, n_shards, batch_size, expected):
    items = refs(sizes)
    shards = plan_shards(items, n_shards, batch_size=batch_size)
    assert [len(s) for s in shards] == expected
    assert [r for s in shards for r in s] == items  # contiguous: concatenation gives the sorted list back
    for shard in shards[:-1]:
        assert len(shard) % batch_size == 0


@pytest.mark.parametrize("sizes, batch_size, max_chars, expected", [
    ([100] * 5, 2, 10_000, [[100, 100], [100, 100], [100]]),
    ([100, 100, 100, 500, 100, 100], 4, 250, [[100, 100], [100], [500], [100, 100]]),  # a long document is a batch alone
])
def test_make_batches_caps_documents_and_characters(sizes, batch_size, max_chars, expected):
    assert [[r.n_chars for r in b] for b in make_batches(refs(sizes), batch_size, max_chars)] == expected


def test_memory_zones_leave_records_unchanged_and_vocabulary_flat(batch, nlp, serial, tmp_path):
    out = tmp_path / "zones"
    _run(batch, out, nlp, warm_up_words=0)  # every batch in a spaCy memory zone
    assert_same_files(serial, out)
    n_strings = len(nlp.vocab.strings)
    _run(batch, tmp_path / "again", nlp, warm_up_words=0)
    assert len(nlp.vocab.strings) == n_strings  # what a zoned batch adds to the vocabulary is freed


def test_shard_count():
    assert shard_count(refs([100] * 10), 1) == 1
    assert shard_count(refs([100] * 10), 2) == 16
    assert shard_count(refs([1_000_000] * 80), 2, max_chars=4_000_000) == 20


def test_two_workers_byte_identical_to_one(batch, nlp, serial, tmp_path):
    out = tmp_path / "w2"
    result = _run(batch, out, nlp, workers=2)
    assert_same_files(serial, out)
    timings = result.manifest["timings"]
    assert (timings["engine"], timings["workers"]) == ("local", 2) and timings["shards"] > 2
    assert timings["peak_rss_mb"]["worker_max"] > 0 and timings["worker_cpu_seconds"] > 0
    assert result.manifest["retried_shards"] == []
    # stage errors and input errors both arrive, in document order
    assert [e["reason"].split(":")[0] for e in result.manifest["errors"]] == [e["reason"].split(":")[0] for e in json.loads((serial / "run.json").read_text())["errors"]]


def test_failed_shard_is_retried_and_reported(batch, nlp, serial, tmp_path, monkeypatch):
    monkeypatch.setenv(parallel.FAULT_ENV, "1:1,3:2")
    out = tmp_path / "retry"
    result = _run(batch, out, nlp, workers=2, retries=2)
    assert_same_files(serial, out)
    retried = {r["shard"]: r["failed_attempts"] for r in result.manifest["retried_shards"]}
    assert sorted(retried) == [1, 3] and [len(retried[1]), len(retried[3])] == [1, 2]
    assert "injected failure" in retried[3][0]
    assert json.loads((out / "run.json").read_text())["retried_shards"] == result.manifest["retried_shards"]


def test_shard_failing_every_attempt_merges_nothing(batch, nlp, serial, tmp_path, monkeypatch):
    out = tmp_path / "fail"
    shutil.copytree(serial, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setenv(parallel.FAULT_ENV, "2:9")
    with pytest.raises(ShardFailure, match=r"^shard 2 \(.*\) failed after 2 attempt\(s\): RuntimeError: injected failure.*earlier outputs are unchanged$"):
        _run(batch, out, nlp, workers=2, retries=1, force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # run.json too; no temp dirs left


def test_dask_local_cluster_byte_identical_with_a_retry(batch, nlp, serial, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setenv(parallel.FAULT_ENV, "2:1")  # LocalCluster workers inherit the environment
    out = tmp_path / "dask"
    result = _run(batch, out, nlp, workers=2, engine="dask", retries=1)
    assert_same_files(serial, out)
    assert result.manifest["timings"]["engine"] == "dask"
    assert [(r["shard"], len(r["failed_attempts"])) for r in result.manifest["retried_shards"]] == [(2, 1)]


def test_worker_with_a_different_pipeline_refuses():
    spec = PipelineSpec.of(CONFIG_DIR / "rules.cfg", config_hash="0" * 16)
    with pytest.raises(parallel.PipelineMismatch, match="config hash"):
        parallel.get_pipeline(spec)


def test_pipeline_built_once_per_process():
    nlp = build_nlp(CONFIG_DIR / "rules.cfg")
    spec = PipelineSpec.of(CONFIG_DIR / "rules.cfg", {"components.segmenter.max_title_words": 7}, config_hash=None)
    first = parallel.get_pipeline(spec)
    assert parallel.get_pipeline(spec) is first and first.get_pipe("segmenter").max_title_words == 7
    assert parallel.get_pipeline(PipelineSpec.of(CONFIG_DIR / "rules.cfg", config_hash=config_hash(nlp))) is not first


def test_jsonl_file_parsed_once_per_shard(tmp_path, monkeypatch):
    from pipeline import runner

    lines = [json.dumps({"id": f"n{i}", "text": f"Article {i} says the border stays closed."}) for i in range(5)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls = []
    real = runner.load_articles
    monkeypatch.setattr(runner, "load_articles", lambda *a, **k: (calls.append(a[0]), real(*a, **k))[1])
    found = runner.scan_inputs([tmp_path], report=lambda e: None)
    calls.clear()
    arts = list(runner._iter_articles([found[d] for d in sorted(found)], published=None, max_bytes=10**6))
    assert [a.doc_id for a in arts] == ["n0", "n1", "n2", "n3", "n4"] and len(calls) == 1


def test_cli_workers_and_engine_options(batch, serial, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli"
    result = runner.invoke(app, ["run", str(batch), "--out", str(out), "--workers", "2", "--batch-size", "1", "--published", "2024-01"])
    assert result.exit_code == 0, result.output
    assert_same_files(serial, out)
    bad = runner.invoke(app, ["run", str(batch), "--out", str(out), "--engine", "spark"])
    assert bad.exit_code == 2 and bad.stderr.strip().splitlines() == ["error: --engine 'spark': expected one of local, dask"]
    bad = runner.invoke(app, ["run", str(batch), "--out", str(out), "--scheduler", "tcp://127.0.0.1:8786"])
    assert bad.exit_code == 2 and bad.stderr.strip() == "error: --scheduler needs --engine dask"


def test_parallel_parent_takes_pipeline_facts_from_its_workers(batch, serial, tmp_path, monkeypatch):
    # no fork (another platform, or threads running) and no nlp given: the parent only checks the
    # config, the workers build the pipeline
    monkeypatch.setattr(parallel, "fork_is_safe", lambda: False)
    out = tmp_path / "nobuild"
    run_corpus([str(batch)], out, config_path=DEFAULT_CONFIG, batch_size=1, published="2024-01", workers=2)
    assert_same_files(serial, out)
    ours, theirs = (json.loads((d / "run.json").read_text()) for d in (out, serial))
    assert ours["config_hash"] == theirs["config_hash"]
    assert ours["model"] == theirs["model"] and ours["model"]["name"] == "claims_syntax"


def test_cli_workers_cannot_build_pipeline_one_line(batch, tmp_path):
    result = CliRunner().invoke(app, ["run", str(batch), "--out", str(tmp_path / "x"), "--workers", "2",
                                      "--set", 'nlp.pipeline=["segmenter","nosuch"]'])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: cannot build the pipeline: [E956] Can't find component 'nosuch' in [components] block in the config. "
        "Available components: segmenter, tok2vec, tagger, morphologizer, trainable_lemmatizer, parser, entities, dates, figures, claims"
    ]
    assert not (tmp_path / "x" / "run.json").exists()


def test_local_workers_forked_with_the_parents_pipeline(batch, serial, tmp_path):
    # In a fresh interpreter: a process that has used Dask keeps its threads, and then (rightly)
    # does not fork. Workers must not build: PipelineSpec.build raises in them (forked children
    # inherit the patch).
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import json, sys
        from pipeline import parallel
        from pipeline.runner import DEFAULT_CONFIG, PipelineSpec, build_nlp, run_corpus
        nlp = build_nlp(DEFAULT_CONFIG)
        def no_build(self):
            raise AssertionError("a forked worker built its own pipeline")
        PipelineSpec.build = no_build
        result = run_corpus([sys.argv[1]], sys.argv[2], nlp=nlp, config_path=DEFAULT_CONFIG, batch_size=1,
                            published="2024-01", workers=2)
        print(json.dumps([parallel.fork_is_safe(), result.manifest["timings"]["workers_inherited_pipeline"], parallel._INHERITED == {}]))
        """
    )
    out = tmp_path / "forked"
    proc = subprocess.run([sys.executable, "-c", script, str(batch), str(out)], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    fork_possible, inherited, parent_keeps_nothing = json.loads(proc.stdout.strip().splitlines()[-1])
    if not fork_possible:
        pytest.skip("this platform cannot fork workers")
    assert inherited is True and parent_keeps_nothing
    assert_same_files(serial, out)


def test_fork_is_unsafe_while_another_thread_runs():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.fork_is_safe() is False
    finally:
        stop.set()
        thread.join()

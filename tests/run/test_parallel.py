"""Sharded runs: --workers N and the Dask engine write byte-identical files; failures never half-merge."""
from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.run import DEFAULT_CONFIG, ShardFailure, engines, run_corpus, worker

from ..conftest import PROJECT_ROOT
from .conftest import assert_same_files, run_batch


def test_two_workers_byte_identical_to_one(corpus_batch, nlp, serial, tmp_path):
    out = tmp_path / "w2"
    result = run_batch(corpus_batch, out, nlp, workers=2)
    assert_same_files(serial, out)
    timings = result.manifest["timings"]
    assert (timings["engine"], timings["workers"]) == ("local", 2) and timings["shards"] > 2
    assert timings["peak_rss_mb"]["worker_max"] > 0 and timings["worker_cpu_seconds"] > 0
    assert result.manifest["retried_shards"] == []
    # stage errors and input errors both arrive, in document order
    assert [e["reason"].split(":")[0] for e in result.manifest["errors"]] == [e["reason"].split(":")[0] for e in json.loads((serial / "run.json").read_text())["errors"]]


def test_failed_shard_is_retried_and_reported(corpus_batch, nlp, serial, tmp_path, monkeypatch):
    monkeypatch.setenv(worker.FAULT_ENV, "1:1,3:2")
    out = tmp_path / "retry"
    result = run_batch(corpus_batch, out, nlp, workers=2, retries=2)
    assert_same_files(serial, out)
    retried = {r["shard"]: r["failed_attempts"] for r in result.manifest["retried_shards"]}
    assert sorted(retried) == [1, 3] and [len(retried[1]), len(retried[3])] == [1, 2]
    assert "injected failure" in retried[3][0]
    assert json.loads((out / "run.json").read_text())["retried_shards"] == result.manifest["retried_shards"]


def test_shard_failing_every_attempt_merges_nothing(corpus_batch, nlp, serial, tmp_path, monkeypatch):
    out = tmp_path / "fail"
    shutil.copytree(serial, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setenv(worker.FAULT_ENV, "2:9")
    with pytest.raises(ShardFailure, match=r"^shard 2 \(.*\) failed after 2 attempt\(s\): RuntimeError: injected failure.*earlier outputs are unchanged$"):
        run_batch(corpus_batch, out, nlp, workers=2, retries=1, force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # run.json too; no temp dirs left


def test_dask_local_cluster_byte_identical_with_a_retry(corpus_batch, nlp, serial, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setenv(worker.FAULT_ENV, "2:1")  # LocalCluster workers inherit the environment
    out = tmp_path / "dask"
    result = run_batch(corpus_batch, out, nlp, workers=2, engine="dask", retries=1)
    assert_same_files(serial, out)
    assert result.manifest["timings"]["engine"] == "dask"
    assert [(r["shard"], len(r["failed_attempts"])) for r in result.manifest["retried_shards"]] == [(2, 1)]


def test_cli_workers_and_engine_options(corpus_batch, serial, tmp_path):
    cli = CliRunner()
    out = tmp_path / "cli"
    result = cli.invoke(app, ["run", str(corpus_batch), "--out", str(out), "--workers", "2", "--batch-size", "1", "--published", "2024-01"])
    assert result.exit_code == 0, result.output
    assert_same_files(serial, out)
    bad = cli.invoke(app, ["run", str(corpus_batch), "--out", str(out), "--engine", "spark"])
    assert bad.exit_code == 2 and bad.stderr.strip().splitlines() == ["error: --engine 'spark': expected one of local, dask"]
    bad = cli.invoke(app, ["run", str(corpus_batch), "--out", str(out), "--scheduler", "tcp://127.0.0.1:8786"])
    assert bad.exit_code == 2 and bad.stderr.strip() == "error: --scheduler needs --engine dask"


def test_parallel_parent_takes_pipeline_facts_from_its_workers(corpus_batch, serial, tmp_path, monkeypatch):
    # no fork (another platform, or threads running) and no nlp given: the parent only checks the
    # config, the workers build the pipeline
    monkeypatch.setattr(engines, "fork_is_safe", lambda: False)
    out = tmp_path / "nobuild"
    run_corpus([str(corpus_batch)], out, config_path=DEFAULT_CONFIG, batch_size=1, published="2024-01", workers=2)
    assert_same_files(serial, out)
    ours, theirs = (json.loads((d / "run.json").read_text()) for d in (out, serial))
    assert ours["config_hash"] == theirs["config_hash"]
    assert ours["model"] == theirs["model"] and ours["model"]["name"] == "claims_syntax"


def test_cli_workers_cannot_build_pipeline_one_line(corpus_batch, tmp_path):
    result = CliRunner().invoke(app, ["run", str(corpus_batch), "--out", str(tmp_path / "x"), "--workers", "2",
                                      "--set", 'nlp.pipeline=["segmenter","nosuch"]'])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: cannot build the pipeline: [E956] Can't find component 'nosuch' in [components] block in the config. "
        "Available components: segmenter, tok2vec, tagger, morphologizer, trainable_lemmatizer, parser, entities, dates, figures, claims"
    ]
    assert not (tmp_path / "x" / "run.json").exists()


def test_local_workers_forked_with_the_parents_pipeline(corpus_batch, serial, tmp_path):
    # In a fresh interpreter: a process that has used Dask keeps its threads, and then (rightly)
    # does not fork. Workers must not build: PipelineSpec.build raises in them (forked children
    # inherit the patch).
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import json, sys
        from pipeline.run import DEFAULT_CONFIG, PipelineSpec, build_nlp, engines, run_corpus, worker
        nlp = build_nlp(DEFAULT_CONFIG)
        def no_build(self):
            raise AssertionError("a forked worker built its own pipeline")
        PipelineSpec.build = no_build
        result = run_corpus([sys.argv[1]], sys.argv[2], nlp=nlp, config_path=DEFAULT_CONFIG, batch_size=1,
                            published="2024-01", workers=2)
        print(json.dumps([engines.fork_is_safe(), result.manifest["timings"]["workers_inherited_pipeline"], worker.INHERITED == {}]))
        """
    )
    out = tmp_path / "forked"
    proc = subprocess.run([sys.executable, "-c", script, str(corpus_batch), str(out)], capture_output=True, text=True, cwd=PROJECT_ROOT)
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
        assert engines.fork_is_safe() is False
    finally:
        stop.set()
        thread.join()

"""Faults around the output set (issue 16, item 2 and 6; issue 15's run with no readable input).

kill -9 at chosen moments (``CLAIMS_FAULT=kill@<point>``, the test hook of ``pipeline.run.commit``),
a full disk (an injected ENOSPC, and a real write failure through a file-size limit), a read-only
folder, two runs into one folder, and the workers of a killed parallel run. Rules-only config and
two tiny articles: processes that must be killed run the CLI in a subprocess, the rest in-process.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.run import NoReadableInput, OutputError, RunLocked, run_corpus
from pipeline.run.commit import FAULT_ENV, FAULT_FILE_ENV, JOURNAL, RECORD_FILES, SET_FILES, OutputSet

from ..conftest import FIXTURES, PROJECT_ROOT

RULES = PROJECT_ROOT / "configs" / "rules.cfg"
OTHER_CONFIG = ["--set", "components.claims.min_score=0.9"]  # another config: fewer claims (2 instead of 6)


@pytest.fixture()
def articles(tmp_path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "articles", folder)
    return folder


def run_a(articles: Path, out: Path, nlp, **kw):
    """Config A (configs/rules.cfg), in this process."""
    return run_corpus([str(articles)], out, nlp=nlp, config_path=RULES, **kw)


def cli_subprocess(articles: Path, out: Path, *extra: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """``claims run`` in a process of its own (one that can be killed)."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(articles), "--out", str(out), "--config", str(RULES), *extra],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}, capture_output=True, text=True, timeout=60, **kw,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def records(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in RECORD_FILES}


def assert_only_the_set(folder: Path) -> None:
    """One run's files and nothing else: no staging folder, temp file or journal."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(SET_FILES)


@pytest.fixture()
def clean_a(articles, tmp_path, rules_nlp) -> Path:
    """The reference: a clean run of config A."""
    out = tmp_path / "clean"
    run_a(articles, out, rules_nlp)
    return out


# -- kill -9 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("point, committed", [
    ("merge:claims", False),          # mid-merge: documents..figures staged, claims not
    ("staged", False),                # the whole set staged, before the commit point
    ("journal", True),                # just after the commit point, nothing moved yet
    ("rename:entities.jsonl", True),  # mid-move: documents, sentences and entities moved
    ("committed", True),              # moved, the staging folder not yet removed
])
def test_kill_at_any_point_then_rerun_is_byte_identical_to_a_clean_run(point, committed, articles, clean_a, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run_a(articles, out, rules_nlp)
    before = snapshot(out)
    (out / ".documents.jsonl.k3j2.tmp").write_bytes(b"half a file of a dead writer")

    killed = cli_subprocess(articles, out, *OTHER_CONFIG, env={FAULT_ENV: f"kill@{point}"})
    assert killed.returncode == -9, killed.stderr
    assert not (out / ".documents.jsonl.k3j2.tmp").exists()  # cleaned at the start of the killed run
    assert list(out.glob(".claims-run-*/"))  # its own staging folder is left ...
    if not committed:
        assert snapshot(out) == before

    notes: list[str] = []
    again = run_a(articles, out, rules_nlp, on_note=notes.append)
    assert_only_the_set(out)  # ... and cleaned (or its commit finished) by the next run
    assert records(out) == records(clean_a)
    # the set was always one run's: A's, or B's once its commit is finished
    assert notes == ([f"an interrupted run had committed its files in {out}/ without moving them all in: finished"]
                     if committed and point != "committed" else [])
    if committed:  # the other config's set became current: everything is done again
        assert sorted(again.processed) == ["arctic-shipping", "baltic-brief"] and again.reused == []
    else:  # A's set never changed: nothing to do
        assert again.processed == [] and again.reused == ["arctic-shipping", "baltic-brief"]


def test_a_set_that_is_not_one_runs_is_not_trusted(articles, clean_a, tmp_path, rules_nlp):
    # What an interrupted merge used to leave: another config's claims beside this config's run.json.
    other = tmp_path / "other"
    assert cli_subprocess(articles, other, *OTHER_CONFIG).returncode == 0
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    shutil.copy(other / "claims.jsonl", out / "claims.jsonl")
    notes: list[str] = []
    again = run_a(articles, out, rules_nlp, on_note=notes.append)
    assert notes == [f"the files in {out}/ are not one run's (claims.jsonl no longer matches its run.json): "
                     "nothing in them is reused; this run replaces them"]
    assert sorted(again.processed) == ["arctic-shipping", "baltic-brief"]
    assert records(out) == records(clean_a)
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["counts"]["claims"] == 6 and manifest["files"]["claims.jsonl"] == json.loads((clean_a / "run.json").read_text())["files"]["claims.jsonl"]


def test_a_run_json_without_file_hashes_is_not_trusted(articles, clean_a, tmp_path, rules_nlp):
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    manifest = json.loads((out / "run.json").read_text())
    del manifest["files"]
    (out / "run.json").write_text(json.dumps(manifest))
    notes: list[str] = []
    assert sorted(run_a(articles, out, rules_nlp, on_note=notes.append).processed) == ["arctic-shipping", "baltic-brief"]
    assert notes == [f"the files in {out}/ are not one run's (its run.json lists no sha256 of the record files "
                     "(written by an older version)): nothing in them is reused; this run replaces them"]
    assert records(out) == records(clean_a)


# -- full disk, read-only folder ------------------------------------------------------------------

def test_full_disk_during_the_merge_is_one_line_and_keeps_the_previous_set(articles, clean_a, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    before = snapshot(out)
    monkeypatch.setenv(FAULT_ENV, "enospc@merge:claims")
    result = CliRunner().invoke(app, ["run", str(articles), "--out", str(out), "--config", str(RULES), *OTHER_CONFIG])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: cannot write to {out}/: No space left on device (injected by {FAULT_ENV}); nothing changed there"]
    assert snapshot(out) == before
    assert_only_the_set(out)


def test_a_write_failure_after_the_commit_point_is_finished_by_the_next_run(articles, clean_a, tmp_path, rules_nlp, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    monkeypatch.setenv(FAULT_ENV, "enospc@rename:entities.jsonl")
    result = CliRunner().invoke(app, ["run", str(articles), "--out", str(out), "--config", str(RULES), *OTHER_CONFIG])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: cannot write to {out}/: No space left on device (injected by {FAULT_ENV}); "
        "the run is committed, the next run finishes moving its files in"]
    assert (out / JOURNAL).exists() and len(list(out.glob(".claims-run-*/set/claims.jsonl"))) == 1  # kept for the next run
    monkeypatch.delenv(FAULT_ENV)
    notes: list[str] = []
    assert sorted(run_a(articles, out, rules_nlp, on_note=notes.append).processed) == ["arctic-shipping", "baltic-brief"]
    assert notes == [f"an interrupted run had committed its files in {out}/ without moving them all in: finished"]
    assert records(out) == records(clean_a)
    assert_only_the_set(out)


def test_a_real_write_failure_file_size_limit(articles, clean_a, tmp_path):
    # No injection: the kernel refuses writes beyond 2 KB (RLIMIT_FSIZE; Python ignores SIGXFSZ),
    # as a full disk refuses them, in the middle of the shard's files.
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    before = snapshot(out)
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (2000, resource.RLIM_INFINITY))  # noqa: E731
    result = cli_subprocess(articles, out, *OTHER_CONFIG, preexec_fn=limit)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"error: cannot write to {out}/: File too large; nothing changed there"]
    assert snapshot(out) == before
    assert_only_the_set(out)


def test_read_only_output_folder_is_one_line(articles, clean_a, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    before = snapshot(out)
    out.chmod(0o555)
    try:
        probe = out / "probe"
        try:
            probe.write_bytes(b"")  # root writes anyway: then the folder's refusal is injected
            probe.unlink()
            monkeypatch.setenv(FAULT_ENV, "erofs@stage")
            expected = f"error: cannot write to {out}/: Read-only file system (injected by {FAULT_ENV}); nothing changed there"
        except PermissionError:
            expected = f"error: cannot write to {out}/: Permission denied (.claims-run-"
        result = CliRunner().invoke(app, ["run", str(articles), "--out", str(out), "--config", str(RULES), "--force"])
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected) and lines[0].endswith("; nothing changed there")
    assert snapshot(out) == before


# -- two runs, one folder -------------------------------------------------------------------------

def test_a_second_run_into_the_same_folder_is_refused(articles, tmp_path, rules_nlp):
    out = tmp_path / "out"
    flag = tmp_path / "paused"
    first = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(articles), "--out", str(out), "--config", str(RULES), *OTHER_CONFIG],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), FAULT_ENV: "pause@staged", FAULT_FILE_ENV: str(flag)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not flag.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert flag.exists(), first.communicate()
        with pytest.raises(RunLocked) as refused:
            run_a(articles, out, rules_nlp)
        assert str(refused.value) == f"another claims run (pid {first.pid}) is writing to {out}/; wait for it to finish or use another --out"
        result = CliRunner().invoke(app, ["run", str(articles), "--out", str(out), "--config", str(RULES)])
        assert result.exit_code == 1 and result.stderr.splitlines() == [f"error: {refused.value}"]
    finally:
        flag.unlink(missing_ok=True)
        _, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr
    assert_only_the_set(out)  # the first run's set alone, whole
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["overrides"] == {"components.claims.min_score": 0.9} and manifest["counts"]["claims"] == 2
    assert run_a(articles, out, rules_nlp).processed == ["arctic-shipping", "baltic-brief"]  # the lock is gone with the run


def test_the_lock_is_held_for_the_whole_run(articles, tmp_path, rules_nlp):
    out = tmp_path / "out"
    with OutputSet(out):
        with pytest.raises(RunLocked, match=r"^another claims run is writing to .*/out/; wait for it to finish or use another --out$"):
            run_a(articles, out, rules_nlp)
    run_a(articles, out, rules_nlp)
    assert_only_the_set(out)


# -- workers of a killed run ------------------------------------------------------------------

def _tagged_processes(tag: str) -> list[int]:
    """Live processes (not zombies) whose environment holds ``tag``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if tag.encode() in (proc / "environ").read_bytes() and ") Z " not in (proc / "stat").read_text():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_workers_exit_when_their_parent_is_killed(start, tmp_path):
    # fork: workers are the run's children; forkserver (no fork possible): the fork server's, and
    # the server itself lives as long as its children do
    articles = tmp_path / "in"
    articles.mkdir()
    for i in range(6):
        (articles / f"piece-{i}.txt").write_text(f"Piece {i}\n\nThe alliance must adapt by {2030 + i}. Oil rose 4%.\n", encoding="utf-8")
    tag = f"claims-orphan-test-{uuid.uuid4().hex}"
    no_fork = "from pipeline.run import engines; engines.fork_is_safe = lambda: False; " if start == "forkserver" else ""
    log = tmp_path / "log"
    with log.open("w") as fh:  # not a pipe: surviving workers would hold it open
        killed = subprocess.run(
            [sys.executable, "-c", f"import sys; {no_fork}from pipeline.cli import main; sys.argv[0] = 'claims'; main()",
             "run", str(articles), "--out", str(tmp_path / "out"), "--config", str(RULES), "--workers", "2", "--batch-size", "1"],
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), FAULT_ENV: "kill@shard-done", "CLAIMS_TEST_TAG": tag},
            stdout=fh, stderr=subprocess.STDOUT, timeout=60,
        )
    try:
        assert killed.returncode == -9, log.read_text()
        deadline = time.monotonic() + 10
        while _tagged_processes(tag) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _tagged_processes(tag) == []
    finally:
        for pid in _tagged_processes(tag):  # a failed test leaves no orphans behind
            os.kill(pid, signal.SIGKILL)


# -- issue 15: nothing readable ---------------------------------------------------------------------

def test_run_with_no_readable_input_writes_nothing_and_exits_non_zero(tmp_path):
    out = tmp_path / "d"
    result = CliRunner().invoke(app, ["run", str(tmp_path / "nonexistent"), "--out", str(out), "--config", str(RULES)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"error: no readable input (1 skipped); nothing written to {out}/"
    assert not out.exists()
    report = CliRunner().invoke(app, ["report", str(out)])
    assert report.exit_code == 2 and "is not a run folder" in report.stderr


def test_no_readable_input_leaves_an_earlier_set_untouched(clean_a, tmp_path, rules_nlp):
    out = tmp_path / "out"
    shutil.copytree(clean_a, out)
    before = snapshot(out)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NoReadableInput, match=rf"^no articles \(\.txt, \.md, \.html, \.jsonl\) found in {empty}; nothing written to {out}/$"):
        run_a(empty, out, rules_nlp)
    assert snapshot(out) == before
    assert_only_the_set(out)


def test_output_path_that_is_a_file_is_one_line(articles, tmp_path, rules_nlp):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(OutputError, match=rf"^cannot use {target} as the output folder: File exists$"):
        run_a(articles, target, rules_nlp)

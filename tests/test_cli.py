"""The typer CLI through CliRunner: exit codes and one-line errors."""
from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.io import read_jsonl

from .conftest import FIXTURES, PROJECT_ROOT

runner = CliRunner()
RULES = str(PROJECT_ROOT / "configs" / "rules.cfg")


def test_run_writes_outputs_and_summary(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(FIXTURES / "articles"), "--out", str(out), "--config", RULES, "--published", "2024-06"])
    assert result.exit_code == 0, result.output
    assert "2 processed, 0 unchanged, 0 skipped" in result.stdout
    docs = list(read_jsonl(out / "documents.jsonl"))
    assert [(d["doc_id"], d["published"]) for d in docs] == [("arctic-shipping", "2024-06"), ("baltic-brief", "2024-06")]
    validate = runner.invoke(app, ["validate", str(out)])
    assert validate.exit_code == 0 and "all records valid" in validate.stdout


def test_bad_inputs_reported_on_stderr_and_exit_zero(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "articles", folder)
    (folder / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["run", str(folder), str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o"), "--config", RULES])
    assert result.exit_code == 0
    assert "skipped: " + str(folder / "empty.txt") + ": empty file" in result.stderr
    assert "missing.txt: no such file or directory" in result.stderr
    assert "Traceback" not in result.output


def test_strict_makes_errors_fatal(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "articles", folder)
    (folder / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["run", str(folder), "--out", str(tmp_path / "o"), "--config", RULES, "--strict"])
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("empty file (--strict)")


def test_nothing_processed_exits_one(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["run", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "o"), "--config", RULES])
    assert result.exit_code == 1


def test_missing_model_one_line_error(tmp_path):
    result = runner.invoke(app, ["run", str(FIXTURES / "articles"), "--out", str(tmp_path / "o"), "--model", "en_core_web_nope"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: spaCy model 'en_core_web_nope' is not installed: install it with `python -m spacy download en_core_web_nope` "
        "(or `pip install` its wheel), or use the default config"
    ]


def test_bad_published_and_bad_set_are_one_line(tmp_path):
    result = runner.invoke(app, ["run", str(FIXTURES), "--out", str(tmp_path), "--published", "Sept 2016"])
    assert result.exit_code == 2 and result.stderr.strip() == "error: published 'Sept 2016' is not YYYY[-MM[-DD]]"
    result = runner.invoke(app, ["run", str(FIXTURES), "--out", str(tmp_path), "--set", "oops"])
    assert result.exit_code == 2 and result.stderr.strip() == "error: --set 'oops': expected section.key=value"


def test_eval_command(tmp_path):
    pred, gold = tmp_path / "pred", tmp_path / "gold"
    pred.mkdir(), gold.mkdir()
    row = {"id": "x", "doc_id": "d", "start_char": 0, "end_char": 5, "text": "Tokyo", "label": "GPE", "canonical": "Tokyo"}
    (pred / "entities.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (gold / "entities.jsonl").write_text(json.dumps({**row, "label": "LOC"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(pred), str(gold)])
    assert result.exit_code == 0, result.output
    assert "entities" in result.stdout
    scores = json.loads((pred / "eval.json").read_text())
    assert scores["entities"]["overlap"]["f1"] == 1.0
    assert scores["entities"]["exact_label"]["f1"] == 0.0
    assert scores["entities"]["places_merged"]["f1"] == 1.0

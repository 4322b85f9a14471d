"""Calibration of the claim score (``claims train calibrate-claims``): the fitted table is
monotone, loads through the stage's loader, and the command writes it where it is told."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import typer
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.resources import PACKAGE_ROOT
from pipeline.stages.claims import load_tables
from pipeline.training.calibrate_claims import DEFAULT_OUT, calibrate

runner = CliRunner()


def test_calibrate_writes_monotone_table(tmp_path):
    current = [(0.0, 0.0), (1.0, 1.0)]
    gold = [{"doc_id": "d", "start_char": i * 10, "end_char": i * 10 + 8, "type": "evaluation"} for i in range(0, 20, 2)]
    preds = [
        {"doc_id": "d", "start_char": i * 10, "end_char": i * 10 + 8, "type": "evaluation", "score": 0.5 + i / 50}
        for i in range(20)
    ]
    out = tmp_path / "calibration.tsv"
    rows = calibrate(preds, gold, bins=4, current=current, path=out)
    values = [r["calibrated"] for r in rows]
    assert values == sorted(values)
    assert rows[0]["raw"] == 0.0 and rows[-1]["raw"] == 1.0
    assert sum(r["n"] for r in rows) == 20
    lines = [line for line in out.read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == "raw\tcalibrated\tn"
    # the written table loads through the validating loader
    root = tmp_path / "res"
    shutil.copytree(PACKAGE_ROOT / "claims", root / "claims")
    shutil.copy(out, root / "claims" / "calibration.tsv")
    assert load_tables(root)["calibration"]


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_calibrate_claims_command_writes_the_table(tmp_path):
    gold = _write_jsonl(tmp_path / "gold.jsonl", [{"doc_id": "d", "start_char": i * 10, "end_char": i * 10 + 8, "type": "evaluation"} for i in range(0, 20, 2)])
    preds = _write_jsonl(tmp_path / "claims.jsonl", [
        {"doc_id": "d", "start_char": i * 10, "end_char": i * 10 + 8, "type": "evaluation", "score": 0.5 + i / 50}
        for i in range(20)
    ])
    out = tmp_path / "calibration.tsv"
    result = runner.invoke(app, ["train", "calibrate-claims", str(preds), str(gold), "--out", str(out), "--bins", "4"])
    assert result.exit_code == 0, result.output
    assert f"calibration table written to {out}" in result.stdout
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines[0] == "raw\tcalibrated\tn" and len(lines) == len(result.stdout.splitlines())  # (a row printed per row)


def test_calibrate_claims_command_defaults_to_the_packaged_table():
    out = next(p for p in typer.main.get_command(app).commands["train"].commands["calibrate-claims"].params if p.name == "out")
    assert Path(out.default) == DEFAULT_OUT == PACKAGE_ROOT / "claims" / "calibration.tsv"
    assert DEFAULT_OUT.is_file()


def test_calibrate_claims_command_fails_in_one_line(tmp_path):
    gold = _write_jsonl(tmp_path / "gold.jsonl", [{"doc_id": "d", "start_char": 0, "end_char": 8, "type": "evaluation"}])
    empty = _write_jsonl(tmp_path / "claims.jsonl", [])
    out = tmp_path / "calibration.tsv"
    missing = runner.invoke(app, ["train", "calibrate-claims", str(tmp_path / "nope.jsonl"), str(gold), "--out", str(out)])
    assert missing.exit_code == 2 and "nope.jsonl: no such file" in missing.stderr
    no_preds = runner.invoke(app, ["train", "calibrate-claims", str(empty), str(gold), "--out", str(out)])
    assert no_preds.exit_code == 1 and "no predicted records" in no_preds.stderr
    bad = _write_jsonl(tmp_path / "bad.jsonl", [{"doc_id": "d", "start_char": 0, "end_char": 8}])
    no_score = runner.invoke(app, ["train", "calibrate-claims", str(bad), str(gold), "--out", str(out)])
    assert no_score.exit_code == 1 and "has no 'score'" in no_score.stderr
    assert "Traceback" not in missing.output + no_preds.output + no_score.output
    assert not out.exists()

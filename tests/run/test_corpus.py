"""A whole run (run_corpus): bad input in a batch, offsets, the manifest, --strict."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.contract import OUTPUT_KINDS, RECORD_KINDS
from pipeline.io import read_jsonl
from pipeline.run import InputFailure, run_corpus
from pipeline.schema import validate_run


def run(batch, out, nlp, **kw):
    return run_corpus([str(batch)], out, nlp=nlp, **kw)


def test_batch_with_bad_inputs_completes(bad_batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    result = run(bad_batch, out, rules_nlp)
    assert sorted(result.processed) == ["arctic-shipping", "baltic-brief", "feed-1"]
    errors = [(Path(e["file"]).name, e["line"], e["reason"].split(" (")[0].split(" at byte")[0]) for e in read_jsonl(out / "errors.jsonl")]
    assert errors == [
        ("binary.txt", None, "binary file"),
        ("empty.txt", None, "empty file"),
        ("feed.jsonl", 2, "invalid JSON: Expecting property name enclosed in double quotes"),
        ("latin.txt", None, "invalid UTF-8"),
        ("menu.html", None, "no main text found in HTML"),
    ]
    assert validate_run(out) == []
    for kind in OUTPUT_KINDS:
        assert (out / f"{kind}.jsonl").exists()
    assert not list(out.glob(".*tmp*")) and not list(out.glob(".claims-run-*"))


def test_offsets_index_the_source_text_for_every_record_kind(bad_batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(bad_batch, out, rules_nlp)
    texts = {"arctic-shipping": (bad_batch / "arctic-shipping.txt").read_text(encoding="utf-8"),
             "baltic-brief": (bad_batch / "baltic-brief.md").read_text(encoding="utf-8"),
             "feed-1": "Seoul will hold talks in June. The outcome is uncertain."}
    checked = 0
    for kind in RECORD_KINDS:
        for record in read_jsonl(out / f"{kind}.jsonl"):
            if record["doc_id"] in texts:
                assert texts[record["doc_id"]][record["start_char"]:record["end_char"]] == record["text"], (kind, record)
                checked += 1
            for cue in record.get("cues") or []:
                assert texts[record["doc_id"]][cue["start_char"]:cue["end_char"]] == cue["text"]
    assert checked > 20
    for doc in read_jsonl(out / "documents.jsonl"):
        for bp in doc["boilerplate"]:
            assert texts.get(doc["doc_id"], "")[bp["start_char"]:bp["end_char"]] in (bp["text"], "")


def test_run_manifest(bad_batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(bad_batch, out, rules_nlp)
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["pipeline_version"] == "0.1.0"
    assert len(manifest["config_hash"]) == 16
    assert [i["doc_id"] for i in manifest["inputs"]] == ["arctic-shipping", "baltic-brief", "feed-1"]
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["counts"]["documents"] == 3
    assert len(manifest["errors"]) == 5
    assert manifest["timings"]["words_processed"] > 0 and "segmenter" in manifest["timings"]["stage_seconds"]


def test_strict_stops_at_first_error(bad_batch, tmp_path, rules_nlp):
    with pytest.raises(InputFailure, match="binary file"):
        run(bad_batch, tmp_path / "out", rules_nlp, strict=True)

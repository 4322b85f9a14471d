"""Runs end to end: record files, offsets, idempotence, incremental re-runs, bad input in a batch."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.io import read_jsonl
from pipeline.runner import OUTPUT_FILES, PipelineConfigError, build_nlp, parse_overrides, run_corpus
from pipeline.schema import validate_run

from .conftest import FIXTURES


@pytest.fixture()
def batch(tmp_path) -> Path:
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


def run(batch, out, nlp, **kw):
    return run_corpus([str(batch)], out, nlp=nlp, **kw)


def test_batch_with_bad_inputs_completes(batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    result = run(batch, out, rules_nlp)
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
    for kind in OUTPUT_FILES:
        assert (out / f"{kind}.jsonl").exists()
    assert not list(out.glob(".*tmp*")) and not list(out.glob(".claims-run-*"))


def test_offsets_index_the_source_text_for_every_record_kind(batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(batch, out, rules_nlp)
    texts = {"arctic-shipping": (batch / "arctic-shipping.txt").read_text(encoding="utf-8"),
             "baltic-brief": (batch / "baltic-brief.md").read_text(encoding="utf-8"),
             "feed-1": "Seoul will hold talks in June. The outcome is uncertain."}
    checked = 0
    for kind in ("sentences", "entities", "dates", "figures", "claims"):
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


def test_documents_record(batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(batch, out, rules_nlp, published="2024-01")
    docs = {d["doc_id"]: d for d in read_jsonl(out / "documents.jsonl")}
    arctic = docs["arctic-shipping"]
    assert arctic["title"] == "Cold Calculations: Why the Northern Sea Route Will Disappoint Beijing"
    assert arctic["authors"] == ["Anna Lindqvist"]
    assert arctic["author_roles"] == ["Senior Fellow, Polar Security Programme", "Nordic Institute of Strategic Studies"]
    assert (arctic["published"], arctic["published_from"]) == ("2024-05-02", "sidecar")
    assert (docs["baltic-brief"]["published"], docs["baltic-brief"]["published_from"]) == ("2024-01", "cli")
    assert (docs["feed-1"]["published"], docs["feed-1"]["published_from"]) == ("2025-02-10", "jsonl")
    assert docs["baltic-brief"]["authors"] == ["Erik Sandberg"]
    assert docs["baltic-brief"]["author_roles"] == ["Äldre forskare"]
    assert [b["kind"] for b in docs["baltic-brief"]["boilerplate"]] == ["page_label", "page_label", "byline"]
    assert arctic["language"] == "en"
    assert arctic["n_words"] == len((batch / "arctic-shipping.txt").read_text(encoding="utf-8").split())


def test_sentence_records(batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(batch, out, rules_nlp)
    sents = [s for s in read_jsonl(out / "sentences.jsonl") if s["doc_id"] == "arctic-shipping"]
    assert (sents[0]["text"], sents[0]["paragraph"], sents[0]["boilerplate"]) == (
        "Cold Calculations: Why the Northern Sea Route Will Disappoint Beijing", 0, "title")
    body = [s for s in sents if s["boilerplate"] is None]
    assert (body[0]["text"], body[0]["paragraph"]) == ("China has spent a decade courting Russia over Arctic shipping.", 2)
    assert sents[-1]["text"] == "Explore our related content" and sents[-1]["boilerplate"] == "navigation"
    assert len({s["id"] for s in sents}) == len(sents)


def test_same_input_gives_byte_identical_files_and_rerun_skips(batch, tmp_path, rules_nlp):
    out1, out2 = tmp_path / "o1", tmp_path / "o2"
    run(batch, out1, rules_nlp)
    run(batch, out2, rules_nlp, force=True)
    for kind in (*OUTPUT_FILES, "errors"):
        assert (out1 / f"{kind}.jsonl").read_bytes() == (out2 / f"{kind}.jsonl").read_bytes(), kind
    before = {k: (out1 / f"{k}.jsonl").read_bytes() for k in OUTPUT_FILES}
    again = run(batch, out1, rules_nlp)
    assert again.processed == [] and sorted(again.reused) == ["arctic-shipping", "baltic-brief", "feed-1"]
    assert {k: (out1 / f"{k}.jsonl").read_bytes() for k in OUTPUT_FILES} == before


def test_rerun_adds_new_and_reprocesses_changed(batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(batch, out, rules_nlp)
    (batch / "baltic-brief.md").write_text("Sammanfattning\n\nLatvia changed its plans.\n", encoding="utf-8")
    (batch / "new-piece.txt").write_text("A New Piece\n\nThe alliance must adapt.\n", encoding="utf-8")
    result = run(batch, out, rules_nlp)
    assert sorted(result.processed) == ["baltic-brief", "new-piece"]
    docs = [d["doc_id"] for d in read_jsonl(out / "documents.jsonl")]
    assert docs == ["arctic-shipping", "baltic-brief", "feed-1", "new-piece"]
    assert [s["text"] for s in read_jsonl(out / "sentences.jsonl") if s["doc_id"] == "baltic-brief"] == [
        "Sammanfattning", "Latvia changed its plans."]
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["processed"] == 2 and manifest["reused"] == 2


def test_run_manifest(batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(batch, out, rules_nlp)
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["pipeline_version"] == "0.1.0"
    assert len(manifest["config_hash"]) == 16
    assert [i["doc_id"] for i in manifest["inputs"]] == ["arctic-shipping", "baltic-brief", "feed-1"]
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["counts"]["documents"] == 3
    assert len(manifest["errors"]) == 5
    assert manifest["timings"]["words_processed"] > 0 and "segmenter" in manifest["timings"]["stage_seconds"]


def test_strict_stops_at_first_error(batch, tmp_path, rules_nlp):
    from pipeline.runner import InputFailure

    with pytest.raises(InputFailure, match="binary file"):
        run(batch, tmp_path / "out", rules_nlp, strict=True)


def test_missing_model_fails_at_once_in_one_line(tmp_path):
    with pytest.raises(PipelineConfigError) as err:
        build_nlp(model="en_core_web_doesnotexist")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("spaCy model 'en_core_web_doesnotexist' is not installed: install it with `python -m spacy download en_core_web_doesnotexist`")


@pytest.mark.parametrize("items, expected", [
    (["components.segmenter.max_title_words=12"], {"components.segmenter.max_title_words": 12}),
    (["nlp.batch_size=8", "paths.resources=null"], {"nlp.batch_size": 8, "paths.resources": None}),
])
def test_parse_overrides(items, expected):
    assert parse_overrides(items) == expected


def test_override_reaches_the_component():
    from pipeline.runner import CONFIG_DIR

    nlp = build_nlp(CONFIG_DIR / "rules.cfg", {"components.segmenter.max_title_words": 3})
    assert nlp.get_pipe("segmenter").max_title_words == 3


def test_bad_override_is_one_line():
    from pipeline.runner import CONFIG_DIR

    with pytest.raises(PipelineConfigError):
        parse_overrides(["nonsense"])
    with pytest.raises(PipelineConfigError) as err:
        build_nlp(CONFIG_DIR / "rules.cfg", {"components.segmenter.max_title_words": "many"})
    assert "\n" not in str(err.value)


def test_run_freezes_the_heap_only_while_it_runs(batch, tmp_path, rules_nlp, monkeypatch):
    import gc

    import pipeline.runner as runner_module

    seen: list[int] = []
    real_annotate = runner_module.annotate

    def watching(*args, **kw):  # the pipeline's objects are out of the cyclic GC while it annotates
        seen.append(gc.get_freeze_count())
        return real_annotate(*args, **kw)

    monkeypatch.setattr(runner_module, "annotate", watching)
    before = gc.get_freeze_count()
    run(batch, tmp_path / "out", rules_nlp)
    assert seen and min(seen) > before + 10_000  # the rule tables of the pipeline, at least
    assert gc.get_freeze_count() == before  # and collectable again afterwards

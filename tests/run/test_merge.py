"""Writing and merging the record files: byte-identical re-runs, reuse, kept documents of earlier runs."""
from __future__ import annotations

import json

from pipeline.contract import ERRORS_KIND, OUTPUT_KINDS
from pipeline.io import read_jsonl
from pipeline.run import run_corpus
from pipeline.run.output import ENCODE, merge_outputs, record_key


def run(batch, out, nlp, **kw):
    return run_corpus([str(batch)], out, nlp=nlp, **kw)


def test_same_input_gives_byte_identical_files_and_rerun_skips(bad_batch, tmp_path, rules_nlp):
    out1, out2 = tmp_path / "o1", tmp_path / "o2"
    run(bad_batch, out1, rules_nlp)
    run(bad_batch, out2, rules_nlp, force=True)
    for kind in (*OUTPUT_KINDS, ERRORS_KIND):
        assert (out1 / f"{kind}.jsonl").read_bytes() == (out2 / f"{kind}.jsonl").read_bytes(), kind
    before = {k: (out1 / f"{k}.jsonl").read_bytes() for k in OUTPUT_KINDS}
    again = run(bad_batch, out1, rules_nlp)
    assert again.processed == [] and sorted(again.reused) == ["arctic-shipping", "baltic-brief", "feed-1"]
    assert {k: (out1 / f"{k}.jsonl").read_bytes() for k in OUTPUT_KINDS} == before


def test_rerun_adds_new_and_reprocesses_changed(bad_batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(bad_batch, out, rules_nlp)
    (bad_batch / "baltic-brief.md").write_text("Sammanfattning\n\nLatvia changed its plans.\n", encoding="utf-8")
    (bad_batch / "new-piece.txt").write_text("A New Piece\n\nThe alliance must adapt.\n", encoding="utf-8")
    result = run(bad_batch, out, rules_nlp)
    assert sorted(result.processed) == ["baltic-brief", "new-piece"]
    docs = [d["doc_id"] for d in read_jsonl(out / "documents.jsonl")]
    assert docs == ["arctic-shipping", "baltic-brief", "feed-1", "new-piece"]
    assert [s["text"] for s in read_jsonl(out / "sentences.jsonl") if s["doc_id"] == "baltic-brief"] == [
        "Sammanfattning", "Latvia changed its plans."]
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["processed"] == 2 and manifest["reused"] == 2


def _write(folder, kind, records):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{kind}.jsonl").write_text("".join(ENCODE(r) + "\n" for r in records), encoding="utf-8")


def doc(doc_id):
    return {"doc_id": doc_id, "sha256": doc_id * 3, "dates_unresolved": 1}


def sent(doc_id, start):
    return {"id": f"sen_{doc_id}{start}", "doc_id": doc_id, "start_char": start, "end_char": start + 1, "text": "x"}


def test_merge_interleaves_kept_records_with_the_shards_in_document_order(tmp_path):
    out, shard = tmp_path / "out", tmp_path / "shard-00000"
    for kind in OUTPUT_KINDS:
        _write(out, kind, [doc("a"), doc("c"), doc("z")] if kind == "documents" else [])
        _write(shard, kind, [doc("b")] if kind == "documents" else [])
    _write(out, "sentences", [sent("a", 0), sent("c", 0), sent("c", 5), sent("z", 0)])
    _write(shard, "sentences", [sent("b", 2)])
    summary = merge_outputs(out, {"a", "c"}, [shard])  # "z" is not kept
    assert [r["id"] for r in read_jsonl(out / "sentences.jsonl")] == ["sen_a0", "sen_b2", "sen_c0", "sen_c5"]
    assert summary["documents"] == {"a": "aaa", "b": "bbb", "c": "ccc"} and summary["dates_unresolved"] == 3
    assert summary["counts"]["sentences"] == 4 and summary["counts"]["claims"] == 0
    assert sorted(record_key(r) for r in read_jsonl(out / "sentences.jsonl")) == [record_key(r) for r in read_jsonl(out / "sentences.jsonl")]


def test_merge_without_kept_records_copies_the_shards_bytes(tmp_path):
    shards = [tmp_path / f"shard-{i}" for i in range(2)]
    for i, shard in enumerate(shards):
        for kind in OUTPUT_KINDS:
            _write(shard, kind, [{"doc_id": f"d{i}", "sha256": "0"}] if kind == "documents" else [{"doc_id": f"d{i}", "text": "“Zürich”\u00a0€"}])
    merge_outputs(tmp_path / "out", set(), shards)
    for kind in OUTPUT_KINDS:
        assert (tmp_path / "out" / f"{kind}.jsonl").read_bytes() == b"".join((s / f"{kind}.jsonl").read_bytes() for s in shards)

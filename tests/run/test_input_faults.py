"""Issue 16 items 3-5 and issue 15 item 2 through a whole run: every input accounted for, in
errors.jsonl and on stderr; the batch goes on; the document record says how its text was read."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.io import read_jsonl
from pipeline.run import run_corpus

from ..conftest import PROJECT_ROOT

RULES = str(PROJECT_ROOT / "configs" / "rules.cfg")
GOOD = "Officials in Berlin said the talks will probably fail next year.\n"


def test_duplicate_jsonl_id_is_reported_not_silently_renamed(tmp_path, rules_nlp):
    """Before: the second "n1" became "n1-2" without a word."""
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": i, "text": f"Text {n}. " + GOOD} for n, i in enumerate(["n1", "n1-3", "n1", "n1"])]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = run_corpus([feed], tmp_path / "out", nlp=rules_nlp)
    assert sorted(result.processed) == ["n1", "n1-3", "n1-4"]
    assert [e.to_record() for e in result.errors] == [
        {"file": str(feed), "line": 3, "reason": f"duplicate document id 'n1' (also {feed}:1; 'n1-3' taken too); skipped", "skipped": True},
        {"file": str(feed), "line": 4, "reason": f"duplicate document id 'n1' (also {feed}:1); renamed 'n1-4'", "skipped": False},
    ]


def test_unread_paths_and_failing_reader_in_errors_and_on_stderr(tmp_path, monkeypatch):
    """A broken link, a link loop, a folder named x.txt, a reader's ImportError: each one line; the rest runs."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "page.html").write_text("<html><body><p>" + GOOD * 5 + "</p></body></html>", encoding="utf-8")
    (folder / "x.txt").mkdir()
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "up").symlink_to(folder)

    def no_cleaner(_html):
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")

    monkeypatch.setattr("pipeline.io.extract_html", no_cleaner)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--config", RULES])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    expected = [
        (str(folder / "gone.txt"), f"broken symbolic link (to {tmp_path / 'nowhere.txt'}, which does not exist)", True),
        (str(folder / "page.html"), "reader failed: ImportError: lxml.html.clean module is now a separate project lxml_html_clean", True),
        (str(folder / "up"), "symbolic link loop (a link to a folder that contains it)", True),
        (str(folder / "x.txt"), "a folder, not a file: its files are read as a folder's", False),
    ]
    assert [(e["file"], e["reason"], e["skipped"]) for e in read_jsonl(out / "errors.jsonl")] == expected
    for file, reason, skipped in expected:
        assert f"{'skipped' if skipped else 'warning'}: {file}: {reason}" in result.stderr
    assert [d["doc_id"] for d in read_jsonl(out / "documents.jsonl")] == ["good"]


def test_encoding_option_and_record_fields(tmp_path):
    """--encoding forces a codec; the document record says which and how it was decided."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "latin.txt").write_bytes(("Café in Zürich: François " + GOOD).encode("latin-1"))
    (folder / "plain.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--config", RULES])
    assert result.exit_code == 0, result.output
    docs = {d["doc_id"]: d for d in read_jsonl(out / "documents.jsonl")}
    assert [(d["encoding"], d["encoding_from"]) for d in docs.values()] == [("iso-8859-1", "detected"), ("utf-8", "valid-utf-8")]
    forced = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "o2"), "--config", RULES, "--encoding", "cp1252"])
    assert forced.exit_code == 0, forced.output
    docs = {d["doc_id"]: d for d in read_jsonl(tmp_path / "o2" / "documents.jsonl")}
    assert [(d["encoding"], d["encoding_from"]) for d in docs.values()] == [("cp1252", "option"), ("cp1252", "option")]
    sentences = [s["text"] for s in read_jsonl(tmp_path / "o2" / "sentences.jsonl") if s["doc_id"] == "latin"]
    assert sentences[0].startswith("Café in Zürich: François")
    bad = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "o3"), "--encoding", "klingon"])
    assert bad.exit_code == 2 and bad.stderr.strip() == "error: unknown encoding 'klingon' (--encoding)"

"""Commands that say what happened (issue 15, item 4): each test failed before its fix."""
from __future__ import annotations

import json
import os
import re
import shutil
import stat

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.io import read_jsonl, write_json

from .conftest import FIXTURES, PROJECT_ROOT
from .review_run import make_run, record

runner = CliRunner()
RULES = str(PROJECT_ROOT / "configs" / "rules.cfg")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    """A real run of the two fixture articles with the rule stages (copied by tests that change it)."""
    out = tmp_path_factory.mktemp("run") / "out"
    result = invoke("run", FIXTURES / "articles", "--out", out, "--config", RULES, "--published", "2024-06")
    assert result.exit_code == 0, result.output
    return out


# --- validate -----------------------------------------------------------------------------------


def test_validate_fails_on_a_missing_folder(tmp_path):
    result = invoke("validate", tmp_path / "nonexistent")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nonexistent'}: no such folder"


def test_validate_fails_on_a_folder_that_is_not_a_run(tmp_path):
    result = invoke("validate", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"{tmp_path}: not a run folder (no documents.jsonl)", f"error: 1 problem(s) in {tmp_path}"]


def test_validate_fails_on_an_empty_run(tmp_path):
    for kind in ("documents", "sentences", "entities", "dates", "figures", "claims", "errors"):
        (tmp_path / f"{kind}.jsonl").write_bytes(b"")
    result = invoke("validate", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[0] == "documents.jsonl: no documents (an empty run: nothing was read)"


def test_validate_reports_a_missing_record_file(fixture_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(fixture_run, out)
    (out / "figures.jsonl").unlink()
    result = invoke("validate", out)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[0] == "figures.jsonl: missing (every run writes it, empty or not)"


def test_validate_checks_review_jsonl(fixture_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(fixture_run, out)
    claim = next(iter(read_jsonl(out / "claims.jsonl")))
    base = {"record_id": claim["id"], "kind": "claims", "doc_id": claim["doc_id"], "reviewer": "ann", "time": "2025-01-01T00:00:00.000Z", "target": None}
    lines = [
        {**base, "id": "d_ok", "decision": "edit", "edits": {"type": "prediction", "certainty": None}},
        {**base, "id": "d_bogus", "decision": "edit", "edits": {"certainty": "bogus"}},
        {**base, "id": "d_score", "decision": "edit", "edits": {"score": 1.0}},
        {**base, "id": "d_span", "decision": "edit", "edits": {"start_char": claim["start_char"], "end_char": claim["end_char"], "text": "not the source"}},
        {**base, "id": "d_kind", "decision": "accept", "edits": {}, "kind": "sentences"},
    ]
    text = "".join(json.dumps(line) + "\n" for line in lines) + "{torn\n"
    (out / "review.jsonl").write_text(text, encoding="utf-8")
    result = invoke("validate", out)
    assert result.exit_code == 1
    problems = result.stderr.strip().splitlines()
    assert problems[0] == "review.jsonl:6: not JSON (JSONDecodeError)"
    assert problems[1].startswith("review.jsonl:2: certainty must be one of ") and problems[1].endswith(", not 'bogus'")
    assert problems[2].startswith("review.jsonl:3: field 'score' of claims is not editable")
    assert problems[3:] == [
        "review.jsonl:4: edited span text does not match the source text",
        "review.jsonl:5: records of kind 'sentences' are not reviewable",
        f"error: 5 problem(s) in {out}",
    ]


def test_validate_accepts_a_good_review_file(fixture_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(fixture_run, out)
    claim = next(iter(read_jsonl(out / "claims.jsonl")))
    line = {"id": "d_1", "record_id": claim["id"], "kind": "claims", "doc_id": claim["doc_id"], "decision": "edit",
            "edits": {"hedged": True, "start_char": claim["start_char"], "end_char": claim["end_char"], "text": claim["text"]},
            "target": None, "reviewer": "ann", "time": "2025-01-01T00:00:00.000Z"}
    (out / "review.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = invoke("validate", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{out}: all records valid"


# --- eval ---------------------------------------------------------------------------------------


def test_eval_without_a_common_document_fails(fixture_run, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "entities.jsonl").write_text(json.dumps({"id": "ent_1", "doc_id": "other-article", "start_char": 0, "end_char": 6,
                                                     "text": "Russia", "label": "GPE"}) + "\n", encoding="utf-8")
    result = invoke("eval", fixture_run, gold, "--out", tmp_path / "eval.json")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: no document of {gold} is in {fixture_run} (1 gold documents, none predicted): nothing to score"
    assert not (tmp_path / "eval.json").exists()


def test_eval_warns_about_gold_documents_without_predictions(fixture_run, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    ents = [r for r in read_jsonl(fixture_run / "entities.jsonl") if r["doc_id"] == "arctic-shipping"]
    ents.append({**ents[0], "doc_id": "other-article"})
    (gold / "entities.jsonl").write_text("".join(json.dumps(e) + "\n" for e in ents), encoding="utf-8")
    result = invoke("eval", fixture_run, gold, "--out", tmp_path / "eval.json")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"warning: 1 of 2 gold documents are not in {fixture_run} and count as misses: other-article"


# --- review server ------------------------------------------------------------------------------


def test_review_server_refuses_values_outside_the_contract(tmp_path):
    import http.client

    from pipeline.contract import allowed_values
    from pipeline.review.server import HOST, start_in_thread

    out = make_run(tmp_path)
    claim = next(iter(read_jsonl(out / "claims.jsonl")))
    server = start_in_thread(out, reviewer="ann")
    try:
        for edits, message in (
            ({"certainty": "bogus"}, f"certainty must be one of {', '.join(map(str, allowed_values('claims', 'certainty')))}, not 'bogus'"),
            ({"type": "rumour"}, "type must be one of "),
            ({"hedged": "yes"}, "hedged must be true or false"),
        ):
            conn = http.client.HTTPConnection(HOST, server.server_address[1], timeout=10)
            body = json.dumps({"record_id": claim["id"], "kind": "claims", "decision": "edit", "edits": edits})
            conn.request("POST", "/api/decisions", body=body, headers={"Host": f"127.0.0.1:{server.server_address[1]}", "Content-Type": "application/json"})
            resp = conn.getresponse()
            answer = json.loads(resp.read())
            conn.close()
            assert resp.status == 400 and answer["error"].startswith(message), (edits, answer)
    finally:
        server.shutdown()
        server.server_close()
    assert not (out / "review.jsonl").exists()


def test_review_server_is_quiet_when_the_browser_hangs_up(tmp_path, capsys):
    from pipeline.review.server import make_server

    server = make_server(make_run(tmp_path))
    try:
        for err in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "Connection reset by peer")):
            try:
                raise err
            except ConnectionError:
                server.handle_error(None, ("127.0.0.1", 50000))
        assert capsys.readouterr().err == ""
        try:
            raise RuntimeError("a real bug")
        except RuntimeError:
            server.handle_error(None, ("127.0.0.1", 50000))
        assert "RuntimeError: a real bug" in capsys.readouterr().err  # other errors still show
    finally:
        server.server_close()


def test_review_server_survives_a_reload_mid_response(tmp_path, capfd):
    """A client that sends a request and resets the connection: no traceback on the server's stderr."""
    import socket
    import struct
    import time

    from pipeline.review.server import HOST, start_in_thread

    server = start_in_thread(make_run(tmp_path))
    try:
        port = server.server_address[1]
        for _ in range(5):
            sock = socket.create_connection((HOST, port))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = RST
            sock.sendall(f"GET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            sock.close()
        time.sleep(0.3)
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


# --- export -------------------------------------------------------------------------------------


def test_export_file_modes_match(tmp_path):
    out = make_run(tmp_path)
    old = os.umask(0o022)
    try:
        for fmt in ("parquet", "csv", "jsonl"):
            assert invoke("export", out, "--to", tmp_path / fmt, "--format", fmt).exit_code == 0
    finally:
        os.umask(old)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for fmt in ("parquet", "csv", "jsonl") for p in (tmp_path / fmt).iterdir()}
    assert modes["parquet/claims.parquet"] == 0o644
    assert set(modes.values()) == {0o644}, modes


# --- report -------------------------------------------------------------------------------------


def test_report_speed_counts_only_processed_documents(tmp_path):
    out = make_run(tmp_path)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    write_json(out / "run.json", {**run, "processed": 0, "reused": 3,
                                  "timings": {**run["timings"], "seconds": 0.4, "words_processed": 0, "words_per_second": 0.0}})
    html = (tmp_path / "r.html")
    assert invoke("report", out, "--out", html).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "the last run processed no document (3 unchanged, kept from an earlier run): no speed to report" in page
    assert "words/s" not in page
    write_json(out / "run.json", {**run, "processed": 2, "reused": 1})
    assert invoke("report", out, "--out", html).exit_code == 0
    assert "last run: 2 documents, 100 words in 0.1 s, 1000.0 words/s (1 unchanged documents not counted)" in html.read_text(encoding="utf-8")


# --- config errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("setting, message", [
    ("components.claims.min_scor=0.5",
     "cannot build the pipeline: components.claims.min_scor: unknown setting (settings of claims_claims: max_tokens, min_score, spans_key, split_clauses, use_model)"),
    ("components.claims.min_score=abc", "cannot build the pipeline: components.claims.min_score: 'abc' is not of type float"),
    ("components.claim.min_score=0.5",
     "--set components.claim.min_score: the config has no section [components.claim] (there: claims, dates, entities, figures, segmenter)"),
    ("paths.resourcez=x", "--set paths.resourcez: the config has no [paths] variable 'resourcez' (there: resources)"),
    ("nlp.batch_size=abc", "cannot build the pipeline: nlp.batch_size: Input should be a valid integer, unable to parse string as an integer (got 'abc')"),
])
def test_config_errors_name_the_key_and_the_reason(tmp_path, setting, message):
    result = invoke("run", FIXTURES / "articles", "--out", tmp_path / "o", "--config", RULES, "--set", setting)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {message}"


# --- metadata -----------------------------------------------------------------------------------


def test_sidecar_authors_win_over_names_guessed_from_the_text(tmp_path, rules_nlp):
    from pipeline.run import run_corpus

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.txt").write_text(
        "Shipping in the Arctic\n\nBy Anna Lindqvist\n\nRussia will expand traffic on the Northern Sea Route, analysts argue.\n",
        encoding="utf-8")
    (folder / "note.txt.meta.json").write_text(json.dumps({"authors": ["Research Team X"]}), encoding="utf-8")
    (folder / "plain.txt").write_text((folder / "note.txt").read_text(encoding="utf-8"), encoding="utf-8")
    run_corpus([str(folder)], tmp_path / "out", nlp=rules_nlp)
    docs = {d["doc_id"]: d for d in read_jsonl(tmp_path / "out" / "documents.jsonl")}
    assert docs["note"]["authors"] == ["Research Team X"]
    assert docs["plain"]["authors"] == ["Anna Lindqvist"]  # without metadata, the page's byline


# --- version, API, docs -------------------------------------------------------------------------


def test_version():
    import pipeline

    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout == f"claims {pipeline.__version__}\n"


def test_python_api_load(tmp_path):
    from pipeline import annotate_text, load
    from pipeline.run import PipelineConfigError

    nlp = load(RULES, overrides={"components.claims.min_score": 0.3})
    assert nlp.pipe_names == ["segmenter", "entities", "dates", "figures", "claims"]
    assert nlp.get_pipe("claims").min_score == 0.3
    doc = annotate_text(nlp, "Russia will probably cut gas exports next year, analysts said in Moscow.", published="2024-05-01")
    assert {"sentences", "entities", "dates", "figures", "claims"} <= set(doc.spans)
    ents = {(s.text, s.label_, s._.entity["canonical"]) for s in doc.spans["entities"]}
    assert ("Moscow", "GPE", "Moscow") in ents
    assert [(s.text, s._.date["value"]) for s in doc.spans["dates"]] == [("next year", "2025")]
    assert doc._.published == "2024-05-01"
    with pytest.raises(PipelineConfigError, match="components.claims.min_scor: unknown setting"):
        load(RULES, overrides={"components.claims.min_scor": 0.3})


def test_markdown_links_in_docs_resolve():
    broken = []
    for md in (PROJECT_ROOT / "docs").glob("*.md"):
        for target in re.findall(r"\]\(([^)#\s]+)", md.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target) and not (md.parent / target).exists():
                broken.append(f"{md.name}: {target}")
    assert not broken, broken


@pytest.mark.parametrize("metadata, page, expected", [
    (["Research Team X"], ["The Kremlin"], ["Research Team X"]),  # the case: a guess never overrides
    (["Erica D. Lonergan and Benjamin Jensen"], ["Benjamin Jensen"], ["Erica D. Lonergan and Benjamin Jensen"]),
    (["Romina Bandura and Austin Hardman"], ["Romina Bandura", "Austin Hardman"], ["Romina Bandura", "Austin Hardman"]),
    (["Joseph Majkut, et al."], ["Joseph Majkut", "Guillaume Ferlet", "William Reinsch"], ["Joseph Majkut", "Guillaume Ferlet", "William Reinsch"]),
    ([], ["Anna Lindqvist"], ["Anna Lindqvist"]),
])
def test_authors_metadata_first(metadata, page, expected):
    from pipeline.run.doc_records import authors_of

    assert authors_of(metadata, page) == expected

"""The review server over HTTP: API, decisions, source text checks, and what it refuses to serve."""
from __future__ import annotations

import hashlib
import http.client
import json
import re
import shutil
import threading

import pytest

from pipeline.review.decisions import read_decisions
from pipeline.review.server import HOST, ApiError, ReviewApp, RunFolderError, start_in_thread

from .review_run import ESCAPES, make_run, record

SECRET = "top-secret-content-outside-the-run"


@pytest.fixture()
def run_dir(tmp_path):
    out = make_run(tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    return out


@pytest.fixture()
def server(run_dir):
    srv = start_in_thread(run_dir, reviewer="ann")
    yield srv
    srv.shutdown()
    srv.server_close()


def request(srv, method, path, body=None, headers=None):
    """Raw HTTP (http.client sends the path exactly as given: no normalization of '..')."""
    conn = http.client.HTTPConnection(HOST, srv.server_address[1], timeout=10)
    hdrs = {"Host": f"127.0.0.1:{srv.server_address[1]}"}
    if body is not None:
        body = json.dumps(body).encode() if not isinstance(body, bytes) else body
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    conn.request(method, path, body=body, headers=hdrs)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), data


def get_json(srv, path):
    status, _, data = request(srv, "GET", path)
    assert status == 200, data
    return json.loads(data)


def post(srv, body, **kw):
    status, _, data = request(srv, "POST", "/api/decisions", body, **kw)
    return status, json.loads(data)


def file_hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.suffix in (".jsonl", ".json") and p.name != "review.jsonl"}


# --- serving ------------------------------------------------------------------------------------


def test_binds_loopback_and_serves_its_assets_with_security_headers(server):
    assert server.server_address[0] == "127.0.0.1"
    status, headers, body = request(server, "GET", "/")
    assert status == 200 and b'<script type="module" src="/static/app.js"' in body
    assert "script-src 'self'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"
    modules = ("app", "util", "textview", "queue", "edit")
    for path, ctype in [*((f"/static/{m}.js", "text/javascript") for m in modules), ("/static/app.css", "text/css")]:
        status, headers, body = request(server, "GET", path)
        assert status == 200 and headers["Content-Type"].startswith(ctype) and body


def test_every_module_the_page_imports_is_served():
    from pipeline.review.server import STATIC_DIR, STATIC_FILES

    served = {name for name, _ in STATIC_FILES.values()}
    imported = set()
    for js in STATIC_DIR.glob("*.js"):
        imported |= set(re.findall(r"from '\./([\w-]+\.js)'", js.read_text(encoding="utf-8")))
    assert imported and imported <= served
    assert {p.name for p in STATIC_DIR.iterdir()} == served  # and nothing in static/ is left unserved


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/static/..%2f..%2fsecret.txt",
        "/static/%252e%252e/%252e%252e/etc/passwd",
        "/..%5c..%5cetc%5cpasswd",
        "/static/app.js%00.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/secret.txt",
        "/../secret.txt",
        "/documents.jsonl",
        "/review.jsonl",
        "/run.json",
        "/static/server.py",
        "/static/../server.py",
        "/static/",
        "/api/../../secret.txt",
        "/api/doc/../../secret.txt",
    ],
)
def test_rejects_paths_outside_its_assets(server, path):
    status, _, body = request(server, "GET", path)
    assert status in (400, 404)
    assert b"root:" not in body and SECRET.encode() not in body and b"doc_id" not in body


def test_rejects_foreign_hosts_and_cross_origin_writes(server, run_dir):
    claim = record(run_dir, "claims", "Western governments should not mistake this slowdown for a retreat.")
    status, _, _ = request(server, "GET", "/api/run", headers={"Host": "evil.example:80"})
    assert status == 400  # DNS rebinding
    body = {"record_id": claim["id"], "kind": "claims", "decision": "accept"}
    assert post(server, body, headers={"Origin": "http://evil.example"})[0] == 403
    assert post(server, body, headers={"Sec-Fetch-Site": "cross-site"})[0] == 403
    assert request(server, "POST", "/api/decisions", json.dumps(body).encode(), headers={"Content-Type": "text/plain"})[0] == 415
    assert request(server, "POST", "/api/decisions", b"x" * 70000)[0] == 413
    assert request(server, "POST", "/api/decisions", b"{not json")[0] == 400
    assert request(server, "DELETE", "/api/decisions")[0] == 405
    assert not (run_dir / "review.jsonl").exists()


# --- the API ------------------------------------------------------------------------------------


def test_run_queue_and_document(server, run_dir):
    run = get_json(server, "/api/run")
    assert run["reviewer"] == "ann" and run["config_hash"] == "0123456789abcdef"
    assert [d["doc_id"] for d in run["documents"]] == ["arctic-ports", "baltic-cables", "escapes"]
    assert run["status_counts"]["claims"] == {"pending": 8, "accepted": 0, "rejected": 0, "edited": 0, "skipped": 0, "conflict": 0}
    contract = get_json(server, "/api/contract")  # what the page knows of record kinds, from pipeline/contract.py
    assert contract["review_order"] == ["claims", "figures", "dates", "entities"]
    claims = next(k for k in contract["kinds"] if k["name"] == "claims")
    claim_fields = {f["name"]: f for f in claims["editable"]}
    assert set(claim_fields) == {"type", "speaker", "hedged", "certainty"}
    assert {"prediction", "recommendation", "interpretation", "evaluation"} <= set(claim_fields["type"]["allowed"])
    assert (claims["label_field"], claims["score_field"], claims["singular"]) == ("type", "score", "claim")
    first_id = get_json(server, "/api/queue?kind=claims")["items"][0]["id"]
    assert re.fullmatch(contract["id_pattern"], first_id), first_id

    queue = get_json(server, "/api/queue?kind=claims")["items"]
    assert [(i["doc_id"], i["label"], i["score"], i["status"]) for i in queue[:2]] == [
        ("arctic-ports", "prediction", 0.82, "pending"), ("arctic-ports", "prediction", 0.74, "pending")]
    assert len(get_json(server, "/api/queue?kind=figures")["items"]) == 5
    # what the page searches and filters on: the text and the kind's facets (contract.RecordKind.facets)
    holm = next(i for i in queue if i["facets"]["speaker"] == "Ingrid Holm")
    assert holm["text"].startswith("NATO will probably expand") and holm["facets"] == {
        "speaker": "Ingrid Holm", "hedged": True, "certainty": "medium", "negated": False}
    russia = next(i for i in get_json(server, "/api/queue?kind=entities")["items"] if i["text"] == "Russia")
    assert russia["facets"] == {"canonical": "Russia", "kb_id": "Q159", "source": "gazetteer"} and russia["label"] == "GPE"
    assert request(server, "GET", "/api/queue?kind=sentences")[0] == 400

    doc = get_json(server, "/api/doc?id=escapes")
    assert doc["text"] == ESCAPES and doc["text_origin"] == "source" and doc["warning"] is None
    for kind, records in doc["records"].items():
        for r in records:
            assert doc["text"][r["start_char"]:r["end_char"]] == r["text"], kind
    assert doc["boilerplate"] == [{"start_char": 0, "end_char": 48, "kind": "title"}]
    assert request(server, "GET", "/api/doc?id=nope")[0] == 404


def test_decisions_append_and_merge_without_touching_record_files(server, run_dir):
    before = file_hashes(run_dir)
    c1 = record(run_dir, "claims", "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.")
    c2 = record(run_dir, "claims", "Western governments should not mistake this slowdown for a retreat.")
    fig = record(run_dir, "figures", "36 million tonnes")

    status, out = post(server, {"record_id": c1["id"], "kind": "claims", "decision": "accept"})
    assert status == 200 and out["record"]["review"]["status"] == "accepted"
    status, out = post(server, {"record_id": c2["id"], "kind": "claims", "decision": "edit",
                                "edits": {"type": "prediction", "hedged": True, "end_char": c2["end_char"] - 1}})
    assert status == 200
    rec = out["record"]
    assert rec["type"] == "prediction" and rec["hedged"] is True and rec["text"] == c2["text"][:-1]
    assert rec["review"]["original"] == {"type": "recommendation", "hedged": False, "end_char": c2["end_char"], "text": c2["text"]}
    status, out = post(server, {"record_id": fig["id"], "kind": "figures", "decision": "edit", "edits": {"value": 36.0, "unit": "Mt"}})
    assert status == 200 and out["record"]["value"] == 36.0

    # bad requests never reach the file
    assert post(server, {"record_id": c1["id"], "decision": "edit", "edits": {"score": 1}})[0] == 400
    assert post(server, {"record_id": "clm_0000000000000000", "decision": "accept"})[0] == 404
    assert post(server, {"record_id": c1["id"], "kind": "figures", "decision": "accept"})[0] == 400
    assert post(server, {"record_id": c1["id"], "decision": "accept", "extra": 1})[0] == 400

    log = read_decisions(run_dir)
    assert [(d["record_id"], d["kind"], d["decision"], d["reviewer"]) for d in log.decisions] == [
        (c1["id"], "claims", "accept", "ann"), (c2["id"], "claims", "edit", "ann"), (fig["id"], "figures", "edit", "ann")]
    assert log.decisions[1]["edits"] == {"type": "prediction", "hedged": True, "end_char": c2["end_char"] - 1, "text": c2["text"][:-1]}
    assert all(d["time"].endswith("Z") and d["doc_id"] == "arctic-ports" for d in log.decisions)
    assert file_hashes(run_dir) == before

    queue = {i["id"]: i for i in get_json(server, "/api/queue?kind=claims")["items"]}
    assert queue[c1["id"]]["status"] == "accepted"
    assert (queue[c2["id"]]["text"], queue[c2["id"]]["facets"]["hedged"]) == (c2["text"][:-1], True)  # edits applied
    assert (queue[c2["id"]]["status"], queue[c2["id"]]["label"]) == ("edited", "prediction")


def test_review_version_changes_only_with_a_decision(server, run_dir):
    c1 = record(run_dir, "claims", "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.")
    first = get_json(server, "/api/run")["review_version"]
    assert get_json(server, "/api/run")["review_version"] == first  # the page reloads nothing on focus
    post(server, {"record_id": c1["id"], "decision": "accept"})
    second = get_json(server, "/api/run")
    assert second["review_version"] != first and second["n_decisions"] == 1


def test_an_edit_that_changes_nothing_is_refused(server, run_dir):
    c1 = record(run_dir, "claims", "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.")
    status, out = post(server, {"record_id": c1["id"], "decision": "edit", "edits": {"type": "prediction"}})
    assert status == 400 and "nothing changed" in out["error"]


def test_undo_by_target_and_bare_undo(server, run_dir):
    c1 = record(run_dir, "claims", "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.")
    c2 = record(run_dir, "claims", "Western governments should not mistake this slowdown for a retreat.")
    _, first = post(server, {"record_id": c1["id"], "decision": "reject"})
    _, second = post(server, {"record_id": c2["id"], "decision": "accept"})
    status, out = post(server, {"decision": "undo", "target": first["decision"]["id"]})
    assert status == 200 and out["record"]["id"] == c1["id"] and out["record"]["review"]["status"] == "pending"
    assert post(server, {"decision": "undo", "target": first["decision"]["id"]})[0] == 409
    status, out = post(server, {"decision": "undo"})  # the reviewer's latest decision still in effect
    assert status == 200 and out["undone"]["id"] == second["decision"]["id"] and out["kind"] == "claims"
    assert post(server, {"decision": "undo"})[0] == 404
    undos = [d for d in read_decisions(run_dir).decisions if d["decision"] == "undo"]
    assert [u["target"] for u in undos] == [first["decision"]["id"], second["decision"]["id"]]


def test_two_reviewers_on_two_servers_at_once(run_dir):
    servers = [start_in_thread(run_dir, reviewer=name) for name in ("ann", "bob")]
    try:
        ids = [i["id"] for i in get_json(servers[0], "/api/queue?kind=entities")["items"]]
        errors = []

        def work(srv, decision):
            for rid in ids:
                status, body = post(srv, {"record_id": rid, "decision": decision})
                if status != 200:
                    errors.append(body)

        threads = [threading.Thread(target=work, args=(srv, d)) for srv, d in zip(servers, ("accept", "reject")) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        log = read_decisions(run_dir)
        assert not log.bad_lines and len(log.decisions) == 4 * len(ids)
        # each server sees the other's decisions (the file is the only state): ann accepted what bob
        # rejected, so every record is a conflict, not whichever decision came last
        seen = {i["status"] for i in get_json(servers[1], "/api/queue?kind=entities")["items"]}
        assert seen == {"conflict"}
    finally:
        for srv in servers:
            srv.shutdown()
            srv.server_close()


def test_orphans_reported_after_a_rerun_drops_a_record(server, run_dir):
    c2 = record(run_dir, "claims", "Western governments should not mistake this slowdown for a retreat.")
    post(server, {"record_id": c2["id"], "decision": "reject"})
    lines = (run_dir / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    (run_dir / "claims.jsonl").write_text("".join(line + "\n" for line in lines if c2["id"] not in line), encoding="utf-8")
    orphans = get_json(server, "/api/orphans")["orphans"]
    assert [(o["record_id"], o["status"], o["reviewers"]) for o in orphans] == [(c2["id"], "rejected", ["ann"])]
    assert get_json(server, "/api/run")["orphans"] == 1
    assert post(server, {"record_id": c2["id"], "decision": "accept"})[0] == 404


# --- document text ------------------------------------------------------------------------------


def test_text_from_a_jsonl_source_line(tmp_path):
    out = make_run(tmp_path, jsonl_doc="baltic-cables")
    app = ReviewApp(out, reviewer="ann")
    doc = app.api_doc("baltic-cables")
    assert doc["text_origin"] == "source" and doc["text"].startswith("Baltic Cables:")


def test_changed_or_missing_source_is_reported_and_text_rebuilt(tmp_path):
    out = make_run(tmp_path)
    src = tmp_path / "articles" / "arctic-ports.txt"
    src.write_text(src.read_text(encoding="utf-8").replace("Russia", "Prussia"), encoding="utf-8")
    shutil.move(tmp_path / "articles" / "escapes.txt", tmp_path / "elsewhere.txt")
    app = ReviewApp(out, reviewer="ann")
    changed, missing = app.api_doc("arctic-ports"), app.api_doc("escapes")
    assert changed["text_origin"] == "reconstructed" and "changed since the run (sha256 differs)" in changed["warning"]
    assert missing["text_origin"] == "reconstructed" and "was not found" in missing["warning"]
    for doc in (changed, missing):  # the rebuilt text still matches every record exactly
        for records in doc["records"].values():
            for r in records:
                assert doc["text"][r["start_char"]:r["end_char"]] == r["text"]
    assert missing["text"].startswith("Testing <script>alert(1)</script> and other tags\n\nThe ministry said")


def test_not_a_run_folder(tmp_path):
    with pytest.raises(RunFolderError, match="not a run folder"):
        ReviewApp(tmp_path)


def test_cli_review_refuses_a_non_run_folder(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["review", str(tmp_path), "--no-browser"])
    assert result.exit_code == 2 and "not a run folder" in result.stderr


def test_cli_review_serves_until_stopped(run_dir):
    import subprocess
    import sys

    from .conftest import PROJECT_ROOT

    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "review", str(run_dir), "--no-browser", "--reviewer", "cli-user"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"reviewing {run_dir} at http://127.0.0.1:") and "as cli-user" in line
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        conn.request("GET", "/api/run", headers={"Host": f"127.0.0.1:{port}"})
        assert json.loads(conn.getresponse().read())["reviewer"] == "cli-user"
        conn.close()

        busy = subprocess.run([sys.executable, "-m", "pipeline", "review", str(run_dir), "--no-browser", "--port", str(port)],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
        assert busy.returncode == 2 and busy.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(10)


# --- bulk decisions -----------------------------------------------------------------------------


def bulk(srv, body):
    status, _, data = request(srv, "POST", "/api/bulk", body)
    return status, json.loads(data)


def test_bulk_accept_decides_each_undecided_record_once_and_undo_takes_back_the_batch(server, run_dir):
    entities = get_json(server, "/api/queue?kind=entities")["items"]
    gpe = [i["id"] for i in entities if i["label"] == "GPE"]
    assert len(gpe) == 5  # Moscow, Russia, Oslo, Beijing, Kyiv
    russia = record(run_dir, "entities", "Russia")
    post(server, {"record_id": russia["id"], "decision": "reject"})  # decided before: left alone
    before = len(read_decisions(run_dir).decisions)

    status, out = bulk(server, {"kind": "entities", "decision": "accept", "record_ids": gpe})
    assert status == 200 and (out["n"], out["already_decided"], out["decision"]) == (4, 1, "accept")
    assert out["batch"].startswith("b_") and {i["status"] for i in out["items"]} == {"accepted"}
    assert all(i["review"]["reviewer"] == "ann" for i in out["items"])
    lines = read_decisions(run_dir).decisions[before:]
    assert [(d["record_id"], d["decision"], d["batch"]) for d in lines] == [(i, "accept", out["batch"]) for i in gpe if i != russia["id"]]
    queue = {i["id"]: i["status"] for i in get_json(server, "/api/queue?kind=entities")["items"]}
    assert [queue[i] for i in gpe] == ["rejected" if i == russia["id"] else "accepted" for i in gpe]

    status, undone = post(server, {"decision": "undo"})  # a bare undo takes back the whole bulk action
    assert status == 200 and undone["undone_batch"] == out["batch"] and undone["n"] == 4
    assert {i["status"] for i in undone["items"]} == {"pending"}
    undo_lines = read_decisions(run_dir).decisions[before + 4:]
    assert [(d["decision"], d["target"], d["batch"]) for d in undo_lines] == [("undo", d["id"], out["batch"]) for d in lines]
    queue = {i["id"]: i["status"] for i in get_json(server, "/api/queue?kind=entities")["items"]}
    assert [queue[i] for i in gpe] == ["rejected" if i == russia["id"] else "pending" for i in gpe]
    assert post(server, {"decision": "undo", "batch": out["batch"]})[0] == 404  # nothing of it left in effect
    status, again = post(server, {"decision": "undo"})  # the next undo is the single reject before it
    assert status == 200 and again["record"]["id"] == russia["id"] and again["record"]["review"]["status"] == "pending"


def test_bulk_refuses_bad_requests_without_writing(server, run_dir):
    claims = [i["id"] for i in get_json(server, "/api/queue?kind=claims")["items"]]
    fig = record(run_dir, "figures", "36 million tonnes")
    assert bulk(server, {"kind": "claims", "decision": "edit", "record_ids": claims})[0] == 400
    assert bulk(server, {"kind": "claims", "decision": "accept", "record_ids": claims + ["clm_0000000000000000"]})[0] == 404
    assert bulk(server, {"kind": "claims", "decision": "accept", "record_ids": claims + [fig["id"]]})[0] == 400
    assert bulk(server, {"kind": "claims", "decision": "accept", "record_ids": []})[0] == 400
    assert bulk(server, {"kind": "sentences", "decision": "accept", "record_ids": claims})[0] == 400
    assert post(server, {"record_id": claims[0], "decision": "accept", "batch": "b_1"})[0] == 400
    assert not (run_dir / "review.jsonl").exists()
    # a bulk body may be far larger than a single decision's (record ids of a whole batch)
    status, out = bulk(server, {"kind": "claims", "decision": "reject", "record_ids": claims * 3000})
    assert status == 200 and out["n"] == len(claims) and len(read_decisions(run_dir).decisions) == len(claims)


# --- teams --------------------------------------------------------------------------------------


def test_two_reviewers_conflict_per_reviewer_views_and_an_adjudication(run_dir):
    ann, bob, carol = (ReviewApp(run_dir, reviewer=name) for name in ("ann", "bob", "carol"))
    c1 = record(run_dir, "claims", "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.")
    c2 = record(run_dir, "claims", "Western governments should not mistake this slowdown for a retreat.")
    ann.api_decide({"record_id": c1["id"], "decision": "accept", "view": "ann"})
    bob.api_decide({"record_id": c1["id"], "decision": "reject", "view": "bob"})
    ann.api_decide({"record_id": c2["id"], "decision": "edit", "edits": {"type": "evaluation"}, "view": "ann"})
    out = bob.api_decide({"record_id": c2["id"], "decision": "edit", "edits": {"type": "evaluation"}, "view": "bob"})
    assert out["record"]["review"]["status"] == "edited" and out["record"]["review"]["team_status"] == "edited"  # they agree

    team = {i["id"]: i["status"] for i in carol.api_queue("claims")["items"]}
    assert (team[c1["id"]], team[c2["id"]]) == ("conflict", "edited")
    mine = {i["id"]: i["status"] for i in carol.api_queue("claims", "bob")["items"]}  # bob's own view
    assert (mine[c1["id"]], mine[c2["id"]]) == ("rejected", "edited")
    assert carol.api_run()["reviewers"] == ["ann", "bob", "carol"]
    assert carol.api_run()["status_counts"]["claims"]["conflict"] == 1
    doc = carol.api_doc("arctic-ports")
    rec = next(r for r in doc["records"]["claims"] if r["id"] == c1["id"])
    assert {n: r["status"] for n, r in rec["review"]["by_reviewer"].items()} == {"ann": "accepted", "bob": "rejected"}
    with pytest.raises(ApiError, match="unknown view"):
        carol.api_queue("claims", "mallory")

    result = carol.api_agreement()["kinds"]["claims"]
    assert result["conflicts"] == 1 and result["decided_by"] == {"ann": 2, "bob": 2}
    assert result["pairs"][0]["verdict"] == {"n": 2, "agreement": 0.5, "kappa": 0.0}

    settled = carol.api_decide({"record_id": c1["id"], "decision": "reject", "adjudicate": True})
    assert settled["decision"]["adjudicate"] is True
    assert settled["record"]["review"]["status"] == "rejected" and settled["record"]["review"]["adjudicated_by"] == "carol"
    assert carol.api_agreement()["kinds"]["claims"]["conflicts"] == 0
    undone = carol.api_decide({"decision": "undo"})  # back to the conflict
    assert undone["record"]["review"]["status"] == "conflict"
    with pytest.raises(ApiError, match="adjudicate"):
        carol.api_decide({"record_id": c1["id"], "decision": "skip", "adjudicate": True})


def test_accepting_what_the_team_view_shows_takes_on_the_teams_edits(run_dir):
    ann, bob = ReviewApp(run_dir, reviewer="ann"), ReviewApp(run_dir, reviewer="bob")
    c2 = record(run_dir, "claims", "Western governments should not mistake this slowdown for a retreat.")
    ann.api_decide({"record_id": c2["id"], "decision": "edit", "edits": {"type": "evaluation"}})
    out = bob.api_decide({"record_id": c2["id"], "decision": "accept"})  # bob accepts the evaluation he sees
    assert out["decision"]["decision"] == "edit" and out["decision"]["edits"] == {"type": "evaluation"}
    assert out["record"]["review"]["status"] == "edited" and out["record"]["type"] == "evaluation"
    # in his own view bob would have seen the original: an accept there is an accept as is, and conflicts
    c1 = record(run_dir, "claims", "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.")
    ann.api_decide({"record_id": c1["id"], "decision": "edit", "edits": {"hedged": True}})
    own = bob.api_decide({"record_id": c1["id"], "decision": "accept", "view": "bob"})
    assert own["decision"]["edits"] == {} and own["record"]["review"]["team_status"] == "conflict"


def test_cli_review_agreement(run_dir):
    from typer.testing import CliRunner

    from pipeline.cli import app

    c1 = record(run_dir, "claims", "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.")
    c2 = record(run_dir, "claims", "Western governments should not mistake this slowdown for a retreat.")
    for name, decisions_ in (("ann", ("accept", "reject")), ("bob", ("accept", "accept"))):
        app_ = ReviewApp(run_dir, reviewer=name)
        for rec, decision in zip((c1, c2), decisions_):
            app_.api_decide({"record_id": rec["id"], "decision": decision, "view": name})
    result = CliRunner().invoke(app, ["review", str(run_dir), "--agreement"])
    assert result.exit_code == 0, result.output
    assert "reviewers: ann, bob" in result.output
    assert "claims: 8 records; decided by ann 2, bob 2; 1 conflicts to settle, 0 settled by an adjudicator" in result.output
    assert "ann / bob: 2 decided by both; accept/reject 50% (κ 0.00, n=2)" in result.output
    assert "entities: 13 records; decided by ann 0, bob 0" in result.output

"""review.jsonl: validation, durable concurrent appends, replay (latest wins, undo, edits), orphans."""
from __future__ import annotations

import json
import multiprocessing
import threading

import pytest

from pipeline.review.decisions import (
    DecisionError,
    append_decision,
    apply_review,
    find_orphans,
    last_effective,
    load_review,
    make_decision,
    read_decisions,
    replay,
    review_path,
    validate_edits,
)

from .review_run import ARCTIC, make_run, record

TEXT = "Moscow will not back down. Talks resume in May."


def dec(record_id, decision, reviewer="ann", edits=None, target=None, kind="claims"):
    return make_decision(record_id, kind, decision, reviewer=reviewer, doc_id="d1", edits=edits, target=target)


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"decision": "maybe"}, "decision must be one of"),
        ({"decision": "accept", "edits": {"type": "prediction"}}, "carries no edits"),
        ({"decision": "edit"}, "needs edits"),
        ({"decision": "accept", "reviewer": "  "}, "reviewer must be"),
        ({"decision": "accept", "kind": "sentences"}, "not reviewable"),
    ],
)
def test_make_decision_rejects_bad_input(kwargs, message):
    args = {"decision": "accept", "reviewer": "ann", "kind": "claims", **kwargs}
    with pytest.raises(DecisionError, match=message):
        make_decision("clm_1", args.pop("kind"), args.pop("decision"), **args)


def test_make_decision_fields():
    d = dec("clm_1", "edit", edits={"type": "prediction"})
    assert set(d) == {"id", "record_id", "kind", "doc_id", "decision", "edits", "target", "reviewer", "time"}
    assert d["id"].startswith("d_") and d["time"].endswith("Z") and d["edits"] == {"type": "prediction"}


@pytest.mark.parametrize(
    "kind, edits, expected",
    [
        ("claims", {"type": " prediction ", "hedged": True}, {"type": "prediction", "hedged": True}),
        ("claims", {"speaker": ""}, {"speaker": None}),
        ("figures", {"value": 12.5, "unit": "%"}, {"value": 12.5, "unit": "%"}),
        ("entities", {"label": "GPE", "canonical": "Russia"}, {"label": "GPE", "canonical": "Russia"}),
        ("claims", {"end_char": 25}, {"start_char": 0, "end_char": 25, "text": "Moscow will not back down"}),
        ("claims", {"start_char": 7, "end_char": 26}, {"start_char": 7, "end_char": 26, "text": "will not back down."}),
    ],
)
def test_validate_edits_accepts_and_normalizes(kind, edits, expected):
    record = {"start_char": 0, "end_char": 26}
    assert validate_edits(kind, edits, text=TEXT, record=record) == expected


@pytest.mark.parametrize(
    "kind, edits, message",
    [
        ("claims", {"score": 0.9}, "not editable"),
        ("claims", {"hedged": "yes"}, "true or false"),
        ("claims", {"type": ""}, "must not be empty"),
        ("claims", {"type": 3}, "must be a string"),
        ("claims", {"type": "rumour"}, "type must be one of prediction, evaluation"),  # the schema's enum
        ("entities", {"label": "gpe"}, "label must be one of PERSON"),
        ("figures", {"value": True}, "must be a number"),
        ("claims", {"end_char": 999}, "outside the document"),
        ("claims", {"start_char": 26, "end_char": 27}, "only whitespace"),
        ("claims", {"start_char": -1}, "non-negative"),
        ("claims", {}, "at least one"),
        ("sentences", {"text": "x"}, "not reviewable"),
    ],
)
def test_validate_edits_rejects(kind, edits, message):
    with pytest.raises(DecisionError, match=message):
        validate_edits(kind, edits, text=TEXT, record={"start_char": 0, "end_char": 26})


# --- replay -------------------------------------------------------------------------------------


def test_latest_decision_wins_and_edits_accumulate():
    log = [
        dec("c1", "reject"),
        dec("c1", "accept"),
        dec("c2", "edit", edits={"type": "prediction"}),
        dec("c2", "edit", edits={"hedged": True}),
        dec("c2", "accept"),
        dec("c3", "skip"),
        dec("c4", "accept"),
        dec("c4", "skip"),
    ]
    states = replay(log)
    assert states["c1"].status == "accepted" and states["c1"].n_decisions == 2
    assert states["c2"].status == "edited" and states["c2"].edits == {"type": "prediction", "hedged": True}
    assert states["c3"].status == "skipped"
    assert states["c4"].status == "accepted"  # skipping past a decided record keeps the decision


def test_undo_by_target_and_by_reviewer():
    a1 = dec("c1", "accept")
    r1 = dec("c1", "reject")
    other = dec("c1", "edit", reviewer="bob", edits={"type": "evaluation"})
    undo_target = dec("c1", "undo", target=r1["id"])
    states = replay([a1, r1, other, undo_target])
    # ann's reject is undone, so ann accepted as is while bob changed the type: a conflict
    assert states["c1"].status == "conflict" and states["c1"].for_reviewer("ann").status == "accepted"
    assert states["c1"].for_reviewer("bob").edits == {"type": "evaluation"}
    # a bare undo by ann on c1 cancels ann's latest effective decision (the accept), not bob's edit
    states = replay([a1, r1, other, undo_target, dec("c1", "undo")])
    assert states["c1"].status == "edited" and states["c1"].n_decisions == 1 and states["c1"].reviewer == "bob"
    # undoing everything returns the record to pending (no state)
    states = replay([a1, dec("c1", "undo", target=a1["id"])])
    assert "c1" not in states


def test_last_effective_skips_undone_decisions():
    a, b = dec("c1", "accept"), dec("c2", "reject")
    assert last_effective([a, b], "ann")["id"] == b["id"]
    assert last_effective([a, b, dec("c2", "undo", target=b["id"])], "ann")["id"] == a["id"]
    assert last_effective([a], "bob") is None


def test_apply_review_merges_edits_without_touching_the_record():
    record = {"id": "c1", "type": "interpretation", "hedged": False, "start_char": 0, "end_char": 10, "text": "Moscow wil"}
    states = replay([dec("c1", "edit", edits={"type": "prediction", "end_char": 6, "text": "Moscow"})])
    out = apply_review(record, states["c1"])
    assert out["type"] == "prediction" and out["text"] == "Moscow" and out["end_char"] == 6
    assert out["review"]["status"] == "edited"
    assert out["review"]["original"] == {"type": "interpretation", "end_char": 10, "text": "Moscow wil"}
    assert record["type"] == "interpretation"
    assert apply_review(record, None)["review"]["status"] == "pending"


def test_orphans_are_reported_not_dropped():
    log = [dec("gone", "accept"), dec("gone", "edit", edits={"type": "prediction"}), dec("c1", "reject")]
    states = replay(log)
    orphans = find_orphans(states, log, known_ids={"c1"})
    assert [(o["record_id"], o["status"], o["n_decisions"], o["edits"]) for o in orphans] == [("gone", "edited", 2, {"type": "prediction"})]


# --- the file -----------------------------------------------------------------------------------


def test_append_and_read_round_trip(tmp_path):
    first = append_decision(tmp_path, dec("c1", "accept"))
    append_decision(tmp_path, dec("c2", "edit", edits={"speaker": "Lars Henriksen \u201cthe analyst\u201d"}))
    lines = review_path(tmp_path).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0]) == first
    log = read_decisions(tmp_path)
    assert [d["record_id"] for d in log.decisions] == ["c1", "c2"] and not log.bad_lines
    assert log.decisions[1]["edits"]["speaker"] == "Lars Henriksen \u201cthe analyst\u201d"


def test_torn_last_line_is_reported_and_next_append_stays_readable(tmp_path):
    append_decision(tmp_path, dec("c1", "accept"))
    with review_path(tmp_path).open("a", encoding="utf-8") as fh:
        fh.write('{"id": "d_x", "record_id": "c2", "deci')  # a writer died mid-line
    append_decision(tmp_path, dec("c3", "reject"))
    log = read_decisions(tmp_path)
    assert [d["record_id"] for d in log.decisions] == ["c1", "c3"]
    assert log.bad_lines == [(2, "not JSON (JSONDecodeError)")]


def _append_many(folder: str, reviewer: str, n: int) -> None:
    for i in range(n):
        append_decision(folder, make_decision(f"clm_{reviewer}_{i}", "claims", "accept", reviewer=reviewer, doc_id="d"))


def test_concurrent_threads_lose_nothing(tmp_path):
    threads = [threading.Thread(target=_append_many, args=(str(tmp_path), f"t{k}", 60)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log = read_decisions(tmp_path)
    assert not log.bad_lines
    assert len(log.decisions) == 480 and len({d["id"] for d in log.decisions}) == 480
    for k in range(8):  # each writer's lines are complete and in its own order
        mine = [d["record_id"] for d in log.decisions if d["reviewer"] == f"t{k}"]
        assert mine == [f"clm_t{k}_{i}" for i in range(60)]


def test_concurrent_processes_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append_many, args=(str(tmp_path), f"p{k}", 50)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert all(p.exitcode == 0 for p in procs)
    log = read_decisions(tmp_path)
    assert not log.bad_lines and len(log.decisions) == 200
    assert {d["reviewer"] for d in log.decisions} == {"p0", "p1", "p2", "p3"}


# --- a run folder -------------------------------------------------------------------------------


def test_decisions_stay_attached_across_reruns_and_orphans_are_reported(tmp_path):
    out = make_run(tmp_path / "a", docs=("arctic-ports",))
    claim = record(out, "claims", "Western governments should not mistake this slowdown for a retreat.")
    kept = record(out, "claims", "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.")
    append_decision(out, make_decision(claim["id"], "claims", "reject", reviewer="ann", doc_id="arctic-ports"))
    append_decision(out, make_decision(kept["id"], "claims", "accept", reviewer="ann", doc_id="arctic-ports"))
    review_file = review_path(out).read_bytes()

    # a re-run over the same text gives the same ids: the decisions attach
    again = make_run(tmp_path / "b", docs=("arctic-ports",))
    review_path(again).write_bytes(review_file)
    summary = load_review(again)
    assert summary.states[claim["id"]].status == "rejected" and summary.orphans == []

    # the pipeline stops producing one claim: its decision is reported as an orphan, the other stays
    claims = [json.loads(line) for line in (again / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    (again / "claims.jsonl").write_text("".join(json.dumps(c) + "\n" for c in claims if c["id"] != claim["id"]), encoding="utf-8")
    summary = load_review(again)
    assert [(o["record_id"], o["kind"], o["doc_id"], o["status"]) for o in summary.orphans] == [(claim["id"], "claims", "arctic-ports", "rejected")]
    assert summary.states[kept["id"]].status == "accepted"
    assert ARCTIC[claim["start_char"]:claim["end_char"]] == claim["text"]


# --- the incremental cache the server keeps -------------------------------------------------------


def test_cache_reads_only_appended_lines_and_matches_a_full_replay(tmp_path):
    from pipeline.review.cache import ReviewCache

    cache = ReviewCache(tmp_path)
    assert cache.refresh() == set() and cache.states == {}
    a1, r2 = dec("c1", "accept"), dec("c2", "reject")
    append_decision(tmp_path, a1)
    append_decision(tmp_path, r2)
    assert cache.refresh() == {"c1", "c2"}
    assert cache.refresh() == set()  # nothing new: nothing read, nothing replayed
    version = cache.version
    append_decision(tmp_path, dec("c2", "undo", target=r2["id"]))
    append_decision(tmp_path, dec("c3", "edit", edits={"type": "prediction"}, reviewer="bob"))
    assert cache.refresh() == {"c2", "c3"} and cache.version != version
    full = replay(read_decisions(tmp_path).decisions)
    assert {k: v.to_dict() for k, v in cache.states.items()} == {k: v.to_dict() for k, v in full.items()}
    assert set(cache.states) == {"c1", "c3"} and cache.states["c3"].status == "edited"
    assert cache.last_effective("ann")["id"] == a1["id"] and cache.last_effective("bob")["record_id"] == "c3"
    assert not cache.is_effective(r2["id"]) and cache.is_effective(a1["id"])


def test_cache_waits_for_a_complete_line_and_starts_over_after_a_rewrite(tmp_path):
    from pipeline.review.cache import ReviewCache

    cache = ReviewCache(tmp_path)
    append_decision(tmp_path, dec("c1", "accept"))
    line = json.dumps(dec("c2", "reject"))
    with review_path(tmp_path).open("a", encoding="utf-8") as fh:
        fh.write(line[:20])  # a writer in the middle of its line
    assert cache.refresh() == {"c1"}
    with review_path(tmp_path).open("a", encoding="utf-8") as fh:
        fh.write(line[20:] + "\n")
    assert cache.refresh() == {"c2"} and cache.states["c2"].status == "rejected" and not cache.log.bad_lines
    review_path(tmp_path).write_text(json.dumps(dec("c9", "accept")) + "\n", encoding="utf-8")  # replaced, shorter
    assert cache.refresh() >= {"c1", "c2", "c9"}
    assert set(cache.states) == {"c9"} and len(cache.log.decisions) == 1


# --- teams: each reviewer's own outcome, conflicts, adjudication, agreement -----------------------


def test_reviewers_who_agree_merge_and_reviewers_who_disagree_conflict():
    log = [
        dec("c1", "accept"), dec("c1", "accept", reviewer="bob"),  # agree
        dec("c2", "accept"), dec("c2", "reject", reviewer="bob"),  # accept against reject
        dec("c3", "edit", edits={"type": "prediction"}), dec("c3", "edit", reviewer="bob", edits={"type": "prediction"}),  # same edit
        dec("c4", "edit", edits={"type": "prediction"}), dec("c4", "accept", reviewer="bob"),  # edited against as is
        dec("c5", "reject"), dec("c5", "skip", reviewer="bob"),  # a skip is no opinion
    ]
    states = replay(log)
    assert {rid: s.status for rid, s in states.items()} == {
        "c1": "accepted", "c2": "conflict", "c3": "edited", "c4": "conflict", "c5": "rejected"}
    assert states["c2"].to_dict()["by_reviewer"] == {"ann": "accepted", "bob": "rejected"}
    assert states["c4"].edits == {}  # a conflict applies nobody's edits
    assert states["c3"].edits == {"type": "prediction"} and states["c3"].reviewers == ["ann", "bob"]


def test_an_adjudication_settles_a_conflict_and_its_undo_reopens_it():
    record = {"id": "c1", "type": "interpretation", "start_char": 0, "end_char": 5, "text": "Mosco"}
    log = [dec("c1", "edit", edits={"type": "prediction"}), dec("c1", "reject", reviewer="bob")]
    settle = make_decision("c1", "claims", "edit", reviewer="carol", doc_id="d1", edits={"type": "prediction"}, adjudicate=True)
    assert settle["adjudicate"] is True
    states = replay([*log, settle])
    assert (states["c1"].status, states["c1"].edits, states["c1"].adjudicated_by) == ("edited", {"type": "prediction"}, "carol")
    review = apply_review(record, states["c1"])["review"]
    assert review["team_status"] == "edited" and review["adjudicated_by"] == "carol"
    assert {name: r["status"] for name, r in review["by_reviewer"].items()} == {"ann": "edited", "bob": "rejected"}
    states = replay([*log, settle, dec("c1", "undo", reviewer="carol", target=settle["id"])])
    assert states["c1"].status == "conflict" and states["c1"].adjudicated_by is None


def test_cohen_kappa_and_agreement_per_kind_and_field():
    from pipeline.review.agreement import agreement, cohen_kappa, format_agreement

    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # one label only: chance agreement is total
    # 2x2 table a/a 20, a/b 5, b/a 10, b/b 15: po 0.7, pe 0.5 -> kappa 0.4
    assert cohen_kappa([("a", "a")] * 20 + [("a", "b")] * 5 + [("b", "a")] * 10 + [("b", "b")] * 15) == pytest.approx(0.4)

    records = {"claims": [{"id": f"c{i}", "type": "evaluation", "start_char": 0, "end_char": 5} for i in range(1, 6)]}
    log = [
        dec("c1", "accept"), dec("c1", "accept", reviewer="bob"),
        dec("c2", "reject"), dec("c2", "reject", reviewer="bob"),
        dec("c3", "accept"), dec("c3", "reject", reviewer="bob"),
        dec("c4", "edit", edits={"type": "prediction"}), dec("c4", "accept", reviewer="bob"),
        dec("c5", "accept"),  # only ann: not compared
    ]
    result = agreement(replay(log), records)
    claims = result["kinds"]["claims"]
    assert result["reviewers"] == ["ann", "bob"]
    assert claims["decided_by"] == {"ann": 5, "bob": 4} and claims["conflicts"] == 2 and claims["adjudicated"] == 0
    pair = claims["pairs"][0]
    assert (pair["a"], pair["b"], pair["n"]) == ("ann", "bob", 4)
    # verdicts: (acc, acc) (rej, rej) (acc, rej) (acc, acc): po 0.75, pe (3*2 + 1*2)/16 = 0.5 -> kappa 0.5
    assert pair["verdict"] == {"n": 4, "agreement": 0.75, "kappa": 0.5}
    # type over the two both accepted: (evaluation, evaluation) and (prediction, evaluation)
    assert pair["fields"]["type"] == {"n": 2, "agreement": 0.5, "kappa": 0.0}
    assert pair["fields"]["span"]["agreement"] == 1.0
    text = format_agreement(result)
    assert "ann / bob: 4 decided by both; accept/reject 75% (κ 0.50, n=4)" in text and "type 50% (κ 0.00, n=2)" in text
    assert "2 conflicts to settle" in text

"""Review decisions: an append-only ``review.jsonl`` beside a run's record files.

One line per decision::

    {"id": "d_…", "record_id": "clm_…", "kind": "claims", "doc_id": "…", "decision": "accept",
     "edits": {}, "target": null, "reviewer": "anna", "time": "2025-01-01T12:00:00.123Z"}

``decision`` is ``accept`` | ``reject`` | ``skip`` | ``edit`` | ``undo``. ``edits`` (for ``edit``)
maps field -> new value (``start_char``/``end_char`` change the span; ``text`` follows them).
``undo`` cancels the decision whose ``id`` is ``target`` (or, without a target, the reviewer's
latest still-effective decision on ``record_id``). A bulk action (accept or reject many records at
once) writes one line per record, all with the same ``"batch": "b_…"``; undoing it writes one undo
line per record with that batch id too.

The file is the only state: extraction files are never modified, and every reader replays the
whole file. Appends take an exclusive ``flock`` on the file, write one complete line with a single
``write`` on an ``O_APPEND`` descriptor, then flush and ``fsync``: two browser tabs, two review
servers or two processes on the same folder lose nothing and never interleave lines.

Replay (:func:`replay`): per record, the effective decisions are the ones not undone, in file
order. Each reviewer's own outcome is replayed apart: edits accumulate over the reviewer's
effective ``edit`` decisions; the status is the reviewer's latest effective decision (``accept``
with earlier edits -> ``edited``; ``skip`` -> ``skipped``, exported as pending). The record's status
is the reviewers' common outcome, ``conflict`` when they disagree (a reject against an accept, or
different edited values), and an ``"adjudicate": true`` decision (an adjudicator settling the
record) wins over all of them. Decisions whose record no longer exists in the run are *orphans*: they are kept in the
file, reported by the server, the report and the dataset card, and re-attach if the record
returns (ids are stable across re-runs).
"""
from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..contract import REVIEWABLE_KINDS
from .validation import MAX_TEXT_FIELD, SPAN_FIELDS, DecisionError, validate_edits  # noqa: F401  (re-exported)

REVIEW_FILE = "review.jsonl"
DECISIONS = ("accept", "reject", "skip", "edit", "undo")
# accepted / rejected / edited / skipped / pending, and conflict (reviewers disagree, nobody settled
# it yet); datasets fold "skipped" into "pending".
STATUSES = ("pending", "accepted", "rejected", "edited", "skipped", "conflict")
DECIDED = ("accepted", "rejected", "edited")
_STATUS_OF = {"accept": "accepted", "reject": "rejected", "skip": "skipped", "edit": "edited"}


def now_iso() -> str:
    """UTC time with milliseconds, ``2025-01-01T12:00:00.123Z``."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_decision_id() -> str:
    return "d_" + uuid.uuid4().hex[:16]


def review_path(out_dir: str | Path) -> Path:
    return Path(out_dir) / REVIEW_FILE


def make_decision(
    record_id: str | None,
    kind: str,
    decision: str,
    *,
    reviewer: str,
    doc_id: str | None = None,
    edits: Mapping | None = None,
    target: str | None = None,
    batch: str | None = None,
    adjudicate: bool = False,
) -> dict:
    """A decision line (not yet written). ``edits`` must already be validated. ``batch`` names the
    bulk action the line belongs to (one line per record, all with the same batch id);
    ``adjudicate`` marks a decision that settles the record whatever its reviewers decided."""
    if decision not in DECISIONS:
        raise DecisionError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if kind not in REVIEWABLE_KINDS:
        raise DecisionError(f"records of kind {kind!r} are not reviewable")
    if decision == "edit" and not edits:
        raise DecisionError("an edit decision needs edits")
    if decision != "edit" and edits:
        raise DecisionError(f"a {decision} decision carries no edits")
    if not isinstance(reviewer, str) or not reviewer.strip() or len(reviewer) > 100:
        raise DecisionError("reviewer must be a non-empty name (at most 100 characters)")
    line = {
        "id": new_decision_id(),
        "record_id": record_id,
        "kind": kind,
        "doc_id": doc_id,
        "decision": decision,
        "edits": dict(edits or {}),
        "target": target,
        "reviewer": reviewer.strip(),
        "time": now_iso(),
    }
    if batch is not None:
        line["batch"] = batch
    if adjudicate:
        line["adjudicate"] = True
    return line


def new_batch_id() -> str:
    return "b_" + uuid.uuid4().hex[:16]


# --- writing and reading ------------------------------------------------------------------------


def append_decision(out_dir: str | Path, decision: Mapping) -> dict:
    """Append one decision line durably; safe against concurrent writers (threads or processes)."""
    append_decisions(out_dir, [decision])
    return dict(decision)


def append_decisions(out_dir: str | Path, decisions: Iterable[Mapping]) -> int:
    """Append decision lines in one locked write and one fsync (a bulk decision is all or nothing
    for other readers: they see none of its lines or all of them). Returns how many."""
    path = review_path(out_dir)
    lines = [json.dumps(dict(d), ensure_ascii=False, separators=(", ", ": ")) + "\n" for d in decisions]
    if not lines:
        return 0
    data = "".join(lines).encode("utf-8")
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            size = os.fstat(fd).st_size
            if size and _last_byte(path, size) != b"\n":
                # A writer died mid-line: start on a fresh line so this decision stays readable.
                data = b"\n" + data
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    if created:
        _fsync_dir(path.parent)
    return len(lines)


def _last_byte(path: Path, size: int) -> bytes:
    with path.open("rb") as fh:
        fh.seek(size - 1)
        return fh.read(1)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(path: Path) -> None:
    try:
        dfd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


@dataclass
class DecisionLog:
    """Every readable decision of a review file plus the lines that could not be read."""

    decisions: list[dict] = field(default_factory=list)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def read_decisions(out_dir: str | Path) -> DecisionLog:
    """All decisions in file order. Unreadable lines (a torn write) are reported, not fatal."""
    log = DecisionLog()
    path = review_path(out_dir)
    if not path.exists():
        return log
    data = read_shared(path)
    for n, raw in enumerate(data.split(b"\n"), 1):
        parse_line(raw, n, log)
    return log


def read_shared(path: Path, offset: int = 0) -> bytes:
    """The file's bytes from ``offset`` on, read under a shared lock (no half-written line)."""
    with path.open("rb") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
        try:
            fh.seek(offset)
            return fh.read()
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def parse_line(raw: bytes, n: int, log: DecisionLog) -> dict | None:
    """Add line ``n`` to ``log`` (as a decision or as an unreadable line); returns the decision."""
    if not raw.strip():
        return None
    try:
        item = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        log.bad_lines.append((n, f"not JSON ({err.__class__.__name__})"))
        return None
    if not isinstance(item, dict) or item.get("decision") not in DECISIONS or not isinstance(item.get("reviewer"), str):
        log.bad_lines.append((n, "not a decision record"))
        return None
    item.setdefault("id", f"line{n}")
    item.setdefault("edits", {})
    item.setdefault("target", None)
    log.decisions.append(item)
    return item


# --- replay -------------------------------------------------------------------------------------


@dataclass
class ReviewState:
    """The outcome of every effective decision on one record: merged over the reviewers (the
    record's state) or one reviewer's own (an entry of ``by_reviewer``)."""

    record_id: str
    kind: str
    doc_id: str | None = None
    status: str = "pending"
    edits: dict = field(default_factory=dict)
    reviewer: str | None = None
    time: str | None = None
    decision_id: str | None = None  # the latest effective decision
    n_decisions: int = 0  # effective ones
    reviewers: list[str] = field(default_factory=list)
    by_reviewer: dict[str, ReviewState] = field(default_factory=dict)  # each reviewer's own outcome
    adjudicated_by: str | None = None  # who settled the record (an adjudication wins over the reviewers)

    def to_dict(self) -> dict:
        return {
            "record_id": self.record_id,
            "kind": self.kind,
            "status": self.status,
            "edits": dict(self.edits),
            "reviewer": self.reviewer,
            "time": self.time,
            "decision_id": self.decision_id,
            "n_decisions": self.n_decisions,
            "reviewers": list(self.reviewers),
            "by_reviewer": {name: track.status for name, track in self.by_reviewer.items()},
            "adjudicated_by": self.adjudicated_by,
        }

    def outcome(self) -> tuple | None:
        """What a reviewer decided, comparable between reviewers: the verdict and the edited values
        (None while undecided). Accepting as is and accepting with a changed type differ."""
        if self.status == "rejected":
            return ("rejected",)
        if self.status in ("accepted", "edited"):
            return ("accepted", json.dumps(self.edits, sort_keys=True, ensure_ascii=False))
        return None

    def for_reviewer(self, name: str) -> ReviewState | None:
        """The state as one reviewer left it (None: that reviewer decided nothing on the record)."""
        return self.by_reviewer.get(name)


def effective_decisions(decisions: Iterable[Mapping]) -> list[dict]:
    """The decisions that were not undone, in file order (undo lines themselves excluded)."""
    kept: list[dict] = []
    alive: dict[str, dict] = {}
    for d in decisions:
        if d.get("decision") == "undo":
            victim = None
            target = d.get("target")
            if target:
                victim = alive.get(target)
            elif d.get("record_id"):
                for cand in reversed(kept):
                    if cand["id"] in alive and cand.get("record_id") == d["record_id"] and cand.get("reviewer") == d.get("reviewer"):
                        victim = cand
                        break
            if victim is not None:
                alive.pop(victim["id"], None)
            continue
        item = dict(d)
        kept.append(item)
        alive[item["id"]] = item
    return [d for d in kept if d["id"] in alive]


def group_by_record(decisions: Iterable[Mapping], owner: dict[str, str] | None = None,
                    groups: dict[str, list[dict]] | None = None) -> dict[str, list[dict]]:
    """Decision lines per record id, in file order; an undo goes with the record of the decision it
    targets. ``owner`` (decision id -> record id) and ``groups`` are updated in place when given, so
    lines appended later can be grouped without reading the earlier ones again."""
    owner = {} if owner is None else owner
    groups = {} if groups is None else groups
    for d in decisions:
        rid = d.get("record_id")
        if d.get("decision") == "undo":
            rid = owner.get(d.get("target") or "", rid)
        elif rid:
            owner[d["id"]] = rid
        if rid:
            groups.setdefault(rid, []).append(dict(d))
    return groups


def replay_record(record_id: str, lines: Iterable[Mapping]) -> ReviewState | None:
    """The state of one record from its decision lines in file order (None: nothing in effect).

    Each reviewer's decisions make that reviewer's own outcome (latest wins, edits add up); an
    ``adjudicate`` decision is kept apart. The record's state is then the adjudication when there is
    one, else the reviewers' common outcome, else ``conflict``: reviewers who disagree are never
    settled by whoever spoke last.
    """
    tracks: dict[str, ReviewState] = {}
    adjudication: ReviewState | None = None
    merged = None
    for d in effective_decisions(lines):
        if merged is None:
            merged = ReviewState(record_id=record_id, kind=d.get("kind", ""), doc_id=d.get("doc_id"))
        name = d.get("reviewer")
        if d.get("adjudicate"):
            adjudication = adjudication or ReviewState(record_id=record_id, kind=merged.kind, doc_id=merged.doc_id)
            _apply_decision(adjudication, d)
        else:
            _apply_decision(tracks.setdefault(name, ReviewState(record_id=record_id, kind=merged.kind, doc_id=merged.doc_id)), d)
        merged.n_decisions += 1
        if name not in merged.reviewers:
            merged.reviewers.append(name)
    if merged is None:
        return None
    merged.by_reviewer = tracks
    _merge(merged, tracks, adjudication)
    return merged


def _apply_decision(state: ReviewState, d: Mapping) -> None:
    if d["decision"] == "edit":
        state.edits.update(d.get("edits") or {})
    status = _STATUS_OF[d["decision"]]
    if status == "accepted" and state.edits:
        status = "edited"
    if status == "skipped" and state.status in DECIDED:
        status = state.status  # skipping past a decided record does not undecide it
    state.status = status
    state.reviewer, state.time, state.decision_id = d.get("reviewer"), d.get("time"), d["id"]
    state.n_decisions += 1


def _merge(merged: ReviewState, tracks: Mapping[str, ReviewState], adjudication: ReviewState | None) -> None:
    """The record's state from its reviewers' outcomes (in place)."""
    decided = [t for t in tracks.values() if t.status in DECIDED]
    if adjudication is not None and adjudication.status in DECIDED:
        source = adjudication
        merged.adjudicated_by = adjudication.reviewer
    elif not decided:
        source = max(tracks.values(), key=lambda t: t.time or "", default=adjudication)
    elif len({t.outcome() for t in decided}) == 1:
        source = max(decided, key=lambda t: t.time or "")
    else:
        latest = max(decided, key=lambda t: t.time or "")
        merged.status, merged.edits = "conflict", {}
        merged.reviewer, merged.time, merged.decision_id = latest.reviewer, latest.time, latest.decision_id
        return
    merged.status, merged.edits = source.status, dict(source.edits)
    merged.reviewer, merged.time, merged.decision_id = source.reviewer, source.time, source.decision_id


def replay(decisions: Iterable[Mapping]) -> dict[str, ReviewState]:
    """record_id -> ReviewState from decisions in file order (latest effective decision wins)."""
    states: dict[str, ReviewState] = {}
    for rid, lines in group_by_record(decisions).items():
        state = replay_record(rid, lines)
        if state is not None:
            states[rid] = state
    return states


def last_effective(decisions: Iterable[Mapping], reviewer: str) -> dict | None:
    """The reviewer's latest decision that is still in effect (what a bare ``undo`` cancels)."""
    for d in reversed(effective_decisions(decisions)):
        if d.get("reviewer") == reviewer:
            return d
    return None


def apply_review(record: Mapping, state: ReviewState | None) -> dict:
    """The record with its edits applied and a ``review`` summary (the input is not modified)."""
    out = dict(record)
    if state is None:
        out["review"] = {"status": "pending", "edits": {}, "original": {}, "reviewer": None, "time": None, "decision_id": None}
        return out
    original = {k: record.get(k) for k in state.edits if record.get(k) != state.edits[k]}
    out.update(state.edits)
    out["review"] = {
        "status": state.status,
        "edits": dict(state.edits),
        "original": original,
        "reviewer": state.reviewer,
        "time": state.time,
        "decision_id": state.decision_id,
    }
    if state.by_reviewer:
        out["review"].update(team_summary(state))
    return out


def team_summary(state: ReviewState) -> dict:
    """Each reviewer's outcome on a record, who settled it, and the record's merged status."""
    return {
        "by_reviewer": {name: {"status": t.status, "edits": dict(t.edits), "time": t.time, "decision_id": t.decision_id}
                        for name, t in sorted(state.by_reviewer.items())},
        "adjudicated_by": state.adjudicated_by,
        "team_status": state.status,
    }


def find_orphans(states: Mapping[str, ReviewState], decisions: Iterable[Mapping], known_ids: set[str]) -> list[dict]:
    """One entry per record id that has decisions but no longer exists in the run."""
    by_record: dict[str, dict] = {}
    for d in decisions:
        rid = d.get("record_id")
        if not rid or rid in known_ids:
            continue
        entry = by_record.setdefault(
            rid,
            {"record_id": rid, "kind": d.get("kind"), "doc_id": d.get("doc_id"), "n_decisions": 0, "status": "pending",
             "reviewers": [], "last_time": None, "edits": {}},
        )
        entry["n_decisions"] += 1
        entry["last_time"] = d.get("time")
        if d.get("reviewer") not in entry["reviewers"]:
            entry["reviewers"].append(d.get("reviewer"))
    for rid, entry in by_record.items():
        state = states.get(rid)
        if state is not None:
            entry["status"], entry["edits"] = state.status, dict(state.edits)
    return sorted(by_record.values(), key=lambda e: (e["doc_id"] or "", e["kind"] or "", e["record_id"]))


def status_counts(states: Mapping[str, ReviewState], records_by_kind: Mapping[str, Iterable[Mapping]]) -> dict[str, dict[str, int]]:
    """kind -> status -> number of records (pending included)."""
    out: dict[str, dict[str, int]] = {}
    for kind, records in records_by_kind.items():
        counts = dict.fromkeys(STATUSES, 0)
        for r in records:
            state = states.get(r["id"])
            counts[state.status if state else "pending"] += 1
        out[kind] = counts
    return out


def iter_run_records(out_dir: str | Path, kinds: Iterable[str] = REVIEWABLE_KINDS) -> Iterator[tuple[str, dict]]:
    """(kind, record) for every record of ``kinds`` in a run folder."""
    from ..io import read_jsonl

    for kind in kinds:
        for record in read_jsonl(Path(out_dir) / f"{kind}.jsonl"):
            yield kind, record


@dataclass
class ReviewSummary:
    """Everything a report or export needs from the review file of a run."""

    states: dict[str, ReviewState]
    orphans: list[dict]
    decisions: list[dict]
    bad_lines: list[tuple[int, str]]

    @property
    def reviewers(self) -> list[str]:
        return sorted({d["reviewer"] for d in self.decisions})

    @property
    def track_reviewers(self) -> list[str]:
        """The reviewers with a decision of their own (not only adjudications) on a record of the run."""
        return sorted({name for state in self.states.values() for name in state.by_reviewer})


def load_review(out_dir: str | Path, known_ids: set[str] | None = None) -> ReviewSummary:
    """Replay ``review.jsonl`` of a run; ``known_ids`` defaults to every reviewable record id."""
    log = read_decisions(out_dir)
    states = replay(log.decisions)
    if known_ids is None:
        known_ids = {r["id"] for _, r in iter_run_records(out_dir)}
    return ReviewSummary(states, find_orphans(states, log.decisions, known_ids), log.decisions, log.bad_lines)

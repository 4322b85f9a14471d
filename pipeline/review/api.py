"""The review server's JSON API over a run folder, free of HTTP (directly testable).

Record files are only read (:mod:`.rundata`); decisions are appended to ``OUT_DIR/review.jsonl``
(:mod:`.decisions`) and replayed incrementally (:mod:`.cache`), so several tabs or several servers
on the same folder see each other's decisions and a key press costs the same on the first record
as on the fifty-thousandth.
"""
from __future__ import annotations

import getpass
import os
from pathlib import Path

from .. import contract
from ..contract import REVIEWABLE_KINDS
from .agreement import agreement
from .cache import ReviewCache
from .decisions import (
    DECIDED,
    STATUSES,
    DecisionError,
    append_decision,
    append_decisions,
    apply_review,
    find_orphans,
    make_decision,
    new_batch_id,
    status_counts,
    team_summary,
    validate_edits,
)
from .rundata import RunData


BULK_DECISIONS = ("accept", "reject")
MAX_BULK = 200_000
UNDECIDED = ("pending", "skipped")
TEAM = ""  # the view of the merged review; any other view is one reviewer's own decisions


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return os.environ.get("USER") or "reviewer"


def queue_item(kind: str, record: dict, with_review: bool = False) -> dict:
    """The compact form of a record the page's queue filters, sorts and lists (review applied);
    ``with_review`` adds the record's review summary (bulk answers, which update the page's records)."""
    spec = contract.kind(kind)
    item = {
        "id": record["id"],
        "doc_id": record["doc_id"],
        "start_char": record["start_char"],
        "text": record["text"],
        "label": record.get(spec.label_field),
        "score": record.get(spec.score_field) if spec.score_field else None,
        "status": record["review"]["status"],
        "facets": {f: record.get(f) for f in dict.fromkeys((*spec.facets, *spec.group_fields))},
    }
    if with_review:
        item["review"] = record["review"]
    return item


class ReviewApp:
    """The JSON API over a run folder."""

    def __init__(self, out_dir: str | Path, reviewer: str | None = None) -> None:
        self.data = RunData(out_dir)
        self.out_dir = self.data.out_dir
        self.reviewer = (reviewer or default_reviewer()).strip()
        if not self.reviewer:
            raise ValueError("reviewer name must not be empty")
        self.review = ReviewCache(self.out_dir)

    def review_state(self):
        """(decisions, states, unreadable lines) with every appended line read."""
        self.review.refresh()
        return self.review.log.decisions, self.review.states, self.review.log.bad_lines

    def _applied(self, record: dict, states, view: str = TEAM) -> dict:
        """The record with the review applied as ``view`` sees it (the team's merged review, or one
        reviewer's own decisions); each reviewer's outcome is attached either way."""
        merged = states.get(record["id"])
        if view == TEAM or merged is None:
            return apply_review(record, merged)
        out = apply_review(record, merged.for_reviewer(view))
        out["review"].update(team_summary(merged))
        return out

    def reviewers(self) -> list[str]:
        """Everyone with a decision in the log, and this server's reviewer."""
        self.review_state()
        return sorted({d["reviewer"] for d in self.review.log.decisions} | {self.reviewer})

    def _view(self, view: object) -> str:
        if view in (None, TEAM):
            return TEAM
        if not isinstance(view, str) or view not in self.reviewers():
            raise ApiError(400, f"unknown view {view!r}: the team (empty) or a reviewer's name")
        return view

    def api_run(self) -> dict:
        self.data.refresh()
        decisions, states, bad = self.review_state()
        run = self.data.run
        orphans = find_orphans(states, decisions, set(self.data.by_id))
        docs = []
        for d in self.data.documents:
            counts = {k: len(self.data.by_doc[k].get(d["doc_id"], [])) for k in REVIEWABLE_KINDS}
            docs.append({"doc_id": d["doc_id"], "title": d.get("title"), "published": d.get("published"), "counts": counts})
        return {
            "out_dir": str(self.out_dir),
            "reviewer": self.reviewer,
            "pipeline_version": run.get("pipeline_version"),
            "config_hash": run.get("config_hash"),
            "documents": docs,
            "statuses": list(STATUSES),
            "status_counts": status_counts(states, self.data.records),
            "reviewers": self.reviewers(),
            "n_decisions": len(decisions),
            "review_version": self.review.version,
            "orphans": len(orphans),
            "unreadable_review_lines": [{"line": n, "reason": r} for n, r in bad],
        }

    def api_queue(self, kind: str, view: str | None = None) -> dict:
        if kind not in REVIEWABLE_KINDS:
            raise ApiError(400, f"unknown kind {kind!r}")
        view = self._view(view)
        self.data.refresh()
        _, states, _ = self.review_state()
        return {"kind": kind, "view": view, "items": [queue_item(kind, self._applied(r, states, view)) for r in self.data.records[kind]]}

    def api_doc(self, doc_id: str, view: str | None = None) -> dict:
        view = self._view(view)
        self.data.refresh()
        doc = self.data.doc_by_id.get(doc_id)
        if doc is None:
            raise ApiError(404, f"no document {doc_id!r} in this run")
        _, states, _ = self.review_state()
        text = self.data.text_of(doc_id)
        return {
            "document": {k: doc.get(k) for k in ("doc_id", "title", "authors", "published", "url", "publisher", "source", "source_line", "n_words")},
            "text": text.text,
            "text_origin": text.origin,
            "warning": text.warning,
            "boilerplate": [{"start_char": b["start_char"], "end_char": b["end_char"], "kind": b["kind"]} for b in doc.get("boilerplate", [])],
            "records": {kind: [self._applied(r, states, view) for r in self.data.by_doc[kind].get(doc_id, [])] for kind in REVIEWABLE_KINDS},
        }

    def api_agreement(self) -> dict:
        """Reviewers' agreement per kind and field, conflicts to settle, each reviewer's progress."""
        self.data.refresh()
        _, states, _ = self.review_state()
        return agreement(states, self.data.records)

    def api_orphans(self) -> dict:
        self.data.refresh()
        decisions, states, _ = self.review_state()
        return {"orphans": find_orphans(states, decisions, set(self.data.by_id))}

    def api_decide(self, payload: object) -> dict:
        if not isinstance(payload, dict):
            raise ApiError(400, "expected a JSON object")
        unknown = set(payload) - {"record_id", "kind", "decision", "edits", "target", "batch", "view", "adjudicate"}
        if unknown:
            raise ApiError(400, f"unknown field(s): {', '.join(sorted(unknown))}")
        self.data.refresh()
        decision, view, adjudicate = payload.get("decision"), self._view(payload.get("view")), payload.get("adjudicate", False)
        record_id, kind, target = payload.get("record_id"), payload.get("kind"), payload.get("target")
        if not isinstance(adjudicate, bool) or (adjudicate and decision not in ("accept", "reject", "edit")):
            raise ApiError(400, "adjudicate is true or false, and only an accept, reject or edit settles a record")
        if decision == "undo" and payload.get("batch") is not None:
            return self._undo_batch(payload["batch"], view)
        if payload.get("batch") is not None:
            raise ApiError(400, "only an undo names a batch (bulk decisions go to /api/bulk)")
        if decision == "undo":
            return self._undo(record_id, target, view)
        if not isinstance(record_id, str) or record_id not in self.data.by_id:
            raise ApiError(404, f"no record {record_id!r} in this run")
        rec_kind, record = self.data.by_id[record_id]
        if kind not in (None, rec_kind):
            raise ApiError(400, f"record {record_id} is a {rec_kind[:-1]} record, not {kind}")
        _, states, _ = self.review_state()
        try:
            decision, edits = self._what_is_decided(rec_kind, record, states, decision, payload.get("edits"), view, adjudicate)
            line = make_decision(record_id, rec_kind, decision, reviewer=self.reviewer, doc_id=record["doc_id"], edits=edits,
                                 adjudicate=adjudicate)
        except DecisionError as err:
            raise ApiError(400, str(err)) from None
        append_decision(self.out_dir, line)
        _, states, _ = self.review_state()
        return {"decision": line, "kind": rec_kind, "record": self._applied(record, states, view)}

    def _what_is_decided(self, kind: str, record: dict, states, decision, sent, view: str, adjudicate: bool) -> tuple[str, dict | None]:
        """The decision and edits to write: what the reviewer saw, decided.

        A reviewer decides on the version they see. In their own view, or once they have a decision
        of their own, that is their own version (original values plus their edits); an adjudicator
        works on the record as it stands. A reviewer who decides in the team view a record they have
        not decided yet sees the team's version: accepting it, or editing it further, takes on the
        team's edits (written as an ``edit`` with those values), so agreeing with what is shown is
        never counted as a disagreement.
        """
        merged = states.get(record["id"])
        own = merged.for_reviewer(self.reviewer) if merged else None
        adopt = not adjudicate and view == TEAM and (own is None or own.status not in DECIDED) and merged is not None
        current = self._applied(record, states, TEAM if (adjudicate or adopt) else self.reviewer)
        seen = current["review"]["edits"] if adopt else {}
        if decision == "edit":
            text = self.data.text_of(record["doc_id"]).text
            changes = validate_edits(kind, sent or {}, text=text, record=current)
            changes = {k: v for k, v in changes.items() if current.get(k) != v}
            if not changes:
                raise DecisionError("nothing changed")
            edits = {k: v for k, v in {**seen, **changes}.items() if record.get(k) != v}
            return ("edit", edits) if edits else ("accept", None)
        if sent:
            raise DecisionError(f"a {decision} decision carries no edits")
        if decision == "accept" and seen:
            return "edit", dict(seen)
        return decision, None

    def _undo(self, record_id, target, view: str = TEAM) -> dict:
        self.review_state()
        cache = self.review
        if target is not None:
            victim = cache.decision(target) if isinstance(target, str) else None
            if victim is None or victim.get("decision") == "undo":
                raise ApiError(404, f"no decision {target!r} to undo")
            if not cache.is_effective(target):
                raise ApiError(409, f"decision {target!r} is already undone")
        elif record_id is not None:
            victim = next((d for d in reversed(cache.effective(record_id)) if d.get("reviewer") == self.reviewer), None)
            if victim is None:
                raise ApiError(404, f"no decision of {self.reviewer} on {record_id!r} to undo")
        else:
            victim = cache.last_effective(self.reviewer)
            if victim is None:
                raise ApiError(404, f"nothing to undo: {self.reviewer} has no decision in effect")
            if victim.get("batch"):  # the latest action was a bulk one: undo all of it
                return self._undo_batch(victim["batch"], view)
        line = make_decision(
            victim.get("record_id"), victim.get("kind") or REVIEWABLE_KINDS[0], "undo", reviewer=self.reviewer,
            doc_id=victim.get("doc_id"), target=victim["id"],
        )
        append_decision(self.out_dir, line)
        _, states, _ = self.review_state()
        found = self.data.by_id.get(victim.get("record_id") or "")
        record = self._applied(found[1], states, view) if found else None
        return {"decision": line, "kind": victim.get("kind"), "record": record, "undone": victim}

    # --- bulk decisions ---------------------------------------------------------------------------

    def api_bulk(self, payload: object) -> dict:
        """Accept or reject many records of one kind at once: one line per record, one batch id.

        Only records still undecided (pending or skipped) are decided; the others keep their
        decisions and are counted in ``already_decided``.
        """
        if not isinstance(payload, dict):
            raise ApiError(400, "expected a JSON object")
        unknown = set(payload) - {"kind", "decision", "record_ids", "view"}
        if unknown:
            raise ApiError(400, f"unknown field(s): {', '.join(sorted(unknown))}")
        kind, decision, ids = payload.get("kind"), payload.get("decision"), payload.get("record_ids")
        view = self._view(payload.get("view"))
        if kind not in REVIEWABLE_KINDS:
            raise ApiError(400, f"unknown kind {kind!r}")
        if decision not in BULK_DECISIONS:
            raise ApiError(400, f"a bulk decision is one of {', '.join(BULK_DECISIONS)}, not {decision!r}")
        if not isinstance(ids, list) or not ids or len(ids) > MAX_BULK or not all(isinstance(i, str) for i in ids):
            raise ApiError(400, f"record_ids must be a list of 1 to {MAX_BULK} record ids")
        self.data.refresh()
        _, states, _ = self.review_state()
        records = []
        for rid in dict.fromkeys(ids):
            found = self.data.by_id.get(rid)
            if found is None:
                raise ApiError(404, f"no record {rid!r} in this run")
            if found[0] != kind:
                raise ApiError(400, f"record {rid} is a {found[0][:-1]} record, not {kind}")
            records.append(found[1])
        todo = [r for r in records if self._applied(r, states, view)["review"]["status"] in UNDECIDED]
        batch = new_batch_id()
        lines = [make_decision(r["id"], kind, decision, reviewer=self.reviewer, doc_id=r["doc_id"], batch=batch) for r in todo]
        append_decisions(self.out_dir, lines)
        _, states, _ = self.review_state()
        return {"batch": batch if lines else None, "kind": kind, "decision": decision, "n": len(lines),
                "already_decided": len(records) - len(todo), "items": [queue_item(kind, self._applied(r, states, view), True) for r in todo]}

    def _undo_batch(self, batch: object, view: str = TEAM) -> dict:
        """Undo every decision of a bulk action still in effect (one undo line each, same batch id)."""
        if not isinstance(batch, str):
            raise ApiError(400, "batch must be a batch id")
        self.review_state()
        victims = self.review.batch_effective(batch)
        if not victims:
            raise ApiError(404, f"no decision of batch {batch!r} is in effect")
        lines = [make_decision(v["record_id"], v.get("kind") or REVIEWABLE_KINDS[0], "undo", reviewer=self.reviewer,
                               doc_id=v.get("doc_id"), target=v["id"], batch=batch) for v in victims]
        append_decisions(self.out_dir, lines)
        _, states, _ = self.review_state()
        items = []
        for v in victims:
            found = self.data.by_id.get(v["record_id"])
            if found:
                items.append(queue_item(found[0], self._applied(found[1], states, view), True))
        return {"undone_batch": batch, "kind": victims[0].get("kind"), "decision": victims[0].get("decision"), "n": len(victims),
                "items": items, "undone": victims[-1]}

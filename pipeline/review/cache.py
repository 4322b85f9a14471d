"""The replayed review of a run folder, kept current by reading only what was appended.

A review server answers every key press with the record's new state. Re-reading and replaying the
whole ``review.jsonl`` each time costs time in proportion to every decision ever made (tens of
thousands in a batch); this cache reads the bytes appended since its last look and replays only the
records those lines touch. When the file was replaced or shortened (not an append), it starts over.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path

from .decisions import (
    DecisionLog,
    ReviewState,
    parse_line,
    read_shared,
    effective_decisions,
    group_by_record,
    replay_record,
    review_path,
)

HEAD_BYTES = 256  # the file's first bytes tell an append from a rewrite


class ReviewCache:
    """Decisions, unreadable lines and per-record states of one ``review.jsonl``."""

    def __init__(self, out_dir: str | Path) -> None:
        self.path = review_path(out_dir)
        self._lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self.log = DecisionLog()
        self.states: dict[str, ReviewState] = {}
        self.groups: dict[str, list[dict]] = {}
        self._owner: dict[str, str] = {}
        self._offset = 0
        self._lines = 0
        self._ino: int | None = None
        self._head = b""

    @property
    def version(self) -> str:
        """Changes whenever a decision line is added (the page reloads only then)."""
        return f"{self._ino or 0}:{self._offset}"

    def refresh(self) -> set[str]:
        """Read what was appended since the last call; returns the record ids whose state changed."""
        with self._lock:
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                if self._offset:
                    self._reset()
                return set()
            if st.st_ino != self._ino or st.st_size < self._offset or not self._same_head():
                touched = set(self.states)
                self._reset()
                self._ino = st.st_ino
                return touched | self._read_from(0)
            if st.st_size == self._offset:
                return set()
            return self._read_from(self._offset)

    def _same_head(self) -> bool:
        if not self._offset:
            return True
        with self.path.open("rb") as fh:
            return fh.read(len(self._head)) == self._head

    def _read_from(self, offset: int) -> set[str]:
        data = read_shared(self.path, offset)
        end = data.rfind(b"\n") + 1  # a line still being written is read once it is complete
        if not end:
            return set()
        if offset == 0:
            self._head = data[:HEAD_BYTES]
        new_log = DecisionLog()
        for raw in data[:end].split(b"\n")[:-1]:
            self._lines += 1
            parse_line(raw, self._lines, new_log)
        self._offset = offset + end
        self.log.decisions.extend(new_log.decisions)
        self.log.bad_lines.extend(new_log.bad_lines)
        touched: dict[str, list[dict]] = {}
        group_by_record(new_log.decisions, self._owner, touched)
        for rid, lines in touched.items():
            self.groups.setdefault(rid, []).extend(lines)
            state = replay_record(rid, self.groups[rid])
            if state is None:
                self.states.pop(rid, None)
            else:
                self.states[rid] = state
        return set(touched)

    def effective(self, record_id: str) -> list[dict]:
        """The record's decisions still in effect, in file order."""
        return effective_decisions(self.groups.get(record_id, ()))

    def decision(self, decision_id: str) -> Mapping | None:
        rid = self._owner.get(decision_id)
        return next((d for d in self.groups.get(rid, ()) if d.get("id") == decision_id), None) if rid else None

    def is_effective(self, decision_id: str) -> bool:
        rid = self._owner.get(decision_id)
        return bool(rid) and any(d["id"] == decision_id for d in self.effective(rid))

    def batch_effective(self, batch: str) -> list[dict]:
        """The decisions of a bulk action still in effect (undo lines excluded)."""
        rids = dict.fromkeys(d["record_id"] for d in self.log.decisions if d.get("batch") == batch and d.get("decision") != "undo"
                             and d.get("record_id"))
        return [d for rid in rids for d in self.effective(rid) if d.get("batch") == batch]

    def last_effective(self, reviewer: str) -> dict | None:
        """The reviewer's latest decision still in effect (what a bare undo cancels)."""
        checked: dict[str, set[str]] = {}
        for d in reversed(self.log.decisions):
            if d.get("decision") == "undo" or d.get("reviewer") != reviewer:
                continue
            rid = self._owner.get(d["id"])
            if rid is None:
                continue
            if rid not in checked:
                checked[rid] = {e["id"] for e in self.effective(rid)}
            if d["id"] in checked[rid]:
                return d
        return None

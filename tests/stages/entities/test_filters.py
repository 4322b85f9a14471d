"""Resolving overlapping candidates: longest first, then priority; the disjoint shortcut."""
from __future__ import annotations

import random

from pipeline.stages import entities as E


def test_resolve_overlaps_keeps_longest_then_priority():
    def cand(start, end, prio, label="ORG"):
        return E.Candidate(start, end, label, "x", "slug:x", None, "pattern", prio)

    rng = random.Random(9)
    for _ in range(500):
        cands = [cand(s, s + rng.randint(1, 4), rng.randint(1, 6), rng.choice(["ORG", "GPE"]))
                 for s in (rng.randrange(20) for _ in range(rng.randint(0, 8)))]
        taken, expected = set(), []
        for c in sorted(cands, key=lambda c: (-c.length, -c.prio, c.start, c.label)):
            if not any(t in taken for t in range(c.start, c.end)):
                taken.update(range(c.start, c.end))
                expected.append(c)
        expected.sort(key=lambda c: c.start)
        assert [(c.start, c.end, c.prio) for c in E.resolve_overlaps(cands)] == [(c.start, c.end, c.prio) for c in expected]


def test_is_disjoint_in_order():
    def cand(start, end):
        return E.Candidate(start, end, "ORG", "x", "slug:x", None, "pattern", 1)

    rng = random.Random(4)
    for _ in range(500):
        cands = [cand(s, s + rng.randint(0, 3)) for s in sorted(rng.randrange(15) for _ in range(rng.randint(0, 6)))]
        if E.is_disjoint_in_order(cands):
            assert E.resolve_overlaps(cands) == cands
    assert not E.is_disjoint_in_order([cand(0, 2), cand(1, 3)]) and not E.is_disjoint_in_order([cand(2, 2)])
    assert E.is_disjoint_in_order([cand(0, 2), cand(2, 3)]) and E.is_disjoint_in_order([])

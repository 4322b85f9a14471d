"""Agreement between reviewers: percent agreement and Cohen's kappa per record kind and field, the
conflicts left to settle, and how far each reviewer got.

Two reviewers are compared on the records both decided (accepted, edited or rejected): first on the
verdict (accept or reject), then, over the records both accepted, on each editable field's value as
each of them left it (``type``, ``speaker``, ``label``, ...) and on the span. Cohen's kappa corrects
the agreement for what two reviewers with the same label frequencies would reach by chance; it is
``None`` when chance agreement is total (both gave one and the same label to everything), where it
says nothing. With more than two reviewers every pair is reported.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations

from ..contract import kind as contract_kind
from .decisions import DECIDED, ReviewState

SPAN = "span"


def cohen_kappa(pairs: list[tuple]) -> float | None:
    """Cohen's kappa of two raters' labels ``[(a, b), ...]`` (None without items or when chance agreement is 1)."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[k] * second.get(k, 0) for k in first) / (n * n)
    if chance >= 1:
        return None
    return (observed - chance) / (1 - chance)


def _stats(pairs: list[tuple]) -> dict:
    n = len(pairs)
    kappa = cohen_kappa(pairs)
    return {
        "n": n,
        "agreement": round(sum(a == b for a, b in pairs) / n, 4) if n else None,
        "kappa": round(kappa, 4) if kappa is not None else None,
    }


def _value(record: Mapping, track: ReviewState, field: str) -> str:
    """A field's value as a reviewer left it (their edit, else the record's), comparable as a string."""
    if field == SPAN:
        value = [track.edits.get("start_char", record.get("start_char")), track.edits.get("end_char", record.get("end_char"))]
    else:
        value = track.edits.get(field, record.get(field))
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def pair_agreement(kind: str, records: Iterable[Mapping], states: Mapping[str, ReviewState], a: str, b: str) -> dict:
    """Agreement of reviewers ``a`` and ``b`` on the records of ``kind`` both decided."""
    fields = [f.name for f in contract_kind(kind).editable] + [SPAN]
    verdicts: list[tuple] = []
    values: dict[str, list[tuple]] = {f: [] for f in fields}
    for record in records:
        state = states.get(record["id"])
        if state is None:
            continue
        ta, tb = state.for_reviewer(a), state.for_reviewer(b)
        if ta is None or tb is None or ta.status not in DECIDED or tb.status not in DECIDED:
            continue
        va, vb = ("reject" if t.status == "rejected" else "accept" for t in (ta, tb))
        verdicts.append((va, vb))
        if va == vb == "accept":
            for f in fields:
                values[f].append((_value(record, ta, f), _value(record, tb, f)))
    return {"a": a, "b": b, "n": len(verdicts), "verdict": _stats(verdicts), "fields": {f: _stats(v) for f, v in values.items()}}


def agreement(states: Mapping[str, ReviewState], records_by_kind: Mapping[str, list[Mapping]]) -> dict:
    """Per kind: every pair of reviewers' agreement, conflicts, adjudicated records, each reviewer's progress."""
    reviewers = sorted({name for state in states.values() for name in state.by_reviewer})
    kinds = {}
    for kind, records in records_by_kind.items():
        progress = Counter()
        conflicts = adjudicated = 0
        for record in records:
            state = states.get(record["id"])
            if state is None:
                continue
            conflicts += state.status == "conflict"
            adjudicated += state.adjudicated_by is not None
            for name, track in state.by_reviewer.items():
                if track.status in DECIDED:
                    progress[name] += 1
        kinds[kind] = {
            "records": len(records),
            "decided_by": {name: progress.get(name, 0) for name in reviewers},
            "conflicts": conflicts,
            "adjudicated": adjudicated,
            "pairs": [pair_agreement(kind, records, states, a, b) for a, b in combinations(reviewers, 2)],
        }
    return {"reviewers": reviewers, "kinds": kinds}


def _pct(stats: dict) -> str:
    if not stats["n"]:
        return "–"
    kappa = "n/a" if stats["kappa"] is None else f"{stats['kappa']:.2f}"
    return f"{stats['agreement'] * 100:.0f}% (κ {kappa}, n={stats['n']})"


def format_agreement(result: dict) -> str:
    """The agreement as plain text (``claims review OUT_DIR --agreement``)."""
    reviewers = result["reviewers"]
    lines = [f"reviewers: {', '.join(reviewers) if reviewers else 'none yet'}"]
    for kind, info in result["kinds"].items():
        done = ", ".join(f"{name} {n:,}" for name, n in info["decided_by"].items()) or "nobody"
        lines.append(f"{kind}: {info['records']:,} records; decided by {done}; "
                     f"{info['conflicts']:,} conflicts to settle, {info['adjudicated']:,} settled by an adjudicator")
        for pair in info["pairs"]:
            if not pair["n"]:
                lines.append(f"  {pair['a']} / {pair['b']}: no record decided by both")
                continue
            fields = "; ".join(f"{f} {_pct(s)}" for f, s in pair["fields"].items() if s["n"])
            lines.append(f"  {pair['a']} / {pair['b']}: {pair['n']:,} decided by both; accept/reject {_pct(pair['verdict'])}"
                         + (f"; when both accepted: {fields}" if fields else ""))
    if len(reviewers) < 2:
        lines.append("agreement needs two reviewers who decided the same records (e.g. each in their own view, `v`)")
    return "\n".join(lines)

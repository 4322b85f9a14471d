"""Calibration of the claim score: fit the claims stage's raw-score -> probability table from
predicted and gold claim records, and write it as a ``calibration.tsv`` (``claims train
calibrate-claims``). Run it only on gold that no rule was tuned on, and never train anything on
that gold."""
from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..resources import PACKAGE_ROOT, load_table
from ..stages.claims.resources import CALIBRATION_FILE, RESOURCE_DIR, TABLE_SPECS
from ..stages.claims.rules import interpolate

DEFAULT_OUT = PACKAGE_ROOT / RESOURCE_DIR / CALIBRATION_FILE  # the table the claims stage ships


def packaged_calibration() -> list[tuple[float, float]]:
    """The (raw, calibrated) points of the shipped calibration table."""
    return [(float(r["raw"]), float(r["calibrated"])) for r in load_table(TABLE_SPECS["calibration"])]


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters shared by two [start, end) ranges."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def scored_outcomes(pred_records: Iterable[dict], gold_records: Iterable[dict], current: Sequence[tuple[float, float]], *, min_overlap: float = 0.5) -> list[tuple[float, int]]:
    """(raw score, 1 if right else 0) per predicted claim, sorted. A prediction is *right* when a
    gold claim of the same document overlaps it by at least ``min_overlap`` of the shorter span
    and has the same ``type`` (gold records with ``"claim": false`` are ignored). The predicted
    ``score`` is mapped back to the raw score through ``current``, the table it was made with."""
    inverse = sorted((y, x) for x, y in current)
    gold_by_doc: dict[str, list[dict]] = {}
    for g in gold_records:
        if g.get("claim", True) is False:
            continue
        gold_by_doc.setdefault(g["doc_id"], []).append(g)
    pairs: list[tuple[float, int]] = []
    for p in pred_records:
        raw = interpolate(inverse, float(p["score"]))
        ps = (p["start_char"], p["end_char"])
        ok = 0
        for g in gold_by_doc.get(p["doc_id"], []):
            gs = (g["start_char"], g["end_char"])
            shorter = max(1, min(ps[1] - ps[0], gs[1] - gs[0]))
            if overlap(ps, gs) / shorter >= min_overlap and g.get("type") == p.get("type"):
                ok = 1
                break
        pairs.append((raw, ok))
    pairs.sort()
    return pairs


def fit_calibration(pairs: Sequence[tuple[float, int]], *, bins: int = 10) -> list[dict]:
    """Calibration rows ``{"raw", "calibrated", "n"}`` from sorted (raw, right) pairs: equal-count
    bins made monotone (pool-adjacent-violators), with end points at raw 0 and 1."""
    if not pairs:
        raise ValueError("calibrate: no predicted records")
    size = max(1, math.ceil(len(pairs) / bins))
    blocks = [[sum(r for r, _ in chunk) / len(chunk), sum(o for _, o in chunk) / len(chunk), len(chunk)] for chunk in (pairs[i:i + size] for i in range(0, len(pairs), size))]
    # pool adjacent violators: calibrated value must not decrease with the raw score
    stack: list[list[float]] = []
    for b in blocks:
        stack.append(list(b))
        while len(stack) > 1 and stack[-2][1] > stack[-1][1]:
            b2, b1 = stack.pop(), stack.pop()
            n = b1[2] + b2[2]
            stack.append([(b1[0] * b1[2] + b2[0] * b2[2]) / n, (b1[1] * b1[2] + b2[1] * b2[2]) / n, n])
    rows = [{"raw": 0.0, "calibrated": round(min(0.5, stack[0][1]), 4), "n": 0}]
    for x, y, n in stack:
        x = round(min(max(x, 0.0001), 0.9999), 4)
        if x > rows[-1]["raw"]:
            rows.append({"raw": x, "calibrated": round(max(y, rows[-1]["calibrated"]), 4), "n": int(n)})
    rows.append({"raw": 1.0, "calibrated": round(max(stack[-1][1], rows[-1]["calibrated"]), 4), "n": 0})
    return rows


def write_calibration(rows: Sequence[dict], path: str | Path, *, predictions: int, right: int) -> Path:
    """Write calibration rows as the TSV the claims stage reads (``raw, calibrated, n``)."""
    target = Path(path)
    with target.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Written by `claims train calibrate-claims` (pipeline.training.calibrate_claims) from predicted vs. gold claim records.\n")
        fh.write(f"# {predictions} predictions, {right} right; equal-count bins made monotone.\n")
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["raw", "calibrated", "n"])
        for r in rows:
            writer.writerow([r["raw"], r["calibrated"], r["n"]])
    return target


def calibrate(
    pred_records: Iterable[dict],
    gold_records: Iterable[dict],
    *,
    bins: int = 10,
    min_overlap: float = 0.5,
    current: Sequence[tuple[float, float]] | None = None,
    path: str | Path | None = None,
) -> list[dict]:
    """Fit the raw-score -> probability table so that among claims scored ~p, ~p are right, write
    it to ``path`` (default: the packaged ``pipeline/resources/claims/calibration.tsv``) and
    return its rows. ``current``: the table the predictions were made with (default the packaged
    one); see :func:`scored_outcomes` for what counts as right and :func:`fit_calibration`."""
    pairs = scored_outcomes(pred_records, gold_records, packaged_calibration() if current is None else current, min_overlap=min_overlap)
    rows = fit_calibration(pairs, bins=bins)
    write_calibration(rows, path or DEFAULT_OUT, predictions=len(pairs), right=sum(o for _, o in pairs))
    return rows

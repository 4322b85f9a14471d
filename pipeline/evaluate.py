"""Score a run's records against gold records in the same format (``claims eval``).

Spans are matched one-to-one within a document by character overlap (largest overlap first).
Reported per record kind: precision / recall / F1 for overlapping spans and for exact
boundaries, and, over the matched pairs, the accuracy of the fields that matter for the kind
(entity label and canonical, date value, figure value and unit, claim type / hedging /
speaker). Gold figures marked ``"negative": true`` are numbers that must not be extracted
(name parts such as "G7"); predictions over them are counted as name-part false positives.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from .contract import RECORD_KINDS
from .io import read_jsonl

SPAN_KINDS = RECORD_KINDS  # every span record kind, in file order
MERGED_PLACES = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end_char"], b["end_char"]) - max(a["start_char"], b["start_char"]))


def match_spans(
    pred: list[dict], gold: list[dict], *, compatible: Callable[[dict, dict], bool] | None = None
) -> list[tuple[dict, dict]]:
    """One-to-one pairs of overlapping spans per document, largest overlap first."""
    by_doc_gold: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(gold):
        by_doc_gold[g["doc_id"]].append(i)
    candidates = []
    for pi, p in enumerate(pred):
        for gi in by_doc_gold.get(p["doc_id"], ()):
            g = gold[gi]
            ov = _overlap(p, g)
            if ov > 0 and (compatible is None or compatible(p, g)):
                union = max(p["end_char"], g["end_char"]) - min(p["start_char"], g["start_char"])
                candidates.append((-ov / union, pi, gi))
    candidates.sort()
    used_p, used_g, pairs = set(), set(), []
    for _, pi, gi in candidates:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pred[pi], gold[gi]))
    return pairs


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "n_pred": n_pred, "n_gold": n_gold}


def _accuracy(pairs: list[tuple[dict, dict]], field: str, equal: Callable[[object, object], bool] | None = None) -> float | None:
    scored = [(p.get(field), g.get(field)) for p, g in pairs if field in g]
    if not scored:
        return None
    eq = equal or (lambda a, b: a == b)
    return round(sum(1 for a, b in scored if eq(a, b)) / len(scored), 4)


def _numbers_equal(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_numbers_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def _text_equal(a: object, b: object) -> bool:
    norm = lambda v: " ".join(str(v).lower().replace("’", "'").split()) if v is not None else None  # noqa: E731
    return norm(a) == norm(b)


def span_scores(pred: list[dict], gold: list[dict]) -> dict:
    pairs = match_spans(pred, gold)
    exact = sum(1 for p, g in pairs if p["start_char"] == g["start_char"] and p["end_char"] == g["end_char"])
    return {"overlap": prf(len(pairs), len(pred), len(gold)), "exact": prf(exact, len(pred), len(gold)), "pairs": pairs}


def score_kind(kind: str, pred: list[dict], gold: list[dict]) -> dict:
    """Scores for one record kind (pred already restricted to the gold documents)."""
    negatives = [g for g in gold if g.get("negative")]
    gold = [g for g in gold if not g.get("negative")]
    base = span_scores(pred, gold)
    pairs = base.pop("pairs")
    result: dict = {**base}
    if kind == "sentences":
        result["boilerplate_accuracy"] = _accuracy(pairs, "boilerplate")
    elif kind == "entities":
        labelled = match_spans(pred, gold, compatible=lambda p, g: p.get("label") == g.get("label"))
        merged = match_spans(
            pred, gold,
            compatible=lambda p, g: MERGED_PLACES.get(p.get("label"), p.get("label")) == MERGED_PLACES.get(g.get("label"), g.get("label")),
        )
        result["exact_label"] = prf(len(labelled), len(pred), len(gold))
        result["places_merged"] = prf(len(merged), len(pred), len(gold))
        result["label_accuracy"] = _accuracy(pairs, "label")
        result["canonical_accuracy"] = _accuracy(pairs, "canonical", _text_equal)
        result["boilerplate_accuracy"] = _accuracy(pairs, "boilerplate")
    elif kind == "dates":
        result["value_accuracy"] = _accuracy(pairs, "value")
        result["type_accuracy"] = _accuracy(pairs, "type")
        result["mod_accuracy"] = _accuracy(pairs, "mod")
    elif kind == "figures":
        result["value_accuracy"] = _accuracy(pairs, "value", _numbers_equal)
        result["unit_accuracy"] = _accuracy(pairs, "unit", _text_equal)
        result["kind_accuracy"] = _accuracy(pairs, "kind")
        result["qualifier_accuracy"] = _accuracy(pairs, "qualifier")
        value_unit = sum(
            1 for p, g in pairs if _numbers_equal(p.get("value"), g.get("value")) and _text_equal(p.get("unit"), g.get("unit"))
        )
        result["value_unit"] = prf(value_unit, len(pred), len(gold))
        result["name_part_false_positives"] = len(match_spans(pred, negatives))
        result["name_part_negatives"] = len(negatives)
    elif kind == "claims":
        result.update(_claim_field_scores(pairs))
        result["calibration"] = reliability(pred, pairs)
    return result


def reliability(pred: list[dict], pairs: list[tuple[dict, dict]], edges: tuple[float, ...] = (0.0, 0.4, 0.6, 0.8, 1.01)) -> list[dict]:
    """Among predicted claims scored in each band, the share that are right (matched, same type)."""
    right = {id(p) for p, g in pairs if p.get("type") == g.get("type")}
    bands = []
    for low, high in zip(edges, edges[1:]):
        members = [p for p in pred if p.get("score") is not None and low <= p["score"] < high]
        if members:
            bands.append({
                "band": f"{low:.1f}-{min(high, 1.0):.1f}",
                "n": len(members),
                "mean_score": round(sum(p["score"] for p in members) / len(members), 3),
                "right": round(sum(1 for p in members if id(p) in right) / len(members), 3),
            })
    return bands


def _claim_field_scores(pairs: list[tuple[dict, dict]]) -> dict:
    return {
        "type_accuracy": _accuracy(pairs, "type"),
        "hedged_accuracy": _accuracy(pairs, "hedged"),
        "certainty_accuracy": _accuracy(pairs, "certainty"),
        "speaker_accuracy": _accuracy(pairs, "speaker", _speaker_equal),
    }


def _speaker_equal(a: object, b: object) -> bool:
    """Speakers match when equal ignoring case, or when one name contains the other ("Panov")."""
    if a is None or b is None:
        return a == b
    x, y = str(a).lower().strip(), str(b).lower().strip()
    if x == y:
        return True
    if "author" in (x, y):
        return False
    return x in y or y in x


def claims_baseline(pred_sentences: list[dict], gold_claims: list[dict]) -> dict:
    """Every body sentence is a claim; type = the most frequent gold type; not hedged; the author speaks."""
    gold = [g for g in gold_claims if not g.get("negative")]
    top_type = Counter(g.get("type") for g in gold).most_common(1)[0][0] if gold else None
    baseline = [
        {**s, "type": top_type, "hedged": False, "certainty": "high", "speaker": "author"}
        for s in pred_sentences
        if s.get("boilerplate") is None
    ]
    scores = score_kind("claims", baseline, gold)
    scores["baseline_type"] = top_type
    return scores


def evaluate_records(pred: dict[str, list[dict]], gold: dict[str, list[dict]]) -> dict:
    """Scores for every kind that has gold; predictions outside the gold documents are ignored."""
    gold_docs = {r["doc_id"] for records in gold.values() for r in records}
    results: dict = {"documents": sorted(gold_docs)}
    for kind in SPAN_KINDS:
        if kind not in gold:
            continue
        kind_pred = [r for r in pred.get(kind, []) if r["doc_id"] in gold_docs]
        results[kind] = score_kind(kind, kind_pred, gold[kind])
    if "claims" in gold:
        sentences = [r for r in pred.get("sentences", []) if r["doc_id"] in gold_docs]
        results["claims_baseline"] = claims_baseline(sentences, gold["claims"])
    return results


def load_dir(folder: Path, kinds: Iterable[str] = SPAN_KINDS) -> dict[str, list[dict]]:
    return {kind: list(read_jsonl(folder / f"{kind}.jsonl")) for kind in kinds if (folder / f"{kind}.jsonl").exists()}


def evaluate_dirs(pred_dir: str | Path, gold_dir: str | Path) -> dict:
    return evaluate_records(load_dir(Path(pred_dir)), load_dir(Path(gold_dir)))


def document_ids(folder: str | Path) -> set[str]:
    """The documents of a folder: its documents.jsonl when it has one (a run), else every doc_id
    its record files name (a gold folder)."""
    folder = Path(folder)
    if (folder / "documents.jsonl").exists():
        return {r["doc_id"] for r in read_jsonl(folder / "documents.jsonl")}
    return {r["doc_id"] for records in load_dir(folder).values() for r in records}


def matching_documents(pred_dir: str | Path, gold_dir: str | Path) -> tuple[set[str], set[str]]:
    """(gold documents the predictions have, gold documents they lack): scores count only the
    first as compared; the second all count as misses."""
    pred, gold = document_ids(pred_dir), document_ids(gold_dir)
    return gold & pred, gold - pred


def format_table(scores: dict) -> str:
    """A plain-text table: one row per kind, span P/R/F1 and the kind's field accuracies."""
    lines = [f"{'kind':<16}{'P':>7}{'R':>7}{'F1':>7}{'exactF1':>9}  n_pred/n_gold  field accuracies"]
    for kind in (*SPAN_KINDS, "claims_baseline"):
        if kind not in scores:
            continue
        s = scores[kind]
        o, e = s["overlap"], s["exact"]
        fields = {k: v for k, v in s.items() if k.endswith("_accuracy") and v is not None}
        extra = "  ".join(f"{k.replace('_accuracy', '')}={v:.2f}" for k, v in fields.items())
        lines.append(
            f"{kind:<16}{o['precision']:>7.3f}{o['recall']:>7.3f}{o['f1']:>7.3f}{e['f1']:>9.3f}  {o['n_pred']:>6}/{o['n_gold']:<6}  {extra}"
        )
        if kind == "entities":
            for variant in ("exact_label", "places_merged"):
                v = s[variant]
                lines.append(f"  {variant:<14}{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}")
        if kind == "claims" and s.get("calibration"):
            bands = ", ".join(f"{b['band']}: {b['right']:.2f} right of {b['n']} (mean score {b['mean_score']:.2f})" for b in s["calibration"])
            lines.append(f"  calibration   {bands}")
        if kind == "figures":
            v = s["value_unit"]
            lines.append(f"  {'value+unit':<14}{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}"
                         f"   name-part false positives: {s['name_part_false_positives']}/{s['name_part_negatives']}")
    return "\n".join(lines)

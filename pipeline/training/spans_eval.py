"""Scoring entities, figures and dates against the held-out span sample.

Predictions are the pipeline's own records (default config, or a standard model through
``configs/model.cfg``) or, for entities, a spaCy model's raw ``doc.ents``; only those lying inside
an annotated window count. Scores: strict (same offsets and label) and loose (overlapping, same
label, one-to-one) precision / recall / F1 per label and overall, plus the same overall with labels
ignored; for entities the recall on gold names the gazetteer does not hold; for figures value and
unit accuracy, for dates value accuracy, on spans matched loosely whatever their label.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from .spans_annotation import ENTITY_LABELS, KIND_KEYS

KINDS = tuple(KIND_KEYS.values())  # entities, figures, dates
ALL, ANY = "ALL", "ALL (any label)"
_TIME_UNITS = {"year", "month", "week", "day", "decade", "century", "hour", "minute"}
_UNIT_ALIASES = {"people": "person", "persons": "person"}


# ---------------------------------------------------------------- labels of predicted records

def figure_label(record: dict) -> str:
    """A figure record's kind in the guide's terms (percent, money, count, quantity, ordinal, year,
    fraction, multiplier): the pipeline's ``range`` and ``other`` are read from the unit."""
    kind, unit = record.get("kind"), record.get("unit")
    if unit in ("fraction", "multiplier"):
        return unit
    if kind not in ("range", "other"):
        return kind or "other"
    if unit in ("percent", "percentage_point", "basis_point"):
        return "percent"
    if unit == "calendar_year" or (unit is None and _looks_like_year(record.get("value"))):
        return "year"
    if isinstance(unit, str) and len(unit) == 3 and unit.isupper():
        return "money"
    if unit in _TIME_UNITS:
        return "quantity"
    return "count" if unit else "other"


def _looks_like_year(value: object) -> bool:
    values = value if isinstance(value, list) else [value]
    return all(isinstance(v, (int, float)) and float(v).is_integer() and 1000 <= v <= 2200 for v in values)


def date_label(record: dict) -> str:
    """A date record's type in the guide's terms: a ``time`` is a date, a date whose value depends on
    the anchor is ``relative``."""
    kind = record.get("type")
    if kind in ("date", "time"):
        return "relative" if record.get("relative") else "date"
    return kind or "date"


LABEL_OF: dict[str, Callable[[dict], str]] = {
    "entities": lambda r: r["label"],
    "figures": lambda r: r.get("_label") or figure_label(r),
    "dates": lambda r: r.get("_label") or date_label(r),
}


GOLD_LABEL_FIELD = {"entities": "label", "figures": "kind", "dates": "type"}


def gold_label(kind: str, span: dict) -> str:
    return span[GOLD_LABEL_FIELD[kind]]


# ---------------------------------------------------------------- matching and P/R/F

def inside(span: dict, windows: Sequence[Sequence[int]]) -> bool:
    return any(a <= span["start_char"] and span["end_char"] <= b for a, b in windows)


def match(gold: Sequence[dict], pred: Sequence[dict], *, loose: bool, gold_labels: Sequence[str] | None = None,
          pred_labels: Sequence[str] | None = None) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs: same offsets (strict) or overlapping (loose;
    larger overlaps first), with equal labels when labels are given."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if gold_labels is not None and gold_labels[gi] != pred_labels[pi]:
                continue
            if loose:
                overlap = min(g["end_char"], p["end_char"]) - max(g["start_char"], p["start_char"])
                if overlap > 0:
                    candidates.append((-overlap, gi, pi))
            elif (g["start_char"], g["end_char"]) == (p["start_char"], p["end_char"]):
                candidates.append((0, gi, pi))
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def prf(tp: int, n_gold: int, n_pred: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "gold": n_gold, "pred": n_pred}


class Tally:
    """Counts over documents: (row, mode) -> [tp, gold, pred]."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, row: str, mode: str, tp: int, n_gold: int, n_pred: int) -> None:
        c = self.counts[(row, mode)]
        c[0] += tp
        c[1] += n_gold
        c[2] += n_pred

    def table(self) -> dict[str, dict[str, dict]]:
        out: dict[str, dict[str, dict]] = defaultdict(dict)
        for (row, mode), (tp, g, p) in sorted(self.counts.items()):
            out[row][mode] = prf(tp, g, p)
        return dict(out)


def score_document(tally: Tally, gold: Sequence[dict], pred: Sequence[dict], gl: Sequence[str], pl: Sequence[str]) -> None:
    """Add one document's strict and loose counts per label, overall, and overall with labels ignored."""
    for mode, loose in (("strict", False), ("loose", True)):
        pairs = match(gold, pred, loose=loose, gold_labels=gl, pred_labels=pl)
        for label in sorted(set(gl) | set(pl)):
            tp = sum(1 for gi, _ in pairs if gl[gi] == label)
            tally.add(label, mode, tp, gl.count(label), pl.count(label))
        tally.add(ALL, mode, len(pairs), len(gold), len(pred))
        tally.add(ANY, mode, len(match(gold, pred, loose=loose)), len(gold), len(pred))


# ---------------------------------------------------------------- values

def same_number(a: object, b: object) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(map(same_number, a, b))
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def normalize_unit(unit: object) -> object:
    """Units compared case-insensitively and singular / plural alike ("weapons" = "weapon"): the
    guide writes counted nouns in the plural, the pipeline's schema as lemmas."""
    if not isinstance(unit, str):
        return unit
    u = _UNIT_ALIASES.get(unit.strip().lower(), unit.strip().lower())
    if len(u) > 4 and u.endswith("ies"):
        return u[:-3] + "y"
    if len(u) > 3 and u.endswith("s") and not u.endswith("ss"):
        return u[:-1]
    return u


_DECADES = re.compile(r"^P(\d+)(DE|CE)$")


def normalize_date_value(value: object) -> object:
    """Lists as tuples; decades and centuries of durations in years (P1DE = P10Y, P2CE = P200Y)."""
    if isinstance(value, list):
        return tuple(normalize_date_value(v) for v in value)
    m = _DECADES.match(value) if isinstance(value, str) else None
    return f"P{int(m.group(1)) * (10 if m.group(2) == 'DE' else 100)}Y" if m else value


def same_date_value(a: object, b: object) -> bool:
    return normalize_date_value(a) == normalize_date_value(b)


VALUE_CHECKS: dict[str, list[tuple[str, Callable[[dict, dict], bool]]]] = {
    "entities": [("canonical", lambda g, p: (g.get("canonical") or "").casefold() == (p.get("canonical") or "").casefold())],
    "figures": [("value", lambda g, p: same_number(g["value"], p.get("value"))),
                ("unit", lambda g, p: normalize_unit(g["unit"]) == normalize_unit(p.get("unit")))],
    "dates": [("value", lambda g, p: same_date_value(g["value"], p.get("value")))],
}


# ---------------------------------------------------------------- gazetteer

def gazetteer_names() -> set[str]:
    """Casefolded names (aliases, short forms, canonical names) the entities stage's gazetteer holds."""
    from ..stages.entities.resources import load_entries

    names: set[str] = set()
    for entry in load_entries():
        names.update(n.casefold() for n in [entry["canonical"], *entry["aliases"], *entry["short"]])
    return names


def in_gazetteer(text: str, canonical: str, names: set[str]) -> bool:
    from ..stages.entities.normalize import normalize_name

    return normalize_name(text).casefold() in names or canonical.casefold() in names


def mark_gazetteer(records: Iterable[dict], texts: dict[str, str], names: set[str]) -> None:
    """Set ``gazetteer`` on every gold entity (frozen when the annotation is stored, so a later
    gazetteer that learned a held-out name does not shrink the unknown-name denominator)."""
    for record in records:
        text = texts[record["sha256"]]
        for ent in record["entities"]:
            ent["gazetteer"] = in_gazetteer(text[ent["start_char"]:ent["end_char"]], ent["canonical"], names)


# ---------------------------------------------------------------- predictions

def pipeline_predictions(articles: Sequence, kind: str, *, model: str | None = None) -> list[list[dict]]:
    """``kind`` records of each article, from the pipeline a run builds (``model``: via
    ``configs/model.cfg``), over the article's full text with its metadata."""
    from ..run import annotate, build_nlp, doc_records, make_doc

    nlp = build_nlp(None, {}, model=model)
    docs = annotate(nlp, (make_doc(nlp, a) for a in articles), batch_size=4)
    by_id = {doc._.doc_id: doc for doc in docs}
    return [doc_records(by_id[a.doc_id], a)[kind] if a.doc_id in by_id else [] for a in articles]


def peer_predictions(articles: Sequence, gold_docs: Sequence[dict], kind: str, peer: str) -> tuple[list[list[dict]], dict]:
    """``peer``'s records over the sentences of each article's windows (:mod:`pipeline.bench.peers`),
    and the speed of the peer and of our ``kind`` stage on that same text (words per second)."""
    from ..bench.peers import PEERS, peer_records, stage_seconds, window_texts

    if PEERS.get(peer) != kind:
        raise ValueError(f"--peer {peer} scores {PEERS.get(peer, 'nothing')}, not {kind}")
    texts = window_texts(articles, gold_docs)
    predicted, peer_s = peer_records(peer, texts)
    ours_s = stage_seconds(kind, texts)
    words = sum(t.words for t in texts)
    speed = {"words": words, "peer_seconds": round(peer_s, 3), "stage_seconds": round(ours_s, 4),
             "peer_words_per_s": round(words / peer_s) if peer_s else None,
             "stage_words_per_s": round(words / ours_s) if ours_s else None,
             "stage_x_peer": round(peer_s / ours_s, 1) if ours_s else None}
    return predicted, speed


def compare_table(kind: str, results: Sequence[dict], speed: dict | None = None) -> str:
    """One row per system (label-agnostic loose span F1, value P/R/F1, value and unit accuracy) and,
    when given, the speed of the peer and of our stage on the same text."""
    lines = [f"{kind}, held out: {results[0]['documents']} documents",
             f"{'system':<30} {'span F1':>7} {'value P':>8} {'value R':>8} {'value F1':>8} {'value acc':>9} {'unit acc':>8}"]
    for r in results:
        span_f = r["scores"].get(ANY, {}).get("loose", {}).get("f", 0.0)
        v = r["value_prf"]
        unit = r["values"].get("unit")
        unit_acc = f"{unit['accuracy']:.3f}" if unit else "-"
        lines.append(f"{r['system']:<30} {span_f:>7.3f} {v['p']:>8.3f} {v['r']:>8.3f} {v['f']:>8.3f} "
                     f"{r['values']['value']['accuracy']:>9.3f} {unit_acc:>8}")
    if speed:
        lines.append(f"speed on the same {speed['words']:,} words: our stage {speed['stage_words_per_s']:,} words/s, "
                     f"the peer {speed['peer_words_per_s']:,} words/s ({speed['stage_x_peer']}x)")
    return "\n".join(lines)


def raw_ner_predictions(articles: Sequence, model: str) -> list[list[dict]]:
    """A spaCy model's own ``doc.ents`` (labels the guide uses only) over each full text."""
    import spacy

    nlp = spacy.load(model)
    nlp.max_length = max([nlp.max_length, *(len(a.text) + 1 for a in articles)])
    return [[{"start_char": e.start_char, "end_char": e.end_char, "label": e.label_, "canonical": e.text}
             for e in doc.ents if e.label_ in ENTITY_LABELS]
            for doc in nlp.pipe(a.text for a in articles)]


# ---------------------------------------------------------------- whole evaluation

def evaluate(kind: str, docs: Iterable[tuple[dict, Sequence[dict]]]) -> dict:
    """Scores of ``kind`` over (gold record, predicted records of the full text) pairs."""
    tally, values = Tally(), defaultdict(lambda: [0, 0])
    unknown = Tally()
    n_docs = 0
    value_hits = [0, 0, 0]  # loosely matched with the same value (any label), gold, predicted
    for gold_doc, predicted in docs:
        n_docs += 1
        windows = gold_doc["windows"]
        gold = list(gold_doc[kind])
        pred = [p for p in predicted if inside(p, windows)]
        gl = [gold_label(kind, g) for g in gold]
        pl = [LABEL_OF[kind](p) for p in pred]
        score_document(tally, gold, pred, gl, pl)
        for gi, pi in match(gold, pred, loose=True):
            for name, same in VALUE_CHECKS[kind]:
                ok = same(gold[gi], pred[pi])
                values[name][0] += ok
                values[name][1] += 1
                value_hits[0] += ok and name == "value"
        value_hits[1] += len(gold)
        value_hits[2] += len(pred)
        if kind == "entities":
            for mode, loose in (("strict", False), ("loose", True)):
                pairs = match(gold, pred, loose=loose, gold_labels=gl, pred_labels=pl)
                hit = {gi for gi, _ in pairs}
                for part, keep in (("not in gazetteer", False), ("in gazetteer", True), ("boilerplate", None)):
                    idx = [i for i, g in enumerate(gold) if (g.get("boilerplate") if keep is None else bool(g.get("gazetteer")) == keep)]
                    unknown.add(part, mode, sum(1 for i in idx if i in hit), len(idx), 0)
    out = {"kind": kind, "documents": n_docs, "scores": tally.table(),
           "values": {name: {"accuracy": round(ok / n, 4) if n else 0.0, "correct": ok, "matched": n}
                      for name, (ok, n) in values.items()}}
    if kind != "entities":
        out["value_prf"] = prf(*value_hits)
    if kind == "entities":
        out["recall_by_group"] = {row: {m: {"r": v["r"], "tp": v["tp"], "gold": v["gold"]} for m, v in modes.items()}
                                  for row, modes in unknown.table().items()}
    return out


def format_table(result: dict) -> str:
    """A plain-text table of :func:`evaluate`'s result."""
    lines = [f"{result['kind']}: {result['documents']} documents", "",
             f"{'label':<18} {'gold':>5} {'pred':>5}   {'strict P':>8} {'R':>6} {'F':>6}   {'loose P':>8} {'R':>6} {'F':>6}"]
    rows = result["scores"]
    order = [r for r in rows if r not in (ALL, ANY)] + [r for r in (ALL, ANY) if r in rows]
    for row in order:
        s, lo = rows[row].get("strict"), rows[row].get("loose")
        lines.append(f"{row:<18} {s['gold']:>5} {s['pred']:>5}   {s['p']:>8.3f} {s['r']:>6.3f} {s['f']:>6.3f}"
                     f"   {lo['p']:>8.3f} {lo['r']:>6.3f} {lo['f']:>6.3f}")
    for name, v in result["values"].items():
        lines.append(f"{name} accuracy on loosely matched spans: {v['accuracy']:.3f} ({v['correct']}/{v['matched']})")
    if "value_prf" in result:
        v = result["value_prf"]
        lines.append(f"value P/R/F1 (a loosely matched span, any label, with the gold value): "
                     f"{v['p']:.3f} / {v['r']:.3f} / {v['f']:.3f}")
    for row, modes in result.get("recall_by_group", {}).items():
        lines.append(f"recall, gold {row}: strict {modes['strict']['r']:.3f} loose {modes['loose']['r']:.3f} "
                     f"({modes['loose']['tp']}/{modes['loose']['gold']} loose)")
    return "\n".join(lines)


def agreement(first: Sequence[dict], second: Sequence[dict]) -> dict:
    """Per-kind agreement of two annotations of the same articles (matched by sha256): F1 of the
    second against the first, strict and loose, and value agreement on loosely matched spans."""
    by_sha = {r["sha256"]: r for r in first}
    pairs = [(by_sha[r["sha256"]], r) for r in second if r["sha256"] in by_sha]
    out = {"articles": len(pairs)}
    for kind in KINDS:
        docs = [(a, [s | {"_label": gold_label(kind, s)} for s in b[kind]]) for a, b in pairs]
        res = evaluate(kind, docs)
        out[kind] = {"strict_f1": res["scores"].get(ALL, {}).get("strict", {}).get("f", 0.0),
                     "loose_f1": res["scores"].get(ALL, {}).get("loose", {}).get("f", 0.0),
                     "span_only_loose_f1": res["scores"].get(ANY, {}).get("loose", {}).get("f", 0.0),
                     "first": sum(len(a[kind]) for a, _ in pairs), "second": sum(len(b[kind]) for _, b in pairs),
                     "values": res["values"]}
    return out


__all__ = ["ENTITY_LABELS", "agreement", "compare_table", "date_label", "evaluate", "figure_label", "format_table", "match",
           "peer_predictions", "prf"]

"""Train and evaluate the learned claim classifier from the annotated commentary corpus.

The classifier is a small spaCy pipeline of its own (``textcat``, exclusive labels ``none`` and the
five claim types) that reads one sentence at a time: the sentence text followed by marker words that
carry what the rule stage found (cue types, hedging, attribution) and where the sentence stands
(title, bio, first in its paragraph, a quoted run). :func:`unit_text` builds that input, at training
time here and at run time in the claims stage, so both see the same thing.

Training uses spaCy's own loop (``spacy.cli.train.train``) with ``configs/train-claims*.cfg``; the
annotations are read back from ``../shared/corpus/commentary`` by offsets (claims_annotation).
"""
from __future__ import annotations

import json
import logging
import math
import shutil
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from ..stages.claims.component import RULES_MIN_SCORE
from ..stages.claims.model import best_type, calibrated
from ..stages.claims.unit_features import UnitFeatures, features_by_sentence, trimmed, unit_text
from .claims_annotation import CLAIM_TYPES, Example, load_examples

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
NONE_LABEL = "none"
LABELS = (NONE_LABEL, *CLAIM_TYPES)


# --- features of the annotated sentences, from the rules pipeline -----------------------------

def rule_features_by_sentence(doc) -> dict[tuple[int, int], UnitFeatures]:
    """Features of every sentence of an annotated Doc (rules run with ``min_score = 0``)."""
    return features_by_sentence(
        doc.text,
        [(s.start_char, s.end_char) for s in doc.spans["sentences"]],
        [(p.start_char, p.end_char) for p in doc.spans.get("paragraphs", [])],
        [(s.start_char, s.end_char, s.label_) for s in doc.spans.get("boilerplate", [])],
        [(c.start_char, c.end_char, c._.claim) for c in doc.spans.get("claims", [])],
    )


@dataclass(frozen=True)
class Prepared:
    """One annotated sentence with the rule stage's view of it."""

    example: Example
    features: UnitFeatures
    rule_claim: dict | None   # the rules' own record for the sentence at their shipped min_score
    cats: dict[str, float] | None = None  # soft labels (a teacher's probabilities) instead of the gold label


def prepare_examples(examples: Sequence[Example], nlp) -> list[Prepared]:
    """Run the rules pipeline (min_score 0) once per article and attach each sentence's features."""
    from ..extensions import ensure_extensions

    ensure_extensions()
    by_text: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        by_text[ex.record["file"]].append(ex)
    files = sorted(by_text)
    texts = [by_text[f][0].text for f in files]
    min_score = RULES_MIN_SCORE  # the rules' own threshold: the 'today's rules' baseline
    out: list[Prepared] = []
    for file, doc in zip(files, nlp.pipe(texts, batch_size=4)):
        feats = {trimmed(doc.text, a, b): f for (a, b), f in rule_features_by_sentence(doc).items()}
        shipped = [(c.start_char, c.end_char, c._.claim) for c in doc.spans.get("claims", [])
                   if c._.claim.get("raw_score", c._.claim["score"]) >= min_score]
        for ex in by_text[file]:
            key = (ex.record["start_char"], ex.record["end_char"])
            f = feats.get(key) or _nearest(feats, key)
            rule = next((c for a, b, c in shipped if a < key[1] and b > key[0]), None)
            out.append(Prepared(ex, f, rule))
    order = {id(ex): i for i, ex in enumerate(examples)}
    return sorted(out, key=lambda p: order[id(p.example)])


def _nearest(feats: dict[tuple[int, int], UnitFeatures], key: tuple[int, int]) -> UnitFeatures:
    """The features of the sentence overlapping ``key`` most (the segmenter moved a boundary)."""
    best, overlap = UnitFeatures(), 0
    for (a, b), f in feats.items():
        o = min(b, key[1]) - max(a, key[0])
        if o > overlap:
            best, overlap = f, o
    return best


def gold_label(record: dict) -> str:
    return record["type"] if record["claim"] else NONE_LABEL


def write_docbin(prepared: Sequence[Prepared], variant: str, path: Path) -> int:
    """A DocBin of classifier inputs with exclusive ``cats`` for spaCy's training (one-hot gold labels,
    or a teacher's probabilities where an example carries ``cats``)."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin()
    for p in prepared:
        doc = nlp.make_doc(unit_text(p.example.sentence, p.features, variant))
        if p.cats is not None:
            doc.cats = {name: float(p.cats.get(name, 0.0)) for name in LABELS}
        else:
            label = gold_label(p.example.record)
            doc.cats = {name: float(name == label) for name in LABELS}
        db.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return len(prepared)


# --- scores --------------------------------------------------------------------------------

def claim_probability(cats: dict[str, float]) -> float:
    return 1.0 - cats.get(NONE_LABEL, 0.0)


def fit_platt(raw: Sequence[float], correct: Sequence[bool], iterations: int = 200) -> tuple[float, float]:
    """Parameters (a, b) of p = sigmoid(a * logit(raw) + b), fitted by Newton's method on log loss."""
    import numpy as np

    x = np.array([_logit(r) for r in raw])
    y = np.array(correct, dtype=float)
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(a * x + b)))
        w = p * (1 - p) + 1e-9
        grad = np.array([np.sum((p - y) * x), np.sum(p - y)])
        hess = np.array([[np.sum(w * x * x), np.sum(w * x)], [np.sum(w * x), np.sum(w)]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(a), float(b)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def reliability_table(scores: Sequence[float], correct: Sequence[bool], bins: int = 5) -> list[dict]:
    """Per score bin: how many records, their mean score, and the share that were right."""
    rows = []
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        idx = [k for k, s in enumerate(scores) if lo <= s < hi or (i == bins - 1 and s == 1.0)]
        if idx:
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(idx),
                         "mean_score": round(sum(scores[k] for k in idx) / len(idx), 3),
                         "accuracy": round(sum(correct[k] for k in idx) / len(idx), 3)})
    return rows


# --- evaluation ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Prediction:
    claim: bool
    type: str | None
    hedged: bool = False
    speaker: str | None = None   # "author" or the source as written


def speaker_matches(pred: str | None, example: Example) -> bool:
    gold = example.record.get("speaker")
    if gold == "author":
        return pred == "author"
    if not pred or pred in ("author", "unknown"):
        return False
    a, b = pred.lower(), (example.speaker_text or "").lower()
    return bool(b) and (a in b or b in a)


def score_predictions(examples: Sequence[Example], preds: Sequence[Prediction]) -> dict:
    """Claim P/R/F1 over sentences; type, hedged and speaker accuracy over the true positives."""
    tp = fp = fn = 0
    type_ok = hedge_ok = speaker_ok = 0
    for ex, pred in zip(examples, preds):
        gold = ex.record["claim"]
        if gold and pred.claim:
            tp += 1
            type_ok += pred.type == ex.record["type"]
            hedge_ok += pred.hedged == ex.record["hedged"]
            speaker_ok += speaker_matches(pred.speaker, ex)
        elif pred.claim:
            fp += 1
        elif gold:
            fn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    acc = (lambda k: round(k / tp, 3) if tp else 0.0)
    return {"n": len(examples), "gold_claims": tp + fn, "predicted_claims": tp + fp,
            "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "type_accuracy": acc(type_ok), "hedged_accuracy": acc(hedge_ok), "speaker_accuracy": acc(speaker_ok)}


def baseline_predictions(prepared: Sequence[Prepared]) -> dict[str, list[Prediction]]:
    """Every sentence a claim (typed as the most frequent type, interpretation), and today's rules."""
    every = [Prediction(True, "interpretation", p.features.hedged, _rule_speaker(p.rule_claim)) for p in prepared]
    rules = [Prediction(p.rule_claim is not None, p.rule_claim["type"] if p.rule_claim else None,
                        bool(p.rule_claim and p.rule_claim["hedged"]), _rule_speaker(p.rule_claim)) for p in prepared]
    return {"every sentence": every, "rules": rules}


def _rule_speaker(claim: dict | None) -> str:
    return claim["speaker"] if claim else "author"


def model_predictions(model_nlp, prepared: Sequence[Prepared], variant: str, *,
                      threshold: float = 0.5, platt: tuple[float, float] | None = None) -> tuple[list[Prediction], list[float]]:
    """The classifier's decisions and scores: the score is the (calibrated) probability that the
    unit is a claim, the type the most probable claim type; a claim when the score reaches
    ``threshold``. Hedging and speaker are the rule stage's."""
    texts = [unit_text(p.example.sentence, p.features, variant) for p in prepared]
    preds, scores = [], []
    for p, doc in zip(prepared, model_nlp.pipe(texts, batch_size=256)):
        raw = claim_probability(doc.cats)
        score = calibrated(raw, platt) if platt else raw
        # as at run time: the classifier decides over the rules' candidates only
        claim = score >= threshold and p.features.rule_type is not None
        preds.append(Prediction(claim, best_type(doc.cats) if claim else None, p.features.hedged, p.features.speaker))
        scores.append(score)
    return preds, scores


# --- training -------------------------------------------------------------------------------

@contextmanager
def soft_targets():
    """Let spaCy's exclusive textcat train on probabilities (a teacher's soft labels). Its loss, the squared
    error against the target distribution, takes them as they are; only its input check asks for 0 / 1, and
    this replaces that check (values in [0, 1] summing to 1) for the duration of one training call. The
    saved model is a plain ``textcat``."""
    from spacy.pipeline.textcat import TextCategorizer

    original = TextCategorizer._validate_categories

    def check(self, examples) -> None:
        for ex in examples:
            vals = list(ex.reference.cats.values())
            if any(not 0.0 <= v <= 1.0 for v in vals) or (vals and abs(sum(vals) - 1.0) > 1e-3):
                raise ValueError(f"soft cats must be a distribution over the labels: {ex.reference.cats}")

    TextCategorizer._validate_categories = check
    try:
        yield
    finally:
        TextCategorizer._validate_categories = original


def train_variant(config: Path, train: Sequence[Prepared], dev: Sequence[Prepared], variant: str,
                  work_dir: Path, *, overrides: dict | None = None) -> Path:
    """Train one classifier with spaCy's training loop; returns the best model's folder."""
    from spacy.cli.train import train as spacy_train

    work = work_dir / variant
    write_docbin(train, variant, work / "train.spacy")
    write_docbin(dev, variant, work / "dev.spacy")
    if (work / "model").exists():
        shutil.rmtree(work / "model")
    with soft_targets() if any(p.cats is not None for p in train) else nullcontext():
        spacy_train(config, work / "model", overrides={
            "paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"), **(overrides or {})})
    return work / "model" / "model-best"


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --- the driver: `claims train claims` ------------------------------------------------------

DEFAULT_WORK_DIR = Path("build") / "claims"
# The rule stage alone, every candidate kept: the features the classifier reads are the rules' own (as
# at run time, where find_model_claims builds them from rule drafts), never a previous model's output.
RULES_ONLY = {"components.claims.min_score": 0.0, "components.claims.use_model": False}
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "models" / "claims"
CONFIGS = {"bow": REPO_ROOT / "configs" / "train-claims-bow.cfg", "ensemble": REPO_ROOT / "configs" / "train-claims.cfg"}


def prepared_splits(commentary: Path, splits: Sequence[str], work_dir: Path, *, directory: Path | None = None) -> dict[str, list[Prepared]]:
    """Annotated sentences with rule features, cached in ``work_dir`` per annotation file content."""
    import hashlib
    import pickle

    from ..runner import build_nlp

    out: dict[str, list[Prepared]] = {}
    nlp = None
    for split in splits:
        examples = load_examples(split, commentary, **({'directory': directory} if directory else {}))
        digest = hashlib.sha256(json.dumps([e.record for e in examples], sort_keys=True).encode()).hexdigest()[:16]
        cache = work_dir / f"prepared-{split}-rules-{digest}.pickle"
        if cache.is_file():
            out[split] = pickle.loads(cache.read_bytes())
            continue
        if nlp is None:
            nlp = build_nlp(overrides=RULES_ONLY)
        out[split] = prepare_examples(examples, nlp)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(out[split]))
    return out


@dataclass(frozen=True)
class Experiment:
    """One row of the dev comparison: an architecture, an input variant and optional vectors."""

    name: str
    config: str          # key of CONFIGS
    variant: str         # key of VARIANTS
    vectors: bool = False
    tag: str = ""        # set apart in the work folder (e.g. "distilled")


EXPERIMENTS = (
    Experiment("model alone (bag of words)", "bow", "text"),
    Experiment("model + rule features (bag of words)", "bow", "rules"),
    Experiment("model + rule features + sentence context (bag of words)", "bow", "context"),
    Experiment("model + rule features + context (bow + CNN ensemble)", "ensemble", "context"),
    Experiment("ensemble + en_core_web_md static vectors", "ensemble", "context", vectors=True),
)
# Best dev F1 of the table in the README, and the fastest: what `claims train claims` ships.
SHIPPED_EXPERIMENT = EXPERIMENTS[1]


def choose_min_score(scores: Sequence[float], examples: Sequence[Example], preds: Sequence[Prediction],
                     f1_tolerance: float = 0.005) -> float:
    """The highest score threshold whose dev F1 is within ``f1_tolerance`` of the best: as precise
    as the classifier can be without giving up claim F1 (on the dev data of the shipped model the
    F1 curve is flat between 0.3 and 0.5, while precision rises with the threshold)."""
    by_threshold = {}
    for step in range(5, 96):
        t = step / 100
        thresholded = [Prediction(s >= t and p.claim, p.type if s >= t else None, p.hedged, p.speaker) for s, p in zip(scores, preds)]
        by_threshold[t] = score_predictions(examples, thresholded)["f1"]
    best = max(by_threshold.values())
    return max(t for t, f1 in by_threshold.items() if f1 >= best - f1_tolerance)


def run_experiment(exp: Experiment, splits: dict[str, list[Prepared]], work_dir: Path, *,
                   vectors: Path | None, max_steps: int | None = None) -> tuple[Path, dict]:
    """Train one experiment on train (+ review data), score it on dev at a claim probability of 0.5."""
    import spacy

    overrides: dict = {}
    if exp.vectors:
        overrides.update({"paths.vectors": str(vectors), "components.textcat.model.tok2vec.embed.include_static_vectors": True})
    if max_steps:
        overrides["training.max_steps"] = max_steps
    name = f"{exp.config}-{exp.variant}{'-vectors' if exp.vectors else ''}{'-' + exp.tag if exp.tag else ''}"
    model_dir = train_variant(CONFIGS[exp.config], splits["train"], splits["dev"], exp.variant, work_dir / name, overrides=overrides)
    nlp = spacy.load(model_dir)
    preds, _ = model_predictions(nlp, splits["dev"], exp.variant, threshold=0.5)
    return model_dir, score_predictions([p.example for p in splits["dev"]], preds)


def calibrate_model(model_dir: Path, variant: str, dev: Sequence[Prepared]) -> dict:
    """Platt parameters fitted on dev (is this unit a claim?) and the ``min_score`` chosen on dev
    over the calibrated score."""
    import spacy

    nlp = spacy.load(model_dir)
    raw_preds, raw = model_predictions(nlp, dev, variant, threshold=0.0)
    examples = [p.example for p in dev]
    correct = [ex.record["claim"] for ex in examples]
    platt = fit_platt(raw, correct)
    scores = [calibrated(r, platt) for r in raw]
    min_score = choose_min_score(scores, examples, raw_preds)
    return {"platt": list(platt), "min_score": min_score,
            "dev_reliability": reliability_table(scores, correct)}


def train_claims(commentary: Path, out: Path = DEFAULT_OUTPUT, *, work_dir: Path = DEFAULT_WORK_DIR,
                 experiments: Sequence[Experiment] = EXPERIMENTS, vectors: Path | None = None,
                 extra_train: Sequence[Prepared] = (), max_steps: int | None = None, gold_weight: int = 1) -> dict:
    """Train every experiment, compare them on dev with the baselines, calibrate the best on dev and
    copy it with its meta into ``out``. The annotated train sentences are repeated ``gold_weight`` times
    (beside many soft-labelled ones). The test split is not read here."""
    splits = prepared_splits(commentary, ("train", "dev"), work_dir)
    splits["train"] = splits["train"] * gold_weight + list(extra_train)
    examples = [p.example for p in splits["dev"]]
    table = {name: score_predictions(examples, preds) for name, preds in baseline_predictions(splits["dev"]).items()}
    trained: dict[str, tuple[Path, Experiment]] = {}
    for exp in experiments:
        if exp.vectors and vectors is None:
            logger.info("skipping %s: no vectors given", exp.name)
            continue
        model_dir, scores = run_experiment(exp, splits, work_dir, vectors=vectors, max_steps=max_steps)
        table[exp.name] = scores
        trained[exp.name] = (model_dir, exp)
    best_name = max(trained, key=lambda n: (table[n]["f1"], -len(n)))
    model_dir, exp = trained[best_name]
    meta = {"variant": exp.variant, "experiment": best_name, "labels": list(LABELS),
            "train_sentences": len(splits["train"]), "dev_sentences": len(splits["dev"]),
            **calibrate_model(model_dir, exp.variant, splits["dev"])}
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(model_dir, out)
    label_model_card(out, best_name)
    write_json(out / "claims_meta.json", meta)
    write_json(out / "dev_table.json", table)
    return {"best": best_name, "table": table, "meta": meta}


MODEL_NAME = "claims_claim_classifier"
MODEL_VERSION = "0.1.0"


def label_model_card(model_dir: Path, experiment: str) -> None:
    """Name, version, licence and provenance in the shipped classifier's spaCy ``meta.json``."""
    path = model_dir / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update({
        "name": MODEL_NAME, "version": MODEL_VERSION, "license": "MIT",
        "description": f"Claim / not-claim and claim type of one sentence or clause ({experiment}); trained by "
                       "`claims train claims` on the annotated commentary corpus in pipeline/training/annotations/claims "
                       "(offsets into ../shared/corpus/commentary, which is not redistributed)."
                       + (" Distilled: the unlabelled sentences carry the probabilities of a teacher, all-MiniLM-L6-v2 "
                          "(Apache-2.0) + logistic regression (`make claims-teacher`); no teacher weights are in this model."
                          if "distilled" in experiment.lower() else ""),
    })
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def evaluate_claims(commentary: Path, model_dir: Path = DEFAULT_OUTPUT, *, split: str = "test",
                    work_dir: Path = DEFAULT_WORK_DIR) -> dict:
    """Baselines and the shipped model (at its calibrated min_score) on ``split``, with the
    reliability table of the calibrated score."""
    import spacy

    prepared = prepared_splits(commentary, (split,), work_dir)[split]
    examples = [p.example for p in prepared]
    meta = json.loads((model_dir / "claims_meta.json").read_text())
    table = {name: score_predictions(examples, preds) for name, preds in baseline_predictions(prepared).items()}
    nlp = spacy.load(model_dir)
    preds, scores = model_predictions(nlp, prepared, meta["variant"], threshold=meta["min_score"], platt=tuple(meta["platt"]))
    table[f"model ({meta['experiment']}), min_score {meta['min_score']}"] = score_predictions(examples, preds)
    _, all_scores = model_predictions(nlp, prepared, meta["variant"], threshold=0.0, platt=tuple(meta["platt"]))
    correct = [ex.record["claim"] for ex in examples]
    return {"split": split, "table": table, "reliability": reliability_table(all_scores, correct),
            "claim_share_gold": round(sum(e.record["claim"] for e in examples) / len(examples), 3)}

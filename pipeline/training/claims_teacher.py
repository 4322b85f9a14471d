"""all-MiniLM-L6-v2 as a teacher of the claim classifier: the main-venv half (no torch here).

The chain (``make claims-teacher``), each step cached under ``build/claims``:

1. ``claims train teacher-texts``: the annotated train and dev sentences, and unlabelled commentary
   sentences from articles of no annotated split (checked by sha256, file name and title), each with the
   rule stage's features; their plain texts go to ``teacher/texts.jsonl`` (train rows with the gold label).
2. ``tools/claims_teacher.py`` in the teacher venv (``make claims-teacher-env``: torch CPU,
   sentence-transformers, scikit-learn) embeds them with MiniLM, fits a logistic regression on train and
   writes the teacher's probabilities for dev and the unlabelled sentences (``teacher/labels.jsonl``).
3. ``claims train evaluate-teacher``: the teacher alone, the shipped classifier and their average on dev.
   ``claims train claims --teacher-labels teacher/labels.jsonl``: the bag-of-words classifier retrained on
   the gold train sentences plus the unlabelled ones with the teacher's probabilities as soft ``cats``
   (distillation); the run-time model stays a spaCy textcat, so the default pipeline never needs torch.
"""
from __future__ import annotations

import hashlib
import json
import pickle
import random
from collections.abc import Sequence
from pathlib import Path

from ..stages.claims.unit_features import markers
from .claims_annotation import ANNOTATION_DIR, Example, file_sha256, read_jsonl, read_meta, sample_window
from .claims_model import (LABELS, NONE_LABEL, RULES_ONLY, SHIPPED_EXPERIMENT, Experiment, Prepared, Prediction,
                           gold_label, prepared_splits, rule_features_by_sentence, score_predictions)

TEACHER_DIR = "teacher"
UNLABELLED_SEED = 1414
PER_ARTICLE = 100  # sentences per unlabelled article at most (the title + one window): many articles
MAX_CHARS = 20_000  # an unlabelled article is read up to the first paragraph break after this (a prefix)


# --- unlabelled sentences ------------------------------------------------------------------

def annotated_sources(directory: Path = ANNOTATION_DIR) -> tuple[set[str], set[str]]:
    """sha256s and file names of every article any annotation file (any split, any pass) points into."""
    shas, files = set(), set()
    for path in sorted(directory.glob("*.jsonl")):
        for row in read_jsonl(path):
            shas.add(row["sha256"])
            files.add(row["file"])
    return shas, files


def unlabelled_articles(commentary: Path, *, directory: Path = ANNOTATION_DIR, seed: int = UNLABELLED_SEED) -> list[Path]:
    """Commentary articles that no annotated split holds (not by sha256, file name or title), shuffled by ``seed``."""
    shas, files = annotated_sources(directory)
    titles = {(read_meta(commentary / f).get("title") or "").strip().lower() for f in files} - {""}
    out = []
    for path in sorted(commentary.glob("*.txt")):
        rel = path.relative_to(commentary).as_posix()
        title = (read_meta(path).get("title") or "").strip().lower()
        if rel in files or (title and title in titles) or file_sha256(path) in shas:
            continue
        out.append(path)
    random.Random(seed).shuffle(out)
    return out


def prepare_unlabelled(commentary: Path, work_dir: Path, max_sentences: int, *, per_article: int = PER_ARTICLE,
                       seed: int = UNLABELLED_SEED, directory: Path = ANNOTATION_DIR) -> list[Prepared]:
    """Up to ``max_sentences`` unlabelled sentences (the title and a window of ``per_article`` from each
    article, in a seeded order), with the rule stage's features; cached in ``work_dir``."""
    from ..runner import build_nlp

    articles = unlabelled_articles(commentary, directory=directory, seed=seed)
    key = json.dumps([max_sentences, per_article, seed, [file_sha256(p) for p in articles[:2000]]])
    cache = work_dir / f"unlabelled-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle"
    if cache.is_file():
        return pickle.loads(cache.read_bytes())
    nlp = build_nlp(overrides=RULES_ONLY)
    rng = random.Random(seed + 1)
    out: list[Prepared] = []
    texts = (_prefix(p.read_text(encoding="utf-8")) for p in articles)
    for path, doc in zip(articles, nlp.pipe(texts, batch_size=4)):
        if len(out) >= max_sentences:
            break
        out.extend(_window_examples(path, commentary, doc, rng, per_article)[:max_sentences - len(out)])
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def _prefix(text: str, max_chars: int = MAX_CHARS) -> str:
    """``text`` up to the first paragraph break after ``max_chars`` (offsets stay those of the file)."""
    cut = text.find("\n\n", max_chars)
    return text if cut < 0 else text[:cut]


def _window_examples(path: Path, commentary: Path, doc, rng: random.Random, per_article: int) -> list[Prepared]:
    feats = rule_features_by_sentence(doc)
    sentences = [(a, b) for a, b in sorted(feats) if b > a]
    sha, text = file_sha256(path), doc.text  # (doc.text builds a new string at each access)
    out = []
    for i in sample_window(sentences, rng, per_article):
        a, b = sentences[i]
        record = {"sid": f"{path.stem}#{i}", "file": path.relative_to(commentary).as_posix(), "sha256": sha,
                  "start_char": a, "end_char": b, "boilerplate": feats[(a, b)].boilerplate,
                  "claim": None, "type": None, "hedged": False, "speaker": None}
        out.append(Prepared(Example(record, text, text[a:b], None), feats[(a, b)], None))
    return out


# --- the texts the teacher embeds, and its labels read back -------------------------------------

def teacher_texts(splits: dict[str, Sequence[Prepared]]) -> list[dict]:
    """One row per sentence for the teacher: id, split, text, the rules' marker words (an optional input of
    the teacher); train rows carry the gold label and the article (for grouped cross-validation). Dev and
    unlabelled rows carry no label."""
    rows = []
    for split, prepared in splits.items():
        for p in prepared:
            row = {"id": p.example.record["sid"], "split": split, "text": p.example.sentence,
                   "markers": markers(p.features, SHIPPED_EXPERIMENT.variant)}
            if split == "train":
                row.update(label=gold_label(p.example.record), group=p.example.record["file"])
            rows.append(row)
    return rows


def export_teacher_texts(commentary: Path, work_dir: Path, max_sentences: int, *, per_article: int = PER_ARTICLE) -> dict:
    """Prepare train, dev and ``max_sentences`` unlabelled sentences; write ``teacher/texts.jsonl``."""
    from .claims_annotation import write_jsonl

    splits: dict[str, Sequence[Prepared]] = dict(prepared_splits(commentary, ("train", "dev"), work_dir))
    splits["unlabelled"] = prepare_unlabelled(commentary, work_dir, max_sentences, per_article=per_article)
    rows = teacher_texts(splits)
    path = work_dir / TEACHER_DIR / "texts.jsonl"
    write_jsonl(path, rows)
    articles = {p.example.record["file"] for p in splits["unlabelled"]}
    return {"path": str(path), **{split: len(v) for split, v in splits.items()}, "unlabelled_articles": len(articles),
            "unlabelled_words": sum(len(p.example.sentence.split()) for p in splits["unlabelled"])}


def read_teacher_labels(path: Path) -> dict[str, dict[str, float]]:
    """The teacher's probabilities by sentence id (every label present, summing to 1 within rounding)."""
    out = {}
    for row in read_jsonl(path):
        cats = row["cats"]
        if set(cats) != set(LABELS) or abs(sum(cats.values()) - 1.0) > 1e-3:
            raise ValueError(f"{path}: {row['id']}: cats must be a distribution over {', '.join(LABELS)}")
        out[row["id"]] = cats
    return out


def soft_labelled(unlabelled: Sequence[Prepared], labels: dict[str, dict[str, float]]) -> list[Prepared]:
    """The unlabelled sentences with the teacher's probabilities as their ``cats`` (those it labelled)."""
    out = []
    for p in unlabelled:
        cats = labels.get(p.example.record["sid"])
        if cats is not None:
            out.append(Prepared(p.example, p.features, None, dict(cats)))
    return out


def teacher_training_examples(commentary: Path, work_dir: Path, labels_path: Path, max_sentences: int) -> list[Prepared]:
    """Soft-labelled examples for ``claims train claims --teacher-labels`` (the cached unlabelled sentences)."""
    unlabelled = prepare_unlabelled(commentary, work_dir, max_sentences)
    soft = soft_labelled(unlabelled, read_teacher_labels(labels_path))
    if not soft:
        raise ValueError(f"{labels_path}: labels none of the {len(unlabelled)} unlabelled sentences (export and label again)")
    return soft


def distilled_experiment(n: int, gold_weight: int = 1) -> Experiment:
    """The shipped architecture and input, trained on gold train (``gold_weight`` times) + ``n``
    soft-labelled sentences."""
    weight = f", gold x{gold_weight}" if gold_weight > 1 else ""
    return Experiment(f"BOW distilled from MiniLM on {n:,} sentences{weight}", SHIPPED_EXPERIMENT.config,
                      SHIPPED_EXPERIMENT.variant, tag=f"distilled{gold_weight if gold_weight > 1 else ''}")


# --- dev comparison: teacher, shipped classifier, average --------------------------------------

def average(a: dict[str, float], b: dict[str, float], weight: float = 0.5) -> dict[str, float]:
    return {k: weight * a.get(k, 0.0) + (1 - weight) * b.get(k, 0.0) for k in LABELS}


def decide(prepared: Sequence[Prepared], cats: Sequence[dict[str, float]], *, threshold: float = 0.5,
           type_cats: Sequence[dict[str, float]] | None = None) -> list[Prediction]:
    """Claim when P(claim) reaches ``threshold`` over a rule candidate (as at run time); the type is the
    most probable claim type of ``type_cats`` (default: the same probabilities). Hedging and speaker are
    the rule stage's."""
    from ..stages.claims.model import best_type

    type_cats = type_cats or cats
    out = []
    for p, c, t in zip(prepared, cats, type_cats):
        claim = 1.0 - c.get(NONE_LABEL, 0.0) >= threshold and p.features.rule_type is not None
        out.append(Prediction(claim, best_type(t) if claim else None, p.features.hedged, p.features.speaker))
    return out


def evaluate_teacher(commentary: Path, labels_path: Path, model_dir: Path, *, work_dir: Path, split: str = "dev") -> dict:
    """Dev rows: the teacher alone, the classifier in ``model_dir`` alone (threshold 0.5 on the uncalibrated
    P(claim), as in the README's dev table), their average, and the classifier's decision with the teacher's
    or the average's type."""
    import spacy

    from ..stages.claims.unit_features import unit_text

    if split == "test":
        raise ValueError("the teacher is compared on dev only; the test split is read once, by `make claims-test`")
    prepared = prepared_splits(commentary, (split,), work_dir)[split]
    labels = read_teacher_labels(labels_path)
    missing = [p.example.record["sid"] for p in prepared if p.example.record["sid"] not in labels]
    if missing:
        raise ValueError(f"{labels_path}: no teacher label for {len(missing)} {split} sentences (e.g. {missing[0]})")
    teacher = [labels[p.example.record["sid"]] for p in prepared]
    meta = json.loads((model_dir / "claims_meta.json").read_text(encoding="utf-8"))
    nlp = spacy.load(model_dir)
    texts = [unit_text(p.example.sentence, p.features, meta["variant"]) for p in prepared]
    model = [dict(doc.cats) for doc in nlp.pipe(texts, batch_size=256)]
    mixed = [average(a, b) for a, b in zip(teacher, model)]
    examples = [p.example for p in prepared]
    rows = {
        "MiniLM + LR (teacher)": decide(prepared, teacher),
        "classifier": decide(prepared, model),
        "average of teacher and classifier": decide(prepared, mixed),
        "classifier decides, teacher types": decide(prepared, model, type_cats=teacher),
        "classifier decides, average types": decide(prepared, model, type_cats=mixed),
    }
    return {"split": split, "model": str(model_dir), "table": {k: score_predictions(examples, v) for k, v in rows.items()}}

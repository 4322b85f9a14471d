"""The learned claim classifier at run time: re-scores the rule stage's candidates.

The classifier (``pipeline/models/claims``, trained by ``claims train claims``) is a small spaCy
pipeline of its own: a tokenizer and an exclusive ``textcat`` over ``none`` and the five claim types,
reading each candidate's text followed by marker words (:mod:`.unit_features`). Its ``score`` is the
probability that the unit is a claim, calibrated on the dev split (Platt scaling, parameters in
``claims_meta.json``); its type is the most probable claim type. The rules keep doing what rules do
well: cues, hedging, certainty, negation, speaker, quote and evidence.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from .unit_features import UnitFeatures, features_by_sentence, trimmed, unit_text

PACKAGED_MODEL = Path(__file__).resolve().parents[2] / "models" / "claims"
META_FILE = "claims_meta.json"
NONE_LABEL = "none"
CLAIM_TYPES = ("prediction", "evaluation", "causal", "recommendation", "interpretation")


class ClaimModelError(ValueError):
    """A claim model folder that cannot be used."""


@dataclass(frozen=True)
class ClaimModel:
    """A loaded classifier and how to read its output."""

    nlp: Language
    variant: str
    platt: tuple[float, float]
    min_score: float
    path: Path

    def fingerprint(self) -> str:
        """sha256 over every file of the model folder (names and bytes)."""
        import hashlib

        h = hashlib.sha256()
        for file in sorted(p for p in self.path.rglob("*") if p.is_file()):
            h.update(file.relative_to(self.path).as_posix().encode())
            h.update(file.read_bytes())
        return h.hexdigest()


def load_claim_model(path: str | Path | None = None) -> ClaimModel:
    """The classifier in ``path`` (default: the one shipped in the package)."""
    import spacy

    folder = Path(path) if path else PACKAGED_MODEL
    meta_path = folder / META_FILE
    if not meta_path.is_file():
        raise ClaimModelError(f"{folder}: no claim model here ({META_FILE} missing; train one with `claims train claims`)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    nlp = spacy.load(folder, exclude=[])
    return ClaimModel(nlp, meta["variant"], (float(meta["platt"][0]), float(meta["platt"][1])), float(meta["min_score"]), folder)


def calibrated(raw: float, platt: tuple[float, float]) -> float:
    """Platt scaling of a probability: sigmoid(a * logit(raw) + b)."""
    p = min(max(raw, 1e-6), 1 - 1e-6)
    a, b = platt
    return 1 / (1 + math.exp(-(a * math.log(p / (1 - p)) + b)))


def best_type(cats: dict[str, float]) -> str:
    """The most probable claim type (ties: the first in CLAIM_TYPES order)."""
    return max(CLAIM_TYPES, key=lambda t: (cats.get(t, 0.0), -CLAIM_TYPES.index(t)))


def classify(model: ClaimModel, units: Sequence[tuple[str, UnitFeatures]]) -> list[tuple[str, float]]:
    """(type, calibrated claim probability) of each (text, features) unit."""
    texts = [unit_text(text, feats, model.variant) for text, feats in units]
    out = []
    for doc in model.nlp.pipe(texts, batch_size=256):
        raw = 1.0 - doc.cats.get(NONE_LABEL, 0.0)
        out.append((best_type(doc.cats), round(calibrated(raw, model.platt), 4)))
    return out


def find_model_claims(doc, rules, model: ClaimModel, *, min_score: float, split_clauses: bool = True,
                      max_tokens: int = 200) -> list:
    """Claims of ``doc`` decided by the classifier: every rule candidate (whatever its rule score) is
    classified with its sentence's marker words; those whose calibrated score reaches ``min_score``
    are claims, typed and scored by the classifier, with the rules' cues, hedging, speaker, quote and
    evidence. Pure: writes nothing to the Doc."""
    from spacy.tokens import Span

    from .analysis import analyze_doc
    from .evidence import evidence_spans
    from .features import ClaimCandidate, claim_candidate

    ctx, features = analyze_doc(doc, rules, split_clauses=split_clauses, max_tokens=max_tokens)
    if not features:
        return []
    drafts = [claim_candidate(ctx, f, []) for f in features]
    text = ctx.text  # (doc.text joins every token again at each access)
    by_sentence = features_by_sentence(
        text,
        [(s.start_char, s.end_char) for s in _sentences(doc)],
        [(p.start_char, p.end_char) for p in doc.spans.get("paragraphs", [])],
        [(s.start_char, s.end_char, s.label_) for s in doc.spans.get("boilerplate", [])],
        [(c.span.start_char, c.span.end_char, c.data) for c in drafts],
    )
    units = []
    for f, draft in zip(features, drafts):
        sent = ctx.body[f.sent_index]
        key = trimmed(text, sent.start_char, sent.end_char)
        units.append((draft.span.text, by_sentence.get(key, UnitFeatures())))
    decisions = classify(model, units)
    kept = [(f, t, s) for f, (t, s) in zip(features, decisions) if s >= min_score]
    claimed = {f.sent_index for f, _, _ in kept}
    out = []
    for f, claim_type, score in kept:
        cand = claim_candidate(ctx, f, evidence_spans(ctx, f, claimed))
        span = Span(doc, cand.span.start, cand.span.end, label=claim_type)
        data = {**cand.data, "type": claim_type, "score": score}
        out.append(ClaimCandidate(span, data, cand.sent_index, cand.unit_start_char))
    return out


def _sentences(doc) -> list:
    return list(doc.spans["sentences"]) if "sentences" in doc.spans else list(doc.sents)

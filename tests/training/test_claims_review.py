"""The review loop: reviewers' decisions on a small run become training examples, and a model
retrained with them changes its predictions on those very sentences."""
from __future__ import annotations

import json

import pytest
import spacy

from pipeline.review.decisions import append_decision, make_decision
from pipeline.run import build_nlp, run_corpus
from pipeline.stages.claims.unit_features import UnitFeatures
from pipeline.training.claims_annotation import Example
from pipeline.training.claims_model import CONFIGS, Prepared, best_type, claim_probability, train_variant, unit_text
from pipeline.training.claims_review import REVIEW_WEIGHT, review_examples
from tests.conftest import PROJECT_ROOT

ARTICLE = (
    "Sanctions Will Not Break Moscow\n\n"
    "The sanctions regime will collapse within a year. "
    "The embargo forced the bank to close its branches. "
    "Brussels must coordinate its energy purchases.\n"
)
# Invented sentences, labelled by hand: the model's prior before any review.
BASE = [
    ("The treaty will collapse within a year.", "prediction"), ("Exports will fall next spring.", "prediction"),
    ("The blockade forced the port to close.", "causal"), ("Tariffs drove prices up.", "causal"),
    ("Ministers must act now.", "recommendation"), ("Allies should share intelligence.", "recommendation"),
    ("The reform was a failure.", "evaluation"), ("The summit was a success.", "evaluation"),
    ("The ministers met in Oslo in May.", "none"), ("Turnout was 61 per cent.", "none"),
]


def _prepared(text: str, label: str) -> Prepared:
    record = {"claim": label != "none", "type": None if label == "none" else label, "hedged": False, "speaker": "author"}
    return Prepared(Example(record, text, text, None), UnitFeatures(), None)


@pytest.fixture(scope="module")
def reviewed_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("review_loop")
    (root / "in").mkdir()
    (root / "in" / "sanctions.txt").write_text(ARTICLE, encoding="utf-8")
    run_corpus([root / "in"], root / "out", config_path=PROJECT_ROOT / "configs" / "rules.cfg")
    claims = {c["text"]: c for c in map(json.loads, (root / "out" / "claims.jsonl").read_text().splitlines())}
    rejected = claims["The sanctions regime will collapse within a year."]
    retyped = claims["Brussels must coordinate its energy purchases."]
    append_decision(root / "out", make_decision(rejected["id"], "claims", "reject", reviewer="anna", doc_id=rejected["doc_id"]))
    append_decision(root / "out", make_decision(retyped["id"], "claims", "edit", reviewer="anna", doc_id=retyped["doc_id"],
                                                edits={"type": "causal"}))
    return root, rejected, retyped


def test_review_decisions_become_weighted_examples(reviewed_run):
    root, rejected, retyped = reviewed_run
    nlp = build_nlp(PROJECT_ROOT / "configs" / "rules.cfg", overrides={"components.claims.min_score": 0.0})
    examples = review_examples([root / "out"], root / "work", nlp=nlp)
    labels = sorted({(p.example.sentence, p.example.record["type"], p.example.record["claim"]) for p in examples})
    assert labels == [
        ("Brussels must coordinate its energy purchases.", "causal", True),
        ("The sanctions regime will collapse within a year.", None, False),
    ]
    assert len(examples) == 2 * REVIEW_WEIGHT
    assert all(p.features.rule_type is not None for p in examples)


def test_retraining_with_review_changes_predictions_on_those_sentences(reviewed_run):
    root, rejected, retyped = reviewed_run
    base = [_prepared(text, label) for text, label in BASE]
    overrides = {"training.max_steps": 60, "training.eval_frequency": 20}
    before = spacy.load(train_variant(CONFIGS["bow"], base, base, "rules", root / "before", overrides=overrides))
    nlp = build_nlp(PROJECT_ROOT / "configs" / "rules.cfg", overrides={"components.claims.min_score": 0.0})
    review = review_examples([root / "out"], root / "work", nlp=nlp)
    after = spacy.load(train_variant(CONFIGS["bow"], base + review, base, "rules", root / "after", overrides=overrides))
    # each reviewed sentence as the classifier reads it at run time: its text and its rule markers
    query = {p.example.sentence: unit_text(p.example.sentence, p.features, "rules") for p in review}

    was, now = before(query[rejected["text"]]).cats, after(query[rejected["text"]]).cats
    assert claim_probability(was) > 0.5 > claim_probability(now)
    assert best_type(before(query[retyped["text"]]).cats) == "recommendation"
    assert best_type(after(query[retyped["text"]]).cats) == "causal"

"""The MiniLM teacher's main-venv half: which articles are unlabelled, the texts exported for the
teacher, its labels read back as soft ``cats``, the dev decisions, and no torch in the package."""
from __future__ import annotations

import ast
import hashlib
import json

import pytest
from spacy.tokens import DocBin

from pipeline.stages.claims.unit_features import UnitFeatures
from pipeline.training.claims_annotation import Example
from pipeline.training.claims_model import LABELS, Prepared, write_docbin
from pipeline.training.claims_teacher import (average, decide, distilled_experiment, read_teacher_labels, soft_labelled,
                                              teacher_texts, unlabelled_articles)
from tests.conftest import PROJECT_ROOT

HEAVY = ("torch", "sentence_transformers", "transformers", "sklearn")


def _prepared(sid: str, text: str, label: str | None, *, rule_type: str | None = "evaluation", file: str = "a.txt") -> Prepared:
    record = {"sid": sid, "file": file, "claim": None if label is None else label != "none",
              "type": None if label in (None, "none") else label, "hedged": False, "speaker": "author"}
    return Prepared(Example(record, text, text, None), UnitFeatures(rule_type=rule_type, hedged=True), None)


def _cats(**probs: float) -> dict[str, float]:
    return {label: probs.get(label, 0.0) for label in LABELS}


def test_the_package_never_imports_torch():
    """The default pipeline (and everything else under pipeline/) stays torch-free: the teacher runs in
    its own venv (tools/claims_teacher.py)."""
    found = []
    for path in sorted((PROJECT_ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in HEAVY]
    assert found == []


def test_unlabelled_articles_skip_every_annotated_article(tmp_path):
    commentary, annotations = tmp_path / "commentary", tmp_path / "annotations"
    commentary.mkdir()
    annotations.mkdir()
    texts = {"dev-article.txt": "Invented dev article.\n", "renamed-copy.txt": "Invented test article.\n",
             "republished.txt": "Same piece, other layout.\n", "free-1.txt": "An unannotated piece.\n",
             "free-2.txt": "Another unannotated piece.\n"}
    for name, text in texts.items():
        (commentary / name).write_text(text, encoding="utf-8")
    (commentary / "republished.txt.meta.json").write_text(json.dumps({"title": "The Dev Piece"}))
    (commentary / "dev-article.txt.meta.json").write_text(json.dumps({"title": "The dev piece"}))
    test_sha = hashlib.sha256(texts["renamed-copy.txt"].encode()).hexdigest()
    rows = [{"file": "dev-article.txt", "sha256": "0" * 64}, {"file": "gone.txt", "sha256": test_sha}]
    (annotations / "dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    found = unlabelled_articles(commentary, directory=annotations, seed=3)
    assert sorted(p.name for p in found) == ["free-1.txt", "free-2.txt"]
    assert found == unlabelled_articles(commentary, directory=annotations, seed=3)  # seeded order


def test_teacher_texts_label_only_the_train_rows():
    rows = teacher_texts({"train": [_prepared("t#1", "Sanctions have failed.", "evaluation", file="t.txt")],
                          "dev": [_prepared("d#1", "The talks will collapse.", "prediction")],
                          "unlabelled": [_prepared("u#4", "Ministers met in Oslo.", None)]})
    marks = ["xxruleevaluation", "xxrulescore0", "xxhedge"]
    assert rows == [
        {"id": "t#1", "split": "train", "text": "Sanctions have failed.", "markers": marks, "label": "evaluation", "group": "t.txt"},
        {"id": "d#1", "split": "dev", "text": "The talks will collapse.", "markers": marks},
        {"id": "u#4", "split": "unlabelled", "text": "Ministers met in Oslo.", "markers": marks},
    ]


def test_teacher_labels_become_soft_cats_in_the_training_docbin(tmp_path):
    labels = tmp_path / "labels.jsonl"
    rows = [{"id": "u#1", "split": "unlabelled", "cats": _cats(none=0.25, prediction=0.75)},
            {"id": "u#9", "split": "unlabelled", "cats": _cats(none=1.0)}]
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows))
    unlabelled = [_prepared("u#1", "The truce will not last.", None), _prepared("u#2", "Turnout was 61 per cent.", None)]
    soft = soft_labelled(unlabelled, read_teacher_labels(labels))
    assert [p.example.record["sid"] for p in soft] == ["u#1"]
    gold = _prepared("t#1", "The reform was a failure.", "evaluation")
    assert write_docbin([gold, *soft], "rules", tmp_path / "train.spacy") == 2
    import spacy

    docs = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(spacy.blank("en").vocab))
    assert docs[0].cats == _cats(evaluation=1.0)
    assert docs[1].cats == _cats(none=0.25, prediction=0.75)
    assert docs[1].text == "The truce will not last.\nxxruleevaluation xxrulescore0 xxhedge"


def test_teacher_labels_must_be_distributions(tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"id": "u#1", "split": "dev", "cats": {"none": 0.5, "prediction": 0.2}}) + "\n")
    with pytest.raises(ValueError, match="u#1: cats must be a distribution"):
        read_teacher_labels(labels)


def test_decide_gates_on_rule_candidates_and_takes_the_type_from_type_cats():
    prepared = [_prepared("d#1", "The plan failed.", "evaluation"),
                _prepared("d#2", "The summit opened.", "none", rule_type=None),
                _prepared("d#3", "Prices may rise.", "prediction")]
    model = [_cats(none=0.2, evaluation=0.5, prediction=0.3), _cats(none=0.1, causal=0.9), _cats(none=0.6, prediction=0.4)]
    teacher = [_cats(none=0.1, prediction=0.9), _cats(none=1.0), _cats(none=0.2, prediction=0.8)]
    assert [(p.claim, p.type, p.hedged) for p in decide(prepared, model)] == [
        (True, "evaluation", True), (False, None, True), (False, None, True)]
    assert [p.type for p in decide(prepared, model, type_cats=teacher)] == ["prediction", None, None]
    mixed = [average(a, b) for a, b in zip(teacher, model)]
    assert mixed[2]["none"] == pytest.approx(0.4)
    assert [(p.claim, p.type) for p in decide(prepared, mixed)] == [(True, "prediction"), (False, None), (True, "prediction")]


def test_the_distilled_experiment_is_the_shipped_architecture_in_its_own_folder():
    exp = distilled_experiment(40000)
    assert (exp.name, exp.config, exp.variant, exp.tag) == ("BOW distilled from MiniLM on 40,000 sentences", "bow", "rules", "distilled")


def test_spacy_textcat_trains_on_the_teachers_soft_labels(tmp_path):
    """Distillation: the exclusive textcat trains on probabilities (spaCy's own check would refuse them
    outside ``soft_targets``), and a sentence the teacher calls a likely prediction is learnt as one."""
    import spacy

    from pipeline.training.claims_model import CONFIGS, best_type, claim_probability, soft_targets, train_variant

    gold = [_prepared(f"g#{i}", text, label, rule_type=None) for i, (text, label) in enumerate([
        ("The reform was a failure.", "evaluation"), ("The summit was a success.", "evaluation"),
        ("The ministers met in Oslo in May.", "none"), ("Turnout was 61 per cent.", "none")])]
    soft = [Prepared(p.example, p.features, None, _cats(none=0.1, prediction=0.8, evaluation=0.1)) for p in [
        _prepared(f"u#{i}", text, None, rule_type=None) for i, text in enumerate(
            ["The truce will collapse by spring.", "Exports will collapse next year.", "The pact will collapse."])]]
    overrides = {"training.max_steps": 60, "training.eval_frequency": 20}
    model = spacy.load(train_variant(CONFIGS["bow"], gold + soft * 3, gold, "rules", tmp_path, overrides=overrides))
    cats = model("The coalition will collapse\nxxrulenone xxrulescore0 xxhedge").cats
    assert claim_probability(cats) > 0.5 and best_type(cats) == "prediction"
    from spacy.pipeline.textcat import TextCategorizer

    assert TextCategorizer._validate_categories.__qualname__ == "TextCategorizer._validate_categories"  # restored
    with pytest.raises(ValueError, match="E851"):  # spaCy's own check: 0 / 1 only
        TextCategorizer._validate_categories(None, [_bad_example()])
    with soft_targets(), pytest.raises(ValueError, match="soft cats must be a distribution"):
        TextCategorizer._validate_categories(None, [_bad_example()])


def _bad_example():
    import spacy
    from spacy.training import Example as SpacyExample

    nlp = spacy.blank("en")
    doc = nlp("x")
    ref = nlp("x")
    ref.cats = {"none": 0.7, "prediction": 0.7}
    return SpacyExample(doc, ref)

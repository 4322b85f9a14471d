"""`make test` scores the default pipeline on corpus/ against the hand-written gold in tests/gold.

The floors below are the measured scores minus a small margin: a change that makes extraction
worse on the gold fails here. The numbers themselves are reported by `claims eval` (see README).
"""
from __future__ import annotations

import pytest

from pipeline.evaluate import evaluate_dirs, format_table
from pipeline.run import run_corpus

from .conftest import PROJECT_ROOT

GOLD = PROJECT_ROOT / "tests" / "gold"

# kind -> {metric path: floor}
FLOORS = {
    "sentences": {"exact.f1": 0.97, "boilerplate_accuracy": 0.97},
    "entities": {"exact_label.f1": 0.95, "places_merged.f1": 0.95, "canonical_accuracy": 0.95},
    "dates": {"overlap.f1": 0.9, "value_accuracy": 0.9},
    "figures": {"overlap.f1": 0.95, "value_unit.f1": 0.93, "qualifier_accuracy": 0.93},
    # The claim rules were tuned on this gold (in-sample for them); the shipped classifier was trained
    # on annotated commentary and is measured held out in the README. On this gold it trades type
    # accuracy (rules 0.66 in-sample, classifier 0.60) for precision (0.91).
    "claims": {"overlap.precision": 0.8, "overlap.f1": 0.78, "type_accuracy": 0.55, "hedged_accuracy": 0.82, "speaker_accuracy": 0.85},
}


def test_claims_beat_the_every_sentence_baseline(scores):
    ours, base = scores["claims"], scores["claims_baseline"]
    assert ours["overlap"]["precision"] > base["overlap"]["precision"] + 0.05
    for field in ("type_accuracy", "hedged_accuracy", "certainty_accuracy", "speaker_accuracy"):
        assert ours[field] > base[field], field


def test_figures_produce_no_name_part_numbers(scores):
    assert scores["figures"]["name_part_false_positives"] == 0


@pytest.fixture(scope="module")
def scores(tmp_path_factory, default_nlp):
    out = tmp_path_factory.mktemp("gold-run")
    run_corpus([str(PROJECT_ROOT / "corpus")], out, nlp=default_nlp)
    result = evaluate_dirs(out, GOLD)
    print(format_table(result))
    return result


def _get(d: dict, path: str):
    for part in path.split("."):
        d = d[part]
    return d


@pytest.mark.parametrize("kind, metric, floor", [(k, m, f) for k, ms in FLOORS.items() for m, f in ms.items()])
def test_gold_scores_stay_above_floor(scores, kind, metric, floor):
    assert _get(scores[kind], metric) >= floor, format_table(scores)


def test_gold_covers_every_corpus_document(scores):
    assert scores["documents"] == [
        "eu-gas-sanctions", "gulf-hormuz-shipping", "gulf-saudi-iran-detente", "japan-russia-islands",
        "kashmir-tension", "nato-eastern-flank", "south-china-sea-incidents",
    ]

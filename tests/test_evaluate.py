"""The evaluation harness: matching, P/R/F1 and field accuracies on hand-made records."""
from __future__ import annotations

import pytest

from pipeline.evaluate import evaluate_records, match_spans, prf


def rec(doc, start, end, **fields):
    return {"doc_id": doc, "start_char": start, "end_char": end, "text": "x" * (end - start), **fields}


def test_match_spans_is_one_to_one_by_largest_overlap():
    gold = [rec("d", 0, 10), rec("d", 12, 20)]
    pred = [rec("d", 5, 15), rec("d", 0, 9), rec("e", 0, 10)]
    pairs = match_spans(pred, gold)
    assert [(p["start_char"], g["start_char"]) for p, g in pairs] == [(0, 0), (5, 12)]


def test_prf():
    assert prf(3, 4, 6) == {"precision": 0.75, "recall": 0.5, "f1": 0.6, "tp": 3, "n_pred": 4, "n_gold": 6}


def test_scores_per_kind():
    gold = {
        "dates": [rec("d", 0, 8, type="date", value="2016-12"), rec("d", 20, 24, type="date", value="1956")],
        "figures": [rec("d", 30, 33, value=78, unit="percent", kind="percent", qualifier=None),
                    rec("d", 40, 42, negative=True)],
        "claims": [rec("d", 0, 25, type="prediction", hedged=True, certainty="medium", speaker="author"),
                   rec("d", 26, 50, type="evaluation", hedged=False, certainty="high", speaker="Alexander Panov")],
    }
    pred = {
        "dates": [rec("d", 0, 8, type="date", value="2016-12"), rec("d", 20, 24, type="date", value="1957"), rec("x", 0, 1)],
        "figures": [rec("d", 30, 33, value=78.0, unit="percent", kind="percent", qualifier=None), rec("d", 40, 42, value=7)],
        "claims": [rec("d", 0, 25, type="prediction", hedged=False, certainty="high", speaker="author"),
                   rec("d", 26, 50, type="evaluation", hedged=False, certainty="high", speaker="Panov")],
        "sentences": [rec("d", 0, 25, boilerplate=None), rec("d", 26, 50, boilerplate=None), rec("d", 51, 60, boilerplate="byline")],
    }
    s = evaluate_records(pred, gold)
    assert s["dates"]["overlap"]["f1"] == 1.0 and s["dates"]["value_accuracy"] == 0.5
    assert s["figures"]["overlap"]["precision"] == 0.5 and s["figures"]["value_accuracy"] == 1.0
    assert s["figures"]["name_part_false_positives"] == 1
    assert s["claims"]["type_accuracy"] == 1.0 and s["claims"]["hedged_accuracy"] == 0.5
    assert s["claims"]["speaker_accuracy"] == 1.0  # "Panov" names "Alexander Panov"
    baseline = s["claims_baseline"]
    assert baseline["overlap"]["n_pred"] == 2 and baseline["type_accuracy"] == 0.5 and baseline["speaker_accuracy"] == 0.5

"""The learned claim classifier at run time: loading, calibration, and what it decides over the
rule candidates in the default pipeline (texts invented for the tests)."""
from __future__ import annotations

import json

import pytest

from pipeline.extensions import SPANS_CLAIMS
from pipeline.stages.claims.model import PACKAGED_MODEL, ClaimModelError, calibrated, load_claim_model

TEXT = (
    "The ministers met in Oslo in May. "
    "Will the alliance wait for Washington? "
    "The sanctions will fail to change the Kremlin's course. "
    "Brussels must diversify its gas supplies before winter. "
    "Turnout was 61 per cent."
)


def test_the_packaged_model_loads_with_its_dev_calibration():
    model = load_claim_model()
    meta = json.loads((PACKAGED_MODEL / "claims_meta.json").read_text())
    assert model.variant == meta["variant"] == "rules"
    assert model.min_score == meta["min_score"] and 0 < model.min_score < 1
    assert model.platt == tuple(meta["platt"])
    assert model.nlp.pipe_names == ["textcat"]
    assert sorted(model.nlp.get_pipe("textcat").labels) == sorted(meta["labels"])


def test_calibration_is_monotonic_and_bounded():
    platt = (1.2, -0.2)
    scores = [calibrated(p / 10, platt) for p in range(11)]
    assert scores == sorted(scores) and 0 < scores[0] < scores[-1] < 1


def test_a_folder_without_a_model_is_one_clear_error(tmp_path):
    with pytest.raises(ClaimModelError, match="no claim model here"):
        load_claim_model(tmp_path)


@pytest.fixture(scope="module")
def doc(default_nlp):
    return default_nlp(TEXT)


def test_non_claims_are_left_out(doc):
    texts = [s.text for s in doc.spans[SPANS_CLAIMS]]
    assert "The ministers met in Oslo in May." not in texts
    assert "Will the alliance wait for Washington?" not in texts
    assert "Turnout was 61 per cent." not in texts


def test_claims_are_typed_and_scored_by_the_model(doc, default_nlp):
    threshold = default_nlp.get_pipe("claims").threshold
    claims = {s.text: s for s in doc.spans[SPANS_CLAIMS]}
    assert claims["The sanctions will fail to change the Kremlin's course."].label_ == "prediction"
    assert claims["Brussels must diversify its gas supplies before winter."].label_ == "recommendation"
    for span in claims.values():
        assert span._.claim["type"] == span.label_
        assert threshold <= span._.claim["score"] <= 1
        assert doc.text[span.start_char:span.end_char] == span.text

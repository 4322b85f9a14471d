"""The classifier's input: marker words for the rules' findings and the sentence's place on the page."""
from __future__ import annotations

from pipeline.stages.claims.unit_features import UnitFeatures, features_by_sentence, markers, unit_text

TEXT = "Title line\n\nThe plan will fail. \u201cIt is doomed,\u201d she said.\n\nThe ministers met in May."
SENTENCES = [(0, 10), (12, 31), (32, 57), (59, 84)]
PARAGRAPHS = [(0, 10), (12, 57), (59, 84)]


def test_features_read_the_best_candidate_and_the_page():
    candidates = [
        (12, 31, {"type": "prediction", "raw_score": 0.8, "score": 0.7, "hedged": False, "speaker": "author", "quote": None}),
        (32, 57, {"type": "evaluation", "raw_score": 0.6, "score": 0.5, "hedged": True, "speaker": "she", "quote": "direct"}),
    ]
    feats = features_by_sentence(TEXT, SENTENCES, PARAGRAPHS, [(0, 10, "title")], candidates)
    assert feats[(0, 10)] == UnitFeatures(boilerplate="title", first_in_paragraph=True, paragraph_index=0)
    assert feats[(12, 31)] == UnitFeatures(rule_type="prediction", rule_score=0.8, first_in_paragraph=True, paragraph_index=1)
    assert feats[(32, 57)] == UnitFeatures(
        rule_type="evaluation", rule_score=0.6, hedged=True, attributed=True, quote="direct", paragraph_index=1,
        prev_rule_type="prediction", speaker="she")
    assert feats[(59, 84)] == UnitFeatures(first_in_paragraph=True, paragraph_index=2, prev_rule_type="evaluation", prev_quoted=True)


def test_markers_per_variant():
    feats = UnitFeatures(rule_type="evaluation", rule_score=0.6, hedged=True, attributed=True, quote="direct",
                         boilerplate="author_bio", first_in_paragraph=True, paragraph_index=5, prev_rule_type=None)
    assert markers(feats, "text") == []
    assert markers(feats, "rules") == ["xxruleevaluation", "xxrulescore3", "xxhedge", "xxattributed", "xxquotedirect"]
    assert markers(feats, "context")[5:] == ["xxpageauthorbio", "xxparafirst", "xxpara3", "xxprevnone"]
    assert unit_text("It is doomed.", UnitFeatures(), "rules") == "It is doomed.\nxxrulenone xxrulescore0"
    assert unit_text("It is doomed.", UnitFeatures(), "text") == "It is doomed."

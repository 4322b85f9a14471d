"""Hedging: certainty from hedge and booster cues."""
from __future__ import annotations

from pipeline.stages.claims.cues import Cue
from pipeline.stages.claims.hedging import normalize_certainty
from pipeline.stages.claims.rules import CueRow


def test_normalize_certainty_takes_lowest_hedge():
    def cue(family, certainty, polarity="pos"):
        return Cue(0, 1, 0, 1, CueRow("modality", "x", 1.0, frozenset(), family, certainty, polarity))

    assert normalize_certainty([]) == (False, "high", False)
    assert normalize_certainty([cue("booster", "high")]) == (False, "high", False)
    assert normalize_certainty([cue("adverb", "medium"), cue("modal", "low")]) == (True, "low", False)
    assert normalize_certainty([cue("adjective", "medium", "neg")]) == (True, "medium", True)

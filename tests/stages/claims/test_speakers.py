"""Speakers: the speaker a noun phrase names."""
from __future__ import annotations

import pytest

from pipeline.stages.claims.speakers import normalize_speaker

from .helpers import claims_pipeline


@pytest.fixture(scope="module")
def nlp():
    return claims_pipeline()


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("current Russian media sources", "Russian media sources"),
        ("former Russian Ambassador to Japan Alexander Panov", "Alexander Panov"),
        ("a 2016 poll by the Levada Center", "Levada Center"),
        ("the Kremlin's", "Kremlin"),
        ("Russian Economic Development Minister Alexei Ulyukayev", "Alexei Ulyukayev"),
        ("many Western analysts", "Western analysts"),
    ],
)
def test_normalize_speaker(nlp, phrase, expected):
    doc = nlp.make_doc(phrase)
    text, start, end = normalize_speaker(list(doc), nlp.get_pipe("claims_claims").rules)
    assert text == expected
    assert phrase[start:end] == expected

"""Figures stage, normalizing without a Doc: numbers, money, nouns, sources."""
from __future__ import annotations

import pytest

from pipeline.stages import figures as F


def test_parse_number():
    assert F.parse_number("two and a half million") == 2_500_000
    assert F.parse_number("22.5bn") == 22_500_000_000
    assert F.parse_number("3,000") == 3000
    assert F.parse_number("a quarter") == 0.25
    assert F.parse_number("zero") == 0
    assert F.parse_number("twenty-five") == 25
    assert F.parse_number("three hundred and fifty thousand") == 350_000
    assert F.parse_number("half a million") == 500_000
    assert F.parse_number("a dozen") == 12
    assert F.parse_number("1.2 million") == 1_200_000
    assert F.parse_number("two-thirds") == pytest.approx(2 / 3)
    assert F.parse_number("Framework") is None
    assert F.parse_number("2.0.1") is None


def test_normalize_money_and_singularize():
    assert F.normalize_money("US$ 200 million") == {"value": 200_000_000, "currency": "USD", "scale": 1_000_000}
    assert F.normalize_money("£3tn") == {"value": 3_000_000_000_000, "currency": "GBP", "scale": 1_000_000_000_000}
    assert F.normalize_money("22 billion kronor") == {"value": 22_000_000_000, "currency": "SEK", "scale": 1_000_000_000}
    assert F.normalize_money("410 nuclear weapons") is None
    assert F.singularize("weapons") == "weapon"
    assert F.singularize("countries") == "country"
    assert F.singularize("crises") == "crisis"
    assert F.singularize("churches") == "church"
    assert F.singularize("UASs") == "UAS"
    assert F.normalize_source("a 2016 poll by the Levada Center") == ("Levada Center poll, 2016", True)

"""Compiled rules: interpolation of the calibration table, the word sets read from the tables."""
from __future__ import annotations

import pytest

from pipeline.stages.claims.resources import load_tables
from pipeline.stages.claims.rules import WordSets, interpolate


def test_interpolate():
    points = [(0.0, 0.1), (0.5, 0.5), (1.0, 0.9)]
    assert interpolate(points, 0.25) == pytest.approx(0.3)
    assert interpolate(points, -1) == 0.1 and interpolate(points, 2) == 0.9


def test_word_sets_read_from_the_tables():
    words = WordSets.from_tables(load_tables())
    assert {"the", "political", "military"} <= words.det_like  # "the will of", "military might"
    assert {"said", "argues"} <= words.inverted_verb and "n’t" in words.subject_skip
    assert {",", "-", "of"} <= words.imperative_next
    assert words.demonym_re.match("Chinese") and words.demonym_re.match("German") and not words.demonym_re.match("Germany")
    assert words.number_re.match("forty") and words.number_re.match("$5") and not words.number_re.match("fortress")
    assert words.conclusion_re.match("Public opinion therefore constrains the Kremlin.")
    assert words.evidence_next == tuple(sorted(words.evidence_next, key=len, reverse=True))


def test_word_sets_keep_the_case_of_context_words_only():
    tables = load_tables()
    words = WordSets.from_tables(tables)
    assert "German" not in words.det_like and not words.demonym_re.match("german")
    assert all(w == w.lower() for w in words.title | words.np_boundary | words.quantity)

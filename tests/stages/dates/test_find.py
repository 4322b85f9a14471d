"""Dates stage: finding candidates and dates (pure: nothing written to the Doc)."""
from __future__ import annotations

import pytest

from pipeline.stages.dates.find import find_candidates, find_dates
from tests.stages.dates.helpers import dates_nlp


@pytest.fixture(scope="module")
def nlp():
    return dates_nlp()


def test_find_dates_is_pure_and_labels_rules(nlp):
    doc = nlp.make_doc("Talks began in October 1993 and lasted two years.")
    doc[0].is_sent_start = True
    spans = find_dates(doc)
    assert [(s.text, s.label_) for s in spans] == [("October 1993", "month_year"), ("two years", "duration")]
    assert "dates" not in doc.spans


def test_find_candidates_on_plain_text():
    text = "Resolution 2231 passed in 2015; the deal lasted three years, until May 2018."
    got = [(text[c.start:c.end], c.rule) for c in find_candidates(text)]
    assert got == [("2015", "year"), ("three years", "duration"), ("May 2018", "month_year")]

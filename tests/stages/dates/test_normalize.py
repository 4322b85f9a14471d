"""Dates stage: ``normalize_date``, a pure function of phrase, anchor, tense and reference."""
from __future__ import annotations

import pytest

from pipeline.stages.dates.grammar import default_grammar
from pipeline.stages.dates.normalize import normalize_date
from pipeline.stages.dates.phrase import match_groups, normalize_groups
from pipeline.stages.dates.values import NO_ANCHOR, TYPES, Reject, parse_anchor, timex
from tests.stages.dates.helpers import sample_texts

# phrase, anchor, tense, value
NORMALIZE = [
    ("December", "2016-09", "future", "2016-12"),
    ("December", "2016-09", "past", "2015-12"),
    ("July", "2016-09", "past", "2016-07"),
    ("July", "2016-09", "future", "2017-07"),
    ("July", "2016-09", None, "2016-07"),
    ("July", "2016", "past", "2016-07"),
    ("29 December", "2025-01-10", "past", "2024-12-29"),
    ("the summer", "2016-02", "past", "2015-SU"),
    ("last December", "2016-09", None, "2015-12"),
    ("next spring", "2016-09", None, "2017-SP"),
    ("this week", "2016-09-21", None, "2016-W38"),
    ("last month", "2016-01", None, "2015-12"),
    ("three months ago", "2016-02", None, "2015-11"),
    ("the last quarter of 2022", None, None, "2022-Q4"),
    ("the 2010s", None, None, "201X"),
    ("the early 20th century", None, None, "19XX"),
    ("Monday, 7 October 2024", None, None, "2024-10-07"),
    ("7th of October 2024", None, None, "2024-10-07"),
    ("Oct. 7, 2024", None, None, "2024-10-07"),
    ("mid-October 2023", None, None, "2023-10"),
    ("2020/21", None, None, "2020/2021"),
    ("2016-09", None, None, "2016-09"),
    ("1.5 years", None, None, "P18M"),
    ("ten days", None, None, "P10D"),
    ("twenty-five years", None, None, "P25Y"),
    ("several decades", None, None, "PXDE"),
    ("every other year", None, None, "P2Y"),
    ("weekly", None, None, "P1W"),
    ("yesterday", "2016-03-01", None, "2016-02-29"),
    ("the coming months", "2016-03", None, "PXM"),
]


@pytest.mark.parametrize("text,anchor,tense,value", NORMALIZE)
def test_normalize_date(text, anchor, tense, value):
    assert normalize_date(text, anchor=anchor, tense=tense)["value"] == value


def test_normalize_date_mods_and_unknown():
    assert normalize_date("the early 20th century")["mod"] == "START"
    assert normalize_date("at least five years")["mod"] == "EQUAL_OR_MORE"
    assert normalize_date("up to ten years")["mod"] == "EQUAL_OR_LESS"
    unknown = normalize_date("the day of reckoning")
    assert unknown["value"] is None and unknown["unresolved"] == "unrecognized"
    d = normalize_date("last year")
    assert (d["value"], d["relative"], d["unresolved"]) == (None, True, NO_ANCHOR)


def test_every_pattern_row_matches_and_normalizes():
    g = default_grammar()
    for row in g.rows:
        assert row.regex.fullmatch(row.example), row.example
        d = normalize_date(row.example, anchor="2020-06-15", rule=row.rule)
        assert d["type"] in TYPES, row.example
        assert d["value"] is not None or d["unresolved"], row.example


def test_normalize_date_by_dispatch_equals_trying_every_row():
    g = default_grammar()
    texts = [r.example for r in g.rows] + sample_texts()[:1500]
    texts += ["between 2014 and 2016", "from May to June 2019", "early 2020", "mid-2025", "ſeptember 2019",
              "\u212aey 2019", "’90s", "the 1990s", "", "  2015  ", "1–3 October 2023", "late summer 2019"]
    for text in texts:
        for anchor, tense, ref in (("2020-06-15", "past", "2019"), (None, None, None), ("2016", "future", None)):
            want = None
            stripped = text.strip()
            for row in g.rows:
                m = row.regex.fullmatch(stripped)
                if not m:
                    continue
                try:
                    want = normalize_groups(row.rule, match_groups(m), g, parse_anchor(anchor), tense, ref)
                except Reject:
                    continue
                break
            if want is None:
                want = timex("date", None, unresolved="unrecognized")
            assert normalize_date(text, anchor=anchor, tense=tense, reference=ref) == want, text

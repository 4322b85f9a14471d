"""Figures stage, numbers that are not figures: codes, labels, names, years, days, times, idioms,
"one", vague spelled-out numbers, headings."""
from __future__ import annotations

from pipeline.stages.figures.filters import (
    group_ok, in_idiom, is_date_number, is_heading, is_label, looks_like_year, number_is_code, titlecase_before,
)
from pipeline.stages.figures.groups import read_group
from tests.stages.figures.helpers import at, view


def _code(text: str, number: str) -> bool:
    s = view(text)
    i = at(s, number)
    return number_is_code(s, i, i + 1, False)


def test_codes():
    assert _code("the G7 met", "7") and _code("an F-35 flew", "35") and _code("at 10:30", "10")
    assert _code("the 1990s", "1990") and _code("on 5G networks", "5") and _code("the islands.12 said", "12")
    assert not _code("15bcm of gas", "15") and not _code("it rose 5 percent", "5")


def test_labels_and_names():
    s = view("See pp. 28 and Article 5 of Nord Stream 2, Roughly 300 came.")
    assert is_label(s, at(s, "28")) and is_label(s, at(s, "5"))
    assert titlecase_before(s, at(s, "2"))
    assert not titlecase_before(view("Roughly 300 came."), 1)  # a capital because the sentence starts


def test_years_days_and_times():
    s = view("In 2016, 2000 troops came on 12 March at 5 pm, and February 16 and 17.")
    assert looks_like_year(s, read_group(s, at(s, "2016")))
    assert not looks_like_year(s, read_group(s, at(s, "2000")))  # a plural noun after it: a count
    assert is_date_number(s, read_group(s, at(s, "12")))
    assert is_date_number(s, read_group(s, at(s, "5")))
    assert is_date_number(s, read_group(s, at(s, "17")))


def test_spelled_numbers_that_are_no_figures():
    s = view("The two countries, the Five Eyes, several hundred men, one said, one in five agreed.")
    assert group_ok(s, read_group(s, at(s, "two")))  # a count after a determiner (CONVENTIONS)
    assert not group_ok(s, read_group(s, at(s, "Five")))
    assert not group_ok(s, read_group(s, at(s, "hundred")))
    assert not group_ok(s, read_group(s, at(s, "one")))
    assert group_ok(s, read_group(s, at(s, "one", 1)))


def test_idioms_and_headings():
    s = view("It was half the battle.")
    i = at(s, "half")
    assert in_idiom(s, s.toks[i].start, s.toks[i].end)
    assert is_heading("Six New Frameworks for Regional Security") and not is_heading("Six new frameworks were set.")

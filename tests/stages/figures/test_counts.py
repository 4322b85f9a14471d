"""Figures stage, counted nouns: the head of the counted noun phrase and the count it makes."""
from __future__ import annotations

from pipeline.stages.figures.counts import counted_after, find_head
from pipeline.stages.figures.figure import Fig
from pipeline.stages.figures.groups import read_group
from tests.stages.figures.helpers import at, view


def _count(text: str, number: str):
    s = view(text)
    g = read_group(s, at(s, number))
    fig = Fig(start=s.toks[g.n0].start, end=s.toks[g.n1 - 1].end, i0=g.i0, i1=g.n1, n0=g.n0, value=g.value)
    return s, counted_after(s, fig, g)


def test_counted_nouns():
    s, c = _count("Russia has 410 nuclear weapons.", "410")
    assert (c.unit, c.counted, c.end, c.head_i) == ("weapons", "nuclear weapons", at(s, "weapons") + 1, at(s, "weapons"))
    s, c = _count("Moscow may return two of the disputed islands.", "two")
    assert (c.unit, c.counted) == ("islands", "disputed islands")
    s, c = _count("a 12-member panel", "12")
    assert (c.unit, c.counted, c.end) == ("members", "panel", at(s, "member") + 1)
    s, c = _count("three of them left", "three")
    assert c.unit is None and c.end == at(s, "them") + 1
    s, c = _count("12 of its 30 tailings dams", "12")
    assert (c.unit, c.end, c.counted) == ("dams", at(s, "12") + 1, "tailings dams")


def test_find_head():
    s = view("10 more grids, 2,000 Chinese troops, 5 U.S. companies")
    assert find_head(s, at(s, "more"), plural_only=True) == at(s, "grids")
    assert find_head(s, at(s, "Chinese"), plural_only=True) == at(s, "troops")
    assert find_head(s, at(s, "U"), plural_only=True) == at(s, "companies")

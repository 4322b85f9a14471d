"""Figures stage, ranges, changes and comparisons."""
from __future__ import annotations

from pipeline.stages import figures as F
from pipeline.stages.figures.changes import ChangeFromTo, change_verb_before, range_after
from pipeline.stages.figures.groups import read_group, with_percent
from tests.stages.figures.helpers import at, view


def _range(text: str, number: str):
    s = view(text)
    g = with_percent(s, read_group(s, at(s, number)))
    return s, range_after(s, g)


def test_ranges_share_scale_and_unit():
    s, (g, r) = _range("It costs 2-3 billion and 10-15% more.", "2")
    assert r.value == [2e9, 3e9] and g.scale == 1e9
    s, (g, r) = _range("It costs 2-3 billion and 10-15% more.", "10")
    assert r.value == [10, 15] and (g.unit, r.unit) == ("percent", "percent")
    s, (g, r) = _range("The score was 3-0.", "3")
    assert r is None  # falling: a score, not a range


def test_from_to_with_a_change_verb_is_a_change():
    s, (g, r) = _range("The fleet fell from 12 to 9 ships.", "12")
    assert isinstance(r, ChangeFromTo) and r.change == "decrease" and (r.first.value, r.second.value) == (12, 9)
    assert change_verb_before(s, at(s, "fell")) == "decrease"


def test_sentence_passes():
    figs = F.scan_sentence("Exports rose by 5% to $60bn, up from $40bn, versus 2% in Japan.")
    by_text = {f.start: f for f in figs}
    five, sixty, forty, two = (by_text[k] for k in sorted(by_text))
    assert five.change == "increase" and sixty.change_to == 60e9
    assert sixty.compared is forty and (forty.change_from, forty.change_to) == (40e9, 60e9)

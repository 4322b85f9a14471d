"""Figures stage, what is glued to a number: scale, currency, percent (groups), qualifiers, units."""
from __future__ import annotations

from pipeline.stages.figures.groups import currency_before, percent_after, read_group, read_number
from pipeline.stages.figures.qualifiers import qualifier_after, qualifier_before
from pipeline.stages.figures.units import currency_after, measure_after
from tests.stages.figures.helpers import at, view


def test_read_number_digits_and_words():
    s = view("two and a half million people, 3,000 km, twenty-five")
    assert read_number(s, 0) == (2_500_000, at(s, "million") + 1, True)
    assert read_number(s, at(s, "3,000")) == (3000.0, at(s, "3,000") + 1, False)
    assert read_number(s, at(s, "twenty"))[0] == 25
    assert read_number(s, at(s, "people")) is None


def test_read_group_scale_and_metres():
    s = view("£22.5bn for 300m-high towers and 5m rounds")
    g = read_group(s, at(s, "22.5"))
    assert (g.value, g.scale, g.n1) == (22_500_000_000, 1_000_000_000, at(s, "bn") + 1)
    assert currency_before(s, at(s, "22.5")) == ("GBP", at(s, "£"))
    metres = read_group(s, at(s, "300"))
    assert (metres.value, metres.unit, metres.kind, metres.scale) == (300, "m", "quantity", None)
    million = read_group(s, at(s, "5"))
    assert (million.value, million.scale) == (5_000_000, 1_000_000)


def test_percent_after():
    s = view("15 per cent, 3 percentage points, 40 bps, 7%")
    assert percent_after(s, at(s, "per")) == ("percent", at(s, "cent") + 1)
    assert percent_after(s, at(s, "percentage")) == ("percentage_point", at(s, "points") + 1)
    assert percent_after(s, at(s, "bps")) == ("basis_point", at(s, "bps") + 1)
    assert percent_after(s, at(s, "%")) == ("percent", at(s, "%") + 1)


def test_qualifiers_before_and_after():
    s = view("more than 40 troops, 20-plus ships, 5 or more, over ten years, a dispute over four islands")
    assert qualifier_before(s, at(s, "40"), None) == ("more_than", 0)
    assert qualifier_after(s, at(s, "20") + 1) == ("more_than", at(s, "plus") + 1)
    assert qualifier_after(s, at(s, "5") + 1) == ("at_least", at(s, "more", 1) + 1)
    # "over" before a duration, and after a noun such as "dispute", is a preposition
    assert qualifier_before(s, at(s, "ten"), "year") is None
    assert qualifier_before(s, at(s, "four"), None) is None


def test_units_after_a_number():
    s = view("22 billion kronor, 50 won, 3,700 nm, six times larger, met 20 times, a 3-fold rise")
    assert currency_after(s, at(s, "kronor"), 1e9, None) == ("SEK", at(s, "kronor") + 1)
    assert currency_after(s, at(s, "won"), None, None) is None  # "won" only after a scale
    assert measure_after(s, at(s, "nm")) == ("nmi", "quantity", at(s, "nm") + 1, None, None)
    assert measure_after(s, at(s, "times")).unit == "multiplier"
    frequency = measure_after(s, at(s, "times", 1))
    assert (frequency.unit, frequency.kind, frequency.counted) == ("times", "count", "times")
    assert measure_after(s, at(s, "3") + 1).unit == "multiplier"

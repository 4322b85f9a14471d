"""Figures stage, what a figure measures, and the phrase readers it is built on."""
from __future__ import annotations

from pipeline.stages import figures as F
from pipeline.stages.figures.phrases import clause_bounds, find_verb, np_after, subject_before
from tests.stages.figures.helpers import at, view


def test_phrases():
    s = view("Russia deployed 2,000 troops, while the heavy and medium brigades of the army waited.")
    assert np_after(s, at(s, "the"))[0] == "heavy and medium brigades of the army"
    a, b = clause_bounds(s, at(s, "2,000"))
    assert (a, b) == (0, at(s, ","))
    verb = find_verb(s, a, at(s, "2,000"))
    assert verb == at(s, "deployed") and subject_before(s, verb, a) == "Russia"


def _measured(text: str) -> dict[str, str | None]:
    return {text[f.start:f.end]: f.measured for f in F.scan_sentence(text)}


def test_measured():
    assert _measured("78% of Russian respondents considered it fair.")["78%"] == "Russian respondents who considered it fair"
    assert _measured("A budget of $5bn was set.")["$5bn"] == "budget"
    assert _measured("Washington sent $10 billion in military aid.")["$10 billion"] == "military aid"
    assert _measured("The chances of a deal are zero.")["zero"] == "chances of a deal"
    assert _measured("China doubled its budget.")["doubled"] == "budget"

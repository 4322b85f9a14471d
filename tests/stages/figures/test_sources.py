"""Figures stage, sources: who says a figure, and the source phrase normalized."""
from __future__ import annotations

from pipeline.stages import figures as F


def test_normalize_source():
    assert F.normalize_source("a 2016 poll by the Levada Center") == ("Levada Center poll, 2016", True)
    assert F.normalize_source("the World Bank’s latest assessment") == ("World Bank’s assessment", False)
    assert F.normalize_source("according to the ministry") == ("ministry", False)
    assert F.normalize_source("they") == (None, False)
    state = {"year": "2016"}
    assert F.normalize_source("a survey conducted the same year by Gallup", state=state) == ("Gallup survey, 2016", True)


def _sources(text: str, state: dict | None = None) -> dict[str, str | None]:
    return {text[f.start:f.end]: f.source for f in F.scan_sentence(text, state=state)}


def test_sentence_sources():
    assert _sources("According to the IMF, growth reached 3%.")["3%"] == "IMF"
    assert _sources("Exports fell 5%, the ministry said.")["5%"] == "ministry"
    assert _sources("Turnout was 60% (Levada Center, 2016).")["60%"] == "Levada Center, 2016"
    state: dict = {}
    assert _sources("A 2016 poll by the Levada Center showed that 78% agreed.", state)["78%"] == "Levada Center poll, 2016"
    assert _sources("Another 12% disagreed.", state)["12%"] == "Levada Center poll, 2016"  # the paragraph's poll

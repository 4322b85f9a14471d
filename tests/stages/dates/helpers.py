"""Shared by the dates tests: a small pipeline (segmenter + dates) and ways to run it on a text."""
from __future__ import annotations

import random
import re

import spacy

import pipeline.registry  # noqa: F401  registers the factories
from pipeline.stages.dates.grammar import default_grammar


def dates_nlp():
    """Blank English with the segmenter and the dates stage, initialized."""
    nlp = spacy.blank("en")
    nlp.add_pipe("claims_segmenter")
    nlp.add_pipe("claims_dates")
    nlp.initialize()
    return nlp


def run(nlp, text: str, anchor: str | None = None):
    """``text`` through every pipe of ``nlp``, published on ``anchor``."""
    doc = nlp.make_doc(text)
    doc._.published = anchor
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def found(nlp, text: str, anchor: str | None = None) -> dict[str, dict]:
    """Date text -> its value, for every date found in ``text``."""
    doc = run(nlp, text, anchor)
    return {s.text: s._.date for s in doc.spans["dates"]}


def one(nlp, text: str, date_text: str, anchor: str | None = None) -> dict:
    """The value of the date ``date_text`` found in ``text`` (it must be found)."""
    dates = found(nlp, text, anchor)
    assert date_text in dates, f"{date_text!r} not in {list(dates)} for {text!r}"
    return dates[date_text]


def sample_texts() -> list[str]:
    """Every pattern example, in upper case too, and 2,000 random strings of the words the
    grammar dispatches on or continues with (plus look-alikes: "ſame", the Kelvin sign ...)."""
    g = default_grammar()
    words = set()
    for row in g.rows:
        words.update(re.findall(r"\w+|\W", row.example))
    for key, nxt in g.next_words.items():
        words.add(key)
        words.update(w for w in nxt or () if not w.startswith("<"))
    words = sorted(words) + [" ", "  ", "-", "’", "'", "1990s", "2014", ".", ",", "The", "THE", "Year",
                             "ſame", "\u212aey", "United", "the\u00a0year"]
    rnd = random.Random(7)
    texts = [row.example for row in g.rows] + [row.example.upper() + " and " + row.example for row in g.rows]
    for _ in range(2000):
        texts.append("".join(rnd.choice(words) + rnd.choice([" ", " ", "", "-", "  "]) for _ in range(10)))
    return texts

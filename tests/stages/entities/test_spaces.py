"""Odd spaces: the tokens of a twin text with plain spaces, redone only around whitespace tokens,
are the tokenizer's own."""
from __future__ import annotations

import random

import pytest
import spacy

from pipeline.stages.entities import spaces as SP


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


@pytest.mark.parametrize(
    "text",
    [
        "Institute of\u00a0World Economy",
        "\u00a0leading no-break space",
        "trailing no-break space\u00a0",
        "two\u00a0\u00a0in a row, then\u00a0 mixed \u00a0 and\u2009thin\u202fnarrow\u2007figure",
        "line\u00a0\nbreak \n\u00a0next",
        "\u00a0",
        " \u00a0 ",
        "Mr.\u00a0Abe (\u00a0U.S.\u00a0) don't\u00a0stop",
    ],
)
def test_respace_tokens_matches_the_tokenizer(blank, text):
    fixed = text.translate(SP.SPACE_FIX)
    doc = blank.make_doc(text)
    words, spaces = SP.respace_tokens([t.text for t in doc], [bool(t.whitespace_) for t in doc], fixed, blank.make_doc)
    assert list(zip(words, spaces)) == [(t.text, bool(t.whitespace_)) for t in blank.make_doc(fixed)]


def test_respace_tokens_random_whitespace(blank):
    rng = random.Random(3)
    pieces = ["a", "Bc", "U.S.", "(", ")", "'s", "-", " ", " ", "\u00a0", "\u2009", "\n", "\t"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        fixed = text.translate(SP.SPACE_FIX)
        doc = blank.make_doc(text)
        words, spaces = SP.respace_tokens([t.text for t in doc], [bool(t.whitespace_) for t in doc], fixed, blank.make_doc)
        assert list(zip(words, spaces)) == [(t.text, bool(t.whitespace_)) for t in blank.make_doc(fixed)], repr(text)

"""Quotations: marks paired per paragraph, and the lookups on a Doc's quotations."""
from __future__ import annotations

import pytest

from pipeline.stages.claims.quotes import QuoteIndex, find_quotes


@pytest.mark.parametrize(
    "text, expected",
    [
        ("‘We will act’, he said.", [("‘We will act’", True, 3)]),
        ("Abe’s ‘charm offensive’ failed.", [("‘charm offensive’", True, 2)]),
        ("“One. Two three four.\nNext", [("“One. Two three four.", False, 4)]),
        ('He said "no deal" and left.', [('"no deal"', True, 2)]),
        ("The countries’ ties are close.", []),
    ],
)
def test_find_quotes(text, expected):
    got = [(text[q.start:q.end], q.closed, q.words) for q in find_quotes(text)]
    assert got == expected


def test_quote_index_lookups_equal_a_scan():
    text = 'He said “this is it” and ‘that’ and "more here" ok.\n“Open quote runs on'
    quotes = find_quotes(text)
    index = QuoteIndex(quotes)
    assert index and len(quotes) == 4
    for a in range(len(text) + 1):
        assert index.at(a) == next((q for q in quotes if q.start <= a < q.end), None)
        for b in range(a, len(text) + 1):
            assert index.over(a, b) == any(q.start < b and q.end > a for q in quotes)
            assert index.within(a, b) == [q for q in quotes if a <= q.start < b]
    assert not QuoteIndex([])

"""Dates stage: the exact shortcuts of the detector (second-word gate, range bisection, cached
lookups) agree with the slow definitions they replace."""
from __future__ import annotations

import random
import re

import numpy as np

from pipeline.stages import dates as D


def _texts() -> list[str]:
    g = D.default_grammar()
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


def test_second_words_of_a_pattern():
    got = D.second_words(r"the\s(?P<rel>current|present)\s(?:year|month)")
    assert got == {"the": {"current", "present"}}
    assert D.second_words(r"(?:the\s)?(?P<dec>1\d\d0)s") == {"the": {D.DIGIT_KEY}}
    assert D.second_words(r"mid[\s-](?P<year>\d{4})") == {"mid": {D.DIGIT_KEY, D.after_key("-")}}
    assert D.second_words(r"today") == {"today": None}            # the pattern may end after the word
    assert D.second_words(r"the\s+year") == {"the": None}         # several spaces: no promise


def test_can_start_here_never_rejects_a_match():
    g = D.default_grammar()
    assert g.next_words["the"] is not None
    rejected = 0
    for text in _texts():
        for hi in (len(text), max(0, len(text) - 3)):
            for m in re.finditer(r"(?<![^\W\d_])[^\W\d_]", text[:hi]):
                rows = g.dispatch.get(D.word_key(text, m.start()))
                if not rows or D.can_start_here(g, text, m.start(), hi, rows):
                    continue
                rejected += 1
                assert D._joined(g, rows).match(text, m.start(), hi) is None, (text, m.start(), hi)
    assert rejected > 1000


def test_can_start_here_rejects_the_common_non_dates():
    g = D.default_grammar()
    text = "the United States and a number of allies"
    assert not D.can_start_here(g, text, 0, len(text), g.dispatch["the"])
    text = "the summer of 2019"
    assert D.can_start_here(g, text, 0, len(text), g.dispatch["the"])


def test_overlapping_equals_the_scan():
    rnd = random.Random(3)
    for _ in range(300):
        ranges = sorted((s, s + rnd.randint(0, 30)) for s in (rnd.randint(0, 200) for _ in range(rnd.randint(0, 12))))
        starts = [r[0] for r in ranges]
        reach = list(np.maximum.accumulate([r[1] for r in ranges])) if ranges else []
        lo = rnd.randint(0, 220)
        hi = lo + rnd.randint(0, 60)
        assert D.overlapping(ranges, starts, reach, lo, hi) == [r for r in ranges if r[0] < hi and lo < r[1]]


def test_hash_lookup_matches_the_function():
    strings = {i: f"w{i % 7}" for i in range(50)}
    table = D.HashLookup(lambda w: int(w[1:]) + 1)
    for batch in ([3, 4, 3], [10, 49, 0, 3], [], [7]):
        got = table.lookup(np.asarray(batch, dtype=np.uint64), strings).tolist()
        assert got == [int(strings[h][1:]) + 1 for h in batch]

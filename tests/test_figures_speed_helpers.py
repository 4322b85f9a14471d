"""Figures stage: the exact shortcuts (tokenizer offsets, sentence gate over a whole text, idiom
row selection, range bisection) agree with the definitions they replace."""
from __future__ import annotations

import random
import re

from pipeline.stages import figures as F

RULES = F.default_rules()


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    pieces = ["one", "One", "two", "half", "zero", "twice", "double", "third", "first", "largest", "in", "of",
              "the", "time", "a", "1", "3,000", ".5", "’s", "'s", "-", "–", ",", ".", " ", "  ", "\n", "\u00a0",
              "é", "²", "İ", "ſ", "Σ", "_", "x", "24", "7", "world", "war", "ii", "big", "five", "eyes"]
    return [" ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 25))) for _ in range(n)]


def _slow_tokenize(text):
    return [(m.group(), m.start(), m.end()) for m in F.TOKEN_RE.finditer(text)]


def test_tokenize_offsets_match_the_regex():
    for text in _random_texts(3000, 1) + ["22.5bn G7 F-35", "  a  b  "]:
        assert [(t.text, t.start, t.end) for t in F.tokenize(text)] == _slow_tokenize(text)


def test_ascii_words_equal_the_regex_runs():
    for text in _random_texts(2000, 2):
        assert F.ascii_words(text) == {w.encode() for w in re.findall(r"[a-z]+", text.lower())}


def test_gate_ranges_equals_the_gate_per_sentence():
    rnd = random.Random(4)
    for text in _random_texts(1000, 3) + ["Only one in five said so. The third-largest economy. No number here."]:
        ranges = []
        for _ in range(4):
            a = rnd.randint(0, len(text))
            ranges.append((a, rnd.randint(a, len(text))))
        assert F.gate_ranges(RULES, text, ranges) == [RULES.gate(text[a:b]) for a, b in ranges]


def test_required_strings():
    assert F.required_strings(r"\b(?:think|thought) twice\b") == {"think twice", "thought twice"}
    assert F.required_strings(r"\bone day\b") == {"one day"}
    assert F.required_strings(r"[a-z]+") is None


def test_idiom_regex_for_finds_the_same_matches():
    rnd = random.Random(5)
    for text in _random_texts(3000, 6) + ["It was half the battle, one by one, at one point."]:
        a = rnd.randint(0, len(text))
        b = rnd.randint(a, len(text))
        pattern = F.idiom_regex_for(RULES, text[a:b])
        got = [m.span() for m in pattern.finditer(text, a, b)] if pattern is not None else []
        assert got == [m.span() for m in RULES.idiom_re.finditer(text, a, b)]


def test_range_index_equals_local():
    rnd = random.Random(8)
    for _ in range(300):
        ranges = sorted((s, s + rnd.randint(0, 30)) for s in (rnd.randint(0, 200) for _ in range(rnd.randint(0, 12))))
        index = F._RangeIndex(ranges)
        start = rnd.randint(0, 220)
        end = start + rnd.randint(0, 60)
        assert index.local(start, end) == F._local(ranges, start, end)

"""Random test texts shared by the figures tests (built from pieces that trip the shortcuts)."""
from __future__ import annotations

import random


def random_texts(n: int, seed: int) -> list[str]:
    """``n`` random strings of number words, digits, quotes, dashes, odd spaces and letters that fold case."""
    rnd = random.Random(seed)
    pieces = ["one", "One", "two", "half", "zero", "twice", "double", "third", "first", "largest", "in", "of",
              "the", "time", "a", "1", "3,000", ".5", "’s", "'s", "-", "–", ",", ".", " ", "  ", "\n", "\u00a0",
              "é", "²", "İ", "ſ", "Σ", "_", "x", "24", "7", "world", "war", "ii", "big", "five", "eyes"]
    return [" ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 25))) for _ in range(n)]

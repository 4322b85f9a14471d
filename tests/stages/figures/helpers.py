"""Small helpers of the figures unit tests: a sentence view and token positions by text."""
from __future__ import annotations

from pipeline.stages import figures as F
from pipeline.stages.figures.sentence import Sentence


def view(text: str, blocked=(), dates=()) -> Sentence:
    """The sentence view of ``text`` with the packaged rules."""
    return Sentence.of(text, F.default_rules(), blocked, dates)


def at(s: Sentence, token: str, nth: int = 0) -> int:
    """Index of the ``nth`` light token whose text is ``token``."""
    return [i for i, t in enumerate(s.toks) if t.text == token][nth]

"""Frames: discontinuous cues ("the chances of ... are zero", "it remains to be seen") found by
the regexes of ``frames.tsv`` in one unit of text. Pure."""
from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from .cues import Cue
from .rules import ClaimRules


def find_frame_cues(doc: Doc, text_start: int, text: str, token_start: int, token_end: int, rules: ClaimRules, *, low: str | None = None, plan: Sequence | None = None) -> list[Cue]:
    """Regex-based discontinuous cues in one unit of text (gated by each frame's trigger).
    ``low``: ``text.lower()`` when the caller has it; ``plan``: the frames to try (a subset of
    ``rules.frame_plan()`` in its order, see :meth:`ClaimRules.frames_for`), by default all of them."""
    if plan is None:
        plan = rules.frame_plan()
    if not plan:
        return []
    if low is None:
        low = text.lower()
    out: list[Cue] = []
    for frame, search, triggers, single, required in plan:
        if frame.anchored:
            m = search(text)
            if not m or (triggers and not any(t in low for t in triggers)):
                continue
        elif single is not None:
            if single not in low or (required and not all(r in low for r in required)):
                continue  # (the regex cannot match without its required words)
            m = search(text)
            if not m:
                continue
        else:
            if (triggers and not any(t in low for t in triggers)) or (required and not all(r in low for r in required)):
                continue
            m = search(text)
            if not m:
                continue
        cue = _frame_cue(doc, m, frame, text_start, text, token_start, token_end)
        if cue is not None:
            out.append(cue)
    return out


def _frame_cue(doc: Doc, m, frame, text_start: int, text: str, token_start: int, token_end: int) -> Cue | None:
    """The cue of a frame match: its "cue" group (else the whole match) without surrounding
    whitespace and punctuation, on whole tokens of the unit."""
    s, e = m.span("cue") if "cue" in frame.regex.groupindex else m.span()
    while s < e and not text[s].isalnum():
        s += 1
    while e > s and not text[e - 1].isalnum():
        e -= 1
    if s >= e:
        return None
    span = doc.char_span(text_start + s, text_start + e, alignment_mode="expand")
    if span is None:
        return None
    return Cue(max(span.start, token_start), min(span.end, token_end), text_start + s, text_start + e, frame.row)

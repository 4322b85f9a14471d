"""Lines and paragraphs of an article's text (pure functions over strings)."""
from __future__ import annotations

import re

_TERMINAL = re.compile(r"[.!?:;\"”’)\]]\s*$")
_CONTINUATION_START = re.compile(r"^[a-z0-9(\[]")
_MD_BLOCK_START = re.compile(r"^(#{1,6}\s|[-*+]\s|\d+[.)]\s|>\s?)")


def find_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of the lines of ``text``: the maximal runs of characters other than
    ``\\r`` and ``\\n`` (the matches of ``[^\\r\\n]+``; ``str.split`` in C instead of a regex that
    steps through every character)."""
    ranges = []
    pos = 0
    for line in (text.replace("\r", "\n") if "\r" in text else text).split("\n"):
        if line:
            ranges.append((pos, pos + len(line)))
        pos += len(line) + 1
    return ranges


def find_paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of paragraphs, whitespace-trimmed.

    A paragraph is a line, or several lines of one blank-line block joined when they look like a
    hard-wrapped paragraph (the earlier line has no terminal punctuation and the next starts in
    lower case). Short label lines stacked without blank lines ("Äldre forskare" / a name) stay
    separate paragraphs.
    """
    paragraphs: list[tuple[int, int]] = []
    prev_end_in_text = -1
    for line_start, line_end in find_lines(text):
        raw = text[line_start:line_end]
        stripped = raw.strip()
        if not stripped:
            continue
        start = line_start + (len(raw) - len(raw.lstrip()))
        end = start + len(stripped)
        gap = text[prev_end_in_text:line_start] if prev_end_in_text >= 0 else ""
        same_block = prev_end_in_text >= 0 and gap.count("\n") <= 1 and not gap.strip()
        if (  # (cheapest tests first: the terminal test searches the whole previous paragraph)
            paragraphs
            and same_block
            and _CONTINUATION_START.match(stripped)
            and not _MD_BLOCK_START.match(stripped)
            and not _TERMINAL.search(text[paragraphs[-1][0]:paragraphs[-1][1]])
        ):
            paragraphs[-1] = (paragraphs[-1][0], end)
        else:
            paragraphs.append((start, end))
        prev_end_in_text = line_end
    return paragraphs

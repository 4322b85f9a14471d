"""The joined alternations of the pattern rows: one compiled regex per set of rows that share a
first word, each row a named group, so one call into the regex engine tries them all in priority
order (a row's own regex is compiled only when needed)."""
from __future__ import annotations

import re

from ...regex_structure import char_key
from .compiled import LEFT_GUARD, RIGHT_GUARD, Grammar

_GROUP = re.compile(r"\(\?P<([a-z][a-z0-9]*)>")
_BACKREF = re.compile(r"\(\?P=([a-z][a-z0-9]*)\)")


def word_key(text: str, pos: int) -> str:
    """Dispatch key of the word starting at ``text[pos]`` (see :func:`pipeline.regex_structure.first_keys`)."""
    ch = text[pos]
    if not ch.isalpha():
        return char_key(ch)
    end = pos + 1
    n = len(text)
    while end < n and text[end].isalpha():
        end += 1
    return text[pos:end].lower()


_JOINED: dict[tuple[int, tuple[int, ...]], tuple[re.Pattern, list[tuple[tuple[str, ...], tuple[int, ...]]]]] = {}


def joined(g: Grammar, rows: tuple[int, ...]) -> re.Pattern:
    """One alternation of the given rows, in order (group ``j<k>`` = the k-th row), cached."""
    return joined_groups(g, rows)[0]


def joined_groups(g: Grammar, rows: tuple[int, ...]) -> tuple[re.Pattern, list[tuple[tuple[str, ...], tuple[int, ...]]]]:
    """:func:`joined`, and per row k the names (without the ``j<k>_`` prefix) and numbers of its
    groups, in ``groupdict()`` order.

    The left guard is written once, before the alternation: a lookbehind at the match position
    says the same for every row, and the engine would otherwise evaluate it once per row."""
    key = (id(g), rows)
    got = _JOINED.get(key)
    if got is None:
        parts = []
        for k, i in enumerate(rows):
            src = g.rows[i].source
            src = _BACKREF.sub(lambda mt: f"(?P=j{k}_{mt.group(1)})", _GROUP.sub(lambda mt: f"(?P<j{k}_{mt.group(1)}>", src))
            parts.append(f"(?P<j{k}>(?:{src}){RIGHT_GUARD})")
        pattern = re.compile(LEFT_GUARD + "(?:" + "|".join(parts) + ")", re.IGNORECASE)
        row_groups = []
        for k in range(len(rows)):
            prefix = f"j{k}_"
            own = [(name[len(prefix):], number) for name, number in pattern.groupindex.items() if name.startswith(prefix)]
            row_groups.append((tuple(n for n, _ in own), tuple(i for _, i in own)))
        got = _JOINED[key] = (pattern, row_groups)
    return got


def winner_groups(m: re.Match, row_groups: list[tuple[tuple[str, ...], tuple[int, ...]]]) -> tuple[int, dict[str, str]]:
    """The row (its position k in the alternation) that won a match of :func:`joined_groups`, and
    only its groups that took part (a ``groupdict()`` of the whole alternation reads every row's)."""
    k = int(m.lastgroup[1:])
    names, numbers = row_groups[k]
    return k, {name: v for name, v in zip(names, m.group(0, *numbers)[1:]) if v is not None}


def forget_joined(g: Grammar) -> None:
    """Drop the cached alternations of ``g`` (a grammar whose rows are being rebuilt)."""
    for key in [k for k in _JOINED if k[0] == id(g)]:
        del _JOINED[key]

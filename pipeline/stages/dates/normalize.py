"""``normalize_date``: the TIMEX3-style value of a date phrase, a pure function of the phrase, the
anchor, the tense of its sentence and the last date mentioned before it. The rules themselves
are in ``normalize_calendar``, ``normalize_relative`` and ``normalize_spans``."""
from __future__ import annotations

from functools import lru_cache

from .compiled import Grammar
from .grammar import default_grammar
from .phrase import normalize_groups, normalize_phrase
from .values import parse_anchor


def normalize_date(
    text: str,
    *,
    anchor: str | None = None,
    tense: str | None = None,
    reference: str | None = None,
    rule: str | None = None,
    grammar: Grammar | None = None,
) -> dict:
    """TIMEX3-style value of a date phrase.

    ``anchor``: the publication date ("YYYY", "YYYY-MM", "YYYY-MM-DD") that relative phrases
    are resolved against; ``tense``: "past" | "present" | "future" | None, deciding whether a
    month without a year lies before or after the anchor; ``reference``: the value of the last
    date mentioned before the phrase (for "that year", "two years later"); ``rule``: the
    pattern rule that detected it (else the first pattern that matches the whole phrase).
    Returns ``{"type", "value", "mod", "relative", "anchor", "begin", "end", "unresolved"}``;
    an unrecognized phrase gives ``value`` None and ``unresolved`` = "unrecognized".
    """
    return normalize_phrase(text, grammar or default_grammar(), anchor, tense, reference, rule)


@lru_cache(maxsize=65536)
def normalize_cached(rule: str, groups: tuple, anchor: str | None, tense: str | None,
                     reference: str | None) -> dict:
    """:func:`.phrase.normalize_groups` with the packaged grammar, cached (the same dates recur
    across documents). The value is shared: copy it before changing it."""
    return normalize_groups(rule, dict(groups), default_grammar(), parse_anchor(anchor), tense, reference)

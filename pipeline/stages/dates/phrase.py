"""The value of a whole phrase: the first pattern row (in priority order) that matches it and whose
normalizer accepts it. The normalizers are reached through ``grammar.rules`` (rule name ->
function), so the rule modules can normalize a part of their phrase ("the end of <x>", the two
sides of a range) without importing the grammar that imports them."""
from __future__ import annotations

import re
from collections.abc import Iterable

from .compiled import Grammar, Row
from .rows import joined_groups, winner_groups, word_key
from .values import Anchor, Reject, Unresolved, parse_anchor, timex

# Rules whose meaning depends on the words around them: normalize_date() without ``rule=``
# never picks them (the pure function sees the phrase only).
CONTEXT_ONLY_RULES: frozenset[str] = frozenset()
RULE_TYPES = {
    "range": "date", "range_days": "date", "range_short": "date", "duration": "duration",
    "vague_duration": "duration", "set": "set", "time": "time", "rate": "set", "duration_range": "duration",
}


def normalize_phrase(text: str, g: Grammar, anchor: str | None = None, tense: str | None = None,
                     reference: str | None = None, rule: str | None = None) -> dict:
    """:func:`pipeline.stages.dates.normalize_date` with the grammar given."""
    text = text.strip()
    if not rule and g.exact_dispatch and text and (not text[0].isalpha() or word_key(text, 0).isascii()):
        return _normalize_dispatched(text, g, anchor, tense, reference)
    rows = (g.rows[i] for i in g.row_of_rule.get(rule, ())) if rule else (
        r for r in g.rows if r.rule not in CONTEXT_ONLY_RULES)
    return first_normalized(rows, text, g, anchor, tense, reference)


def first_normalized(rows: Iterable[Row], text: str, g: Grammar, anchor: str | None, tense: str | None,
                     reference: str | None) -> dict:
    """The value of the first of ``rows`` that matches the whole phrase and normalizes (else unrecognized)."""
    for row in rows:
        m = row.regex.fullmatch(text)
        if not m:
            continue
        try:
            return normalize_groups(row.rule, match_groups(m), g, parse_anchor(anchor), tense, reference)
        except Reject:
            continue
    return timex("date", None, unresolved="unrecognized")


def _normalize_dispatched(text: str, g: Grammar, anchor: str | None, tense: str | None,
                          reference: str | None) -> dict:
    """:func:`normalize_phrase` without ``rule``: the same first row (in priority order) that
    matches the whole phrase and normalizes, looked for among the rows of the phrase's first
    word only (no other row can match it: :func:`.grammar.exact_dispatch`), in one call of their
    joined alternation; the rows after a winner that does not normalize are tried one by one."""
    rows = g.dispatch.get(word_key(text, 0), ())
    if rows:
        pattern, row_groups = joined_groups(g, rows)
        m = pattern.fullmatch(text)
        if m is not None:
            k, gr = winner_groups(m, row_groups)
            row = g.rows[rows[k]]
            if row.rule not in CONTEXT_ONLY_RULES:
                try:
                    return normalize_groups(row.rule, gr, g, parse_anchor(anchor), tense, reference)
                except Reject:
                    pass
            later = (g.rows[i] for i in rows[k + 1:] if g.rows[i].rule not in CONTEXT_ONLY_RULES)
            return first_normalized(later, text, g, anchor, tense, reference)
    return timex("date", None, unresolved="unrecognized")


def match_groups(m: re.Match) -> dict[str, str]:
    """The named groups of a one-row match that took part in it."""
    return {k: v for k, v in m.groupdict().items() if v is not None}


def normalize_groups(rule: str, gr: dict[str, str], g: Grammar, anchor: Anchor | None,
                     tense: str | None, reference: str | None) -> dict:
    """Dispatch to the rule's normalizer; turns Unresolved into value None + reason."""
    fn = g.rules[rule]
    try:
        return fn(gr, g, anchor, tense, reference)
    except Unresolved as why:
        type_ = RULE_TYPES.get(rule, "date")
        if rule == "deictic" and gr.get("word", "").lower().startswith(("this", "tonight")):
            type_ = "time"
        uses_reference = rule == "discourse" or (rule == "ago" and gr.get("dir", "").lower() in ("earlier", "later"))
        anchor_text = reference if uses_reference else (anchor.text if anchor else None)
        return timex(type_, None, relative=True, anchor=anchor_text, unresolved=str(why))

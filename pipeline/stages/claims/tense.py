"""Tense markers of a unit ("is", "was", "issued"; a third-person present verb read from its shape
when there is no tagger): claims are mostly in the present, background facts narrate the past.
Pure."""
from __future__ import annotations

import bisect

from .rules import ClaimRules, WordSets
from .speed import TokenTable

HAVE_FORMS = frozenset(("has", "have", "hasn't", "haven't", "hasn’t", "haven’t", "'s", "’s"))


def unit_tense(tt: TokenTable, rules: ClaimRules, tense_pos: list[int], start: int, end: int) -> list[tuple[int, str]]:
    """(token, kind) of the tense markers of the unit [start, end): "present", "past_aux",
    "past_verb" (``tense_pos``: the Doc's tokens that are tense words, in order).

    A past-tense verb after "to", a modal or an auxiliary is not finite ("to cut", "has visited",
    "was signed"); "has/have + participle" (present perfect) is neither present nor narration.
    """
    kinds, words = rules.tense_kind, rules.words
    low = tt.low
    hits = []
    for i in tense_pos[bisect.bisect_left(tense_pos, start):bisect.bisect_left(tense_pos, end)]:
        kind = kinds[low[i]]
        if kind == "past_verb":
            p = prev_non_adverb(tt, words, i, start)
            if p >= 0 and low[p] in words.non_past_before:
                continue
        elif kind == "present" and low[i] in HAVE_FORMS:
            j = i + 1
            while j < end and (tt.space[j] or low[j] in words.subject_skip):
                j += 1
            if j < end and low[j] != "been" and (kinds.get(low[j]) == "past_verb" or low[j].endswith("ed")):
                continue  # present perfect
        hits.append((i, kind))
    if not hits:
        i3 = present_3sg(tt, words, start, end)
        if i3 >= 0:
            hits.append((i3, "present"))
    return hits


def present_3sg(tt: TokenTable, words: WordSets, start: int, end: int) -> int:
    """Index of a likely third-person present verb ("X predates the war"), or -1.

    Shape rule for pipelines without a tagger: a lowercase word ending in -s (not -ss/-us/-is)
    after a subject-like token (a name, a pronoun, a possessive noun, a comma-closed
    parenthetical) and before a determiner, preposition or complementizer.
    """
    low, txt = tt.low, tt.txt
    not_3sg, object_starter, subject_pronoun = words.not_3sg, words.object_starter, words.subject_pronoun
    for i in range(start + 1, end - 1):
        w = low[i]
        if len(w) < 4 or w[-1] != "s" or w[-2] in "su'’i" or not tt.alpha[i] or txt[i][0].isupper() or w in not_3sg:
            continue
        nxt = low[i + 1] if not tt.space[i + 1] else ""
        if nxt not in object_starter:
            continue
        p = tt.prev(i, start)
        if p < 0:
            continue
        pw = low[p]
        if pw in subject_pronoun or (txt[p][:1].isupper() and p > start and not tt.punct[p]) or (pw == "," and i - start > 4):
            return i
    return -1


def prev_non_adverb(tt: TokenTable, words: WordSets, i: int, floor: int) -> int:
    """The token before ``i`` skipping adverbs ("has therefore increased" -> "has"), or -1."""
    p = tt.prev(i, floor)
    while p >= 0 and (tt.low[p] in words.subject_skip or (tt.low[p].endswith("ly") and tt.low[p] not in ("only",))) and tt.low[p] not in words.non_past_before:
        p = tt.prev(p, floor)
    return p

"""Sentences of a paragraph (pure functions over strings, with the abbreviation rules as data)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace, then
# something that can open a sentence (capital, digit, opening quote or bracket).
# ("[.!?…][.!?…]*" rather than "[.!?…]+": a pattern that opens with a character class lets the
# regex engine skip ahead to the next punctuation mark; one that opens with a repeat is tried at
# every character of the paragraph. Both match the same.)
_BOUNDARY = re.compile(
    r"(?P<punct>[.!?…][.!?…]*)(?P<close>[\"”’'»)\]]*)(?P<space>\s+)(?=[\"“‘'«(\[]?[A-Z0-9À-ÖØ-ÞĀ-Ž])"
)
_INITIAL = re.compile(r"^[\"“‘'(]?[A-Z]\.$")
_DOTTED_ACRONYM = re.compile(r"^[\"“‘'(]?(?:[A-Za-z]\.){2,}$")
_NEXT_WORD = re.compile(r"[\"“‘'«(\[]?([\w’'.-]+)")
_QUOTE_CLOSERS = set("\"”’'»")
# "“We will act.” Panov said." / "“...” the minister added." : the attribution after a closing
# quote continues the sentence. Up to four capitalized words (or "the ..." phrase), then the verb.
_ATTRIBUTION_AFTER_QUOTE = re.compile(
    r"(?:(?:[A-Z][\w’'.-]*|the|a|an|former|then|senior|deputy|foreign|prime|minister)\s+){1,5}"
    r"(?:said|says|told|added|argued|argues|noted|notes|explained|stated|warned|wrote|writes|insisted|"
    r"claimed|claims|remarked|observed|declared|asserted|replied|recalled|concluded|stressed|emphasised|"
    r"emphasized|acknowledged|admitted|conceded|suggested|predicted|continued|cautioned|announced)\b",
)
ABBREVIATION_WHEN = frozenset({"always", "before_digit", "before_name"})


@dataclass(frozen=True)
class Abbreviations:
    """Abbreviation table: lower-cased token (with its periods) -> when it blocks a split."""

    when: dict[str, str]

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, str]]) -> "Abbreviations":
        """The table of ``abbreviations.tsv`` rows (``abbreviation``, ``when``)."""
        table: dict[str, str] = {}
        for row in rows:
            if row["when"] not in ABBREVIATION_WHEN:
                raise ValueError(f"abbreviation {row['abbreviation']!r}: 'when' must be one of {sorted(ABBREVIATION_WHEN)}")
            table[row["abbreviation"].lower()] = row["when"]
        return cls(table)


@dataclass(frozen=True)
class SentenceRules:
    """What decides a sentence boundary besides punctuation: the abbreviations, and the words
    that, after a dotted acronym ("the U.S."), show that a new sentence has begun."""

    abbreviations: Abbreviations
    sentence_starters: frozenset[str]


def split_sentences(text: str, start: int, end: int, rules: SentenceRules) -> list[tuple[int, int]]:
    """Sentence ranges inside ``text[start:end]`` (one paragraph), as absolute character offsets."""
    sentences: list[tuple[int, int]] = []
    sent_start = start
    segment = text[start:end]
    for match in _BOUNDARY.finditer(segment):
        cut = match.end("close")  # the sentence ends after its closing quotes/brackets
        if _keeps_going(segment, match, rules):
            continue
        sentences.append((sent_start, start + cut))
        sent_start = start + match.end()
    if sent_start < end:
        sentences.append((sent_start, end))
    return sentences


def _keeps_going(segment: str, match: re.Match, rules: SentenceRules) -> bool:
    """True when the candidate boundary is not a sentence end (abbreviation, initial, attribution)."""
    punct, close = match.group("punct"), match.group("close")
    if punct == "." and not close:
        # the whitespace-delimited word ending with this period (no slicing: paragraphs can be long;
        # a newline or no-break space counts only after the last space, so only that stretch is searched)
        dot = match.start("punct")
        space = segment.rfind(" ", 0, dot)
        word_start = max(space, segment.rfind("\n", space + 1, dot), segment.rfind("\u00a0", space + 1, dot)) + 1
        token = segment[word_start:dot + 1]
        bare = token.lstrip("\"“‘'(").lower()
        when = rules.abbreviations.when.get(bare)
        if when == "always" or when == "before_name":
            return True
        if when == "before_digit" and _next_word(segment, match)[:1].isdigit():
            return True
        # (length tests first: an initial has at most three characters, a dotted acronym a period
        # two characters before its last one)
        if len(token) <= 3 and _INITIAL.match(token):
            return True  # "John F. Kennedy", "Claude A. Lambert"
        if len(token) >= 4 and token[-3] == "." and _DOTTED_ACRONYM.match(token):
            # "the U.S. Navy" vs "the U.S. The ..."
            return _next_word(segment, match) not in rules.sentence_starters
    if close and set(close) & _QUOTE_CLOSERS and _ATTRIBUTION_AFTER_QUOTE.match(segment, match.end()):
        return True
    return False


def _next_word(segment: str, match: re.Match) -> str:
    """The word after a candidate boundary (opening quote or bracket skipped)."""
    next_word_match = _NEXT_WORD.match(segment, match.end())
    return next_word_match.group(1) if next_word_match else ""

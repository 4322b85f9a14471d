"""The shape of the compiled grammar: pattern rows, duration units and the :class:`Grammar` that
holds the lexicons, the rows and their first-word dispatch. Data only: :mod:`.grammar` builds it
from the tables, and every other module reads it."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Left guard: not glued to a word, a currency sign, a hyphenated prefix ("Vostok-2018",
# "F-35") or a decimal; right guard: not glued to a word, a decimal part or a percent sign.
LEFT_GUARD = r"(?<![\w$€£¥#@+/\\–-])(?<!\d[.,])"
RIGHT_GUARD = r"(?!\w|[.,]\d|\s?%)"


@dataclass
class Row:
    """One row of patterns.tsv: its priority (``index``), the normalizer's name and the expanded regex."""

    index: int
    rule: str
    example: str
    source: str               # the expanded regex (plain group names)
    _regex: re.Pattern | None = field(default=None, repr=False, compare=False)

    @property
    def regex(self) -> re.Pattern:
        """The row compiled alone, on first use: the joined alternations of
        :func:`.rows.joined_groups` find and normalize dates, this only the rows tried after a
        rejected winner (and :func:`.phrase.normalize_phrase` with ``rule=``)."""
        got = self._regex
        if got is None:
            got = self._regex = re.compile(row_pattern(self.source), re.IGNORECASE)
        return got


def row_pattern(source: str) -> str:
    """The regex of one row alone: its expanded source between the guards."""
    return LEFT_GUARD + "(?:" + source + ")" + RIGHT_GUARD


@dataclass(frozen=True)
class Unit:
    """A duration unit of units.tsv."""

    iso: str          # Y, M, W, D, H
    factor: float     # how many iso units one unit is
    vague: str        # TIMEX unit for an unknown count (Y, DE, CE ...)
    time: bool        # written after "T"


@dataclass
class Grammar:
    """Everything compiled from the tables, built once per component (or once per process)."""

    rows: list[Row]
    dispatch: dict[str, tuple[int, ...]]        # first-word key -> row indices in priority order
    months: dict[str, tuple[int, str]]
    weekdays: dict[str, int]
    seasons: dict[str, tuple[str, str]]
    numbers: dict[str, str]
    ordinals: dict[str, str]
    units: dict[str, Unit]
    mods: dict[str, dict[str, str]]           # kind -> form -> mod
    sets: dict[str, str]
    events: dict[str, str]
    holidays: dict[str, str]                   # holiday (apostrophes as "'", spaces single) -> its rule
    zones: dict[str, str]                      # place or abbreviation -> IANA zone or fixed offset
    roles: dict[str, frozenset[str]]           # role (context.tsv) -> lowercase forms
    amount_before: re.Pattern                  # an amount ends right before (the "amount" role)
    cue_tense: dict[str, str]
    ed_exceptions: frozenset[str]
    tense_words: dict[str, frozenset[str]]     # role (tense_words.tsv) -> lowercase forms
    # pattern rule -> its normalizer ``(groups, grammar, anchor, tense, reference) -> value``
    rules: Mapping[str, Callable] = field(repr=False)
    row_of_rule: dict[str, list[int]] = field(default_factory=dict)
    # first-word key -> the words that can follow it after one space in some row of that key
    # (None: anything can); see :func:`pipeline.regex_structure.second_words` and :func:`.speed.can_start_here`
    next_words: dict[str, frozenset[str] | None] = field(default_factory=dict)
    # per-grammar caches filled while documents are processed (see :class:`.speed.HashLookup`)
    lookup_cache: dict = field(default_factory=dict, repr=False, compare=False)
    # a row can match only where the word is one of its dispatch keys, whatever the text (see
    # :func:`.grammar.exact_dispatch`); normalize_date then tries only that key's rows
    exact_dispatch: bool = False

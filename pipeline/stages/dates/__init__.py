"""Dates stage: temporal expressions in body sentences, normalized TIMEX3-style.

Layout (each module small enough to read in one sitting):

- ``component``: the spaCy component ``claims_dates`` (factory, init, ``__call__``, serialization)
- ``resources``: the rule-data files (``pipeline/resources/dates/*.tsv``) as TableSpecs
- ``compiled``: the shape of the compiled grammar (rows, units, :class:`Grammar`)
- ``grammar``: the tables compiled (lexicons, macros, pattern rows, first-word dispatch)
- ``rows``: the joined alternations of the pattern rows
- ``find``: candidates at token starts and the context checks; ``find_dates``
- ``speed``: the token-array view, per-string hash tables and vectorized gates
- ``values``: TIMEX3 values, anchors and calendar arithmetic
- ``phrase`` / ``normalize``: the value of a phrase; ``normalize_date``
- ``normalize_calendar``, ``normalize_relative``, ``normalize_spans``: one normalizer per rule
- ``tense``: the tense that governs a date
- ``discourse``: values in context (reference date, narrating paragraph, shared years)
- ``records``: the ``dates`` records

Detection: the rows of ``resources/dates/patterns.tsv`` (regexes with lexicon macros, in
priority order) are indexed by the words they can start with (computed from the regexes); a
vectorized pass over the token array keeps the tokens that start such a word, and only there are
the matching rows tried, followed by context checks written as plain functions. Normalization is
a pure function of the phrase, the anchor, the sentence tense and the last date mentioned before
it. No dateparser anywhere in the stage: see ``resources/dates/README.md`` for why.
"""
from __future__ import annotations

from .compiled import LEFT_GUARD, RIGHT_GUARD, Grammar, Row, Unit, row_pattern
from .component import DEFAULT_CONFIG, DateTagger, make_dates
from .discourse import TENSE_RULES, resolve_dates, share_year
from .find import Candidate, Found, find_candidates, find_dates, iter_found, match_at
from .grammar import (
    RULES,
    build_grammar,
    default_grammar,
    exact_dispatch,
    matches_own_example,
)
from .normalize import normalize_date
from .phrase import CONTEXT_ONLY_RULES, RULE_TYPES
from .records import KIND, RECORD_FIELDS, build_records, count_unresolved
from .resources import (
    CONTEXT_ROLES,
    TABLES,
    TENSES,
    TIMEX_MODS,
    load_tables,
    write_tables,
)
from .rows import word_key
from .speed import (
    NUMERIC_ENTITY_LABELS,
    DocView,
    GateTables,
    HashLookup,
    can_start_here,
    entity_char_ranges,
    gate_code,
    iob_entities,
    overlapping,
    second_word_keep,
    token_code,
)
from .tense import TENSE_CODES, TENSE_NAMES, sentence_tense
from .values import NO_ANCHOR, NO_REFERENCE, SEASON_MONTHS, TYPES, Anchor, parse_anchor

__all__ = [
    "CONTEXT_ONLY_RULES", "CONTEXT_ROLES", "DEFAULT_CONFIG", "KIND", "LEFT_GUARD", "NO_ANCHOR", "NO_REFERENCE",
    "NUMERIC_ENTITY_LABELS", "RECORD_FIELDS", "RIGHT_GUARD", "RULES", "RULE_TYPES", "SEASON_MONTHS", "TABLES",
    "TENSES", "TENSE_CODES", "TENSE_NAMES", "TENSE_RULES", "TIMEX_MODS", "TYPES",
    "Anchor", "Candidate", "DateTagger", "DocView", "Found", "GateTables", "Grammar", "HashLookup", "Row", "Unit",
    "build_grammar", "build_records", "can_start_here", "count_unresolved", "default_grammar",
    "entity_char_ranges", "exact_dispatch", "find_candidates", "find_dates", "gate_code", "iob_entities",
    "iter_found", "load_tables", "make_dates", "match_at", "matches_own_example", "normalize_date",
    "overlapping", "parse_anchor", "resolve_dates", "row_pattern", "second_word_keep", "sentence_tense",
    "share_year", "token_code", "word_key", "write_tables",
]

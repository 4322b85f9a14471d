"""Figures stage: numeric figures with value, unit, kind, qualifier, change, what they measure and who says so.

Reads: the body sentences (:func:`~pipeline.stages.segment.body_sentences`), ``doc.spans["dates"]`` and
``doc.ents`` / ``doc.spans["entities"]`` (a number inside a date or a named entity is not a figure, except
a duration such as "seven decades" and a calendar year), and the dependency parse, POS tags and lemmas when the pipeline has
them (the stage also works on a blank pipeline).

Writes: ``doc.spans["figures"]`` (label = kind) and ``span._.figure``, a dict of JSON primitives::

    {"value": number | [low, high], "unit": str | None, "kind": "percent" | "money" | "count" |
     "quantity" | "ordinal" | "range" | "year" | "other", "currency": ISO 4217 | None, "scale": number | None,
     "qualifier": "approx" | "more_than" | "less_than" | "at_least" | "up_to" | None,
     "change": "increase" | "decrease" | None, "change_from": number | None, "change_to": number | None,
     "measured": str | None, "source": str | None, "compared_with": [start_char, end_char] | None}

Decisions (see also ``pipeline/resources/figures/README.md``):

* ``value`` is the full number: "US$ 200 million" -> 200000000 with ``scale`` 1000000.
* A count's ``unit`` is the counted noun in the plural, as CONVENTIONS asks ("410 nuclear weapons" ->
  "weapons", "one person" -> "people"); the whole noun phrase goes to ``measured`` ("nuclear weapons").
  The span covers qualifier, number, scale, unit and counted noun ("more than seven decades", "two of
  the disputed islands"). Bare numbers after "the number of allies ... rose from three to eight" count allies.
* Fractions ("half", "a quarter", "two-thirds", "one in five") have unit "fraction" and factors
  ("doubled", "threefold", "six times larger") unit "multiplier", both kind "other"; a frequency ("met
  more than 20 times") is a count of "times". Ranking ordinals ("the third-largest") have kind
  "ordinal", unit "rank"; a bare number ("zero", "21") kind "other", unit None.
* Percentage points: unit "percentage_point", kind "percent". Ranges: kind "range", value [low, high],
  span "between 2,000 and 3,000 troops".
* "fell from 12 to 9" gives two figures, each with change/change_from/change_to, compared with each other.
* Qualifiers: nearly/almost/about/some = approx; over/more than/-plus = more_than; under/fewer than =
  less_than; at least/or more = at_least; up to/as many as = up_to.
* Calendar years, decades and ranges of years are figures of kind "year" (CONVENTIONS), also inside a date
  ("May 2019" gives 2019; the dates stage keeps its own record): a year's value is the year, unit None; a
  decade's value its first year ("the 1990s", "the 80s" -> 1980); a range one figure, [2021, 2025], unit
  "calendar_year". A bare 1800-2100 is a year only where the words around it say so (:mod:`.years`):
  "in 2019", "May 2019", "the 2030 election", "2024 was ..."; not "Shield-2029", "Outlook 2040", "1990 km",
  "of 1850 troops". Years take no part in changes, comparisons, sources or counted nouns.
* Counts after a determiner are figures ("the two governments", CONVENTIONS). The pronoun "one",
  enumerations, codes and names (G7, F-35, Nord Stream 2, "1718 Committee"), page and footnote references,
  days and times are not figures. A number inside a date span is not a figure unless it is a duration or a year.

Layout (a Doc comes in at :mod:`.component`, the figures go out through :mod:`.records`):

* :mod:`.component` the spaCy component; :mod:`.resources` the table specs and the compiled rules;
* :mod:`.find` the Doc: body sentences, names and dates that block numbers, spans, the parse;
* :mod:`.scan` one sentence: the number at each token and the figure built around it, then the
  sentence passes of :mod:`.changes` (changes, comparisons), :mod:`.sources` and :mod:`.measured`;
* what is read around a number: :mod:`.groups` (digits, number words, scale, currency, percent),
  :mod:`.qualifiers`, :mod:`.units`, :mod:`.counts`, :mod:`.phrases`; calendar years, decades and
  ranges of years: :mod:`.years`; what makes it no figure:
  :mod:`.filters`; values without a Doc: :mod:`.numbers`;
* :mod:`.tokens` the light tokens and lexicon tables, :mod:`.sentence` the view every find function
  reads, :mod:`.figure` the records being built, :mod:`.speed` the exact shortcuts.
"""
from __future__ import annotations

from .component import DEFAULT_CONFIG, FigureExtractor, make_figures
from .figure import CHANGES, KINDS, QUALIFIERS, Fig
from .find import figures_in_text, find_figures, normalize_figure, normalize_money
from .numbers import parse_digits, parse_number, singularize
from .records import build_records
from .resources import TABLE_SPECS, FigureRules, default_rules, load_rows
from .scan import scan_sentence
from .sources import normalize_source
from .speed import gate_ranges, may_hold_figure, sentence_gate
from .tokens import PhraseTable, Tok, tokenize

__all__ = [
    "CHANGES", "DEFAULT_CONFIG", "KINDS", "QUALIFIERS", "TABLE_SPECS", "Fig", "FigureExtractor", "FigureRules",
    "PhraseTable", "Tok", "build_records", "default_rules", "figures_in_text", "find_figures", "gate_ranges",
    "load_rows", "make_figures", "may_hold_figure", "normalize_figure", "normalize_money", "normalize_source",
    "parse_digits", "parse_number", "scan_sentence", "sentence_gate", "singularize", "tokenize",
]

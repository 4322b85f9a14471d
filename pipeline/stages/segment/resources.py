"""The segmenter's rule data: one :class:`~pipeline.resources.TableSpec` per file under
``pipeline/resources/segment/``, and the loaders that turn the rows into the rule objects."""
from __future__ import annotations

from pathlib import Path

from ...resources import TableSpec, load_table
from .boilerplate import BOILERPLATE_KINDS, BoilerplateLexicon
from .sentences import ABBREVIATION_WHEN, Abbreviations, SentenceRules
from .speed import line_key

ABBREVIATIONS = TableSpec("segment/abbreviations.tsv", ("abbreviation", "when"), enums={"when": ABBREVIATION_WHEN})
SENTENCE_STARTERS = TableSpec("segment/sentence_starters.tsv", ("word",))
NAVIGATION = TableSpec("segment/navigation.tsv", ("phrase", "kind"), enums={"kind": frozenset(BOILERPLATE_KINDS)})
ROLE_WORDS = TableSpec("segment/role_words.tsv", ("word",))
NAME_LINE_STOPS = TableSpec("segment/name_line_stops.tsv", ("word",))


def load_sentence_rules(root: str | Path | None = None) -> SentenceRules:
    """The abbreviation table and the sentence starters (packaged ones unless ``root``)."""
    return SentenceRules(
        abbreviations=Abbreviations.from_rows(load_table(ABBREVIATIONS, root=root)),
        sentence_starters=frozenset(row["word"] for row in load_table(SENTENCE_STARTERS, root=root)),
    )


def load_boilerplate_lexicon(root: str | Path | None = None) -> BoilerplateLexicon:
    """Navigation and page-label phrases, role words and name-line stops (packaged ones unless ``root``)."""
    return BoilerplateLexicon(
        line_kinds={line_key(row["phrase"]): row["kind"] for row in load_table(NAVIGATION, root=root)},
        role_words=frozenset(row["word"].lower() for row in load_table(ROLE_WORDS, root=root)),
        not_name_starts=frozenset(row["word"].lower() for row in load_table(NAME_LINE_STOPS, root=root)),
    )

"""Entities stage: who and what an article names, each under one canonical name.

Reads: sentence boundaries and ``doc.spans["boilerplate"]`` from the segmenter (the body sentences,
the ``title`` paragraph and the names of bylines, author roles and bios and image credits are
analyzed; navigation and page labels are skipped), ``doc._.authors`` (the metadata's authors), and
``doc.ents`` when a statistical ``ner`` (an en_core_web_* component sourced into the config) ran
earlier. Works on a blank pipeline with a sentencizer, and without any parse.

Writes: ``doc.ents`` (non-overlapping, longest first) and ``doc.spans["entities"]`` (the same
spans), labels PERSON ORG GPE LOC NORP EVENT FAC LAW, ``span.kb_id_``, and
``span._.entity = {"canonical": str, "kb_id": str, "actor": str | None, "source": str}`` where
``source`` is ``"model"`` (the statistical NER), ``"gazetteer"`` (the packaged name lists),
``"pattern"`` (a title, apposition, given-name, acronym or head-word rule) or ``"alias"`` (a short
mention linked to a full name or acronym defined in the same document). ``actor`` is the state a
mention stands for: the country itself, a capital or seat of government ("Tokyo will be
disappointed" -> Japan), a demonym, or a country-qualified body ("Russian Defence Ministry").

Evidence is combined in one pass (:func:`find_entities`): the gazetteer (one case-sensitive
PhraseMatcher plus a lowercase one for curated acronyms; :mod:`.matching`), model entities
(:mod:`.model`: spans trimmed to the name, the gazetteer overriding label and canonical where it
knows the name, the rest kept only after filters: proper nouns outside headings, no products,
numbers, titles, bare acronyms or common words, labels checked against head words and context),
rules run only where a cheap lexical trigger fired (:mod:`.names`, :mod:`.acronyms`,
:mod:`.heads`, :mod:`.events` for lower-case events and laws, :mod:`.authors` for bylines, bios
and the metadata's authors), the filters (:mod:`.filters`: non-entities, pieces of longer
names), then a document-level linking pass (:mod:`.linking`). All rule data
(:mod:`.resources`) is loaded once in :meth:`EntityStage.initialize` and compiled
(:mod:`.gazetteer`). :mod:`.speed` holds the token views and tables that stand in for Token
objects, :mod:`.patterns` the matcher patterns made without pattern Docs, :mod:`.records` the
record builder.
"""
from __future__ import annotations

from .authors import metadata_authors, person_like
from .candidates import KIND, LABELS, MODEL_LABEL_MAP, SOURCES, Candidate
from .component import DEFAULT_CONFIG, EntityStage, make_entities
from .filters import is_disjoint_in_order, resolve_overlaps
from .find import EntityMatch, find_entities
from .gazetteer import Gazetteer, compile_gazetteer, normalize_entity
from .normalize import normalize_name, slug_id, slugify
from .patterns import PatternWords, pattern_keys
from .records import build_records, entity_summary
from .regions import analyzed_token_ranges
from .resources import GAZETTEER_FILES, load_entries, load_lexicons, merge_entries
from .spaces import respace_tokens
from .speed import set_entity_annotation

__all__ = [
    "DEFAULT_CONFIG",
    "GAZETTEER_FILES",
    "KIND",
    "LABELS",
    "MODEL_LABEL_MAP",
    "SOURCES",
    "Candidate",
    "EntityMatch",
    "EntityStage",
    "Gazetteer",
    "PatternWords",
    "analyzed_token_ranges",
    "build_records",
    "compile_gazetteer",
    "entity_summary",
    "find_entities",
    "is_disjoint_in_order",
    "load_entries",
    "load_lexicons",
    "make_entities",
    "merge_entries",
    "metadata_authors",
    "normalize_entity",
    "normalize_name",
    "pattern_keys",
    "person_like",
    "resolve_overlaps",
    "respace_tokens",
    "set_entity_annotation",
    "slug_id",
    "slugify",
]

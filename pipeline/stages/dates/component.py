"""The ``claims_dates`` component: finds temporal expressions in body sentences and normalizes them
TIMEX3-style (the factory is bound in ``pipeline/registry.py``).

Reads: sentence boundaries and ``doc.spans["boilerplate"]`` (the body sentences of
:func:`pipeline.stages.segment.body_sentences`, read from arrays), entity spans (``doc.ents`` and
``doc.spans["entities"]``: a date is never produced inside a named entity such as "Vostok-2018"
or "the Second World War"), ``doc._.published`` (the anchor for relative expressions) and, when
present, tags/morphology/dependencies (tense). Writes: ``doc.spans["dates"]`` (label DATE, TIME,
DURATION or SET) and ``span._.date`` = ``{"type", "value", "mod", "relative", "anchor", "begin",
"end", "unresolved"}``. See ``resources/dates/README.md`` for the conventions and why no
dateparser.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...extensions import SPANS_DATES, ensure_extensions
from ...resources import gc_paused
from .compiled import Grammar
from .discourse import resolve_dates
from .grammar import build_grammar, default_grammar
from .resources import load_tables, write_tables
from .speed import DocView

DEFAULT_CONFIG = {"spans_key": SPANS_DATES, "use_parse": True, "discourse_refs": True}


class DateTagger:
    """Writes ``doc.spans[spans_key]`` (DATE/TIME/DURATION/SET spans) and ``span._.date``.

    Reads body sentences and boilerplate (segmenter), entity spans (``doc.ents`` and
    ``doc.spans["entities"]``: never tags a date inside one), ``doc._.published`` (the anchor)
    and, if ``use_parse`` and present, the dependency parse (tense). With ``discourse_refs``,
    "that year" / "two years later" resolve against the last date mentioned before them.
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str, use_parse: bool, discourse_refs: bool) -> None:
        ensure_extensions()
        self.name = name
        self.spans_key = spans_key
        self.use_parse = use_parse
        self.discourse_refs = discourse_refs
        self.tables: dict[str, list[dict[str, str]]] | None = None
        self.grammar: Grammar | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None) -> None:
        """Load and compile the rule tables (``resources_root``: a folder laid out like pipeline/resources)."""
        with gc_paused():
            self.tables = load_tables(resources_root)
            self.grammar = default_grammar() if resources_root is None else build_grammar(self.tables)

    def _grammar(self) -> Grammar:
        if self.grammar is None:
            self.initialize()
        return self.grammar

    def __call__(self, doc: Doc) -> Doc:
        view = DocView(doc, self._grammar())
        spans = []
        for f, value in resolve_dates(view, doc._.published, use_parse=self.use_parse,
                                      discourse_refs=self.discourse_refs):
            span = Span(doc, f.start, f.end, label=value["type"].upper())
            span._.date = value
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    # -- serialization: the tables travel with the pipeline --------------------------------
    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        """Write the rule tables under ``path`` (a saved pipeline needs none of the packaged files)."""
        self._grammar()
        write_tables(self.tables, Path(path))

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "DateTagger":
        """Read the tables :meth:`to_disk` wrote and compile them."""
        self.tables = load_tables(Path(path))
        self.grammar = build_grammar(self.tables)
        return self


def make_dates(nlp: Language, name: str, spans_key: str, use_parse: bool, discourse_refs: bool) -> DateTagger:
    """Factory for ``claims_dates`` (bound in ``pipeline/registry.py``)."""
    return DateTagger(nlp, name, spans_key=spans_key, use_parse=use_parse, discourse_refs=discourse_refs)

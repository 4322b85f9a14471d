"""The spaCy component of the figures stage (registered as ``claims_figures`` in
:mod:`pipeline.registry`)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ...extensions import SPANS_FIGURES, ensure_extensions
from ...resources import gc_paused
from .find import find_figures
from .resources import FigureRules, load_rows

DEFAULT_CONFIG: dict[str, object] = {"spans_key": SPANS_FIGURES, "use_parse": True}


class FigureExtractor:
    """Writes ``doc.spans[spans_key]`` (label = kind) and ``span._.figure`` for every figure in the
    body sentences. Reads ``doc.spans["dates"]``, ``doc.ents``/``doc.spans["entities"]`` and, when
    present, the dependency parse and lemmas."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str, use_parse: bool) -> None:
        ensure_extensions()
        self.name = name
        self.spans_key = spans_key
        self.use_parse = use_parse
        self.rules: FigureRules | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None) -> None:
        """Load the tables under ``figures/`` (packaged ones unless ``resources_root``)."""
        with gc_paused():
            self.rules = FigureRules.from_rows(load_rows(resources_root))

    def __call__(self, doc: Doc) -> Doc:
        if self.rules is None:
            self.initialize()
        assert self.rules is not None
        spans = []
        for span, fig in find_figures(doc, self.rules, use_parse=self.use_parse):
            span._.figure = fig
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        """Every table's rows as ``figures.json``: a saved pipeline reloads without the files."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.rules is None:
            self.initialize()
        assert self.rules is not None
        (path / "figures.json").write_text(json.dumps(self.rules.rows, ensure_ascii=False, indent=0), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "FigureExtractor":
        rows = json.loads((Path(path) / "figures.json").read_text(encoding="utf-8"))
        self.rules = FigureRules.from_rows(rows)
        return self


def make_figures(nlp: Language, name: str, spans_key: str, use_parse: bool) -> FigureExtractor:
    """The factory of ``claims_figures``."""
    return FigureExtractor(nlp, name, spans_key=spans_key, use_parse=use_parse)

"""The ``claims_entities`` spaCy component: settings and rule data; the work is in
:func:`~.find.find_entities`."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ...extensions import SPANS_ENTITIES, ensure_extensions, set_span_extension
from ...resources import gc_paused
from . import resources
from .find import find_entities
from .gazetteer import Gazetteer, compile_gazetteer
from .speed import set_entity_annotation

DEFAULT_CONFIG = {
    "spans_key": SPANS_ENTITIES,
    "use_model_ents": True,
    "patterns": True,
    "link_aliases": True,
}


class EntityStage:
    """spaCy component ``claims_entities``.

    Reads sentence boundaries, ``doc.spans["boilerplate"]`` and (optionally) ``doc.ents`` from an
    earlier ``ner``; writes ``doc.ents``, ``doc.spans[spans_key]`` and ``span._.entity``.
    Rule data loads in :meth:`initialize` (or lazily on the first call) and is saved by
    :meth:`to_disk`, so a saved pipeline reloads without the package's resource files.
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str, use_model_ents: bool,
                 patterns: bool, link_aliases: bool) -> None:
        ensure_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.use_model_ents = use_model_ents
        self.patterns = patterns
        self.link_aliases = link_aliases
        self.entries: list[dict] | None = None
        self.lexicons: dict[str, list] | None = None
        self.gazetteer: Gazetteer | None = None

    def __call__(self, doc: Doc) -> Doc:
        if self.gazetteer is None:
            self.initialize()
        model_ents = list(doc.ents) if self.use_model_ents and doc.has_annotation("ENT_IOB") else None
        matches = find_entities(doc, self.gazetteer, model_ents=model_ents, patterns=self.patterns, link=self.link_aliases)
        spans = [m.span for m in matches]
        set_entity_annotation(doc, spans)
        doc.spans[self.spans_key] = spans
        set_span_extension(doc, spans, "entity", [m.value() for m in matches])
        return doc

    def initialize(self, get_examples: Callable | None = None, *, nlp: Language | None = None,
                   resources_root: str | None = None) -> None:
        """Load the packaged gazetteer and lexicons (or those under ``resources_root``) and compile them."""
        with gc_paused():
            self.set_data(resources.load_entries(resources_root), resources.load_lexicons(resources_root))

    def set_data(self, entries: list[dict], lexicons: dict[str, list]) -> None:
        """Use these entries and lexicons (compiled for this pipeline's vocab)."""
        self.entries, self.lexicons = entries, lexicons
        with gc_paused():
            self.gazetteer = compile_gazetteer(self.nlp, entries, lexicons)

    def _cfg(self) -> dict:
        return {"spans_key": self.spans_key, "use_model_ents": self.use_model_ents,
                "patterns": self.patterns, "link_aliases": self.link_aliases}

    def to_bytes(self, *, exclude: Sequence[str] = ()) -> bytes:
        """Settings, entries and lexicons as JSON."""
        if self.gazetteer is None:
            self.initialize()
        return json.dumps({"cfg": self._cfg(), "entries": self.entries, "lexicons": self.lexicons}, ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Sequence[str] = ()) -> "EntityStage":
        """Entries and lexicons from :meth:`to_bytes` output, compiled."""
        obj = json.loads(data.decode("utf-8"))
        self.set_data(obj["entries"], obj["lexicons"])
        return self

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        """``entries.jsonl``, ``lexicons.json`` and ``cfg.json`` under ``path``."""
        if self.gazetteer is None:
            self.initialize()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / "entries.jsonl").open("w", encoding="utf-8") as fh:
            for entry in self.entries:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        (path / "lexicons.json").write_text(json.dumps(self.lexicons, ensure_ascii=False), encoding="utf-8")
        (path / "cfg.json").write_text(json.dumps(self._cfg()), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "EntityStage":
        """Entries and lexicons saved by :meth:`to_disk`, compiled (no resource files read)."""
        path = Path(path)
        with (path / "entries.jsonl").open(encoding="utf-8") as fh:
            entries = [json.loads(line) for line in fh if line.strip()]
        lexicons = json.loads((path / "lexicons.json").read_text(encoding="utf-8"))
        self.set_data(entries, lexicons)
        return self


def make_entities(nlp: Language, name: str, spans_key: str, use_model_ents: bool, patterns: bool,
                  link_aliases: bool) -> EntityStage:
    """Factory of ``claims_entities`` (cheap: data loads in initialize)."""
    return EntityStage(nlp, name, spans_key=spans_key, use_model_ents=use_model_ents,
                       patterns=patterns, link_aliases=link_aliases)

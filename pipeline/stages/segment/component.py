"""The ``claims_segmenter`` spaCy component: settings and rule data; the work is in
:func:`~.find.find_segments` (text in, offsets out) and :func:`~.spans.set_segments`."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ...extensions import doc_text, ensure_extensions
from .boilerplate import BoilerplateLexicon
from .find import find_segments
from .resources import load_boilerplate_lexicon, load_sentence_rules
from .sentences import Abbreviations, SentenceRules
from .spans import set_segments

DEFAULT_CONFIG: dict = {"max_title_words": 25}


class Segmenter:
    """Sets sentence boundaries, paragraph spans and boilerplate spans on a whole-article Doc.

    Reads the text and ``doc._.title`` / ``doc._.authors``; writes ``token.is_sent_start`` for
    every token (so a parser that runs later keeps these boundaries: names such as "Shinzo Abe"
    are never split by a statistical senter), ``doc.spans["sentences"]``,
    ``doc.spans["paragraphs"]`` and ``doc.spans["boilerplate"]`` (``span._.segment``).
    """

    def __init__(self, nlp: Language, name: str, *, max_title_words: int) -> None:
        ensure_extensions()
        self.name = name
        self.max_title_words = max_title_words
        self.rules: SentenceRules | None = None
        self.lexicon: BoilerplateLexicon | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None) -> None:
        """Load the sentence and boilerplate tables (packaged ones unless ``resources_root``)."""
        self.rules = load_sentence_rules(resources_root)
        self.lexicon = load_boilerplate_lexicon(resources_root)

    def __call__(self, doc: Doc) -> Doc:
        if self.rules is None or self.lexicon is None:
            self.initialize()
        found = find_segments(
            doc_text(doc), self.rules, self.lexicon,
            title=doc._.title, authors=doc._.authors or (), max_title_words=self.max_title_words,
        )
        set_segments(doc, found)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        """The rule tables as ``segment.json`` under ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.rules is None or self.lexicon is None:
            self.initialize()
        srsly.write_json(
            path / "segment.json",
            {
                "abbreviations": self.rules.abbreviations.when,
                "sentence_starters": sorted(self.rules.sentence_starters),
                "line_kinds": self.lexicon.line_kinds,
                "role_words": sorted(self.lexicon.role_words),
                "not_name_starts": sorted(self.lexicon.not_name_starts),
            },
        )

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "Segmenter":
        """The rule tables saved by :meth:`to_disk` (no resource files read)."""
        data = srsly.read_json(Path(path) / "segment.json")
        self.rules = SentenceRules(Abbreviations(dict(data["abbreviations"])), frozenset(data["sentence_starters"]))
        self.lexicon = BoilerplateLexicon(
            dict(data["line_kinds"]), frozenset(data["role_words"]), frozenset(data["not_name_starts"]),
        )
        return self


def make_segmenter(nlp: Language, name: str, max_title_words: int) -> Segmenter:
    """Factory of ``claims_segmenter`` (cheap: the tables load in initialize)."""
    return Segmenter(nlp, name, max_title_words=max_title_words)

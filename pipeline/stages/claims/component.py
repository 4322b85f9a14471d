"""The claims_claims component: a thin spaCy wrapper around :func:`~.analysis.find_claims`."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ...extensions import SPANS_CLAIMS, ensure_extensions, set_span_extension
from ...resources import gc_paused
from .analysis import find_claims
from .resources import load_tables
from .rules import ClaimRules

DEFAULT_CONFIG = {"spans_key": SPANS_CLAIMS, "min_score": 0.5, "split_clauses": True, "max_tokens": 200}
RULES_FILE = "claims_rules.json"  # the rule tables, saved with the pipeline


class ClaimDetector:
    """Writes ``doc.spans[spans_key]`` (label = claim type) and ``span._.claim`` (see the package doc).

    Reads body sentences (segmenter or sentencizer), entity/figure/date spans when present and
    the parse when present. Rule data: ``pipeline/resources/claims/`` (loaded in ``initialize``).
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str, min_score: float, split_clauses: bool, max_tokens: int) -> None:
        ensure_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.min_score = min_score
        self.split_clauses = split_clauses
        self.max_tokens = max_tokens
        self.tables: dict[str, list[dict[str, str]]] | None = None
        self.rules: ClaimRules | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None) -> None:
        """Load and compile the rule tables (the packaged ones unless ``resources_root``)."""
        with gc_paused():
            self.tables = load_tables(resources_root)
            self.rules = ClaimRules(self.nlp, self.tables)

    def __call__(self, doc: Doc) -> Doc:
        if self.rules is None:
            self.initialize()
        assert self.rules is not None
        cands = find_claims(doc, self.rules, min_score=self.min_score, split_clauses=self.split_clauses, max_tokens=self.max_tokens)
        spans = [cand.span for cand in cands]
        set_span_extension(doc, spans, "claim", [cand.data for cand in cands])
        doc.spans[self.spans_key] = spans
        return doc

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.tables is None:
            self.initialize()
        srsly.write_json(path / RULES_FILE, self.tables)

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "ClaimDetector":
        with gc_paused():
            self.tables = srsly.read_json(Path(path) / RULES_FILE)
            self.rules = ClaimRules(self.nlp, self.tables)
        return self


def make_claims(nlp: Language, name: str, spans_key: str, min_score: float, split_clauses: bool, max_tokens: int) -> ClaimDetector:
    return ClaimDetector(nlp, name, spans_key=spans_key, min_score=min_score, split_clauses=split_clauses, max_tokens=max_tokens)

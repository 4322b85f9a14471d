"""The claims_claims component: a thin spaCy wrapper around :func:`~.analysis.find_claims` (rules
only) or :func:`~.model.find_model_claims` (the learned classifier deciding over the rule candidates)."""
from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ...extensions import SPANS_CLAIMS, ensure_extensions, set_span_extension
from ...resources import gc_paused
from .analysis import find_claims
from .model import ClaimModel, find_model_claims, load_claim_model
from .resources import load_tables
from .rules import ClaimRules

# min_score None: the rules' 0.5 on their raw score, or with the model the threshold chosen on dev.
DEFAULT_CONFIG = {"spans_key": SPANS_CLAIMS, "min_score": None, "split_clauses": True, "max_tokens": 200, "use_model": False}
RULES_MIN_SCORE = 0.5
RULES_FILE = "claims_rules.json"  # the rule tables, saved with the pipeline
MODEL_DIR = "model"  # the classifier, saved with the pipeline


class ClaimDetector:
    """Writes ``doc.spans[spans_key]`` (label = claim type) and ``span._.claim`` (see the package doc).

    Reads body sentences (segmenter or sentencizer), entity/figure/date spans when present and
    the parse when present. Rule data: ``pipeline/resources/claims/`` (loaded in ``initialize``).
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str, min_score: float | None, split_clauses: bool,
                 max_tokens: int, use_model: bool = False) -> None:
        ensure_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.min_score = min_score
        self.split_clauses = split_clauses
        self.max_tokens = max_tokens
        self.use_model = use_model
        self.tables: dict[str, list[dict[str, str]]] | None = None
        self.rules: ClaimRules | None = None
        self.model: ClaimModel | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None,
                   model_path: str | None = None) -> None:
        """Load and compile the rule tables (the packaged ones unless ``resources_root``) and, with
        ``use_model``, the claim classifier (the packaged one unless ``model_path``)."""
        with gc_paused():
            self.tables = load_tables(resources_root)
            self.rules = ClaimRules(self.nlp, self.tables)
            self.model = load_claim_model(model_path) if self.use_model else None

    @property
    def threshold(self) -> float:
        """The score a claim must reach: ``min_score``, else the model's dev-chosen one or the rules' 0.5."""
        if self.min_score is not None:
            return self.min_score
        return self.model.min_score if self.model is not None else RULES_MIN_SCORE

    def __call__(self, doc: Doc) -> Doc:
        if self.rules is None:
            self.initialize()
        assert self.rules is not None
        if self.model is not None:
            cands = find_model_claims(doc, self.rules, self.model, min_score=self.threshold,
                                      split_clauses=self.split_clauses, max_tokens=self.max_tokens)
        else:
            cands = find_claims(doc, self.rules, min_score=self.threshold, split_clauses=self.split_clauses, max_tokens=self.max_tokens)
        spans = [cand.span for cand in cands]
        set_span_extension(doc, spans, "claim", [cand.data for cand in cands])
        doc.spans[self.spans_key] = spans
        return doc

    def model_fingerprint(self) -> str:
        """sha256 over the classifier's files ("" without one): part of the run's config hash."""
        return self.model.fingerprint() if self.model is not None else ""

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.tables is None:
            self.initialize()
        srsly.write_json(path / RULES_FILE, self.tables)
        if self.model is not None:
            shutil.copytree(self.model.path, path / MODEL_DIR, dirs_exist_ok=True)

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "ClaimDetector":
        with gc_paused():
            self.tables = srsly.read_json(Path(path) / RULES_FILE)
            self.rules = ClaimRules(self.nlp, self.tables)
            if self.use_model:
                self.model = load_claim_model(Path(path) / MODEL_DIR)
        return self


def make_claims(nlp: Language, name: str, spans_key: str, min_score: float | None, split_clauses: bool, max_tokens: int,
                use_model: bool) -> ClaimDetector:
    return ClaimDetector(nlp, name, spans_key=spans_key, min_score=min_score, split_clauses=split_clauses,
                         max_tokens=max_tokens, use_model=use_model)

"""Claims stage: argumentative claims, typed, hedged, attributed and linked to evidence.

Reads:  body sentences (:func:`pipeline.stages.segment.body_sentences`: sentence boundaries and
        ``doc.spans["boilerplate"]``), entity spans (``doc.spans["entities"]``, else ``doc.ents``),
        ``doc.spans["figures"]`` and ``doc.spans["dates"]`` when those stages ran, and the
        dependency parse / tags when the pipeline has them (optional refinements only).
Writes: ``doc.spans["claims"]``: one span per claim (the body sentence, or a clause of it when one
        sentence holds claims of different speakers or clearly different kinds), label = claim type;
        ``span._.claim``: a dict of JSON primitives:

        type            prediction | evaluation | causal | recommendation | interpretation
        score           with the classifier (``use_model``): its dev-calibrated probability that the
                        span is a claim, what ``min_score`` is compared with; rules only: the
                        calibrated rule score
        raw_score       the rules' uncalibrated logistic score (rules only: what ``min_score`` is
                        compared with)
        hedged          bool; certainty: high | medium | low; negated: bool
        speaker         "author", or the named source ("Alexander Panov", "Levada Center", "unknown")
        speaker_span    [start_char, end_char] of the speaker phrase in the text, or None
        speaker_entity_span [start_char, end_char] of the entity span naming the speaker, or None
        attribution_cue "said", "according to", ... or None; quote: "direct" | "indirect" | None
        about_spans     [[start_char, end_char], ...] entity spans inside the claim
        evidence_spans  [[start_char, end_char, "figures"|"dates"], ...] in or right beside the claim
        cues            [[start_char, end_char, role, text], ...]: every cue that decided type,
                        hedging/certainty, negation or attribution (text == doc.text[start:end])

How it decides (rules in ``pipeline/resources/claims/*.tsv``, see the README there), one module each:
  1. ``cues``/``frames``: cue lexicons are matched once per Doc with a PhraseMatcher on LOWER;
     discontinuous cues ("the chances of ... are zero") are regexes gated by a keyword. Context
     checks reject noun uses ("political will", "Chinese claims"), "would" in conditionals, etc.
  2. ``quotes``/``attribution``/``speakers``: quotations (straight and curly, possibly over several
     sentences) are paired per paragraph and attributed from the words right after ("..., said X")
     or before ("X said: '...'") them; reported speech ("X said that", "according to X", "if X are
     to be believed") gives the speaker; the parse's nsubj is used when present.
  3. ``clauses``: each body sentence is split at ";", ", but/yet/however/although/though" and ":"
     before a quotation; the parts become separate claims only when their speakers differ, or when
     both carry strong cues of different types.
  4. ``scoring``/``hedging``/``tense``: the type is the one with the strongest cues (ties:
     recommendation > prediction > causal > interpretation > evaluation; evaluation when nothing
     else fires). The score is a logistic combination of hand-set weights (``score_weights.tsv``):
     type strength, hedges, boosters, attribution, present tense (+); past narration, leading
     dates, questions, headings (-); then mapped through ``calibration.tsv`` (rewritten from gold
     by ``claims train calibrate-claims``, :mod:`pipeline.training.calibrate_claims`).
  5. ``features``/``evidence``: every candidate's decisions as plain values
     (:class:`ClaimFeatures`, see :func:`claim_features`), the claims that score at least
     ``min_score``, and the figures and dates that support them.

With ``use_model`` (the default configs) :mod:`.model` runs the learned classifier
(``pipeline/models/claims``) over every rule candidate, whatever its rule score: it reads the unit's
text and marker words of the rules' findings (:mod:`.unit_features`) and decides claim / not and the
type; the rules' cues, hedging, speaker and evidence are kept.

``analysis`` runs these per unit in text order; ``speed`` holds the token views and gates they
read; ``component`` is the spaCy component, ``records`` the record builder.
"""
from __future__ import annotations

from ...regex_structure import anchored_union, required_literals
from .analysis import analyze_doc, claim_features, find_claims
from .attribution import Attribution, attribute_quotes, clause_attribution
from .component import DEFAULT_CONFIG, ClaimDetector, make_claims
from .cues import CUE_ORDER, Cue, context_filter, cue_applies, find_cues
from .features import ClaimCandidate, ClaimFeatures
from .frames import find_frame_cues
from .hedging import normalize_certainty
from .quotes import Quote, QuoteIndex, find_quotes
from .records import build_records
from .resources import CLAIM_TYPES, MATCHED_LEXICONS, TABLE_SPECS, TYPE_LEXICONS, expand_cue, load_tables
from .rules import ClaimRules, CueRow, Frame, WordSets, interpolate
from .scoring import best_type, strengths_of
from .speakers import normalize_speaker
from .speed import (
    CASE_EXCEPTIONS, CONDITIONAL_LOW_RE, CONDITIONAL_RE, SUBORD_LOW_RE, SUBORD_RE, SUBORD_WORDS, TERMINAL_END_RE,
    LexemeIndex, SpanRef, TokenTable, body_sentence_refs, ends_terminal, entity_spans, ents_summary, frame_gates,
    sentence_starts, span_refs,
)

__all__ = [
    "CASE_EXCEPTIONS", "CLAIM_TYPES", "CONDITIONAL_LOW_RE", "CONDITIONAL_RE", "CUE_ORDER", "DEFAULT_CONFIG",
    "MATCHED_LEXICONS", "SUBORD_LOW_RE", "SUBORD_RE", "SUBORD_WORDS", "TABLE_SPECS", "TERMINAL_END_RE", "TYPE_LEXICONS",
    "Attribution", "ClaimCandidate", "ClaimDetector", "ClaimFeatures", "ClaimRules", "Cue", "CueRow", "Frame",
    "LexemeIndex", "Quote", "QuoteIndex", "SpanRef", "TokenTable", "WordSets",
    "analyze_doc", "anchored_union", "attribute_quotes", "best_type", "body_sentence_refs", "build_records",
    "claim_features", "clause_attribution", "context_filter", "cue_applies", "ends_terminal", "entity_spans",
    "ents_summary", "expand_cue", "find_claims", "find_cues", "find_frame_cues", "find_quotes", "frame_gates",
    "interpolate", "load_tables", "make_claims", "normalize_certainty", "normalize_speaker", "required_literals",
    "sentence_starts", "span_refs", "strengths_of",
]

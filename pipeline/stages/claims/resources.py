"""The claims stage's rule data: one :class:`~pipeline.resources.TableSpec` per file in
``pipeline/resources/claims/`` (see the README there), and the checks beyond columns, enums and
numbers (known flags, compilable regexes, a calibration table that can be interpolated).

The tables are plain rows (JSON-serializable): the component saves them with the pipeline, and
:class:`~pipeline.stages.claims.rules.ClaimRules` compiles them.
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path

from ...resources import ResourceError, TableSpec, load_table

RESOURCE_DIR = "claims"
CALIBRATION_FILE = "calibration.tsv"

CLAIM_TYPES = ("prediction", "evaluation", "causal", "recommendation", "interpretation")
TYPE_LEXICONS = CLAIM_TYPES  # one cue file per claim type, named after it
MATCHED_LEXICONS = TYPE_LEXICONS + ("modality", "attribution", "negation", "background")
KNOWN_FLAGS = frozenset({"comma_det", "verb", "nocond", "notcap", "number", "first_person", "notperfect", "clause", "initial", "comma", "that", "initial_as", "imperative", "not_hedge"})
SCORE_FEATURES = ("bias", "type_strength", "type_cap", "hedge", "booster", "attributed", "direct_quote", "present", "past_narrative", "past_copula", "negated", "first_person", "question", "short", "long_list")

_CUE_OPTIONAL = ("flags", "note")
_TYPE_SPEC = {"columns": ("cue", "weight"), "optional": _CUE_OPTIONAL, "numeric": ("weight",)}

TABLE_SPECS: dict[str, TableSpec] = {
    "modality": TableSpec(
        f"{RESOURCE_DIR}/modality.tsv", ("cue", "family", "certainty", "polarity", "weight"), _CUE_OPTIONAL,
        enums={
            "family": frozenset({"modal", "adverb", "adjective", "epistemic_verb", "approximator", "booster"}),
            "certainty": frozenset({"high", "medium", "low"}),
            "polarity": frozenset({"pos", "neg"}),
        },
        numeric=("weight",),
    ),
    **{name: TableSpec(f"{RESOURCE_DIR}/{name}.tsv", **_TYPE_SPEC) for name in TYPE_LEXICONS},
    "attribution": TableSpec(
        f"{RESOURCE_DIR}/attribution.tsv", ("cue", "kind", "weight"), _CUE_OPTIONAL,
        enums={"kind": frozenset({"verb", "according", "view", "view_poss", "conditional", "evidential", "source_noun"})},
        numeric=("weight",),
    ),
    "negation": TableSpec(f"{RESOURCE_DIR}/negation.tsv", ("cue", "effect"), ("note",), enums={"effect": frozenset({"negate", "ignore"})}),
    "background": TableSpec(
        f"{RESOURCE_DIR}/background.tsv", ("cue", "kind", "weight"), ("note",),
        enums={"kind": frozenset({"past_aux", "past_verb", "present_aux", "event_phrase", "boilerplate"})},
        numeric=("weight",),
    ),
    "discourse": TableSpec(
        f"{RESOURCE_DIR}/discourse.tsv", ("cue", "kind"), ("note",),
        enums={"kind": frozenset({"split", "evidence_next", "conclusion"})},
    ),
    "speakers": TableSpec(
        f"{RESOURCE_DIR}/speakers.tsv", ("cue", "kind"),
        enums={"kind": frozenset({
            "strip", "title", "author", "person", "stop", "nonspeaker", "nonsource",
            "np_boundary", "bad_start", "name_particle", "place_preposition", "quantity",
        })},
    ),
    "context": TableSpec(
        f"{RESOURCE_DIR}/context.tsv", ("cue", "kind"),
        enums={"kind": frozenset({
            "det_like", "clause_starter", "will_next", "nocond_next", "imperative_next", "number_word",
            "demonym", "demonym_suffix", "said_reject_prev", "modal_before_report", "inverted_verb",
            "quoting_verb", "subject_skip", "non_past_before", "fronted_opener", "subject_pronoun",
            "object_starter", "not_3sg",
        })},
    ),
    "frames": TableSpec(
        f"{RESOURCE_DIR}/frames.tsv", ("name", "regex", "role", "weight"),
        ("trigger", "type", "family", "certainty", "polarity", "note"),
        enums={"role": frozenset({"hedge", "booster", "type", "background"})},
        numeric=("weight",),
    ),
    "score_weights": TableSpec(f"{RESOURCE_DIR}/score_weights.tsv", ("feature", "weight"), ("note",), numeric=("weight",)),
    "calibration": TableSpec(f"{RESOURCE_DIR}/{CALIBRATION_FILE}", ("raw", "calibrated"), ("n",), numeric=("raw", "calibrated")),
}

BRACE_RE = re.compile(r"\{([^{}]*)\}")


def expand_cue(text: str) -> list[str]:
    """Expand "{a,b} c" into ["a c", "b c"] (every brace group is a choice; groups multiply)."""
    parts: list[list[str]] = []
    pos = 0
    for m in BRACE_RE.finditer(text):
        parts.append([text[pos:m.start()]])
        parts.append([c.strip() for c in m.group(1).split(",")])
        pos = m.end()
    parts.append([text[pos:]])
    out = []
    for combo in itertools.product(*parts):
        phrase = " ".join("".join(combo).split())
        if phrase:
            out.append(phrase)
    return list(dict.fromkeys(out))


def load_tables(root: str | Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Read and validate every claims rule table; returns {table name: rows} (JSON-serializable)."""
    tables: dict[str, list[dict[str, str]]] = {}
    for name, spec in TABLE_SPECS.items():
        rows = load_table(spec, root=root)
        for i, row in enumerate(rows, 1):
            _check_row(name, row, f"{spec.file} row {i} ({row.get('cue') or row.get('name') or row.get('feature')!r})")
        tables[name] = rows
    raws = [float(r["raw"]) for r in tables["calibration"]]
    if raws != sorted(raws) or len(set(raws)) != len(raws) or len(raws) < 2:
        raise ResourceError(f"{TABLE_SPECS['calibration'].file}: raw must be strictly increasing (>= 2 rows)")
    return tables


def _check_row(name: str, row: dict[str, str], where: str) -> None:
    """The checks a TableSpec cannot state: known flags, frame regexes, calibration within [0, 1]."""
    unknown = set((row.get("flags") or "").split()) - KNOWN_FLAGS
    if unknown:
        raise ResourceError(f"{where}: unknown flags {sorted(unknown)}")
    if name == "frames":
        try:
            re.compile(row["regex"])
        except re.error as err:
            raise ResourceError(f"{where}: bad regex: {err}") from None
        if row["role"] == "type" and row.get("type") not in CLAIM_TYPES:
            raise ResourceError(f"{where}: role=type needs a type in {CLAIM_TYPES}")
    if name == "calibration":
        for col in ("raw", "calibrated"):
            if not 0.0 <= float(row[col]) <= 1.0:
                raise ResourceError(f"{where}: {col} must be within [0, 1]")

"""The record contract in one table: every record kind a run writes, in file order.

For each kind: its file (``<kind>.jsonl``), its id prefix, its JSON Schema (``schemas/``), the
stage that builds it, and, for the kinds a person reviews, the field shown as the record's type,
its score, the order the review page shows its fields in, and the fields a reviewer may edit
with their JSON types and allowed values. Records, schema validation, export, the review server
(and the page, through ``/api/contract``), the report, evaluation and the run all read this
module; nothing else declares kinds, prefixes or editable fields.

Allowed values of an editable field are the ``enum`` of that field in the kind's JSON Schema: the
schema is the one place a closed set of values is written down.

Pure data and the schema files: no spaCy, no pipeline code (every other layer may import it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

# A span record starts with these fields, in this order; ``text == source_text[start_char:end_char]``.
SPAN_FIELDS = ("id", "doc_id", "start_char", "end_char", "text")
# The last field of every stage record: the id of the sentence the span starts in.
SENTENCE_FIELD = "sentence_id"
# Hex digits of the sha1 digest in an id (``clm_`` + 16 hex digits).
ID_DIGITS = 16
# Kinds of a run folder that are not record files of one kind each.
ERRORS_KIND = "errors"


@dataclass(frozen=True)
class EditableField:
    """A record field a reviewer may change: the JSON types accepted and how the form shows it."""

    name: str
    types: tuple[type, ...]
    input: str  # "choice" (one of the allowed values) | "text" | "number" | "bool"

    @property
    def nullable(self) -> bool:
        return type(None) in self.types


@dataclass(frozen=True)
class RecordKind:
    """One record kind: a file of the run folder, and what review and export need to know of it."""

    name: str  # file stem and ``doc.spans`` key
    singular: str
    id_prefix: str | None = None  # None: not a span record (documents)
    stage: str | None = None  # module whose ``build_records(doc, ctx)`` builds the records
    reviewable: bool = False
    label_field: str | None = None  # the field shown as the record's type (lists, filters, report)
    score_field: str | None = None
    detail_fields: tuple[str, ...] = ()  # the order the review page shows the record's fields in
    editable: tuple[EditableField, ...] = ()
    facets: tuple[str, ...] = ()  # fields the review queue filters on (besides label, status, document)
    group_fields: tuple[str, ...] = ()  # fields whose equal values make a group decided at once (bulk review)

    def schema(self) -> dict:
        return load_schema(self.name)

    def editable_field(self, name: str) -> EditableField | None:
        return next((f for f in self.editable if f.name == name), None)


_STR, _OPT_STR, _BOOL = (str,), (str, type(None)), (bool,)

KINDS: tuple[RecordKind, ...] = (
    RecordKind("documents", "document"),
    RecordKind("sentences", "sentence", "sen"),
    RecordKind(
        "entities", "entity", "ent", "pipeline.stages.entities", reviewable=True, label_field="label",
        detail_fields=("label", "canonical", "kb_id", "actor", "source", "boilerplate"),
        editable=(EditableField("label", _STR, "choice"), EditableField("canonical", _OPT_STR, "text")),
        facets=("canonical", "kb_id", "source"), group_fields=("canonical", "kb_id"),
    ),
    RecordKind(
        "dates", "date", "dat", "pipeline.stages.dates", reviewable=True, label_field="type",
        detail_fields=("type", "value", "mod", "relative", "anchor", "begin", "end", "unresolved"),
        editable=(EditableField("value", _OPT_STR, "text"), EditableField("type", _OPT_STR, "choice")),
        facets=("mod", "relative"), group_fields=("value",),
    ),
    RecordKind(
        "figures", "figure", "fig", "pipeline.stages.figures", reviewable=True, label_field="kind",
        detail_fields=("value", "unit", "kind", "currency", "scale", "qualifier", "change", "change_from", "change_to",
                       "measured", "source", "compared_with"),
        editable=(EditableField("value", (int, float, type(None)), "number"), EditableField("unit", _OPT_STR, "text"),
                  EditableField("kind", _OPT_STR, "choice")),
        facets=("unit", "qualifier"), group_fields=("unit",),
    ),
    RecordKind(
        "claims", "claim", "clm", "pipeline.stages.claims", reviewable=True, label_field="type", score_field="score",
        detail_fields=("type", "certainty", "hedged", "negated", "score", "speaker", "speaker_entity", "attribution_cue",
                       "quote", "about", "evidence", "cues"),
        editable=(EditableField("type", _STR, "choice"), EditableField("speaker", _OPT_STR, "text"),
                  EditableField("hedged", _BOOL, "bool"), EditableField("certainty", _OPT_STR, "choice")),
        facets=("speaker", "hedged", "certainty", "negated"), group_fields=("speaker",),
    ),
)
BY_NAME: dict[str, RecordKind] = {k.name: k for k in KINDS}

# Every record file of a run, in the order a run writes them (errors.jsonl aside).
OUTPUT_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS)
# Span record kinds (sentences and every stage's kind), in file order.
RECORD_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS if k.id_prefix)
# Kinds built by a stage (kind -> the stage module with ``build_records``).
STAGE_KINDS: dict[str, str] = {k.name: k.stage for k in KINDS if k.stage}
ID_PREFIXES: dict[str, str] = {k.name: k.id_prefix for k in KINDS if k.id_prefix}
# The order a reviewer goes through them (keys 1-4 on the review page): arguments first, the
# figures and dates they rest on next, names last.
REVIEW_ORDER = ("claims", "figures", "dates", "entities")
REVIEWABLE_KINDS: tuple[str, ...] = tuple(name for name in REVIEW_ORDER if BY_NAME[name].reviewable)


def kind(name: str) -> RecordKind:
    """The record kind called ``name`` (KeyError for an unknown kind)."""
    return BY_NAME[name]


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """The JSON Schema for records of kind ``name`` (documents, sentences, entities, ..., errors)."""
    path = SCHEMA_DIR / f"{name}.schema.json"
    if not path.exists():
        raise FileNotFoundError(f"no schema for record kind {name!r} ({path})")
    return json.loads(path.read_text(encoding="utf-8"))


def allowed_values(kind_name: str, field: str) -> tuple:
    """The closed set of values of ``field`` (its schema ``enum`` without null; empty when open)."""
    prop = load_schema(kind_name).get("properties", {}).get(field, {})
    return tuple(v for v in prop.get("enum", ()) if v is not None)


def id_pattern() -> str:
    """Regular expression (JavaScript and Python) matching any record id."""
    prefixes = "|".join(ID_PREFIXES.values())
    return f"^({prefixes})_[0-9a-f]{{{ID_DIGITS}}}$"


def as_json() -> dict:
    """The contract as the review page reads it (``GET /api/contract``)."""
    return {
        "kinds": [
            {
                "name": k.name,
                "singular": k.singular,
                "id_prefix": k.id_prefix,
                "reviewable": k.reviewable,
                "label_field": k.label_field,
                "score_field": k.score_field,
                "detail_fields": list(k.detail_fields),
                "facets": list(k.facets),
                "group_fields": list(k.group_fields),
                "editable": [
                    {"name": f.name, "input": f.input, "nullable": f.nullable, "allowed": list(allowed_values(k.name, f.name))}
                    for f in k.editable
                ],
            }
            for k in KINDS
        ],
        "review_order": list(REVIEWABLE_KINDS),
        "span_fields": [*SPAN_FIELDS, SENTENCE_FIELD],
        "id_pattern": id_pattern(),
    }

"""Checking a reviewer's edits against the record contract before they are written.

The fields a reviewer may change are the contract's (``contract.RecordKind.editable``), with the
JSON types and allowed values (the schema's ``enum``) it gives; the span boundaries are editable for
every kind and ``text`` follows them.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..contract import BY_NAME, EditableField, allowed_values

# ``text`` is never sent: it follows the offsets.
SPAN_FIELDS = ("start_char", "end_char")
MAX_TEXT_FIELD = 500


class DecisionError(ValueError):
    """A decision that cannot be recorded (unknown decision, bad edit, unknown record)."""


def validate_edits(kind: str, edits: Mapping, *, text: str | None = None, record: Mapping | None = None) -> dict:
    """Checked copy of ``edits`` for a record of ``kind``; adds ``text`` when the span moves.

    ``text`` is the document text (needed to check and apply new span boundaries); ``record`` the
    current record (its other boundary is kept when only one boundary changes).
    """
    if not isinstance(edits, Mapping) or not edits:
        raise DecisionError("an edit needs at least one changed field")
    contract_kind = BY_NAME.get(kind)
    if contract_kind is None or not contract_kind.reviewable:
        raise DecisionError(f"records of kind {kind!r} are not reviewable")
    clean: dict = {}
    for key, value in edits.items():
        if key in SPAN_FIELDS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise DecisionError(f"{key} must be a non-negative integer")
            clean[key] = value
            continue
        spec = contract_kind.editable_field(key)
        if spec is None:
            editable = ", ".join((*(f.name for f in contract_kind.editable), *SPAN_FIELDS))
            raise DecisionError(f"field {key!r} of {kind} is not editable (editable: {editable})")
        clean[key] = _checked_value(kind, spec, value)
    if any(k in clean for k in SPAN_FIELDS):
        clean.update(_checked_span(clean, text, record))
    return clean


def _checked_value(kind: str, spec: EditableField, value: object) -> object:
    """``value`` for the field ``spec`` with its JSON type and allowed values checked (strings stripped)."""
    key, types = spec.name, spec.types
    if isinstance(value, bool) and bool not in types or not isinstance(value, types):
        raise DecisionError(f"{key} must be {_type_names(types)}")
    if isinstance(value, str):
        value = value.strip()
        if len(value) > MAX_TEXT_FIELD:
            raise DecisionError(f"{key} is longer than {MAX_TEXT_FIELD} characters")
        if not value and spec.nullable:
            return None
        if not value:
            raise DecisionError(f"{key} must not be empty")
        allowed = allowed_values(kind, key)
        if allowed and value not in allowed:
            raise DecisionError(f"{key} must be one of {', '.join(map(str, allowed))}, not {value!r}")
    return value


def _checked_span(clean: Mapping, text: str | None, record: Mapping | None) -> dict:
    """New span boundaries (one may come from ``record``) checked against the text, with the new ``text``."""
    start = clean.get("start_char", (record or {}).get("start_char"))
    end = clean.get("end_char", (record or {}).get("end_char"))
    if start is None or end is None:
        raise DecisionError("span edits need both boundaries")
    if text is None:
        raise DecisionError("the document text is not available, span boundaries cannot be edited")
    if not 0 <= start < end <= len(text):
        raise DecisionError(f"span {start}-{end} is outside the document (0-{len(text)}) or empty")
    if not text[start:end].strip():
        raise DecisionError("the new span is only whitespace")
    return {"start_char": start, "end_char": end, "text": text[start:end]}


def _type_names(types: tuple[type, ...]) -> str:
    names = {str: "a string", bool: "true or false", int: "a number", float: "a number", type(None): "null"}
    return " or ".join(dict.fromkeys(names[t] for t in types))

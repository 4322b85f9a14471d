"""``claims export OUT_DIR --to DATASET_DIR``: one typed table per record kind, review merged.

Tables: ``documents``, ``sentences``, ``entities``, ``dates``, ``figures``, ``claims`` (the kinds a
run folder holds), written as Parquet (pyarrow; lists stay list columns, cue objects become
list<struct>), CSV (lists and objects as JSON strings) or JSONL (native JSON values).

Reviewable kinds (entities, dates, figures, claims) get the review merged from ``review.jsonl``:
edits applied to the record fields, and ``review_status`` (accepted / rejected / edited /
pending; a skipped record is pending), ``reviewed_by``, ``reviewed_at``, ``edited_fields`` and
``original_values`` (JSON of the values the edits replaced). ``--accepted-only`` keeps accepted
and edited records. Every reviewable record also carries its ``sentence_text``.

Column types come from the record's JSON Schema (``pipeline/schemas``, through the contract), which
also orders the columns and types a column that is null in every row; a column the schema does not
type, or whose data do not fit its type, gets the type the data call for (bool, int64, float64,
string, list<...>, list<struct>, else a JSON string). ``dataset_card.md`` / ``dataset_card.json`` give counts per
kind and status, the pipeline version, config hash, inputs, column types and orphan decisions.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .contract import OUTPUT_KINDS, REVIEWABLE_KINDS, load_schema
from .dataset_card import EXPORT_STATUSES, card_markdown, dataset_card
from .dataset_tables import PREDICTION_COLUMNS, figure_bounds, prediction_rows
from .io import atomic_writer, dumps_record, read_jsonl
from .review.agreement import agreement
from .review.decisions import load_review

FORMATS = ("parquet", "csv", "jsonl")
REVIEW_COLUMNS = ("review_status", "reviewed_by", "reviewed_at", "edited_fields", "original_values", "adjudicated_by")
CARD_NAME = "dataset_card"


class ExportError(ValueError):
    """The export cannot be made (not a run folder, unknown format, target is the run folder)."""


# --- column types -------------------------------------------------------------------------------
# A column type is a small tuple: ("bool",) ("int",) ("float",) ("str",) ("timestamp",) ("json",)
# ("list", item) with item a scalar type, or ("list_struct", ((name, scalar type), ...)).

_SCALARS = ("bool", "int", "float", "str")


def _scalar_type(values: list) -> str | None:
    """The scalar type all non-null values share (None when they are not all scalars of one type)."""
    kinds = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            kinds.add("bool")
        elif isinstance(v, int):
            kinds.add("int")
        elif isinstance(v, float):
            kinds.add("float")
        elif isinstance(v, str):
            kinds.add("str")
        else:
            return None
    if not kinds:
        return "null"
    if kinds <= {"int", "float"}:
        return "float" if "float" in kinds else "int"
    return kinds.pop() if len(kinds) == 1 else None


def infer_type(values: list) -> tuple:
    """The column type the data themselves call for (all-null columns are strings)."""
    present = [v for v in values if v is not None]
    if not present:
        return ("str",)
    if all(isinstance(v, list) for v in present):
        items = [x for v in present for x in v]
        if items and all(isinstance(x, dict) for x in items):
            fields: dict[str, list] = {}
            for x in items:
                for key, val in x.items():
                    fields.setdefault(key, []).append(val)
            types = []
            for key, vals in fields.items():
                t = _scalar_type(vals)
                if t is None:
                    return ("json",)
                types.append((key, "str" if t == "null" else t))
            return ("list_struct", tuple(types))
        t = _scalar_type(items)
        if t is None:
            return ("json",)
        return ("list", "str" if t == "null" else t)
    t = _scalar_type(present)
    if t is None or t == "null":
        return ("json",)
    return (t,)


def _schema_type(prop: dict | None) -> tuple | None:
    """The column type a JSON Schema property declares, or None when it is not one clear type."""
    if not prop:
        return None
    for option in prop.get("oneOf", ()):  # e.g. a figure's value: a number, or [low, high]
        found = _schema_type(option)
        if found is not None:
            return found
    types = prop.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    types = [t for t in types if t != "null"]
    mapping = {"boolean": "bool", "integer": "int", "number": "float", "string": "str"}
    if len(types) == 1 and types[0] in mapping:
        return (mapping[types[0]],)
    if types == ["array"]:
        items = prop.get("items") or {}
        if items.get("type") == "object" and items.get("properties"):
            fields = []
            for key, sub in items["properties"].items():
                t = _schema_type(sub)
                if t is None or t[0] not in _SCALARS:
                    return None
                fields.append((key, t[0]))
            return ("list_struct", tuple(fields))
        sub = _schema_type(items)
        return ("list", sub[0]) if sub and sub[0] in _SCALARS else None
    return None


def _fits(value, scalar: str) -> bool:
    if value is None:
        return True
    if scalar == "bool":
        return isinstance(value, bool)
    if scalar == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if scalar == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if scalar == "str":
        return isinstance(value, str)
    return False


def _compatible(t: tuple, values: list) -> bool:
    """Whether every value can be stored in a column of type ``t`` without losing anything."""
    for v in values:
        if v is None:
            continue
        if t[0] in _SCALARS:
            if not _fits(v, t[0]):
                return False
        elif t[0] == "list":
            if not isinstance(v, list) or not all(_fits(x, t[1]) for x in v):
                return False
        elif t[0] == "list_struct":
            names = dict(t[1])
            if not isinstance(v, list) or not all(isinstance(x, dict) and set(x) <= set(names) and all(_fits(x[k], names[k]) for k in x) for x in v):
                return False
    return True


def column_type(values: list, schema_prop: dict | None = None) -> tuple:
    """The type the record's JSON Schema declares when the data fit it, else the data's own."""
    declared = _schema_type(schema_prop)
    if declared is not None and _compatible(declared, values):
        return declared
    return infer_type(values)


def type_name(t: tuple) -> str:
    """Readable name for the dataset card: int64, list<string>, list<struct<...>>, json."""
    names = {"bool": "bool", "int": "int64", "float": "float64", "str": "string", "timestamp": "timestamp[ms, UTC]", "json": "json (string)"}
    if t[0] == "list":
        return f"list<{names[t[1]]}>"
    if t[0] == "list_struct":
        return "list<struct<" + ", ".join(f"{k}: {names[v]}" for k, v in t[1]) + ">>"
    return names[t[0]]


def _arrow_type(t: tuple):
    import pyarrow as pa

    scalars = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "str": pa.string(),
               "timestamp": pa.timestamp("ms", tz="UTC"), "json": pa.string()}
    if t[0] == "list":
        return pa.list_(scalars[t[1]])
    if t[0] == "list_struct":
        return pa.list_(pa.struct([(k, scalars[v]) for k, v in t[1]]))
    return scalars[t[0]]


def _coerce(value, t: tuple):
    """A JSON value as the column type wants it (ints in a float column become floats, ...)."""
    if value is None:
        return None
    kind = t[0]
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "float":
        return float(value)
    if kind == "list":
        return [None if x is None else (float(x) if t[1] == "float" else x) for x in value]
    if kind == "list_struct":
        return [{k: (None if x.get(k) is None else (float(x[k]) if st == "float" else x[k])) for k, st in t[1]} for x in value]
    return value


# --- building tables ----------------------------------------------------------------------------


@dataclass
class Table:
    kind: str
    columns: list[str]
    types: dict[str, tuple]
    rows: list[dict]  # values already coerced to the column types (timestamps as ISO strings)

    def to_frame(self):
        """A pandas DataFrame with nullable dtypes (Int64, boolean, string, float64, UTC datetimes)."""
        import pandas as pd

        data = {}
        for col in self.columns:
            t = self.types[col]
            values = [row.get(col) for row in self.rows]
            if t[0] == "int":
                data[col] = pd.array(values, dtype="Int64")
            elif t[0] == "bool":
                data[col] = pd.array(values, dtype="boolean")
            elif t[0] == "float":
                data[col] = pd.array([float("nan") if v is None else v for v in values], dtype="float64")
            elif t[0] in ("str", "json"):
                data[col] = pd.array(values, dtype="string")
            elif t[0] == "timestamp":
                data[col] = pd.to_datetime(pd.Series(values, dtype="object"), utc=True, format="ISO8601").dt.as_unit("ms")
            else:
                data[col] = pd.Series(values, dtype="object")
        return pd.DataFrame(data, columns=self.columns)

    def to_arrow(self):
        import pyarrow as pa

        schema = pa.schema([(c, _arrow_type(self.types[c])) for c in self.columns])
        return pa.Table.from_pandas(self.to_frame(), schema=schema, preserve_index=False)


def _export_status(status: str) -> str:
    return status if status in EXPORT_STATUSES else "pending"


def reviewer_columns(reviewers: list[str]) -> dict[str, tuple[str, str]]:
    """reviewer -> (status column, edits column): ``status_by_<name>``, ``edits_by_<name>`` (the name
    reduced to letters, digits and underscores; a clash gets a number)."""
    out: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for name in reviewers:
        base = re.sub(r"\W+", "_", name, flags=re.ASCII).strip("_") or "reviewer"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}_{n}"
        taken.add(slug)
        out[name] = (f"status_by_{slug}", f"edits_by_{slug}")
    return out


def _review_row(record: dict, state, sentence_text: dict[str, str] | None, per_reviewer: dict[str, tuple[str, str]]) -> dict:
    """A reviewable record's row: edits applied, the merged review, and each reviewer's own."""
    row = dict(record)
    edits = dict(state.edits) if state else {}
    original = {k: record.get(k) for k in edits if record.get(k) != edits[k]}
    row.update(edits)
    row["sentence_text"] = (sentence_text or {}).get(record.get("sentence_id"))
    status = _export_status(state.status) if state else "pending"
    row["review_status"] = status
    row["reviewed_by"] = state.reviewer if state and status not in ("pending", "conflict") else None
    row["reviewed_at"] = state.time if state and status not in ("pending", "conflict") else None
    row["edited_fields"] = sorted(original)
    row["original_values"] = original or None
    row["adjudicated_by"] = state.adjudicated_by if state else None
    for name, (status_col, edits_col) in per_reviewer.items():
        track = state.for_reviewer(name) if state else None
        row[status_col] = _export_status(track.status) if track else "pending"
        row[edits_col] = {k: v for k, v in track.edits.items()} if track and track.edits else None
    return row


def build_table(kind: str, records: list[dict], review=None, sentence_text: dict[str, str] | None = None) -> Table:
    """One kind's table: review merged for reviewable kinds (with one status and one edits column
    per reviewer), columns typed."""
    props = load_schema(kind).get("properties", {})
    columns: list[str] = list(props)
    reviewable = kind in REVIEWABLE_KINDS
    per_reviewer = reviewer_columns(review.track_reviewers if review else []) if reviewable else {}
    extra = ["sentence_text", *REVIEW_COLUMNS, *(c for pair in per_reviewer.values() for c in pair)] if reviewable else []
    if kind == "figures":  # value: a number; value_low / value_high: a range's bounds (typed columns, no JSON)
        columns[columns.index("value") + 1:columns.index("value") + 1] = ["value_low", "value_high"]
    rows = []
    for record in records:
        row = _review_row(record, review.states.get(record["id"]) if review else None, sentence_text, per_reviewer) if reviewable else dict(record)
        if kind == "figures":
            row["value"], row["value_low"], row["value_high"] = figure_bounds(row.get("value"))
        rows.append(row)
        for key in row:
            if key not in columns and key not in extra:
                columns.append(key)
    columns += extra
    edits_cols = {pair[1] for pair in per_reviewer.values()}
    types: dict[str, tuple] = {}
    for col in columns:
        if col == "reviewed_at":
            types[col] = ("timestamp",)
        elif col == "original_values" or col in edits_cols:
            types[col] = ("json",)
        elif col == "edited_fields":
            types[col] = ("list", "str")
        elif col in ("adjudicated_by", "sentence_text") or col.startswith("status_by_"):
            types[col] = ("str",)
        elif kind == "figures" and col in ("value", "value_low", "value_high"):
            types[col] = ("float",)
        else:
            types[col] = column_type([r.get(col) for r in rows], props.get(col))
    coerced = [{c: (r.get(c) if types[c][0] == "timestamp" else _coerce(r.get(c), types[c])) for c in columns} for r in rows]
    return Table(kind, columns, types, coerced)


# --- writing ------------------------------------------------------------------------------------


def _write_parquet(table: Table, path: Path) -> None:
    import pyarrow.parquet as pq

    with atomic_writer(path, binary=True) as fh:  # the same file mode as the CSV and JSONL tables
        pq.write_table(table.to_arrow(), fh)


def _write_csv(table: Table, path: Path) -> None:
    import csv

    with atomic_writer(path) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.rows:
            out = []
            for col in table.columns:
                value = row.get(col)
                if value is None:
                    out.append("")
                elif isinstance(value, (list, dict)):
                    out.append(json.dumps(value, ensure_ascii=False))
                elif isinstance(value, bool):
                    out.append("true" if value else "false")
                else:
                    out.append(value)
            writer.writerow(out)


def _write_jsonl(table: Table, path: Path) -> None:
    with atomic_writer(path) as fh:
        for row in table.rows:
            out = {c: (json.loads(row[c]) if table.types[c][0] == "json" and row.get(c) is not None else row.get(c)) for c in table.columns}
            fh.write(dumps_record(out) + "\n")


WRITERS = {"parquet": _write_parquet, "csv": _write_csv, "jsonl": _write_jsonl}


@dataclass
class ExportResult:
    to: Path
    files: dict[str, Path]
    rows: dict[str, int]
    status_counts: dict[str, dict[str, int]]
    orphans: list[dict]
    card: dict = field(default_factory=dict)


def predictions_table(claims: Table, records: dict[str, list[dict]]) -> Table:
    """The predictions (claims of type prediction, review applied) with their horizon."""
    rows = prediction_rows(claims.rows, records.get("dates", []), records.get("documents", []))
    columns = list(PREDICTION_COLUMNS)
    types = {c: ("float",) if c == "score" else ("bool",) if c in ("hedged", "negated") else ("str",) for c in columns}
    return Table("predictions", columns, types, [{c: _coerce(r.get(c), types[c]) for c in columns} for r in rows])


def export_run(out_dir: str | Path, to: str | Path, fmt: str = "parquet", *, accepted_only: bool = False,
               license: str | None = None) -> ExportResult:  # noqa: A002  (the card's word)
    """Write one table per record kind of the run in ``out_dir`` into ``to`` (and the predictions
    table), plus the dataset card; ``license`` is the licence the dataset is shared under."""
    out, target = Path(out_dir), Path(to)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not (out / "documents.jsonl").is_file():
        raise ExportError(f"{out} is not a run folder (no documents.jsonl)")
    if target.resolve() == out.resolve():
        raise ExportError("--to must be a different folder from the run folder (the record files are never overwritten)")
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder")
    target.mkdir(parents=True, exist_ok=True)

    records = {kind: list(read_jsonl(out / f"{kind}.jsonl")) for kind in OUTPUT_KINDS if (out / f"{kind}.jsonl").exists()}
    known = {r["id"] for kind in REVIEWABLE_KINDS for r in records.get(kind, [])}
    review = load_review(out, known)
    sentence_text = {s["id"]: s["text"] for s in records.get("sentences", [])}

    files, rows, status_counts, tables = {}, {}, {}, {}
    for kind, recs in records.items():
        table = build_table(kind, recs, review, sentence_text)
        if kind in REVIEWABLE_KINDS:
            counts = dict.fromkeys(EXPORT_STATUSES, 0)
            for r in table.rows:
                counts[r["review_status"]] += 1
            status_counts[kind] = counts
            if accepted_only:
                table.rows = [r for r in table.rows if r["review_status"] in ("accepted", "edited")]
        tables[kind] = table
    if "claims" in tables:
        tables["predictions"] = predictions_table(tables["claims"], records)
    for kind, table in tables.items():
        path = target / f"{kind}.{fmt}"
        WRITERS[fmt](table, path)
        files[kind], rows[kind] = path, len(table.rows)
    shapes = {kind: {"rows": len(t.rows), "columns": {c: type_name(t.types[c]) for c in t.columns}} for kind, t in tables.items()}
    card = dataset_card(out, fmt, accepted_only, shapes, status_counts, review, license=license)
    card["review"]["agreement"] = agreement_summary(review, records)
    with atomic_writer(target / f"{CARD_NAME}.json") as fh:
        fh.write(json.dumps(card, ensure_ascii=False, indent=2) + "\n")
    with atomic_writer(target / f"{CARD_NAME}.md") as fh:
        fh.write(card_markdown(card))
    return ExportResult(target, files, rows, status_counts, review.orphans, card)


def agreement_summary(review, records: dict[str, list[dict]]) -> dict:
    """Per kind: conflicts, adjudicated records and every reviewer pair's agreement (for the card)."""
    result = agreement(review.states, {k: v for k, v in records.items() if k in REVIEWABLE_KINDS})
    return {"reviewers": result["reviewers"], "kinds": {
        kind: {"conflicts": info["conflicts"], "adjudicated": info["adjudicated"], "decided_by": info["decided_by"],
               "pairs": [{"a": p["a"], "b": p["b"], "n": p["n"], "verdict": p["verdict"],
                          "fields": {f: st for f, st in p["fields"].items() if st["n"]}} for p in info["pairs"]]}
        for kind, info in result["kinds"].items()}}


def load_table(path: str | Path):
    """Read an exported table back into pandas with its column types (parsing CSV's JSON columns)."""
    import pandas as pd

    path = Path(path)
    card_path = path.parent / f"{CARD_NAME}.json"
    columns = {}
    if card_path.exists():
        card = json.loads(card_path.read_text(encoding="utf-8"))
        columns = card["tables"].get(path.stem, {}).get("columns", {})
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        for col, tname in columns.items():
            if tname.startswith("json") and col in frame:
                frame[col] = frame[col].map(lambda v: None if pd.isna(v) else json.loads(v))
        return frame
    if path.suffix == ".jsonl":
        rows = list(read_jsonl(path))
        frame = pd.DataFrame(rows, columns=list(columns) or None)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        for col, tname in columns.items():
            if tname.startswith("list") or tname.startswith("json"):
                frame[col] = frame[col].map(lambda v: None if pd.isna(v) else json.loads(v))
            elif tname == "bool":
                frame[col] = frame[col].map({"true": True, "false": False})
    for col, tname in columns.items():
        if col not in frame:
            continue
        if tname == "int64":
            frame[col] = pd.array([None if pd.isna(v) else int(v) for v in frame[col]], dtype="Int64")
        elif tname == "float64":
            frame[col] = pd.to_numeric(frame[col])
        elif tname == "bool":
            frame[col] = frame[col].astype("boolean")
        elif tname == "string":
            frame[col] = frame[col].astype("string")
        elif tname.startswith("timestamp"):
            frame[col] = pd.to_datetime(frame[col], utc=True, format="ISO8601")
    return frame

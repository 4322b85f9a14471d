"""Packaged rule data (patterns, lexicons, gazetteers) and the loaders that validate it.

Every file is read through :func:`read_table` (TSV with a header row) or :func:`read_jsonl`.
Both fail loudly, naming the file and line, when a row is malformed: a silently skipped
lexicon row is a silently missed entity. ``root`` lets a config point at another folder with
the same layout (``[paths] resources``); ``None`` means the files shipped in this package.
"""
from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


class ResourceError(ValueError):
    """A rule-data file is missing or has a malformed row."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while rule data is loaded and compiled (a context manager,
    or a decorator).

    A pipeline build allocates some hundred thousand objects (rows, lexicons, patterns) that all
    live as long as the pipeline; every collection those allocations trigger walks them all again
    and frees nothing (a sixth of the build). Garbage cycles made meanwhile are collected as usual
    once the collector is back on.
    """
    if not gc.isenabled():  # (nested, or the caller turned it off)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def resource_path(name: str, *, root: str | Path | None = None) -> Path:
    """Absolute path of resource ``name`` (e.g. ``"segment/abbreviations.tsv"``)."""
    path = (Path(root) if root else PACKAGE_ROOT) / name
    if not path.is_file():
        raise ResourceError(f"{path}: resource file not found")
    return path


def read_table(
    name: str,
    *,
    root: str | Path | None = None,
    columns: Sequence[str],
    optional: Sequence[str] = (),
) -> list[dict[str, str]]:
    """Rows of a UTF-8 TSV file as dicts. Header row required; '#' lines and blank lines skipped.

    ``columns`` must be present and non-empty in every row; ``optional`` columns may be empty.
    Any other column in the header is an error, so typos in a header fail at load time.
    """
    path = resource_path(name, root=root)
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    # (the whole file at once, split at "\n" as iterating the file would: a word list has tens of
    # thousands of rows, read at every pipeline build)
    lines = path.read_text(encoding="utf-8").split("\n")
    strip = str.strip
    for lineno, line in enumerate(lines, 1):
        if not strip(line) or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            unknown = set(header) - set(columns) - set(optional)
            missing = set(columns) - set(header)
            if unknown or missing:
                raise ResourceError(
                    f"{path}:{lineno}: header {header} must have columns {list(columns)}"
                    f" (optional {list(optional)}); unknown {sorted(unknown)}, missing {sorted(missing)}"
                )
            width = len(header)
            # the header positions of the required columns (a duplicated name: its last position,
            # the one dict(zip(...)) keeps)
            required = [max(i for i, h in enumerate(header) if h == c) for c in columns]
            continue
        if len(cells) != width:
            if len(cells) > width:
                raise ResourceError(f"{path}:{lineno}: {len(cells)} cells for {width} columns")
            cells += [""] * (width - len(cells))
        if width == 1:  # word lists (the line is not blank: its one cell is not empty)
            rows.append({header[0]: strip(line)})
            continue
        values = list(map(strip, cells))
        for i in required:
            if not values[i]:
                empty = [c for c, i in zip(columns, required) if not values[i]]
                raise ResourceError(f"{path}:{lineno}: empty required column(s) {empty}")
        rows.append(dict(zip(header, values)))
    if header is None:
        raise ResourceError(f"{path}: empty table (no header row)")
    return rows


@dataclass(frozen=True)
class TableSpec:
    """The shape of one TSV rule-data file: the one spec type every stage declares its files with.

    ``file`` is relative to the resources root (``"dates/context.tsv"``); ``columns`` must be
    present and non-empty in every row, ``optional`` may be empty; ``enums`` maps a column to its
    allowed values and ``numeric`` lists columns whose non-empty cells must parse as numbers.
    """

    file: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()
    enums: Mapping[str, frozenset[str]] = field(default_factory=dict)
    numeric: tuple[str, ...] = ()


def load_table(spec: TableSpec, *, root: str | Path | None = None) -> list[dict[str, str]]:
    """Rows of ``spec.file`` as dicts, checked against ``spec``; a bad row fails with file:line."""
    rows = read_table(spec.file, root=root, columns=spec.columns, optional=spec.optional)
    if not spec.enums and not spec.numeric:
        return rows
    path = resource_path(spec.file, root=root)
    lines = _data_line_numbers(path)
    for row, lineno in zip(rows, lines):
        for column, allowed in spec.enums.items():
            value = row.get(column, "")
            if value and value not in allowed:
                raise ResourceError(f"{path}:{lineno}: {column}={value!r} is not one of {sorted(allowed)}")
        for column in spec.numeric:
            value = row.get(column, "")
            if value:
                try:
                    float(value)
                except ValueError:
                    raise ResourceError(f"{path}:{lineno}: {column}={value!r} is not a number") from None
    return rows


def load_tables(specs: Mapping[str, TableSpec], *, root: str | Path | None = None) -> dict[str, list[dict[str, str]]]:
    """:func:`load_table` of every spec, by name."""
    return {name: load_table(spec, root=root) for name, spec in specs.items()}


def _data_line_numbers(path: Path) -> list[int]:
    """Line numbers of the data rows of a table (after the header; '#' and blank lines skipped)."""
    numbers = [n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
               if line.strip() and not line.startswith("#")]
    return numbers[1:]


def read_jsonl(
    name: str,
    *,
    root: str | Path | None = None,
    required: Mapping[str, type | tuple[type, ...]],
    optional: Mapping[str, type | tuple[type, ...]] | None = None,
) -> list[dict]:
    """Objects of a JSONL file, each checked for required keys, allowed keys and value types."""
    path = resource_path(name, root=root)
    optional = optional or {}
    rows: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise ResourceError(f"{path}:{lineno}: invalid JSON: {err.msg}") from None
            if not isinstance(row, dict):
                raise ResourceError(f"{path}:{lineno}: expected an object")
            for key, typ in required.items():
                if key not in row:
                    raise ResourceError(f"{path}:{lineno}: missing key {key!r}")
                if not isinstance(row[key], typ):
                    raise ResourceError(f"{path}:{lineno}: {key!r} has type {type(row[key]).__name__}")
            for key, value in row.items():
                if key in required:
                    continue
                if key not in optional:
                    raise ResourceError(f"{path}:{lineno}: unknown key {key!r}")
                if value is not None and not isinstance(value, optional[key]):
                    raise ResourceError(f"{path}:{lineno}: {key!r} has type {type(value).__name__}")
            rows.append(row)
    return rows

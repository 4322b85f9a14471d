"""Packaged rule data (patterns, lexicons, gazetteers) and the loaders that validate it.

Every file is read through :func:`read_table` (TSV with a header row) or :func:`read_jsonl`.
Both fail loudly, naming the file and line, when a row is malformed: a silently skipped
lexicon row is a silently missed entity. ``root`` lets a config point at another folder with
the same layout (``[paths] resources``); ``None`` means the files shipped in this package.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


class ResourceError(ValueError):
    """A rule-data file is missing or has a malformed row."""


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
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
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
                continue
            if len(cells) > len(header):
                raise ResourceError(f"{path}:{lineno}: {len(cells)} cells for {len(header)} columns")
            cells += [""] * (len(header) - len(cells))
            row = dict(zip(header, (c.strip() for c in cells)))
            empty = [c for c in columns if not row[c]]
            if empty:
                raise ResourceError(f"{path}:{lineno}: empty required column(s) {empty}")
            rows.append(row)
    if header is None:
        raise ResourceError(f"{path}: empty table (no header row)")
    return rows


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

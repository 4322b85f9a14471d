"""Writing and merging the record files of a run.

Each shard writes ``<kind>.jsonl`` files of its own, in doc_id order; once every shard has
succeeded, :func:`merge_outputs` writes each output file once: the shards' files concatenated in
order, merged with the kept records of earlier runs when there are any. A run writes them into its
staged set (``commit.OutputSet``), which becomes current in one step; without a ``dest`` each file
is replaced atomically in place.
"""
from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..contract import ERRORS_KIND, OUTPUT_KINDS
from ..io import InputError, atomic_writer, dumps_record, read_jsonl, write_jsonl
from ..records import encode_record
from .commit import fault_point

# JSON lines exactly as ``io.dumps_record`` writes them; one reusable encoder instead of building
# one per record inside ``json.dumps`` (same bytes, ~20% less time per record). Should
# dumps_record's format ever change, the check below falls back to it.
ENCODE = encode_record  # json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode, faster
_PROBE = {"id": "x", "text": "“Zürich”\u00a0€", "n": [1, 2.5, None, True], "d": {"k": "v"}}
if ENCODE(_PROBE) != dumps_record(_PROBE):  # pragma: no cover
    ENCODE = dumps_record


def record_key(record: dict) -> tuple:
    """The order of every record file: document, offsets, id (documents: by doc_id alone)."""
    return (record["doc_id"], record.get("start_char", -1), record.get("end_char", -1), record.get("id", ""))


def merge_outputs(out: Path, keep_old: set[str], shard_dirs: Sequence[Path], dest: Path | None = None) -> dict:
    """Write every output file: kept old records (from ``out``) + the shards' records, in doc_id order.

    The files go to ``dest`` (a run's staged set) or, without one, replace those in ``out``.

    Shards are contiguous slices of the sorted doc ids, so their files concatenated in order are
    sorted already and are copied as bytes (the merge is on the critical path of a parallel run).
    Old records are parsed (to filter them by document) only when some are kept. Returns what
    run.json needs, gathered in the same pass.
    """
    summary: dict = {"documents": {}, "counts": {}, "dates_unresolved": 0}
    for kind in OUTPUT_KINDS:
        shard_files = [d / f"{kind}.jsonl" for d in shard_dirs]
        if keep_old and (out / f"{kind}.jsonl").exists():
            old = ((record_key(r), ENCODE(r) + "\n") for r in read_jsonl(out / f"{kind}.jsonl") if r["doc_id"] in keep_old)
            new = ((record_key(json.loads(line)), line) for line in _concat_lines(shard_files))
            lines: Iterator[bytes] | None = (line.encode("utf-8") for _, line in heapq.merge(old, new, key=lambda item: item[0]))
        else:
            lines = None
        n = 0
        fault_point(f"merge:{kind}")
        with _output_file(out, dest, f"{kind}.jsonl") as fh:
            if lines is not None or kind == "documents":
                for line in lines if lines is not None else _concat_binary_lines(shard_files):
                    fh.write(line)
                    n += 1
                    if kind == "documents":
                        record = json.loads(line)
                        summary["documents"][record["doc_id"]] = record["sha256"]
                        summary["dates_unresolved"] += record.get("dates_unresolved") or 0
            else:
                for path in shard_files:
                    n += _copy_counting_lines(path, fh)
        summary["counts"][kind] = n
    return summary


@contextmanager
def _output_file(out: Path, dest: Path | None, name: str):
    if dest is None:
        with atomic_writer(out / name, binary=True) as fh:
            yield fh
    else:
        with (dest / name).open("wb") as fh:
            yield fh


def _concat_lines(paths: Sequence[Path]) -> Iterator[str]:
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            yield from fh


def _concat_binary_lines(paths: Sequence[Path]) -> Iterator[bytes]:
    for path in paths:
        with path.open("rb") as fh:
            yield from fh


def _copy_counting_lines(path: Path, dest, chunk_size: int = 1 << 20) -> int:
    """Append the bytes of ``path`` to ``dest``; returns its number of lines (each record ends in "\n")."""
    n = 0
    with path.open("rb") as src:
        while chunk := src.read(chunk_size):
            dest.write(chunk)
            n += chunk.count(b"\n")
    return n


def write_errors(out: Path, errors: Sequence[InputError]) -> None:
    """``errors.jsonl`` in ``out`` (a run's staged set): every input error of the run, by file and line."""
    write_jsonl(out / f"{ERRORS_KIND}.jsonl", sorted((e.to_record() for e in errors), key=lambda r: (r["file"], r["line"] or 0, r["reason"])))

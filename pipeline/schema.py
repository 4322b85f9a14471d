"""JSON Schemas of the record files (shipped in pipeline/schemas) and validation of a run folder."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .contract import ERRORS_KIND, RECORD_KINDS, load_schema
from .io import read_jsonl


@lru_cache(maxsize=None)
def _validator(kind: str):
    from jsonschema import Draft202012Validator

    schema = load_schema(kind)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate_record(kind: str, record: dict) -> list[str]:
    """Schema violations of one record, as readable strings (empty when valid)."""
    return [f"{'/'.join(map(str, e.path)) or '(record)'}: {e.message}" for e in _validator(kind).iter_errors(record)]


def validate_run(out_dir: str | Path, source_texts: dict[str, str] | None = None) -> list[str]:
    """Every problem in a run folder: schema violations, and offsets that do not index the text.

    ``source_texts`` maps doc_id -> text; when omitted, texts are re-read from each document's
    ``source`` so the check is against the input exactly as read.
    """
    from .io import load_articles

    out = Path(out_dir)
    problems: list[str] = []
    documents = list(read_jsonl(out / "documents.jsonl"))
    if source_texts is None:
        source_texts = {}
        for doc in documents:
            path = Path(doc["source"])
            if path.exists():
                for art in load_articles(path, doc["source"], doc["doc_id"]):
                    if getattr(art, "source_line", None) == doc.get("source_line") and hasattr(art, "text"):
                        source_texts[doc["doc_id"]] = art.text
    for record in documents:
        problems += [f"documents {record.get('doc_id')}: {p}" for p in validate_record("documents", record)]
    for kind in RECORD_KINDS:
        path = out / f"{kind}.jsonl"
        if not path.exists():
            continue
        for n, record in enumerate(read_jsonl(path), 1):
            problems += [f"{kind}.jsonl:{n}: {p}" for p in validate_record(kind, record)]
            text = source_texts.get(record.get("doc_id"))
            if text is not None and text[record["start_char"]:record["end_char"]] != record["text"]:
                problems.append(f"{kind}.jsonl:{n}: text does not match source_text[start_char:end_char]")
    for n, record in enumerate(read_jsonl(out / f"{ERRORS_KIND}.jsonl"), 1):
        problems += [f"{ERRORS_KIND}.jsonl:{n}: {p}" for p in validate_record(ERRORS_KIND, record)]
    return problems

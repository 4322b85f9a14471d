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
    if not out.is_dir():
        return [f"{out}: no such folder"]
    if not (out / "documents.jsonl").is_file():
        return [f"{out}: not a run folder (no documents.jsonl)"]
    problems: list[str] = []
    documents = list(read_jsonl(out / "documents.jsonl"))
    if not documents:
        problems.append("documents.jsonl: no documents (an empty run: nothing was read)")
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
            problems.append(f"{kind}.jsonl: missing (every run writes it, empty or not)")
            continue
        for n, record in enumerate(read_jsonl(path), 1):
            problems += [f"{kind}.jsonl:{n}: {p}" for p in validate_record(kind, record)]
            text = source_texts.get(record.get("doc_id"))
            if text is not None and text[record["start_char"]:record["end_char"]] != record["text"]:
                problems.append(f"{kind}.jsonl:{n}: text does not match source_text[start_char:end_char]")
    for n, record in enumerate(read_jsonl(out / f"{ERRORS_KIND}.jsonl"), 1):
        problems += [f"{ERRORS_KIND}.jsonl:{n}: {p}" for p in validate_record(ERRORS_KIND, record)]
    return problems + validate_review(out, source_texts)


def validate_review(out_dir: str | Path, source_texts: dict[str, str] | None = None) -> list[str]:
    """Problems of ``review.jsonl`` (when there is one): unreadable lines, decisions on kinds that
    are not reviewed, and edits the review server would refuse (fields, types, allowed values,
    span text that does not match the source). Decisions on records no longer in the run
    (orphans) are not problems: they are kept on purpose and re-attach when the record returns."""
    from .review.decisions import REVIEW_FILE, REVIEWABLE_KINDS, SPAN_FIELDS, DecisionError, read_decisions, validate_edits

    log = read_decisions(out_dir)
    problems = [f"{REVIEW_FILE}:{n}: {reason}" for n, reason in log.bad_lines]
    lines = _decision_lines(Path(out_dir) / REVIEW_FILE)
    for decision in log.decisions:
        where = f"{REVIEW_FILE}:{lines.get(decision.get('id')) or str(decision.get('id', '?')).removeprefix('line')}"
        kind = decision.get("kind")
        if kind not in REVIEWABLE_KINDS:
            problems.append(f"{where}: records of kind {kind!r} are not reviewable")
            continue
        edits = decision.get("edits") or {}
        if decision.get("decision") != "edit":
            if edits:
                problems.append(f"{where}: a {decision['decision']} decision carries no edits")
            continue
        fields = {k: v for k, v in edits.items() if k not in (*SPAN_FIELDS, "text")}
        try:
            if fields:
                validate_edits(kind, fields)
            elif not edits:
                raise DecisionError("an edit decision needs edits")
        except DecisionError as err:
            problems.append(f"{where}: {err}")
        text = (source_texts or {}).get(decision.get("doc_id"))
        if "start_char" in edits and text is not None and text[edits["start_char"]:edits.get("end_char")] != edits.get("text"):
            problems.append(f"{where}: edited span text does not match the source text")
    return problems


def _decision_lines(path: Path) -> dict[str, int]:
    """decision id -> line number in the review file (for messages)."""
    import json

    found: dict[str, int] = {}
    if path.exists():
        for n, raw in enumerate(path.read_bytes().split(b"\n"), 1):
            try:
                item = json.loads(raw)
            except ValueError:
                continue
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found.setdefault(item["id"], n)
    return found

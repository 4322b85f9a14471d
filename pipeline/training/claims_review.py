"""Reviewers' claim decisions as training data for the claim classifier (the review loop).

``claims train claims --review OUT_DIR`` reads each run folder's ``review.jsonl``: an accepted claim
is a positive example of its type, an edited one of its edited type, a rejected one a negative
("none"). The sources are read back through ``documents.jsonl`` (path and sha256) and run through
the rules pipeline once, so a reviewed claim gets the same marker words the classifier sees at run
time. These examples are kept apart from the annotated corpus (they never enter its test split) and
are repeated ``REVIEW_WEIGHT`` times, because a reviewer's decision is about the very sentence the
model got wrong.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from .claims_annotation import CLAIM_TYPES, Example
from .claims_model import RULES_ONLY, Prepared, _nearest, rule_features_by_sentence, trimmed

REVIEW_WEIGHT = 3


class ReviewDataError(ValueError):
    """A review folder that cannot be used (no run, a source that changed or is gone)."""


def reviewed_claims(out_dir: Path) -> Iterator[tuple[dict, str]]:
    """(claim record, label) for every claim a reviewer accepted, edited or rejected."""
    from ..review.decisions import read_decisions, replay

    states = replay(read_decisions(out_dir).decisions)
    path = out_dir / "claims.jsonl"
    if not path.is_file():
        raise ReviewDataError(f"{out_dir}: no claims.jsonl (not a run folder)")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            state = states.get(record["id"])
            if state is None or state.status not in ("accepted", "edited", "rejected"):
                continue
            if state.status == "rejected":
                yield record, "none"
                continue
            label = (state.edits or {}).get("type", record["type"])
            if label in CLAIM_TYPES:
                yield record, label


def _documents(out_dir: Path) -> dict[str, dict]:
    path = out_dir / "documents.jsonl"
    if not path.is_file():
        raise ReviewDataError(f"{out_dir}: no documents.jsonl (not a run folder)")
    with path.open(encoding="utf-8") as fh:
        return {doc["doc_id"]: doc for doc in map(json.loads, fh)}


def _source_text(doc: dict, out_dir: Path) -> str:
    """The document's text, read from its source and checked against the run's sha256."""
    from ..io import load_articles

    source = Path(doc["source"])
    candidates = [source] if source.is_absolute() else [Path.cwd() / source, out_dir / source, out_dir.parent / source]
    for path in candidates:
        if path.is_file():
            for article in load_articles(path, doc["source"], doc["doc_id"]):
                text = getattr(article, "text", None)
                if text is not None and hashlib.sha256(text.encode("utf-8")).hexdigest() == doc["sha256"]:
                    return text
    raise ReviewDataError(f"{doc['source']}: source of reviewed document {doc['doc_id']} not found or changed")


def review_examples(review_dirs: Sequence[Path], work_dir: Path, *, nlp=None,
                    weight: int = REVIEW_WEIGHT) -> list[Prepared]:
    """Training examples from the review logs of ``review_dirs`` (each repeated ``weight`` times)."""
    if nlp is None:
        from ..runner import build_nlp

        nlp = build_nlp(overrides=RULES_ONLY)
    out: list[Prepared] = []
    for out_dir in map(Path, review_dirs):
        docs = _documents(out_dir)
        by_doc: dict[str, list[tuple[dict, str]]] = {}
        for record, label in reviewed_claims(out_dir):
            by_doc.setdefault(record["doc_id"], []).append((record, label))
        for doc_id in sorted(by_doc):
            text = _source_text(docs[doc_id], out_dir)
            feats = {trimmed(text, a, b): f for (a, b), f in rule_features_by_sentence(nlp(text)).items()}
            for record, label in by_doc[doc_id]:
                key = (record["start_char"], record["end_char"])
                features = feats.get(key) or _nearest(feats, key)
                gold = {"sid": record["id"], "claim": label != "none", "type": None if label == "none" else label,
                        "hedged": record.get("hedged", False), "speaker": "author", "speaker_start": None,
                        "speaker_end": None, "start_char": key[0], "end_char": key[1], "file": docs[doc_id]["source"]}
                example = Example(gold, text, text[key[0]:key[1]], None)
                out.extend([Prepared(example, features, None)] * weight)
    return out

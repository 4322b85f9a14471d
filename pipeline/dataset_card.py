"""The dataset card written beside an export (``dataset_card.json`` and ``dataset_card.md``): where the
data come from (pipeline version, config, inputs with their sha256), what each table holds (rows,
review status counts, every column's type and meaning), how the tables join, under which licence,
how far the review got and how well reviewers agreed, and the orphan decisions.

A column's meaning is its JSON Schema ``description`` (``pipeline/schemas``) when the schema gives
one, else the note below; columns the export adds (review, per reviewer, figure bounds, predictions)
are described here too.
"""
from __future__ import annotations

import json
from pathlib import Path

from .contract import load_schema
from .io import read_jsonl
from .review.decisions import now_iso

EXPORT_STATUSES = ("accepted", "rejected", "edited", "conflict", "pending")

COLUMN_NOTES = {
    "id": "Stable id of the record (kind prefix + 16 hex digits): the same span text in the same document keeps its id across runs.",
    "doc_id": "The document the record belongs to (documents.doc_id).",
    "start_char": "Offset of the span's first character in the document text (Python string index).",
    "end_char": "Offset just past the span's last character: text == document_text[start_char:end_char].",
    "text": "The span as written in the document.",
    "sentence_id": "The sentence the span starts in (sentences.id).",
    "sentence_text": "The text of that sentence, for reading the record in context.",
    "paragraph": "Index of the paragraph the sentence is in (0 first).",
    "boilerplate": "Kind of non-body line (title, byline, caption, navigation...) or null for body text; list of such spans in documents.",
    "title": "The article's title.", "authors": "The article's authors.", "author_roles": "What the byline says each author is.",
    "published": "Publication date (ISO, as precise as known).", "url": "Where the article was published.",
    "publisher": "Who published it.", "language": "ISO 639-1 language code.", "sha256": "sha256 of the document text (checks a copy of the source).",
    "n_chars": "Characters in the document text.", "n_words": "Whitespace-separated words.", "n_sentences": "Sentences.",
    "counts": "Records of each kind in the document.", "dates_unresolved": "Dates whose value could not be resolved.",
    "kind": "percent, money, quantity, count, duration, ... (figures).", "currency": "ISO 4217 code of a money figure.",
    "qualifier": "approx, at_least, at_most, more_than, less_than... as the text hedges the number.",
    "change": "increase / decrease when the figure is a change.", "change_from": "Start value of a change.", "change_to": "End value of a change.",
    "type": "The record's type (dates: DATE, DURATION, SET, TIME).",
    "value_low": "Lower bound of a range figure; equal to value for a single number.",
    "value_high": "Upper bound of a range figure; equal to value for a single number.",
    "review_status": "accepted, rejected, edited (accepted with changes), conflict (reviewers disagree, nobody settled it), pending.",
    "reviewed_by": "Who made the decision in effect (the adjudicator for a settled conflict).",
    "reviewed_at": "When (UTC).", "edited_fields": "Fields a reviewer changed (the columns hold the edited values).",
    "original_values": "The values the edits replaced (JSON).", "adjudicated_by": "Who settled a conflict between reviewers.",
    "horizon": "The date the prediction is to come true by, as the claim gives it (TIMEX3: 2026, 2026-05, 2026-Q2); null when it names none.",
    "horizon_by": "Last day of that horizon (ISO date): the end of its period, the day before it for 'before ...'.",
    "horizon_mod": "The date's modifier (BEFORE, END, APPROX...).", "horizon_text": "The date as written.",
    "horizon_date_id": "The date record the horizon comes from (dates.id).",
}
REVIEWER_NOTES = {"status_by_": "This reviewer's own decision (accepted, rejected, edited, pending).",
                  "edits_by_": "This reviewer's edits (JSON), null when none."}
JOIN_KEYS = [
    "documents.doc_id = <every table>.doc_id",
    "sentences.id = entities/dates/figures/claims.sentence_id",
    "entities.id in claims.about; entities.id = claims.speaker_entity",
    "figures.id, dates.id in claims.evidence; figures.id = figures.compared_with",
    "predictions.id = claims.id; dates.id = predictions.horizon_date_id",
]
LICENSE_NOTE = ("The pipeline's code is MIT-licensed (its syntax model CC BY-SA 4.0). The tables quote the articles (text, "
                "sentence_text, titles): those excerpts stay under their publishers' copyright and terms, whatever licence "
                "is given for the rest; share them as the sources allow, or share ids, offsets and sha256 only.")


def column_meanings(kind: str, columns) -> dict[str, str]:
    """Column -> what it holds: the schema's description, else a note of this module."""
    try:
        props = load_schema(kind).get("properties", {})
    except FileNotFoundError:  # tables the export derives (predictions)
        props = load_schema("claims").get("properties", {}) if kind == "predictions" else {}
    out = {}
    for col in columns:
        note = (props.get(col) or {}).get("description") or COLUMN_NOTES.get(col)
        if note is None:
            note = next((text for prefix, text in REVIEWER_NOTES.items() if col.startswith(prefix)), "")
        if kind == "predictions" and col == "id":
            note = "The claim's id (claims.id)."
        out[col] = note
    return out


def dataset_card(out: Path, fmt: str, accepted_only: bool, tables: dict[str, dict], status_counts: dict, review,
                 license: str | None = None) -> dict:  # noqa: A002
    """The card as a dict; ``tables`` maps each kind to ``{"rows": n, "columns": {column: type name}}``."""
    run = {}
    if (out / "run.json").exists():
        try:
            run = json.loads((out / "run.json").read_text(encoding="utf-8"))
        except ValueError:
            run = {}
    inputs = run.get("inputs") or [
        {"doc_id": d["doc_id"], "source": d.get("source"), "line": d.get("source_line"), "sha256": d.get("sha256")}
        for d in read_jsonl(out / "documents.jsonl")
    ]
    return {
        "created": now_iso(),
        "source_run": str(out.resolve()),
        "format": fmt,
        "accepted_only": accepted_only,
        "pipeline_version": run.get("pipeline_version"),
        "config_hash": run.get("config_hash"),
        "config": run.get("config"),
        "spacy_version": run.get("spacy_version"),
        "model": run.get("model"),
        "n_inputs": len(inputs),
        "inputs": inputs,
        "input_errors": len(run.get("errors") or []),
        "tables": {
            kind: {
                "file": f"{kind}.{fmt}",
                "rows": t["rows"],
                "status_counts": status_counts.get(kind),
                "columns": t["columns"],
                "meanings": column_meanings(kind, t["columns"]),
            }
            for kind, t in tables.items()
        },
        "join_keys": JOIN_KEYS,
        "license": license,
        "license_note": LICENSE_NOTE,
        "review": {
            "file": "review.jsonl",
            "n_decisions": len(review.decisions),
            "reviewers": review.reviewers,
            "orphan_decisions": review.orphans,
            "unreadable_lines": [{"line": n, "reason": r} for n, r in review.bad_lines],
        },
    }


def _md(text: object) -> str:
    """Table-cell safe text: pipes and newlines escaped, HTML angle brackets neutralized."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def card_markdown(card: dict) -> str:
    lines = [
        "# Dataset card",
        "",
        f"Exported {card['created']} from `{_md(card['source_run'])}` as **{card['format']}**"
        + (" (accepted and edited records only)." if card["accepted_only"] else "."),
        "",
        f"- pipeline version: {_md(card['pipeline_version'])}",
        f"- config: {_md(card['config'])} (hash {_md(card['config_hash'])})",
        f"- spaCy: {_md(card['spacy_version'])}",
        f"- inputs: {card['n_inputs']} documents; input errors: {card['input_errors']}",
        f"- review decisions: {card['review']['n_decisions']} by {', '.join(_md(r) for r in card['review']['reviewers']) or 'nobody yet'}",
        "",
        "## Tables",
        "",
        "| table | file | rows | accepted | rejected | edited | conflict | pending |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, info in card["tables"].items():
        sc = info["status_counts"] or {}
        cells = [str(sc.get(s, "")) if sc else "" for s in EXPORT_STATUSES]
        lines.append(f"| {kind} | {info['file']} | {info['rows']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Status counts are over the whole run; `rows` is what the file holds. `review_status` is accepted,",
        "rejected, edited (accepted with changes; the fields hold the edited values, `original_values` the",
        "replaced ones), conflict (reviewers disagree and nobody settled it; no edits applied) or pending",
        "(never reviewed, or skipped). `adjudicated_by` names who settled a conflict. Each reviewer has two",
        "columns: `status_by_<name>` (their own decision, same values) and `edits_by_<name>` (their edits).",
        "",
        *_agreement_lines(card["review"].get("agreement")),
        "## Columns",
        "",
    ]
    for kind, info in card["tables"].items():
        lines += [f"### {kind}", "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c}` | {t} | {_md(info['meanings'].get(c, ''))} |" for c, t in info["columns"].items()]
        lines.append("")
    if card["format"] == "csv":
        lines += ["In CSV, list and object columns hold JSON strings; empty cells are nulls.", ""]
    lines += ["## Join keys", "", *(f"- {k}" for k in card["join_keys"]), "", "## Licence", "",
              f"Dataset licence: {_md(card['license']) if card['license'] else 'not stated (claims export --license ...)'}.", "",
              card["license_note"], ""]
    orphans = card["review"]["orphan_decisions"]
    lines += ["## Orphan decisions", ""]
    if orphans:
        lines += [
            f"{len(orphans)} reviewed record(s) no longer exist in this run (the pipeline changed them); their decisions "
            "stay in review.jsonl and re-attach if the record returns.",
            "",
            "| record | kind | document | status | decisions | reviewers |",
            "|---|---|---|---|---:|---|",
        ]
        for o in orphans:
            lines.append(f"| {_md(o['record_id'])} | {_md(o['kind'])} | {_md(o['doc_id'])} | {o['status']} | {o['n_decisions']} | {_md(', '.join(map(str, o['reviewers'])))} |")
    else:
        lines.append("None: every decision is attached to a record of this run.")
    if card["review"]["unreadable_lines"]:
        lines += ["", f"Unreadable lines in review.jsonl: {', '.join(str(x['line']) for x in card['review']['unreadable_lines'])}."]
    lines += ["", "## Inputs", "", "| document | source | sha256 |", "|---|---|---|"]
    for i in card["inputs"]:
        src = f"{i.get('source')}:{i['line']}" if i.get("line") else i.get("source")
        lines.append(f"| {_md(i['doc_id'])} | {_md(src)} | {str(i.get('sha256') or '')[:12]} |")
    lines += [
        "",
        "## Loading",
        "",
        "```python",
        "import pandas as pd",
        f"claims = pd.read_{'json' if card['format'] == 'jsonl' else card['format']}(\"claims.{card['format']}\"{', lines=True' if card['format'] == 'jsonl' else ''})",
        "```",
        "",
    ]
    return "\n".join(lines)


def _agreement_lines(summary: dict | None) -> list[str]:
    """The reviewers' agreement as markdown lines (nothing before two reviewers decided the same records)."""
    if not summary or len(summary.get("reviewers", ())) < 2:
        return []
    lines = ["## Agreement between reviewers", "", "| kind | pair | both decided | accept/reject agreement | kappa | conflicts | adjudicated |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for kind, info in summary["kinds"].items():
        for p in info["pairs"]:
            v = p["verdict"]
            agree = f"{v['agreement'] * 100:.0f}%" if v["agreement"] is not None else "–"
            kappa = f"{v['kappa']:.2f}" if v["kappa"] is not None else "–"
            lines.append(f"| {kind} | {_md(p['a'])} / {_md(p['b'])} | {p['n']} | {agree} | {kappa} | {info['conflicts']} | {info['adjudicated']} |")
    lines += ["", "Cohen's kappa over the records both reviewers decided; per field in `dataset_card.json`.", ""]
    return lines

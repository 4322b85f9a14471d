"""The dataset card written beside an export (``dataset_card.json`` and ``dataset_card.md``): where the
data come from (pipeline version, config, inputs with their sha256), what each table holds (rows,
review status counts, column types), how far the review got and how well reviewers agreed, and the
orphan decisions."""
from __future__ import annotations

import json
from pathlib import Path

from .io import read_jsonl
from .review.decisions import now_iso

EXPORT_STATUSES = ("accepted", "rejected", "edited", "conflict", "pending")


def dataset_card(out: Path, fmt: str, accepted_only: bool, tables: dict[str, dict], status_counts: dict, review) -> dict:
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
            }
            for kind, t in tables.items()
        },
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
        lines.append(f"**{kind}**: " + ", ".join(f"`{c}` {t}" for c, t in info["columns"].items()))
        lines.append("")
    if card["format"] == "csv":
        lines += ["In CSV, list and object columns hold JSON strings; empty cells are nulls.", ""]
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

"""``claims report OUT_DIR``: one static, self-contained HTML page summarizing a run.

Counts per kind and type, review status per kind, documents, top entities, a figures table,
claims by certainty (and the strongest claims), input errors and orphan review decisions. Review
edits are applied to the values shown. Every value is HTML-escaped, and the page carries a
Content-Security-Policy that allows no script at all, so article text can never run as code.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from .contract import REVIEWABLE_KINDS, STAGE_KINDS, kind as contract_kind
from .io import atomic_writer, read_jsonl
from .dataset_tables import prediction_rows
from .review.agreement import agreement
from .review.decisions import apply_review, load_review, now_iso

KINDS = tuple(STAGE_KINDS)  # the stages' record kinds, in file order
TYPE_FIELD = {name: contract_kind(name).label_field for name in KINDS}
MAX_FIGURES = 300
FIGURES_PER_DOC = 5
MAX_CLAIMS = 30
CLAIMS_PER_DOC = 2  # the strongest claims come from many documents, not the first few
ARGUE_DOCS = 60
ARGUE_CLAIMS = 3
MAX_PREDICTIONS = 30
CERTAINTY_RANK = {"high": 0, "medium": 1, "low": 2}
TOP_ENTITIES = 30
STATUSES = ("accepted", "edited", "rejected", "conflict", "skipped", "pending")

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
main{max-width:78rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
details>summary{cursor:pointer;list-style:none}details>summary h2{display:inline-block}details>summary::before{content:"\\25B8  ";color:#57606a}
details[open]>summary::before{content:"\\25BE  "}
.meta{color:#57606a;font-size:.9rem}
table{border-collapse:collapse;background:#fff;font-size:.88rem;margin:.3rem 0 1rem;max-width:100%}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f0f3f6}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.grid{display:flex;flex-wrap:wrap;gap:1.5rem}.grid>div{min-width:14rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:.6rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.4rem}.card span{color:#57606a;font-size:.85rem}
.note{color:#57606a;font-size:.85rem}.warn{background:#fff4e5;border:1px solid #f0b46c;border-radius:6px;padding:.5rem .8rem}
.st-accepted,.st-rejected,.st-edited,.st-pending,.st-skipped,.st-conflict{white-space:nowrap}.st-conflict{color:#bc4c00}
.st-accepted{color:#1a7f37}.st-rejected{color:#cf222e}.st-edited{color:#0969da}.st-pending,.st-skipped{color:#57606a}
"""


def esc(value: object) -> str:
    """HTML-escaped text of any value (None -> an en dash; lists joined; dicts as JSON)."""
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return html.escape(f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}")
    if isinstance(value, int):
        return html.escape(f"{value:,}")
    if isinstance(value, list):
        return html.escape("; ".join(str(v) for v in value))
    if isinstance(value, dict):
        return html.escape(json.dumps(value, ensure_ascii=False))
    return html.escape(str(value), quote=True)


def table(headers: list[str], rows: list[list], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f'<th class="n">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>" for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            raw = value.html if isinstance(value, Raw) else esc(value)
            cells.append(f'<td class="n">{raw}</td>' if i in numeric else f"<td>{raw}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        body.append(f'<tr><td colspan="{len(headers)}" class="note">none</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Raw:
    """Markup built by this module from escaped parts (never from data directly)."""

    def __init__(self, markup: str) -> None:
        self.html = markup


def status_cell(status: str) -> Raw:
    return Raw(f'<span class="st-{esc(status)}">{esc(status)}</span>')


def _snip(text: str, n: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def load_run(out_dir: Path) -> dict:
    run = {}
    if (out_dir / "run.json").exists():
        try:
            run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
        except ValueError:
            run = {}
    records = {kind: list(read_jsonl(out_dir / f"{kind}.jsonl")) for kind in KINDS}
    review = load_review(out_dir, {r["id"] for kind in REVIEWABLE_KINDS for r in records.get(kind, [])})
    applied = {kind: [apply_review(r, review.states.get(r["id"])) for r in recs] for kind, recs in records.items()}
    return {
        "run": run,
        "documents": list(read_jsonl(out_dir / "documents.jsonl")),
        "sentences": {s["id"]: s for s in read_jsonl(out_dir / "sentences.jsonl")},
        "records": applied,
        "errors": list(read_jsonl(out_dir / "errors.jsonl")),
        "review": review,
    }


def build_report(out_dir: str | Path) -> str:
    """The report page as a string."""
    out = Path(out_dir)
    if not (out / "documents.jsonl").is_file():
        raise FileNotFoundError(f"{out} is not a run folder (no documents.jsonl)")
    data = load_run(out)
    titles = {d["doc_id"]: d.get("title") or d["doc_id"] for d in data["documents"]}
    recs = data["records"]
    parts = [
        *_heading(out, data["run"]),
        *_overview(data),
        *_argues_section(recs["claims"], data["documents"], titles),
        *_predictions_section(recs["claims"], recs["dates"], data["documents"], titles),
        *_claims_section(recs["claims"], titles),
        *_review_section(recs, data["review"]),
        *_folded("Records per kind and type", _kinds_and_types(recs)),
        *_folded(f"Documents ({len(data['documents']):,})", _documents_section(data["documents"])),
        *_folded("Top entities", _entities_section(recs["entities"])),
        *_folded(f"Figures ({len(recs['figures']):,})", _figures_section(recs["figures"], titles, data["sentences"])),
        *_folded(f"Input errors ({len(data['errors']):,})", [table(["file", "line", "reason", "skipped"],
                 [[e.get("file"), e.get("line"), e.get("reason"), e.get("skipped")] for e in data["errors"]])]),
    ]
    body = "\n".join(parts)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>claims report: {esc(out.resolve().name)}</title><style>{CSS}</style></head>"
        f"<body><main>\n{body}\n</main></body></html>\n"
    )


def _folded(title: str, parts: list[str]) -> list[str]:
    """A section folded away (a click opens it; no script): the page stays short."""
    inner = [re.sub(r"^<h2>.*?</h2>", "", p) for p in parts]
    return [f"<details><summary><h2>{esc(title)}</h2></summary>", *inner, "</details>"]


def _rank(claim: dict) -> tuple:
    """Strongest first: the (calibrated) score, then how sure the speaker sounds, unhedged before hedged."""
    return (-(claim.get("score") or 0), CERTAINTY_RANK.get(claim.get("certainty"), 3), bool(claim.get("hedged")))


def _standing(claims: list[dict]) -> list[dict]:
    """Claims a reviewer has not rejected and reviewers do not dispute."""
    return [c for c in claims if c["review"]["status"] not in ("rejected", "conflict")]


def _argues_section(claims: list[dict], docs: list[dict], titles: dict) -> list[str]:
    """Each document's strongest claims, of different types where it has them: what it argues."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in _standing(claims):
        by_doc[c["doc_id"]].append(c)
    rows = []
    for d in docs[:ARGUE_DOCS]:
        ranked = sorted(by_doc.get(d["doc_id"], []), key=_rank)
        picked: list[dict] = []
        for c in ranked:  # one claim per type first, then the next strongest
            if len(picked) < ARGUE_CLAIMS and all(p.get("type") != c.get("type") for p in picked):
                picked.append(c)
        picked += [c for c in ranked if c not in picked][:ARGUE_CLAIMS - len(picked)]
        for i, c in enumerate(sorted(picked, key=lambda c: c["start_char"])):
            rows.append([titles.get(d["doc_id"]) if i == 0 else "", c.get("type"), _snip(c["text"], 220), _speaker(c), c.get("score")])
    parts = ["<h2>What the articles argue</h2>",
             f'<p class="note">each document\'s {ARGUE_CLAIMS} strongest claims (one per type first), in text order; '
             "rejected and disputed claims left out</p>",
             table(["document", "type", "claim", "speaker", "score"], rows, {4})]
    if len(docs) > ARGUE_DOCS:
        parts.append(f'<p class="note">first {ARGUE_DOCS} of {len(docs):,} documents; every claim is in the export</p>')
    return parts


def _speaker(claim: dict) -> str:
    speaker = claim.get("speaker")
    who = "the author" if speaker in (None, "author") else speaker
    return who + (" (hedged)" if claim.get("hedged") else "")


def _predictions_section(claims: list[dict], dates: list[dict], docs: list[dict], titles: dict) -> list[str]:
    """The predictions that name the date they are to come true by, the nearest first."""
    rows = sorted((r for r in prediction_rows(_standing(claims), dates, docs) if r["horizon_by"]),
                  key=lambda r: (r["horizon_by"], _rank(r)))
    return ["<h2>Predictions with a horizon</h2>",
            f'<p class="note">{len(rows):,} predictions name the date they are to come true by; the nearest '
            f"{min(len(rows), MAX_PREDICTIONS)} (all in the export's predictions table)</p>",
            table(["by", "as written", "prediction", "speaker", "document"],
                  [[r["horizon_by"], r["horizon_text"], _snip(r["text"], 220), _speaker(r), titles.get(r["doc_id"], r["doc_id"])]
                   for r in rows[:MAX_PREDICTIONS]])]


def _heading(out: Path, run: dict) -> list[str]:
    model = run.get("model") or {}
    facts = (
        f"folder {out.resolve()}",
        f"pipeline {run.get('pipeline_version', '?')}",
        f"config {run.get('config', '?')} ({run.get('config_hash', '?')})",
        f"spaCy {run.get('spacy_version', '?')}",
        f"model {model.get('name') or 'none'} {model.get('version') or ''}".strip(),
        f"generated {now_iso()}",
    )
    return [f"<h1>Run report: {esc(out.resolve().name)}</h1>", '<p class="meta">' + " \u00b7 ".join(esc(x) for x in facts) + "</p>"]


def _overview(data: dict) -> list[str]:
    docs, recs, review = data["documents"], data["records"], data["review"]
    n_words = sum(d.get("n_words") or 0 for d in docs)
    cards = [("documents", len(docs)), ("words", n_words), ("sentences", len(data["sentences"]))]
    cards += [(kind, len(recs[kind])) for kind in KINDS] + [("input errors", len(data["errors"])), ("review decisions", len(review.decisions))]
    parts = ['<div class="cards">' + "".join(f'<div class="card"><b>{esc(n)}</b><span>{esc(label)}</span></div>' for label, n in cards) + "</div>"]
    speed = _speed_note(data["run"])
    if speed:
        parts.append(f'<p class="note">{esc(speed)}</p>')
    return parts


def _speed_note(run: dict) -> str | None:
    """The last run's speed over the documents it processed; documents reused unchanged from an
    earlier run took no time and count for nothing (a re-run that processed none says so)."""
    timings = run.get("timings") or {}
    if not timings:
        return None
    processed, reused = run.get("processed"), run.get("reused") or 0
    if processed == 0:
        return f"the last run processed no document ({reused} unchanged, kept from an earlier run): no speed to report"
    words, seconds = timings.get("words_processed"), timings.get("seconds")
    rate = timings.get("words_per_second")
    counted = f"{processed} documents, {words:,} words" if isinstance(processed, int) and isinstance(words, int) else "the documents processed"
    return f"last run: {counted} in {seconds} s, {rate} words/s" + (f" ({reused} unchanged documents not counted)" if reused else "")


def _kinds_and_types(recs: dict) -> list[str]:
    parts = ["<h2>Records per kind and type</h2><div class=\"grid\">"]
    for kind in KINDS:
        counter = Counter(str(r.get(TYPE_FIELD[kind])) for r in recs[kind])
        rows = [[t, n] for t, n in counter.most_common()]
        parts.append(f"<div><h3>{esc(kind)} by {esc(TYPE_FIELD[kind])}</h3>{table([TYPE_FIELD[kind], 'records'], rows, {1})}</div>")
    parts.append("</div>")
    return parts


def _review_section(recs: dict, review) -> list[str]:
    parts = ["<h2>Review</h2>"]
    rows = []
    for kind in KINDS:
        c = Counter(r["review"]["status"] for r in recs[kind])
        rows.append([kind, *[c.get(s, 0) for s in STATUSES], len(recs[kind])])
    parts.append(table(["kind", *STATUSES, "total"], rows, set(range(1, len(STATUSES) + 2))))
    if review.reviewers:
        parts.append(f'<p class="note">reviewers: {esc(", ".join(review.reviewers))}</p>')
    parts += _team_section(recs, review)
    if review.orphans:
        parts.append(f'<p class="warn">{len(review.orphans)} reviewed record(s) no longer exist in this run; their decisions are kept in '
                     "review.jsonl and re-attach if the records return.</p>")
        parts.append(table(["record", "kind", "document", "status", "decisions", "reviewers", "last decision"],
                           [[o["record_id"], o["kind"], o["doc_id"], status_cell(o["status"]), o["n_decisions"], o["reviewers"], o["last_time"]]
                            for o in review.orphans],
                           {4}))
    if review.bad_lines:
        parts.append(f'<p class="warn">unreadable lines in review.jsonl: {esc(", ".join(str(n) for n, _ in review.bad_lines))}</p>')
    return parts


def _team_section(recs: dict, review) -> list[str]:
    """Each reviewer's progress and, once two reviewers decided the same records, their agreement."""
    result = agreement(review.states, {kind: recs[kind] for kind in REVIEWABLE_KINDS})
    if not result["reviewers"]:
        return []
    kinds = list(result["kinds"])
    progress = table(["reviewer", *kinds], [[name, *[result["kinds"][k]["decided_by"][name] for k in kinds]] for name in result["reviewers"]],
                     set(range(1, len(kinds) + 1)))
    rows = []
    for kind, info in result["kinds"].items():
        for p in info["pairs"]:
            v = p["verdict"]
            rows.append([kind, f"{p['a']} / {p['b']}", p["n"], None if v["agreement"] is None else f"{v['agreement'] * 100:.0f}%",
                         v["kappa"], info["conflicts"], info["adjudicated"]])
    parts = ["<h3>Decided by each reviewer</h3>", progress]
    if rows:
        parts += ["<h3>Agreement between reviewers</h3>",
                  table(["kind", "pair", "both decided", "accept/reject agreement", "Cohen's kappa", "conflicts", "adjudicated"], rows, {2, 3, 4, 5, 6}),
                  '<p class="note">per field: <code>claims review OUT_DIR --agreement</code></p>']
    return parts


def _documents_section(docs: list[dict]) -> list[str]:
    return ["<h2>Documents</h2>", table(
        ["document", "title", "published", "words", *KINDS],
        [[d["doc_id"], d.get("title"), d.get("published"), d.get("n_words"), *[(d.get("counts") or {}).get(k, 0) for k in KINDS]] for d in docs],
        {3, 4, 5, 6, 7},
    )]


def _entities_section(entities: list[dict]) -> list[str]:
    mentions: Counter = Counter()
    in_docs: dict[tuple, set] = defaultdict(set)
    for r in entities:
        key = (r.get("canonical") or r["text"], r.get("label"))
        mentions[key] += 1
        in_docs[key].add(r["doc_id"])
    return ["<h2>Top entities</h2>", table(
        ["entity", "label", "mentions", "documents"],
        [[name, label, n, len(in_docs[(name, label)])] for (name, label), n in mentions.most_common(TOP_ENTITIES)], {2, 3},
    )]


def _figures_section(figs: list[dict], titles: dict, sentences: dict) -> list[str]:
    """Figures from every document (at most a few each, those that say what they measure first)."""
    per_doc: dict[str, list[dict]] = defaultdict(list)
    for r in figs:
        per_doc[r["doc_id"]].append(r)
    shown = []
    for doc_figs in per_doc.values():
        best = sorted(doc_figs, key=lambda r: (r.get("measured") is None, r["start_char"]))[:FIGURES_PER_DOC]
        shown += sorted(best, key=lambda r: r["start_char"])
    total = len(figs)
    figs = shown
    parts = ["<h2>Figures</h2>", table(
        ["document", "figure", "value", "unit", "kind", "measured", "sentence", "status"],
        [[titles.get(r["doc_id"], r["doc_id"]), r["text"], r.get("value"), r.get("unit"), r.get("kind"), r.get("measured"),
          _snip((sentences.get(r.get("sentence_id")) or {}).get("text", "")), status_cell(r["review"]["status"])]
         for r in figs[:MAX_FIGURES]], {2},
    )]
    if total > len(figs[:MAX_FIGURES]):
        parts.append(f'<p class="note">{len(figs[:MAX_FIGURES]):,} of {total:,} figures: at most {FIGURES_PER_DOC} per document, '
                     "those that say what they measure first; every figure is in the export</p>")
    return parts


def _claims_section(claims: list[dict], titles: dict) -> list[str]:
    types = sorted({str(r.get("type")) for r in claims})
    certainties = [c for c in ("high", "medium", "low") if any(r.get("certainty") == c for r in claims)]
    certainties += sorted({str(r.get("certainty")) for r in claims} - set(certainties))
    grid = Counter((str(r.get("certainty")), str(r.get("type"))) for r in claims)
    by_certainty = table(
        ["certainty", *types, "total", "hedged", "negated"],
        [[c, *[grid.get((c, t), 0) for t in types], sum(grid.get((c, t), 0) for t in types),
          sum(1 for r in claims if str(r.get("certainty")) == c and r.get("hedged")),
          sum(1 for r in claims if str(r.get("certainty")) == c and r.get("negated"))] for c in certainties],
        set(range(1, len(types) + 4)),
    )
    top, per_doc = [], Counter()
    for c in sorted(_standing(claims), key=_rank):
        if per_doc[c["doc_id"]] < CLAIMS_PER_DOC:
            top.append(c)
            per_doc[c["doc_id"]] += 1
        if len(top) == MAX_CLAIMS:
            break
    strongest = table(
        ["document", "claim", "type", "certainty", "speaker", "score", "status"],
        [[titles.get(r["doc_id"], r["doc_id"]), _snip(r["text"], 240), r.get("type"), r.get("certainty"), r.get("speaker"), r.get("score"),
          status_cell(r["review"]["status"])] for r in top], {5},
    )
    note = (f'<p class="note">by score (the claim classifier\'s calibrated probability), then certainty, unhedged first; '
            f"at most {CLAIMS_PER_DOC} per document; rejected and disputed claims left out</p>")
    return ["<h2>Strongest claims</h2>", note, strongest, "<h3>Claims by certainty</h3>", by_certainty]


def write_report(out_dir: str | Path, out_file: str | Path | None = None) -> Path:
    """Write the report (default ``OUT_DIR/report.html``); returns its path."""
    target = Path(out_file) if out_file else Path(out_dir) / "report.html"
    page = build_report(out_dir)
    with atomic_writer(target) as fh:
        fh.write(page)
    return target

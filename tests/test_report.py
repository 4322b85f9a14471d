"""claims report: a static, self-contained, escaped HTML summary of a run."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.report import build_report, write_report
from pipeline.review.decisions import append_decision, make_decision

from .review_run import make_run, record


class Collector(HTMLParser):
    """Tags, visible text and table rows of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = make_run(tmp_path_factory.mktemp("report"))
    claim = record(out, "claims", "Western governments should not mistake this slowdown for a retreat.")
    append_decision(out, make_decision(claim["id"], "claims", "edit", reviewer="ann", doc_id="arctic-ports", edits={"type": "prediction"}))
    append_decision(out, make_decision("clm_ffffffffffffffff", "claims", "reject", reviewer="ann", doc_id="gone"))
    html = build_report(out)
    parser = Collector()
    parser.feed(html)
    return html, parser


def test_self_contained_and_escaped(page):
    html, parser = page
    assert "script" not in parser.tags and "img" not in parser.tags and "link" not in parser.tags
    assert not any(name.startswith("on") for name, _ in parser.attrs)
    assert "default-src 'none'" in html
    text = "".join(parser.text)
    for raw in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "Officials in <b>Kyiv</b>", "empty file <b>not bold</b>"):
        assert raw in text  # shown as text...
        assert raw not in html  # ...because it was escaped
    assert not re.search(r"https?://", html)  # nothing fetched from elsewhere


def test_counts_per_kind_and_type(page):
    _, parser = page
    rows = parser.rows
    assert ["GPE", "5"] in rows and ["PERSON", "2"] in rows  # entities by label
    assert ["DURATION", "1"] in rows  # dates by type
    assert ["money", "1"] in rows and ["percent", "1"] in rows  # figures by kind
    # claims by type, with the reviewer's edit applied (recommendation -> prediction)
    assert ["prediction", "5"] in rows and ["evaluation", "2"] in rows and ["interpretation", "1"] in rows
    assert ["claims", "0", "1", "0", "0", "0", "7", "8"] in rows  # review: accepted edited rejected conflict skipped pending total
    assert ["ann", "1", "0", "0", "0"] in rows  # decided by each reviewer: claims, figures, dates, entities


def test_entities_figures_certainty_and_errors(page):
    _, parser = page
    rows = parser.rows
    assert ["Russia", "GPE", "1", "1"] in rows
    fig = next(r for r in rows if len(r) == 8 and r[1] == "about \u20ac25 million")
    assert fig[2:5] == ["25,000,000", "EUR", "money"] and fig[7] == "pending"
    header = next(r for r in rows if r and r[0] == "certainty")
    high = next(r for r in rows if r and r[0] == "high" and len(r) == len(header))
    assert dict(zip(header, high))["prediction"] == "4" and dict(zip(header, high))["total"] == "6"
    assert any(r[:1] == ["clm_ffffffffffffffff"] and "rejected" in r for r in rows)  # orphan decision
    assert any("empty file <b>not bold</b>" in cell for r in rows for cell in r)  # input error


def test_write_report_and_cli(tmp_path):
    out = make_run(tmp_path)
    assert write_report(out) == out / "report.html"
    result = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0 and (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    bad = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert bad.exit_code == 2 and "not a run folder" in bad.stderr


def test_empty_run(tmp_path):
    out = make_run(tmp_path)
    for kind in ("entities", "dates", "figures", "claims"):
        (out / f"{kind}.jsonl").write_text("", encoding="utf-8")
    parser = Collector()
    parser.feed(build_report(out))
    assert ["none"] in parser.rows


def test_reviewers_progress_and_agreement(tmp_path):
    out = make_run(tmp_path)
    texts = ("Western governments should not mistake this slowdown for a retreat.",
             "Sabotage of undersea cables costs little and achieves a lot.")
    for text, (ann, bob) in zip(texts, (("accept", "reject"), ("accept", "accept"))):
        claim = record(out, "claims", text)
        for name, decision in (("ann", ann), ("bob", bob)):
            append_decision(out, make_decision(claim["id"], "claims", decision, reviewer=name, doc_id=claim["doc_id"]))
    parser = Collector()
    parser.feed(build_report(out))
    assert ["ann", "2", "0", "0", "0"] in parser.rows and ["bob", "2", "0", "0", "0"] in parser.rows
    # (accept, reject) and (accept, accept): 50%, chance 1/2, kappa 0; one conflict left
    assert ["claims", "ann / bob", "2", "50%", "0", "1", "0"] in parser.rows
    assert ["claims", "1", "0", "0", "1", "0", "6", "8"] in parser.rows  # one accepted by both, one conflict


def test_what_the_articles_argue_predictions_and_strongest_claims(tmp_path):
    out = make_run(tmp_path)
    western = record(out, "claims", "Western governments should not mistake this slowdown for a retreat.")
    append_decision(out, make_decision(western["id"], "claims", "reject", reviewer="ann", doc_id="arctic-ports"))
    html = build_report(out)
    parser = Collector()
    parser.feed(html)
    rows = parser.rows
    nato = "NATO will probably expand its patrols in the Baltic Sea before 2026, said Ingrid Holm of the Baltic Security Centre."
    baltic = "Baltic Cables: A Cheap Way to Cause Expensive Trouble"
    # each document's strongest claims, one per type first, in text order; the rejected one left out
    argue = rows[rows.index(["document", "type", "claim", "speaker", "score"]) + 1:]
    assert argue[:4] == [
        ["Ice, Ports and Patience: Moscow's Northern Bet", "prediction",
         "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.", "the author", "0.82"],
        ["", "prediction", "\u201cThe route will remain a seasonal curiosity for at least a decade,\u201d said Lars Henriksen, a shipping analyst in Oslo.",
         "Lars Henriksen", "0.74"],
        ["", "interpretation", "Beijing is likely to keep investing in Arctic ports because it wants leverage over future trade lanes.",
         "the author (hedged)", "0.55"],
        [baltic, "evaluation", "Sabotage of undersea cables costs little and achieves a lot.", "the author", "0.63"]]
    # predictions that name their date, the nearest first
    assert ["2025-12-31", "before 2026", nato, "Ingrid Holm (hedged)", baltic] in rows
    kyiv = next(r for r in rows if r[:2] == ["2026-12-31", "2026"])
    assert kyiv[2] == "Officials in <b>Kyiv</b> argue that the sanctions will fail by 2026."
    assert rows.index(["2025-12-31", "before 2026", nato, "Ingrid Holm (hedged)", baltic]) < rows.index(kyiv)
    # strongest claims: by score, at most two per document, the rejected one (0.91) left out
    head = rows.index(["document", "claim", "type", "certainty", "speaker", "score", "status"])
    strongest = rows[head + 1:head + 7]
    assert [r[5] for r in strongest] == ["0.82", "0.78", "0.74", "0.7", "0.63", "0.41"]
    assert all(western["text"] not in r for r in rows[head:])
    assert html.count("<details>") == 5 and "<summary><h2>Figures (5)</h2></summary>" in html

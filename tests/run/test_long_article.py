"""Issue 16 item 1: an article of any length up to --max-mb is processed completely, offsets exact."""
from __future__ import annotations

import importlib
import json

from pipeline.io import load_articles, read_jsonl
from pipeline.run import run_corpus

from ..conftest import PROJECT_ROOT

annotate_mod = importlib.import_module("pipeline.run.annotate")
PARAGRAPH = ("Officials in Berlin said on 3 March 2024 that exports fell by 12 percent. "
             "The ministry will probably revise its forecast next year.\n\n")


def test_million_character_article_is_processed_with_exact_offsets(tmp_path, rules_nlp):
    """Before: spaCy's E088 (nlp.max_length) for a 1.1M-character text; the batch stopped."""
    folder = tmp_path / "in"
    folder.mkdir()
    text = PARAGRAPH * (1_100_000 // len(PARAGRAPH) + 1)
    assert len(text) > 1_100_000 > rules_nlp.max_length
    (folder / "long.txt").write_text(text, encoding="utf-8")
    (folder / "short.txt").write_text(PARAGRAPH, encoding="utf-8")
    result = run_corpus([folder], tmp_path / "out", nlp=rules_nlp)
    assert sorted(result.processed) == ["long", "short"] and result.errors == []
    [doc] = [d for d in read_jsonl(tmp_path / "out" / "documents.jsonl") if d["doc_id"] == "long"]
    assert doc["n_chars"] == len(text)
    n_paragraphs = text.count("\n\n")
    sentences = [s for s in read_jsonl(tmp_path / "out" / "sentences.jsonl") if s["doc_id"] == "long"]
    assert len(sentences) == 2 * n_paragraphs
    assert sentences[-1]["end_char"] == len(text) - 2
    for kind in ("sentences", "dates", "figures"):
        records = [r for r in read_jsonl(tmp_path / "out" / f"{kind}.jsonl") if r["doc_id"] == "long"]
        assert all(text[r["start_char"]:r["end_char"]] == r["text"] for r in records)
    figures = [r for r in read_jsonl(tmp_path / "out" / "figures.jsonl") if r["doc_id"] == "long"]
    # each paragraph: the year of "3 March 2024" (a figure of kind year, CONVENTIONS) and "12 percent"
    assert len(figures) == 2 * n_paragraphs and [f["text"] for f in figures[-2:]] == ["2024", "12 percent"]


def _records(nlp, articles):
    from pipeline.run.doc_records import doc_records

    docs = [annotate_mod.make_doc(nlp, art) for art in articles]
    return [doc_records(doc, art) for doc, art in zip(annotate_mod.annotate(nlp, docs, batch_size=8), articles)]


def test_long_docs_in_pieces_give_the_same_records(default_nlp, monkeypatch):
    """The statistical components over paragraph-aligned pieces: every record as for the whole Doc."""
    paths = sorted((PROJECT_ROOT / "corpus").glob("*.txt"))[:2]
    articles = [a for p in paths for a in load_articles(p, str(p), p.stem)]
    whole = _records(default_nlp, articles)
    calls = []
    real = annotate_mod.annotate_in_pieces
    monkeypatch.setattr(annotate_mod, "LONG_DOC_CHARS", 100)
    monkeypatch.setattr(annotate_mod, "PIECE_CHARS", 400)
    monkeypatch.setattr(annotate_mod, "annotate_in_pieces", lambda d, p, t: (calls.append(d._.doc_id), real(d, p, t))[1])
    pieced = _records(default_nlp, articles)
    assert calls == [a.doc_id for a in articles]
    assert json.dumps(pieced, sort_keys=True) == json.dumps(whole, sort_keys=True)


def test_piece_bounds_cut_at_paragraph_starts(rules_nlp):
    text = "First sentence here. Second one.\n\nNext paragraph starts. And goes on.\n\nLast one."
    doc = rules_nlp(text)
    bounds = annotate_mod.piece_bounds(doc, max_chars=40)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(doc)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert [doc[s].text for s, _ in bounds] == ["First", "Next", "Last"]

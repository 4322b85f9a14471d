"""The records of one Doc built by the run: documents and sentences, and the language guess."""
from __future__ import annotations

import random
import re

from pipeline.io import read_jsonl
from pipeline.run import run_corpus
from pipeline.run.doc_records import detect_language, find_az_runs


def run(batch, out, nlp, **kw):
    return run_corpus([str(batch)], out, nlp=nlp, **kw)


def test_documents_record(bad_batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(bad_batch, out, rules_nlp, published="2024-01")
    docs = {d["doc_id"]: d for d in read_jsonl(out / "documents.jsonl")}
    arctic = docs["arctic-shipping"]
    assert arctic["title"] == "Cold Calculations: Why the Northern Sea Route Will Disappoint Beijing"
    assert arctic["authors"] == ["Anna Lindqvist"]
    assert arctic["author_roles"] == ["Senior Fellow, Polar Security Programme", "Nordic Institute of Strategic Studies"]
    assert (arctic["published"], arctic["published_from"]) == ("2024-05-02", "sidecar")
    assert (docs["baltic-brief"]["published"], docs["baltic-brief"]["published_from"]) == ("2024-01", "cli")
    assert (docs["feed-1"]["published"], docs["feed-1"]["published_from"]) == ("2025-02-10", "jsonl")
    assert docs["baltic-brief"]["authors"] == ["Erik Sandberg"]
    assert docs["baltic-brief"]["author_roles"] == ["Äldre forskare"]
    assert [b["kind"] for b in docs["baltic-brief"]["boilerplate"]] == ["page_label", "page_label", "byline"]
    assert arctic["language"] == "en"
    assert arctic["n_words"] == len((bad_batch / "arctic-shipping.txt").read_text(encoding="utf-8").split())


def test_sentence_records(bad_batch, tmp_path, rules_nlp):
    out = tmp_path / "out"
    run(bad_batch, out, rules_nlp)
    sents = [s for s in read_jsonl(out / "sentences.jsonl") if s["doc_id"] == "arctic-shipping"]
    assert (sents[0]["text"], sents[0]["paragraph"], sents[0]["boilerplate"]) == (
        "Cold Calculations: Why the Northern Sea Route Will Disappoint Beijing", 0, "title")
    body = [s for s in sents if s["boilerplate"] is None]
    assert (body[0]["text"], body[0]["paragraph"]) == ("China has spent a decade courting Russia over Arctic shipping.", 2)
    assert sents[-1]["text"] == "Explore our related content" and sents[-1]["boilerplate"] == "navigation"
    assert len({s["id"] for s in sents}) == len(sents)


def test_find_az_runs_equals_the_regex():
    rnd = random.Random(11)
    pieces = ["the", "of", "Zürich", "don't", "a-b", "x_y", "\u0130", "ſ", "ß", "é", "\ud800", "\n", "\t", " ", "?", "1",
              "😀", "\x00", "\x7f", "\xff", "AbC", "z", "{", "`"]
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30))).lower()
        assert [w.decode("ascii") for w in find_az_runs(text)] == re.findall(r"[a-z]+", text)


def test_detect_language():
    assert detect_language("The state of the art is that it was not done by them.") == "en"
    assert detect_language("Äldre forskare vid Utrikespolitiska institutet.") is None
    assert detect_language("123 456") is None

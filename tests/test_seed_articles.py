"""The two real seed articles (read from ../shared/corpus, never copied): segmentation, title, author.

Skipped when ../shared/corpus is absent (a clone elsewhere)."""
from __future__ import annotations

import pytest

from pipeline.io import read_jsonl
from pipeline.run import run_corpus

from .conftest import SHARED_CORPUS

SEEDS = [SHARED_CORPUS / "000_209a23322be7f4e8.txt", SHARED_CORPUS / "003_db7cbe7b08cbfd51.txt"]
pytestmark = pytest.mark.skipif(not all(p.exists() for p in SEEDS), reason="../shared/corpus not available")


@pytest.fixture(scope="module")
def run(tmp_path_factory, default_nlp):
    out = tmp_path_factory.mktemp("seeds")
    run_corpus([str(p) for p in SEEDS], out, nlp=default_nlp, published="2016-09")
    docs = {d["doc_id"]: d for d in read_jsonl(out / "documents.jsonl")}
    sentences = list(read_jsonl(out / "sentences.jsonl"))
    return docs, sentences


def test_rusi_commentary_boilerplate_title_author(run):
    docs, _ = run
    doc = docs["000_209a23322be7f4e8"]
    assert doc["title"] == "Russia and Japan: Wrong Premise, Unrealistic Expectations"
    assert doc["authors"] == ["Jonathan Eyal"]
    assert doc["author_roles"] == ["Associate Director, Strategic Research Partnerships", "RUSI International"]
    assert [(b["kind"], b["text"][:30]) for b in doc["boilerplate"]] == [
        ("title", "Russia and Japan: Wrong Premis"),
        ("image_credit", "Main Image Credit The Etorofu,"),
        ("byline", "Jonathan Eyal"),
        ("author_role", "Associate Director, Strategic "),
        ("author_role", "RUSI International"),
        ("navigation", "View profile"),
        ("navigation", "Explore our related content"),
    ]
    assert doc["published"] == "2016-09"


def test_swedish_brief_page_labels_and_author(run):
    docs, _ = run
    doc = docs["003_db7cbe7b08cbfd51"]
    assert doc["title"] is None  # the page shows no title line
    assert doc["authors"] == ["Marcin Kaczmarski"]
    assert doc["author_roles"] == ["Äldre forskare"]
    assert [(b["kind"], b["text"]) for b in doc["boilerplate"]] == [
        ("page_label", "Sammanfattning"), ("page_label", "Äldre forskare"), ("byline", "Marcin Kaczmarski"),
    ]


def test_quote_with_attribution_after_is_one_sentence_and_names_are_not_split(run):
    _, sentences = run
    texts = [s["text"] for s in sentences if s["doc_id"] == "000_209a23322be7f4e8"]
    quote = [t for t in texts if "window of opportunity" in t]
    assert len(quote) == 1 and quote[0].startswith("‘The two counties need") and "said former Russian Ambassador to Japan Alexander Panov" in quote[0]
    assert any(t.startswith("However, none of this has dampened Japanese Prime Minister Shinzo Abe’s enthusiasm") for t in texts)
    body = [s for s in sentences if s["boilerplate"] is None]
    assert len(body) > 80 and not any(s["text"] in ("View profile", "Sammanfattning") for s in body)


@pytest.mark.parametrize(
    "seed, published, expected",
    [
        (SEEDS[0], "2016-09", [
            ("more than seven decades", "duration", "P70Y", "MORE_THAN"),
            ("December", "date", "2016-12", None),       # a future visit: resolved forward
            ("A decade ago", "date", "2006", None),
            ("July", "date", "2016-07", None),           # past tense: the July before publication
            ("1956", "date", "1956", None),
            ("October 1993", "date", "1993-10", None),
        ]),
        (SEEDS[1], "2018-09-20", [
            ("early September", "date", "2018-09", "START"),
            ("the end of 2012", "date", "2012", "END"),
            ("late 2016", "date", "2016", "END"),
            ("autumn 2016", "date", "2016-FA", None),
            ("the end of the year", "date", "2018", "END"),
        ]),
    ],
)
def test_seed_article_dates_with_published(tmp_path, default_nlp, seed, published, expected):
    run_corpus([str(seed)], tmp_path / "out", nlp=default_nlp, published=published)
    found = {(r["text"], r["type"], r["value"], r["mod"]) for r in read_jsonl(tmp_path / "out" / "dates.jsonl")}
    for item in expected:
        assert item in found, item

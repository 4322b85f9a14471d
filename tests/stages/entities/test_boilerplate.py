"""Names in bylines, author roles and bios, and credits are entities too, marked with the kind of
boilerplate they lie in; the metadata's authors and these records agree; later stages still
analyze the body only. Every text is invented for these tests."""
from __future__ import annotations

import pytest
import spacy

import pipeline.registry  # noqa: F401  registers the factories
from pipeline.extensions import SPANS_ENTITIES
from pipeline.records import build_context
from pipeline.stages import entities as E

BODY = "Warsaw wants a firmer line on Russia, and Lindqvist argues the Baltic states agree.\n\n"


@pytest.fixture(scope="module")
def nlp():
    """Blank English + the segmenter (boilerplate) + the entity stage."""
    nlp = spacy.blank("en")
    nlp.add_pipe("claims_segmenter")
    nlp.add_pipe("claims_entities")
    nlp.initialize()
    return nlp


def records(nlp, text: str, authors: list[str] | None = None) -> list[dict]:
    doc = nlp.make_doc(text)
    doc._.authors = authors
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    ctx = build_context(doc, "doc", {SPANS_ENTITIES: doc.spans[SPANS_ENTITIES]})
    out = E.build_records(doc, ctx)
    for r in out:
        assert text[r["start_char"]:r["end_char"]] == r["text"]
    return out


def found(recs: list[dict]) -> set[tuple]:
    return {(r["text"], r["label"], r["canonical"], r["boilerplate"]) for r in recs}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Baltic Resolve\n\nBy Anna Lindqvist and Dr Piotr Nowak\n\n" + BODY,
         {("Anna Lindqvist", "PERSON", "Anna Lindqvist", "byline"), ("Piotr Nowak", "PERSON", "Piotr Nowak", "byline")}),
        ("Baltic Resolve\n\nBy Anna Lindqvist, Vistula Security Institute\n\n" + BODY,
         {("Anna Lindqvist", "PERSON", "Anna Lindqvist", "byline"),
          ("Vistula Security Institute", "ORG", "Vistula Security Institute", "byline")}),
        (BODY + "Tomasz Wrona is a senior fellow at the Vistula Security Institute in Warsaw. "
                "Tomasz previously advised the Polish Ministry of Foreign Affairs.\n",
         {("Tomasz Wrona", "PERSON", "Tomasz Wrona", "author_bio"), ("Tomasz", "PERSON", "Tomasz Wrona", "author_bio"),
          ("Vistula Security Institute", "ORG", "Vistula Security Institute", "author_bio"),
          ("Warsaw", "GPE", "Warsaw", "author_bio")}),
        # a bio subject without post-nominal letters
        (BODY + "Kadri Saar FRHistS is a senior fellow at the Vistula Security Institute.\n",
         {("Kadri Saar", "PERSON", "Kadri Saar", "author_bio")}),
        # a bio subject whose first name is also a place
        (BODY + "Georgia Hale is a research analyst at the Vistula Security Institute.\n",
         {("Georgia Hale", "PERSON", "Georgia Hale", "author_bio")}),
        ("Baltic Resolve\n\nPhoto: Ukrainian sappers clear mines near Kherson. Courtesy of Getty Images\n\n" + BODY,
         {("Ukrainian", "NORP", "Ukrainians", "image_credit"), ("Kherson", "GPE", "Kherson", "image_credit"),
          ("Getty Images", "ORG", "Getty Images", "image_credit")}),
        (BODY + "Figure 2: Northern Supply Routes by Vessel Class. Source: Baltic Shipping Council.\n\nMore text follows here.\n",
         {("Baltic Shipping Council", "ORG", "Baltic Shipping Council", "image_credit")}),
    ],
)
def test_boilerplate_names_are_entities_marked_with_their_kind(nlp, text, expected):
    got = found(records(nlp, text))
    assert expected <= got
    # the body's entities are marked null
    assert ("Warsaw", "GPE", "Warsaw", None) in got


def test_caption_titles_give_no_names(nlp):
    text = BODY + "Figure 2: Northern Supply Routes by Vessel Class. Source: Baltic Shipping Council.\n\nMore text follows here.\n"
    caption = [r["text"] for r in records(nlp, text) if r["boilerplate"] == "image_credit"]
    assert caption == ["Baltic Shipping Council"]


def test_metadata_authors_match_the_byline_and_body_records(nlp):
    text = "Baltic Resolve\n\nBy Anna Lindqvist and Piotr Nowak\n\n" + BODY + "Nowak disagrees with Anna Lindqvist on timing.\n"
    recs = records(nlp, text, authors=["Anna Lindqvist and Piotr Nowak, et al."])
    people = [(r["text"], r["canonical"], r["boilerplate"], r["source"]) for r in recs if r["label"] == "PERSON"]
    assert people == [
        ("Anna Lindqvist", "Anna Lindqvist", "byline", "pattern"),
        ("Piotr Nowak", "Piotr Nowak", "byline", "pattern"),
        ("Lindqvist", "Anna Lindqvist", None, "alias"),
        ("Nowak", "Piotr Nowak", None, "alias"),
        ("Anna Lindqvist", "Anna Lindqvist", None, "pattern"),
    ]


def test_metadata_authors_that_are_no_person_give_no_entity(nlp):
    text = "Baltic Resolve\n\n" + BODY + "The Research Team North thanks its reviewers.\n"
    assert not [r for r in records(nlp, text, authors=["Research Team North"]) if r["label"] == "PERSON"]


def test_navigation_and_page_labels_are_not_analyzed(nlp):
    text = "Baltic Resolve\n\n" + BODY + "Anna Lindqvist\n\nSenior Fellow, Vistula Security Institute\n\nView profile\n\nExplore our related content\n"
    recs = records(nlp, text)
    assert {(r["text"], r["boilerplate"]) for r in recs if r["boilerplate"] not in (None, "title")} == {
        ("Anna Lindqvist", "byline"), ("Vistula Security Institute", "author_role"),
    }


@pytest.mark.parametrize(
    "authors, names",
    [
        (["Anna Lindqvist and Piotr Nowak"], ["Anna Lindqvist", "Piotr Nowak"]),
        (["Daniel F. Miller, et al."], ["Daniel F. Miller"]),
        (["A. Bell; C. Dunn & E. Fox"], ["A. Bell", "C. Dunn", "E. Fox"]),
        ([], []),
        (None, []),
    ],
)
def test_metadata_authors_split(authors, names):
    assert E.metadata_authors(authors) == names


def test_later_stages_still_analyze_the_body_only(rules_nlp):
    text = ("Baltic Resolve\n\nBy Anna Lindqvist\n\nWarsaw raised defence spending by 12 percent in 2024, "
            "and the government will probably raise it again.\n\n"
            "Anna Lindqvist is a senior fellow at the Vistula Security Institute. She joined it in 2019 "
            "and expects budgets to double by 2030.\n")
    doc = rules_nlp(text)
    bio_start = text.index("Anna Lindqvist is")
    for key in ("dates", "figures", "claims"):
        assert doc.spans[key] and all(s.start_char < bio_start for s in doc.spans[key]), key
    assert any(s.start_char >= bio_start for s in doc.spans[SPANS_ENTITIES])

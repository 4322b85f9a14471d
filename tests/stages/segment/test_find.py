"""Segmentation: paragraphs, sentences, boilerplate kinds and page metadata (the pure functions,
and the kinds as the component sets them)."""
from __future__ import annotations

import pytest

from pipeline.stages.segment import (
    body_sentences,
    find_paragraphs,
    load_sentence_rules,
    page_metadata,
    split_sentences,
)
from tests.conftest import FIXTURES

RULES = load_sentence_rules()


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, 0, len(text), RULES)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "‘The two countries need to act’, said the former ambassador. Talks resume in May.",
            ["‘The two countries need to act’, said the former ambassador.", "Talks resume in May."],
        ),
        (
            "“We will not give up the islands.” Panov said. The Kremlin agreed.",
            ["“We will not give up the islands.” Panov said.", "The Kremlin agreed."],
        ),
        (
            "“We will not give up the islands,” the former ambassador added. The Kremlin agreed.",
            ["“We will not give up the islands,” the former ambassador added.", "The Kremlin agreed."],
        ),
        ("Mr. Abe met Dr. Panov in Tokyo. They spoke.", ["Mr. Abe met Dr. Panov in Tokyo.", "They spoke."]),
        ("The U.S. Navy sailed. The U.S. The end.", ["The U.S. Navy sailed.", "The U.S.", "The end."]),
        ("Allies, e.g. Japan, agreed. Others did not.", ["Allies, e.g. Japan, agreed.", "Others did not."]),
        ("John F. Kennedy spoke in Berlin. Crowds cheered.", ["John F. Kennedy spoke in Berlin.", "Crowds cheered."]),
        ("See No. 5 and pp. 28–29 for details. Then stop.", ["See No. 5 and pp. 28–29 for details.", "Then stop."]),
        ("Gen. Gerasimov visited. Is this a thaw? Not yet!", ["Gen. Gerasimov visited.", "Is this a thaw?", "Not yet!"]),
        ("Growth reached 3.5 per cent in 2016. Then it fell.", ["Growth reached 3.5 per cent in 2016.", "Then it fell."]),
        ("Prime Minister Shinzo Abe arrived. Putin waited.", ["Prime Minister Shinzo Abe arrived.", "Putin waited."]),
    ],
)
def test_split_sentences(text, expected):
    assert sentences_of(text) == expected


def test_find_paragraphs_lines_blocks_and_hard_wraps():
    text = "Title line\n\nFirst paragraph is wrapped\nacross two lines.\nSecond line stands alone.\n\n\nÄldre forskare\nMarcin Nowak\n"
    paragraphs = [text[s:e] for s, e in find_paragraphs(text)]
    assert paragraphs == [
        "Title line",
        "First paragraph is wrapped\nacross two lines.",
        "Second line stands alone.",
        "Äldre forskare",
        "Marcin Nowak",
    ]


def boilerplate_of(doc) -> list[tuple[str, str]]:
    return [(s.label_, s.text) for s in doc.spans["boilerplate"]]


def test_boilerplate_kinds_think_tank_page(segment_nlp):
    text = (FIXTURES / "articles" / "arctic-shipping.txt").read_text(encoding="utf-8")
    doc = segment_nlp(text)
    assert boilerplate_of(doc) == [
        ("title", "Cold Calculations: Why the Northern Sea Route Will Disappoint Beijing"),
        ("image_credit", "Main Image Credit A Russian icebreaker escorts a cargo vessel near Sabetta. Courtesy of Wikimedia."),
        ("byline", "Anna Lindqvist"),
        ("author_role", "Senior Fellow, Polar Security Programme"),
        ("author_role", "Nordic Institute of Strategic Studies"),
        ("navigation", "View profile"),
        ("navigation", "Explore our related content"),
    ]
    body = [s.text.strip() for s in body_sentences(doc)]
    assert body[0] == "China has spent a decade courting Russia over Arctic shipping."
    assert "“The two countries need to act before the ice window closes”, said a former Russian deputy minister of transport." in body
    assert "Officials in Moscow, e.g. at the Ministry of Natural Resources, are less patient." in body
    assert "Mr. Ivanov told reporters that the U.S. Navy was watching closely." in body
    assert "The agreement signed by John F. Kennedy’s successors was never meant for this." in body
    assert body[-2:] == ["Is the route a real alternative?", "Not yet."]
    assert not any("View profile" in s or "Lindqvist" in s for s in body)


def test_boilerplate_page_labels_in_swedish(segment_nlp):
    text = (FIXTURES / "articles" / "baltic-brief.md").read_text(encoding="utf-8")
    doc = segment_nlp(text)
    assert boilerplate_of(doc) == [
        ("page_label", "Sammanfattning"),
        ("page_label", "Äldre forskare"),
        ("byline", "Erik Sandberg"),
    ]
    body = [s.text.strip() for s in body_sentences(doc)]
    assert "Dr. Rasa Juknevičienė argued that deterrence needs permanent forces." in body


def test_author_bio_and_page_metadata(segment_nlp):
    text = (
        "Ports, Power and the Indian Ocean\n\n"
        "India is building ports to counter China. The strategy will take a decade.\n\n"
        "Priya Raman is a Research Fellow at the Centre for Maritime Studies. She was previously a journalist.\n"
    )
    doc = segment_nlp(text)
    assert boilerplate_of(doc) == [
        ("title", "Ports, Power and the Indian Ocean"),
        ("author_bio", "Priya Raman is a Research Fellow at the Centre for Maritime Studies. She was previously a journalist."),
    ]
    paragraphs = [p.text for p in doc.spans["paragraphs"]]
    kinds = [next((b.label_ for b in doc.spans["boilerplate"] if b.start == p.start), None) for p in doc.spans["paragraphs"]]
    assert page_metadata(paragraphs, kinds) == {
        "title": "Ports, Power and the Indian Ocean",
        "authors": ["Priya Raman"],
        "author_roles": [],
    }


def test_closing_paragraph_about_an_institution_is_body_not_bio(segment_nlp):
    # a role word ("director") is no bio sign when the subject is "The Kremlin": the paragraph
    # stays in the analysis (issue 15: it used to be dropped as the author's bio)
    closing = ("The Kremlin is a senior partner in the venture, and its director of policy is betting "
               "that Western resolve will crack.")
    doc = segment_nlp(f"A Title\n\nThe sanctions have failed. The war drags on.\n\n{closing}\n")
    assert boilerplate_of(doc) == [("title", "A Title")]
    assert closing in [s.text.strip() for s in body_sentences(doc)]


def test_closing_body_line_is_not_author_block(segment_nlp):
    doc = segment_nlp("A Title\n\nThe talks failed. Moscow walked out.\n\nWhat next for Tokyo\n")
    assert boilerplate_of(doc) == [("title", "A Title")]


@pytest.mark.parametrize(
    "text, expected",
    [
        # closing headings look like names but have no author furniture around them
        ("A Title\n\nThe war goes on. Kyiv holds.\n\nForeign Involvement\n", [("title", "A Title")]),
        ("A Title\n\nThe war goes on. Kyiv holds.\n\nAppendix A\n\nTable A: Scores by Country\n", [("title", "A Title")]),
        # body text and headings that start with "Images" / "Credit" are not credits
        ("A Title\n\nImages of a restored order are illusions. Power has shifted.\n", [("title", "A Title")]),
        ("A Title\n\nCredit Crisis in the Making?\n\nRussian banks are strained.\n", [("title", "A Title")]),
        # figure captions and photo lines are set apart
        (
            "A Title\n\nFigure 2: Chinese Cyber Actors. Source: the authors.\n\nPhoto: Ministry of Defence/Wikimedia Commons\n\nBody text. More.\n",
            [("title", "A Title"), ("image_credit", "Figure 2: Chinese Cyber Actors. Source: the authors."),
             ("image_credit", "Photo: Ministry of Defence/Wikimedia Commons")],
        ),
        ("A Title\n\nBy Heather Williams\n\nBody text. More.\n", [("title", "A Title"), ("byline", "By Heather Williams")]),
    ],
)
def test_boilerplate_edge_cases(segment_nlp, text, expected):
    assert boilerplate_of(segment_nlp(text)) == expected

"""Every person, organisation, place, group, event and agreement named in the two seed articles.

The expectations were written by reading the articles in ../shared/corpus (a British think tank's
commentary, 2016, and a Swedish institute's brief, 2018, both on Russia-Japan relations and the
disputed islands). The articles themselves are not copied into the project: the test reads them
from that folder and is skipped where it is absent (CI without ../shared).
"""
from __future__ import annotations

from collections import Counter

import pytest
import spacy

import pipeline.registry  # noqa: F401  registers the factories
from pipeline.extensions import SPANS_ENTITIES

from tests.conftest import SHARED_CORPUS

RUSI = SHARED_CORPUS / "000_209a23322be7f4e8.txt"
FOI = SHARED_CORPUS / "003_db7cbe7b08cbfd51.txt"

pytestmark = pytest.mark.skipif(not (RUSI.is_file() and FOI.is_file()), reason="seed articles in ../shared/corpus not available")


@pytest.fixture(scope="module")
def nlp():
    """The project pipeline (segmenter: boilerplate excluded) when the runner can build it."""
    try:
        from pipeline.runner import build_nlp
    except ImportError:  # before the runner existed: blank English + sentencizer + entities
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("claims_entities")
        nlp.initialize()
        return nlp
    return build_nlp()


@pytest.fixture(scope="module")
def rusi(nlp):
    return nlp(RUSI.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def foi(nlp):
    return nlp(FOI.read_text(encoding="utf-8"))


def found(doc) -> Counter:
    return Counter((s.text.replace("\u00a0", " "), s.label_, s._.entity["canonical"]) for s in doc.spans[SPANS_ENTITIES])


def segmented(nlp) -> bool:
    return "segmenter" in nlp.pipe_names


# (text as written, label, canonical, minimum number of mentions)
RUSI_EXPECTED = [
    ("Russia", "GPE", "Russia", 25),
    ("Japan", "GPE", "Japan", 25),
    ("Tokyo", "GPE", "Tokyo", 8),  # the ninth "Tokyo" is inside "Tokyo Declaration"
    ("Moscow", "GPE", "Moscow", 11),
    ("China", "GPE", "China", 11),  # two more inside "South China Sea"
    ("Ukraine", "GPE", "Ukraine", 2),
    ("Crimea", "GPE", "Crimea", 1),
    ("Vietnam", "GPE", "Vietnam", 1),
    ("India", "GPE", "India", 1),
    ("Hokkaido", "GPE", "Hokkaido", 1),
    ("Soviet Union", "GPE", "Soviet Union", 2),
    ("Asia", "LOC", "Asia", 2),
    ("South China Sea", "LOC", "South China Sea", 2),
    ("Pacific", "LOC", "Pacific Ocean", 1),
    ("La Pérouse Strait", "LOC", "La Pérouse Strait", 1),
    ("Sakhalin Island", "LOC", "Sakhalin", 1),
    ("Etorofu", "LOC", "Iturup", 1),
    ("Kunashiri", "LOC", "Kunashir", 1),
    ("Shikotan", "LOC", "Shikotan", 1),
    ("Habomai islet group", "LOC", "Habomai Islands", 2),
    ("Southern Kuril Islands", "LOC", "South Kuril Islands", 1),
    ("Northern Territories", "LOC", "South Kuril Islands", 1),
    ("Japanese", "NORP", "Japanese", 11),
    ("Russian", "NORP", "Russians", 10),
    ("Russians", "NORP", "Russians", 4),
    ("Chinese", "NORP", "Chinese", 2),
    ("Western", "NORP", "Westerners", 1),
    ("Shinzo Abe", "PERSON", "Shinzo Abe", 1),
    ("Abe", "PERSON", "Shinzo Abe", 4),
    ("Vladimir", "PERSON", "Vladimir Putin", 1),
    ("Putin", "PERSON", "Vladimir Putin", 4),
    ("Kristina Voda", "PERSON", "Kristina Voda", 1),
    ("Alexei Ulyukayev", "PERSON", "Alexei Ulyukayev", 1),
    ("Alexander Panov", "PERSON", "Alexander Panov", 1),
    ("Boris Yeltsin", "PERSON", "Boris Yeltsin", 1),
    ("Morihiro Hosokawa", "PERSON", "Morihiro Hosokawa", 1),
    ("Catherine the Great", "PERSON", "Catherine the Great", 1),
    ("G7", "ORG", "G7", 1),
    ("Sputnik", "ORG", "Sputnik", 1),
    ("National Research Institute of World Economy and International Relations", "ORG", "IMEMO", 1),
    ("Second World War", "EVENT", "World War II", 1),
    ("Cold War", "EVENT", "Cold War", 3),
    ("Tokyo Declaration", "LAW", "Tokyo Declaration", 1),
]

FOI_EXPECTED = [
    ("Japan", "GPE", "Japan", 21),
    ("Russia", "GPE", "Russia", 18),  # one more inside "Northern Russia"
    ("China", "GPE", "China", 8),
    ("Moscow", "GPE", "Moscow", 8),
    ("Tokyo", "GPE", "Tokyo", 4),
    ("Ukraine", "GPE", "Ukraine", 1),
    ("Vladivostok", "GPE", "Vladivostok", 1),
    ("US", "GPE", "United States", 2),
    ("North Korea", "GPE", "North Korea", 1),
    ("Northern Territories", "LOC", "South Kuril Islands", 2),
    ("South Kuril Islands", "LOC", "South Kuril Islands", 3),
    ("Korean Peninsula", "LOC", "Korean Peninsula", 1),
    ("Middle East", "LOC", "Middle East", 1),
    ("Northern Russia", "LOC", "Northern Russia", 1),
    ("Russian Far East", "LOC", "Russian Far East", 1),
    ("RFE", "LOC", "Russian Far East", 1),
    ("Japanese", "NORP", "Japanese", 7),
    ("Russian", "NORP", "Russians", 7),  # one more inside "Russian Far East"
    ("Chinese", "NORP", "Chinese", 1),
    ("Western", "NORP", "Westerners", 1),
    ("Vladimir Putin", "PERSON", "Vladimir Putin", 1),
    ("Putin", "PERSON", "Vladimir Putin", 5),
    ("Shinzō Abe", "PERSON", "Shinzo Abe", 1),
    ("Abe", "PERSON", "Shinzo Abe", 6),
    ("Donald Trump", "PERSON", "Donald Trump", 1),
    ("Yamal-LNG", "ORG", "Yamal LNG", 1),
    ("Levada Center", "ORG", "Levada Center", 1),
    ("Mainichi", "ORG", "Mainichi Shimbun", 1),
    ("Kremlin", "ORG", "Kremlin", 1),
    ("Eastern Economic Forum", "EVENT", "Eastern Economic Forum", 2),
    ("Vladivostok Economic Forum", "EVENT", "Eastern Economic Forum", 1),
    ("Second World War", "EVENT", "World War II", 1),
    ("World War II", "EVENT", "World War II", 1),
    ("Sochi Olympic Games", "EVENT", "2014 Winter Olympics", 1),
    ("Vostok-2018", "EVENT", "Vostok-2018", 1),
]


@pytest.mark.parametrize("text, label, canonical, at_least", RUSI_EXPECTED)
def test_rusi_commentary(rusi, text, label, canonical, at_least):
    assert found(rusi)[(text, label, canonical)] >= at_least, sorted(k for k in found(rusi) if k[0] == text)


@pytest.mark.parametrize("text, label, canonical, at_least", FOI_EXPECTED)
def test_foi_brief(foi, text, label, canonical, at_least):
    assert found(foi)[(text, label, canonical)] >= at_least, sorted(k for k in found(foi) if k[0] == text)


def test_rusi_actors_and_links(rusi):
    text = rusi.text
    by_start = {s.start_char: s for s in rusi.spans[SPANS_ENTITIES]}
    disappointed = by_start[text.index("Tokyo will be disappointed")]
    assert disappointed._.entity["actor"] == "Japan"
    best_bet = by_start[text.index("Moscow’s best bet")]
    assert best_bet._.entity["actor"] == "Russia"
    courted = by_start[text.index("Abe has courted")]
    assert courted._.entity["source"] == "alias"


def test_foi_short_names_link_to_the_full_names(foi):
    sources = {(s.text, s._.entity["source"]) for s in foi.spans[SPANS_ENTITIES] if s.text in ("Abe", "Putin")}
    assert sources == {("Abe", "alias"), ("Putin", "alias")}


@pytest.mark.parametrize("doc_name, not_entity", [
    ("rusi", "White Paper"),
    ("rusi", "Mother"),
    ("rusi", "Oil"),
    ("rusi", "Officials"),
    ("foi", "Sammanfattning"),
    ("foi", "Äldre forskare"),
    ("foi", "Aegis Ashore"),
])
def test_not_entities(request, doc_name, not_entity):
    doc = request.getfixturevalue(doc_name)
    texts = {s.text for s in doc.spans[SPANS_ENTITIES]}
    assert not any(not_entity in t for t in texts)


def test_author_block_names_are_entities_marked_as_boilerplate(nlp, rusi, foi):
    if not segmented(nlp):
        pytest.skip("the segmenter is not in this pipeline")
    from pipeline.extensions import SPANS_BOILERPLATE

    def kinds(doc):
        bp = [(b.start_char, b.end_char, b.label_) for b in doc.spans[SPANS_BOILERPLATE]]
        return {(s.text, s.label_, s._.entity["canonical"], next((k for a, e, k in bp if a <= s.start_char < e), None))
                for s in doc.spans[SPANS_ENTITIES]}

    assert ("Jonathan Eyal", "PERSON", "Jonathan Eyal", "byline") in kinds(rusi)
    assert ("RUSI International", "ORG", "Royal United Services Institute", "author_role") in kinds(rusi)
    assert ("Marcin Kaczmarski", "PERSON", "Marcin Kaczmarski", "byline") in kinds(foi)
    texts = {s.text for doc in (rusi, foi) for s in doc.spans[SPANS_ENTITIES]}
    assert not texts & {"View profile", "Main Image Credit", "Äldre forskare", "Sammanfattning"}

"""Events and laws by pattern: lower-case wars, summits, elections, agreements and doctrines,
holidays, strategies / reviews / frameworks with their official-title year, and years kept out
of event spans. Every sentence is invented for these tests."""
from __future__ import annotations

import pytest

from pipeline.extensions import SPANS_ENTITIES


@pytest.fixture(scope="module")
def nlp(default_nlp):
    """The default pipeline: the syntax model's tags tell where a noun phrase ends."""
    return default_nlp


def ents(doc) -> list[tuple[str, str, str]]:
    return [(s.text, s.label_, s._.entity["canonical"]) for s in doc.spans[SPANS_ENTITIES]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Veterans of the Balkan war gathered in Sarajevo.", ("Balkan war", "EVENT", "Balkan war")),
        ("The Crimean war ended in 1856.", ("Crimean war", "EVENT", "Crimean War")),
        ("Drones dominate the Ukraine war.", ("Ukraine war", "EVENT", "Russo-Ukrainian War")),
        ("The Israel-Hamas war widened in the autumn.", ("Israel-Hamas war", "EVENT", "Gaza war")),
        ("Before the 2031 Lisbon summit, ministers met twice.", ("Lisbon summit", "EVENT", "Lisbon summit")),
        ("Delegates left the Tallinn summit early.", ("Tallinn summit", "EVENT", "Tallinn summit")),
        ("Turnout in the 2028 Estonian presidential election was low.", ("Estonian presidential election", "EVENT", "Estonian presidential election")),
        ("Opposition parties boycotted the Moldovan elections.", ("Moldovan elections", "EVENT", "Moldovan elections")),
        ("The Maribor forum drew few ministers.", ("Maribor forum", "EVENT", "Maribor forum")),
        ("The Kharkiv counteroffensive surprised Moscow.", ("Kharkiv counteroffensive", "EVENT", "Kharkiv counteroffensive")),
        ("The Salisbury attack changed British policy.", ("Salisbury attack", "EVENT", "Salisbury attack")),
        ("Both sides signed the Tbilisi agreement in March.", ("Tbilisi agreement", "LAW", "Tbilisi agreement")),
        ("Kyiv never accepted the Minsk agreements as final.", ("Minsk agreements", "LAW", "Minsk agreements")),
        ("Analysts still debate the Gerasimov doctrine.", ("Gerasimov doctrine", "LAW", "Gerasimov doctrine")),
        ("Ministers cited the Montreux convention again.", ("Montreux convention", "LAW", "Montreux Convention")),
        ("Talks paused over Christmas and resumed after Ramadan.", ("Christmas", "EVENT", "Christmas")),
        ("Talks paused over Christmas and resumed after Ramadan.", ("Ramadan", "EVENT", "Ramadan")),
        ("Moscow staged a parade on Victory Day.", ("Victory Day", "EVENT", "Victory Day")),
        ("Ships were decorated for Armed Forces Day.", ("Armed Forces Day", "EVENT", "Armed Forces Day")),
    ],
)
def test_lowercase_events_laws_and_holidays(nlp, text, expected):
    assert expected in ents(nlp(text))


@pytest.mark.parametrize(
    "text, expected",
    [
        # a year is part of the official title of a strategy, review, update, concept or plan ...
        ("The 2029 Defence Update doubled the budget.", ("2029 Defence Update", "LAW", "2029 Defence Update")),
        ("The 2027 Arctic Shipping Strategy set new targets.", ("2027 Arctic Shipping Strategy", "LAW", "2027 Arctic Shipping Strategy")),
        ("The 2022 Strategic Concept named Russia a threat.", ("2022 Strategic Concept", "LAW", "Strategic Concept")),
        ("Ministers adopted the Baltic Maritime Security Framework.", ("Baltic Maritime Security Framework", "LAW", "Baltic Maritime Security Framework")),
        ("The National Drone Roadmap was delayed.", ("National Drone Roadmap", "LAW", "National Drone Roadmap")),
        # ... but not of a summit or a treaty: there it stays a date
        ("Leaders met at the 2030 Riga Summit in June.", ("Riga Summit", "EVENT", "Riga Summit")),
    ],
)
def test_capitalized_laws_and_title_years(nlp, text, expected):
    assert expected in ents(nlp(text))


@pytest.mark.parametrize(
    "text, not_an_entity",
    [
        ("The Russian war economy is strained.", "war economy"),       # the head does not end the phrase
        ("The Iraq war veterans marched in protest.", "war veterans"),
        ("The drone war continues over the Black Sea.", "drone war"),  # no name before the head
        ("The US agreement with Kyiv was signed.", "US agreement"),    # a country names no treaty
        ("The Harris campaign said so, as did others.", "Harris campaign"),  # a campaign needs a place
        ("The Zapad-2021 exercises alarmed Lithuania.", "Zapad-2021 exercises"),  # the exercise is named already
        ("A Balkan war seemed unthinkable.", "Balkan war"),            # no "the": not a named war
        ("Officials drafted a Grand Strategy for the region.", "Grand Strategy"),  # a common word + head
        ("Officials drafted an Action Plan.", "Action Plan"),
    ],
)
def test_event_and_law_traps(nlp, text, not_an_entity):
    doc = nlp(text)
    start = text.index(not_an_entity)
    spans = [(s.start_char, s.end_char) for s in doc.spans[SPANS_ENTITIES]]
    assert (start, start + len(not_an_entity)) not in spans


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Beijing's “Going Abroad” strategy changed its lending.", [("Going Abroad", "LAW", "Going Abroad")]),
        ("The “Made in Vardia 2030” plan worried its neighbours.", [("Made in Vardia 2030", "LAW", "Made in Vardia 2030")]),
        ('The "Northern Shield" doctrine was adopted in May.', [("Northern Shield", "LAW", "Northern Shield")]),
        # ideas, slogans and lower-case phrases in quotes are no laws
        ("The “OODA loop” concept is old.", []),
        ("He called it a “grand bargain” agreement.", []),
        ("Critics mocked the ‘Vardia First’ policy.", []),
    ],
)
def test_quoted_titles_before_a_document_noun(nlp, text, expected):
    assert [e for e in ents(nlp(text)) if e[1] == "LAW"] == expected


def test_a_title_year_is_in_the_law_and_a_summit_year_out_of_the_event(nlp):
    doc = nlp("The 2029 Defence Update was published before the 2031 Lisbon summit.")
    assert ents(doc) == [("2029 Defence Update", "LAW", "2029 Defence Update"), ("Lisbon summit", "EVENT", "Lisbon summit")]
    # both years are still dates (the conventions: a year standing as a word inside a name)
    assert [s.text for s in doc.spans["dates"]] == ["2029", "2031"]


def test_blank_pipeline_needs_no_tags(entities_nlp):
    # without a tagger, a past tense or a stop word after the head ends the phrase
    doc = entities_nlp("The Balkan war ended, and the Crimean war was forgotten.")
    assert ents(doc) == [("Balkan war", "EVENT", "Balkan war"), ("Crimean war", "EVENT", "Crimean War")]

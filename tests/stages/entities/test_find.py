"""What the entity stage finds: labels, canonical names, aliases, linking, actors, non-entities.

All texts are written for these tests in the style of think-tank commentary.
"""
from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from pipeline.extensions import SPANS_BOILERPLATE, SPANS_ENTITIES


@pytest.fixture
def nlp(entities_nlp):
    return entities_nlp


def ents(doc: Doc) -> list[tuple[str, str, str]]:
    return [(s.text, s.label_, s._.entity["canonical"]) for s in doc.spans[SPANS_ENTITIES]]


def find(doc: Doc, text: str) -> Span:
    """The entity span with exactly this text (the first one)."""
    for span in doc.spans[SPANS_ENTITIES]:
        if span.text == text:
            return span
    raise AssertionError(f"no entity {text!r} in {ents(doc)}")


@pytest.mark.parametrize(
    "text, mention, label, canonical",
    [
        ("Talks between Moscow and Tokyo stalled again this spring.", "Moscow", "GPE", "Moscow"),
        ("The Russian Federation rejected the proposal.", "Russian Federation", "GPE", "Russia"),
        ("Officials in the U.S. were unimpressed by the offer.", "U.S.", "GPE", "United States"),
        ("Britain and France sent a joint letter.", "Britain", "GPE", "United Kingdom"),
        ("The DPRK fired two missiles into the sea.", "DPRK", "GPE", "North Korea"),
        ("Few Russians expect a quick settlement.", "Russians", "NORP", "Russians"),
        ("The Japanese have never accepted the loss.", "Japanese", "NORP", "Japanese"),
        ("A Filipino fisherman was detained near the shoal.", "Filipino", "NORP", "Filipinos"),
        ("Warships sailed through the Taiwan Strait on Monday.", "Taiwan Strait", "LOC", "Taiwan Strait"),
        ("Tensions in the South China Sea keep rising.", "South China Sea", "LOC", "South China Sea"),
        ("Beijing holds the Paracels and claims the Spratlys.", "Spratlys", "LOC", "Spratly Islands"),
        ("The Senkakus are administered by Japan.", "Senkakus", "LOC", "Senkaku Islands"),
        ("Shelling continued across the Donbass last week.", "Donbass", "GPE", "Donbas"),
        ("Crimea was annexed in 2014.", "Crimea", "GPE", "Crimea"),
        ("Ministers of the UN Security Council met in closed session.", "UN Security Council", "ORG", "United Nations Security Council"),
        ("Nato allies pledged more air defence.", "Nato", "ORG", "NATO"),
        ("The SCO admitted Iran as a member.", "SCO", "ORG", "Shanghai Cooperation Organisation"),
        ("A report by Chatham House warned of escalation.", "Chatham House", "ORG", "Chatham House"),
        ("According to a VTsIOM survey, support fell.", "VTsIOM", "ORG", "VTsIOM"),
        ("The agency TASS carried the statement.", "TASS", "ORG", "TASS"),
        ("The Kremlin dismissed the reports.", "Kremlin", "ORG", "Kremlin"),
        ("The Pentagon declined to comment.", "Pentagon", "ORG", "United States Department of Defense"),
        ("Xi Jinping received the delegation.", "Xi Jinping", "PERSON", "Xi Jinping"),
        ("Sergei Lavrov spoke to reporters afterwards.", "Sergei Lavrov", "PERSON", "Sergey Lavrov"),
        ("Volodymyr Zelenskyy addressed the parliament.", "Volodymyr Zelenskyy", "PERSON", "Volodymyr Zelensky"),
        ("Veterans remember the Second World War differently.", "Second World War", "EVENT", "World War II"),
        ("Delegates gathered for the Shangri-La Dialogue in June.", "Shangri-La Dialogue", "EVENT", "Shangri-La Dialogue"),
        ("The Zapad-2021 exercises alarmed Lithuania.", "Zapad-2021", "EVENT", "Zapad-2021"),
        ("Both sides refer to the 1956 Joint Declaration as a basis.", "1956 Joint Declaration", "LAW", "Soviet–Japanese Joint Declaration of 1956"),
        ("Moscow suspended New START in 2023.", "New START", "LAW", "New START"),
        ("Analysts debated Article 5 guarantees.", "Article 5", "LAW", "Article 5 of the North Atlantic Treaty"),
        ("The Nord Stream pipelines were damaged.", "Nord Stream", "FAC", "Nord Stream"),
    ],
)
def test_text_to_label_and_canonical(nlp, text, mention, label, canonical):
    span = find(nlp(text), mention)
    assert (span.label_, span._.entity["canonical"]) == (label, canonical)


@pytest.mark.parametrize(
    "text, mention, canonical",
    [
        ("The dispute covers Etorofu and three smaller islands.", "Etorofu", "Iturup"),
        ("Iturup hosts a new airfield.", "Iturup", "Iturup"),
        ("Troops were deployed to Kunashiri in 2015.", "Kunashiri", "Kunashir"),
        ("Kunashir lies closest to Hokkaido.", "Kunashir", "Kunashir"),
        ("Moscow calls them the Southern Kurils.", "Southern Kurils", "South Kuril Islands"),
        ("Tokyo speaks of the Northern Territories.", "Northern Territories", "South Kuril Islands"),
        ("The South Kuril Islands remain militarised.", "South Kuril Islands", "South Kuril Islands"),
        ("The Habomai islets are uninhabited.", "Habomai islets", "Habomai Islands"),
    ],
)
def test_disputed_territory_aliases_share_one_canonical(nlp, text, mention, canonical):
    span = find(nlp(text), mention)
    assert span.label_ == "LOC"
    assert span._.entity["canonical"] == canonical
    assert span._.entity["source"] == "gazetteer"


def test_short_name_links_to_full_name_earlier_in_document(nlp):
    doc = nlp("Shinzo Abe travelled to Vladivostok. Abe hoped for a breakthrough, but Abe left empty-handed.")
    abes = [s for s in doc.spans[SPANS_ENTITIES] if s.text == "Abe"]
    assert len(abes) == 2
    for span in abes:
        assert span.label_ == "PERSON"
        assert span._.entity == {"canonical": "Shinzo Abe", "kb_id": "Q132345", "actor": None, "source": "alias"}


def test_unknown_person_from_title_pattern_and_later_mr_mention(nlp):
    doc = nlp(
        "Senior researcher Ingrid Holmqvist doubts the plan. "
        "Mr Holmqvist argues that Moscow holds every card. Holmqvist also notes the cost."
    )
    full = find(doc, "Ingrid Holmqvist")
    assert (full.label_, full._.entity["source"], full._.entity["kb_id"]) == ("PERSON", "pattern", "slug:ingrid-holmqvist")
    shorts = [s for s in doc.spans[SPANS_ENTITIES] if s.text == "Holmqvist"]
    assert len(shorts) == 2
    assert all(s._.entity["canonical"] == "Ingrid Holmqvist" and s._.entity["source"] == "alias" for s in shorts)


@pytest.mark.parametrize(
    "text, mention",
    [
        ("Prime Minister Haruto Kinoshita will visit Seoul.", "Haruto Kinoshita"),
        ("said former Russian Ambassador to Japan Boris Melnikov in an interview.", "Boris Melnikov"),
        ("quoted an expert from a Moscow institute, Yelena Sorokina, who rejected the claim.", "Yelena Sorokina"),
        ("Dmitri Volkonsky, the deputy foreign minister, denied it.", "Dmitri Volkonsky"),
    ],
)
def test_person_patterns(nlp, text, mention):
    span = find(nlp(text), mention)
    assert span.label_ == "PERSON"
    assert span._.entity["canonical"] == mention


def test_slip_first_name_after_country_title_links_to_the_leader(nlp):
    span = find(nlp("Russian President Vladimir is expected in Tokyo."), "Vladimir")
    assert (span.label_, span._.entity["canonical"], span._.entity["source"]) == ("PERSON", "Vladimir Putin", "alias")


@pytest.mark.parametrize(
    "text, mention, actor",
    [
        ("Tokyo will be disappointed by the outcome.", "Tokyo", "Japan"),
        ("Moscow’s best bet is to wait.", "Moscow", "Russia"),
        ("Washington reacted cautiously.", "Washington", "United States"),
        ("Kyiv rejected the ceasefire terms.", "Kyiv", "Ukraine"),
        ("Brussels proposed a new sanctions package.", "Brussels", "European Union"),
    ],
)
def test_capital_keeps_gpe_and_carries_country_as_actor(nlp, text, mention, actor):
    span = find(nlp(text), mention)
    assert span.label_ == "GPE"
    assert span._.entity["actor"] == actor


def test_country_is_its_own_actor_and_demonym_points_to_it(nlp):
    doc = nlp("Japanese officials believe Japan can wait.")
    assert find(doc, "Japan")._.entity["actor"] == "Japan"
    assert find(doc, "Japanese")._.entity["actor"] == "Japan"


@pytest.mark.parametrize(
    "text, mention, canonical, actor",
    [
        ("The Russian Defence Ministry released footage.", "Russian Defence Ministry", "Ministry of Defence (Russia)", "Russia"),
        ("The Ministry of Foreign Affairs of Japan protested.", "Ministry of Foreign Affairs of Japan", "Ministry of Foreign Affairs (Japan)", "Japan"),
        ("The Japanese Government lodged a protest.", "Japanese Government", "Government (Japan)", "Japan"),
    ],
)
def test_country_qualified_bodies(nlp, text, mention, canonical, actor):
    span = find(nlp(text), mention)
    assert (span.label_, span._.entity["canonical"], span._.entity["actor"]) == ("ORG", canonical, actor)


@pytest.mark.parametrize(
    "text, not_entity",
    [
        ("Main Image Credit Courtesy of a press agency.", "Main Image Credit"),
        ("View profile", "View profile"),
        ("Explore our related content", "Explore our related content"),
        ("Sammanfattning\n\nThe talks failed.", "Sammanfattning"),
        ("The release of the defence White Paper in July drew criticism.", "White Paper"),
        ("The President spoke to the Minister on Tuesday.", "President"),
        ("The President spoke to the Minister on Tuesday.", "Minister"),
        ("However, Officials remain cautious.", "However"),
        ("Officials in the capital were cautious.", "Officials"),
        ("The Government will respond next week.", "Government"),
        ("Army commanders estimate the losses differently.", "Army"),
        ("Preparing for the Wider War\n\nThe text begins here.", "Wider War"),
        ("The General Data Protection Regulation applies to them.", "Data Protection Regulation"),
        ("Artificial Intelligence (AI) is changing warfare.", "Artificial Intelligence"),
    ],
)
def test_non_entities(nlp, text, not_entity):
    doc = nlp(text)
    start = doc.text.index(not_entity)
    end = start + len(not_entity)
    overlapping = [s.text for s in doc.spans[SPANS_ENTITIES] if s.start_char < end and start < s.end_char]
    assert overlapping == []


def test_acronym_definition_then_bare_acronym(nlp):
    doc = nlp("The Institute for Arctic Logistics (IAL) published a study. IAL warned of congestion.")
    long_form = find(doc, "Institute for Arctic Logistics")
    assert (long_form.label_, long_form._.entity["source"]) == ("ORG", "pattern")
    acronyms = [s for s in doc.spans[SPANS_ENTITIES] if s.text == "IAL"]
    assert len(acronyms) == 2
    assert all(s._.entity["canonical"] == "Institute for Arctic Logistics" and s._.entity["source"] == "alias" for s in acronyms)


def test_head_word_names(nlp):
    doc = nlp("Scholars at the Baltic Institute of Maritime Security and the Kaunas Declaration were cited.")
    assert find(doc, "Baltic Institute of Maritime Security").label_ == "ORG"
    assert find(doc, "Kaunas Declaration").label_ == "LAW"


def test_non_breaking_space_inside_a_name(nlp):
    doc = nlp("An expert at the Institute of\u00a0World Economy and International Relations spoke.")
    span = find(doc, "Institute of\u00a0World Economy and International Relations")
    assert span._.entity["canonical"] == "IMEMO"


def test_title_and_byline_are_analyzed_but_navigation_is_not(nlp):
    text = "Why Tokyo Courts Moscow\n\nBy Anna Lindqvist, Stockholm Institute\n\nJapan wants a deal with Russia.\n\nView profile Berlin"
    doc = nlp.make_doc(text)
    doc = nlp.get_pipe("sentencizer")(doc)
    byline = text.index("By Anna")
    nav = text.index("View profile")
    doc.spans[SPANS_BOILERPLATE] = [
        doc.char_span(0, text.index("\n"), label="title"),
        doc.char_span(byline, text.index("\n", byline), label="byline"),
        doc.char_span(nav, len(text), label="navigation"),
    ]
    doc = nlp.get_pipe("claims_entities")(doc)
    found = {(s.text, s.label_) for s in doc.spans[SPANS_ENTITIES]}
    assert {("Tokyo", "GPE"), ("Moscow", "GPE"), ("Japan", "GPE"), ("Russia", "GPE")} <= found
    assert {("Anna Lindqvist", "PERSON"), ("Stockholm Institute", "ORG")} <= found
    assert "Berlin" not in {text for text, _ in found}


def test_model_entities_are_mapped_and_overridden_by_the_gazetteer(nlp):
    doc = nlp.make_doc("Nikolai Ferrante met officials of the Kremlin on 3 May about Kurile Islands.")
    doc = nlp.get_pipe("sentencizer")(doc)
    doc.ents = [
        Span(doc, 0, 2, label="PERSON"),   # also found by the name patterns, which keep it
        Span(doc, 5, 7, label="FAC"),      # "the Kremlin": the gazetteer knows it as ORG
        Span(doc, 8, 10, label="DATE"),    # dropped: not this stage's label
        Span(doc, 11, 13, label="GPE"),    # "Kurile Islands": gazetteer says LOC
    ]
    doc = nlp.get_pipe("claims_entities")(doc)
    assert ents(doc) == [
        ("Nikolai Ferrante", "PERSON", "Nikolai Ferrante"),
        ("Kremlin", "ORG", "Kremlin"),
        ("Kurile Islands", "LOC", "South Kuril Islands"),
    ]
    assert find(doc, "Nikolai Ferrante")._.entity["source"] == "pattern"
    assert [e.text for e in doc.ents] == ["Nikolai Ferrante", "Kremlin", "Kurile Islands"]


def test_model_entity_unknown_to_the_rules_is_kept_and_never_cuts_a_curated_name(nlp):
    doc = nlp.make_doc("Rosneft partner Tselina Energy met Shinzo Abe in Tokyo.")
    doc = nlp.get_pipe("sentencizer")(doc)
    doc.ents = [Span(doc, 2, 4, label="ORG"), Span(doc, 6, 7, label="PERSON")]  # "Tselina Energy"; a partial "Abe"
    doc = nlp.get_pipe("claims_entities")(doc)
    assert ("Tselina Energy", "ORG", "Tselina Energy") in ents(doc)
    assert find(doc, "Tselina Energy")._.entity["source"] == "model"
    assert ("Shinzo Abe", "PERSON", "Shinzo Abe") in ents(doc)


def test_doc_ents_equal_span_group_and_do_not_overlap(nlp):
    doc = nlp("Russian President Vladimir Putin met Japanese Prime Minister Fumio Kishida in Vladivostok.")
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(s.start, s.end, s.label_) for s in doc.spans[SPANS_ENTITIES]]
    assert [e.kb_id_ for e in doc.ents] == [s._.entity["kb_id"] for s in doc.spans[SPANS_ENTITIES]]
    assert ents(doc) == [
        ("Russian", "NORP", "Russians"),
        ("Vladimir Putin", "PERSON", "Vladimir Putin"),
        ("Japanese", "NORP", "Japanese"),
        ("Fumio Kishida", "PERSON", "Fumio Kishida"),
        ("Vladivostok", "GPE", "Vladivostok"),
    ]

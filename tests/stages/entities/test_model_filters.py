"""A statistical NER's entities as evidence (the standard-model path): spans trimmed to the name,
the gazetteer deciding where it knows the name, and filters for the rest (proper nouns only, no
heading fragments, products, numbers, titles, bare acronyms or common words, labels checked).

The first tests give the stage hand-made ``doc.ents`` (what en_core_web_sm proposes on such
sentences), so they need no model; the ``model`` tests run the real en_core_web_sm. Every
sentence is invented for these tests."""
from __future__ import annotations

import pytest

from pipeline.extensions import SPANS_ENTITIES


@pytest.fixture(scope="module")
def nlp(entities_nlp):
    return entities_nlp


def run(nlp, text: str, model_ents: list[tuple[str, str]]):
    """The entity stage over ``text`` with the model's entities given as (text, label), the first
    occurrence of each."""
    doc = nlp.get_pipe("sentencizer")(nlp.make_doc(text))
    spans = []
    for mention, label in model_ents:
        start = text.index(mention)
        span = doc.char_span(start, start + len(mention), label=label)
        assert span is not None, mention
        spans.append(span)
    doc.ents = spans
    doc = nlp.get_pipe("claims_entities")(doc)
    return [(s.text, s.label_, s._.entity["canonical"], s._.entity["source"]) for s in doc.spans[SPANS_ENTITIES]]


@pytest.mark.parametrize(
    "text, model_ents, expected",
    [
        # proper-noun spans only: a lower-case common noun, an adjective
        ("The war ended badly for everyone.", [("war", "EVENT")], []),
        ("Some democratic states hesitated.", [("democratic", "NORP")], []),
        # a heading fragment: capitals there are no evidence
        ("Almost Complete Failure\n\nThe talks collapsed again.", [("Almost Complete", "ORG")], []),
        # titles: alone dropped, glued to a name trimmed off (and the label is then a person's)
        ("The Consul General declined to comment.", [("Consul General", "ORG")], []),
        # (the title rule finds the same name: it keeps it)
        ("Defence Minister Arvo Kallaste resigned.", [("Defence Minister Arvo Kallaste", "ORG")],
         [("Arvo Kallaste", "PERSON", "Arvo Kallaste", "pattern")]),
        # products and numbered things
        ("Deliveries of the F-35B slipped again.", [("F-35B", "PERSON")], []),
        ("The Msta-S howitzers were moved.", [("Msta-S", "ORG")], []),
        ("Section 4 of the bill was struck out.", [("Section 4", "LAW")], []),
        # bare acronyms and common words
        ("LNG imports rose sharply.", [("LNG", "ORG")], []),
        ("The Delta system links the drones.", [("Delta", "ORG")], []),
        ("Target Acquisition remains the weak point.", [("Target Acquisition", "ORG")], []),
        ("The Smart City pilot was cancelled.", [("Smart City", "GPE")], []),
        # a word of another script
        ("The slogan read Россию in large letters.", [("Россию", "ORG")], []),
        # a surname alone, or a person's name with a common word and no known given name
        ("Analysts doubt Kallaste will stay.", [("Kallaste", "PERSON")], []),
        ("Shares of Cosin Solar fell.", [("Cosin Solar", "PERSON")], []),
        # kept: a person's name, an organisation with a company word, a place in a place's context
        ("Hou Aijun runs a drone workshop.", [("Hou Aijun", "PERSON")], [("Hou Aijun", "PERSON", "Hou Aijun", "model")]),
        ("Contracts went to Halvard Aerospace.", [("Halvard Aerospace", "ORG")],
         [("Halvard Aerospace", "ORG", "Halvard Aerospace", "model")]),
        ("Fighting continued near Velykohirsk overnight.", [("Velykohirsk", "GPE")], [("Velykohirsk", "GPE", "Velykohirsk", "model")]),
        ("Clearview sold the images.", [("Clearview", "GPE")], []),
        ("Fulani herders moved south.", [("Fulani", "NORP")], [("Fulani", "NORP", "Fulani", "model")]),
        ("Operation Amber Gate began at dawn.", [("Operation Amber Gate", "ORG")],
         [("Operation Amber Gate", "EVENT", "Operation Amber Gate", "model")]),
    ],
)
def test_unknown_model_entities_are_filtered(nlp, text, model_ents, expected):
    assert run(nlp, text, model_ents) == expected


@pytest.mark.parametrize(
    "text, model_ents, expected",
    [
        # the head word decides the label of a name the gazetteer does not know
        ("The Harbour Safety Act passed in May.", [("Harbour Safety Act", "ORG")],
         [("Harbour Safety Act", "LAW", "Harbour Safety Act", "pattern")]),
        # the gazetteer decides label and canonical name where it knows the name
        ("A study by Chatham House disagreed.", [("Chatham House", "PERSON")],
         [("Chatham House", "ORG", "Chatham House", "gazetteer")]),
        # a body named only with its country is dropped alone
        ("The Army refused.", [("Army", "ORG")], []),
        # a list is split at its commas, each name read on its own
        ("Ministers from Estonia, Latvia met.", [("Estonia, Latvia", "GPE")],
         [("Estonia", "GPE", "Estonia", "gazetteer"), ("Latvia", "GPE", "Latvia", "gazetteer")]),
        # a leading date and a trailing possessive are trimmed
        ("Hou Aijun’s workshop grew.", [("Hou Aijun’s", "PERSON")], [("Hou Aijun", "PERSON", "Hou Aijun", "model")]),
        ("Before the 2030 Tallinn Summit, talks stalled.", [("the 2030 Tallinn Summit", "EVENT")],
         [("Tallinn Summit", "EVENT", "Tallinn Summit", "pattern")]),
    ],
)
def test_model_labels_checked_and_spans_trimmed(nlp, text, model_ents, expected):
    assert run(nlp, text, model_ents) == expected


SENTENCES = (
    "Europe’s Gas Break: Almost Complete\n\n"
    "LNG imports from Qatar rose in May, and the war in Ukraine dragged on. "
    "Hou Aijun, who runs a drone workshop, met Yegor Chernev in Kazan. "
    "The Consul General declined to comment on the F-35B deliveries."
)


@pytest.mark.model
def test_standard_model_adds_names_but_no_junk(standard_model):
    from pipeline.run import build_nlp

    doc = build_nlp(model=standard_model)(SENTENCES)
    found = {(s.text, s.label_) for s in doc.spans[SPANS_ENTITIES]}
    assert {("Qatar", "GPE"), ("Ukraine", "GPE"), ("Kazan", "GPE"), ("Yegor Chernev", "PERSON")} <= found
    texts = {text for text, _ in found}
    assert not texts & {"LNG", "war", "Almost Complete", "Consul General", "F-35B", "May"}


@pytest.mark.model
def test_standard_model_is_never_less_precise_than_the_default_on_these_sentences(standard_model, default_nlp):
    from pipeline.run import build_nlp

    model_doc, default_doc = build_nlp(model=standard_model)(SENTENCES), default_nlp(SENTENCES)
    with_model = {(s.start_char, s.end_char, s.label_) for s in model_doc.spans[SPANS_ENTITIES]}
    default = {(s.start_char, s.end_char, s.label_) for s in default_doc.spans[SPANS_ENTITIES]}
    # what the default finds, the model path finds too; what it adds are names
    assert default <= with_model
    assert {SENTENCES[a:b] for a, b, _ in with_model - default} <= {"Hou Aijun", "Yegor Chernev"}

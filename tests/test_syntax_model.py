"""Tests for the shipped syntax model (pipeline/models/syntax) and the UD noun-chunk iterator.

The model tests are skipped when the model has not been built (``make model``); the
iterator tests build parsed Docs by hand and always run.
"""
from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.syntax import (
    SYNTAX_MODEL_DIR,
    SyntaxModelMissing,
    load_syntax_model,
    syntax_model_available,
    syntax_model_path,
    ud_noun_chunks,
)

needs_model = pytest.mark.skipif(
    not syntax_model_available(),
    reason=f"syntax model not built in {SYNTAX_MODEL_DIR} (run `make model`)",
)

# Written for these tests (not from any corpus).
ARTICLE = (
    "The foreign ministers of Japan and India met in New Delhi on Tuesday. "
    "They discussed maritime security and agreed to expand joint naval exercises.\n\n"
    "Officials said the talks would continue next month."
)
ARTICLE_SENTENCES = [
    "The foreign ministers of Japan and India met in New Delhi on Tuesday.",
    "They discussed maritime security and agreed to expand joint naval exercises.",
    "Officials said the talks would continue next month.",
]
QUOTE = "'The two countries need to act', said the former ambassador."
NAMES = "Prime Minister Shinzo Abe met Vladimir Putin."


# --------------------------------------------------------------------------- iterator


def _parsed(words: list[str], heads: list[int], deps: list[str], pos: list[str]) -> Doc:
    nlp = spacy.blank("en")
    nlp.vocab.get_noun_chunks = ud_noun_chunks
    return Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)


def test_ud_noun_chunks_names_and_obliques():
    doc = _parsed(
        "Prime Minister Shinzo Abe met Vladimir Putin in the Russian capital .".split(),
        heads=[1, 2, 4, 2, 4, 4, 5, 10, 10, 10, 4, 4],
        deps=["amod", "compound", "nsubj", "flat", "ROOT", "obj", "flat", "case", "det",
              "amod", "obl", "punct"],
        pos=["ADJ", "PROPN", "PROPN", "PROPN", "VERB", "PROPN", "PROPN", "ADP", "DET", "ADJ",
             "NOUN", "PUNCT"],
    )
    chunks = [c.text for c in doc.noun_chunks]
    assert chunks == ["Prime Minister Shinzo Abe", "Vladimir Putin", "the Russian capital"]


def test_ud_noun_chunks_titles_as_nmod_desc():
    # EWT v2.16 attaches a title to the first name token as nmod:desc
    doc = _parsed(
        "Russian President Vladimir Putin spoke in Moscow .".split(),
        heads=[2, 2, 4, 2, 4, 6, 4, 4],
        deps=["amod", "nmod:desc", "nsubj", "flat", "ROOT", "case", "obl", "punct"],
        pos=["ADJ", "PROPN", "PROPN", "PROPN", "VERB", "ADP", "PROPN", "PUNCT"],
    )
    assert [c.text for c in doc.noun_chunks] == ["Russian President Vladimir Putin", "Moscow"]


def test_ud_noun_chunks_repair_split_names():
    # a parser error on an unfamiliar name: two subjects of one verb, side by side
    doc = _parsed(
        "Prime Minister Shinzo Abe met Putin Tuesday .".split(),
        heads=[1, 2, 4, 4, 4, 4, 4, 4],
        deps=["amod", "nmod:desc", "nsubj", "nsubj", "ROOT", "obj", "obl:tmod", "punct"],
        pos=["PROPN", "PROPN", "PROPN", "PROPN", "VERB", "PROPN", "PROPN", "PUNCT"],
    )
    # different relations ("Putin" obj, "Tuesday" obl:tmod) are not merged
    assert [c.text for c in doc.noun_chunks] == ["Prime Minister Shinzo Abe", "Putin", "Tuesday"]


def test_ud_noun_chunks_possessives_conjuncts_predicates():
    words = "The country 's leader and his ministers said that the deal is a mistake .".split()
    doc = _parsed(
        words,
        heads=[1, 3, 1, 7, 6, 6, 3, 7, 13, 10, 13, 13, 13, 7, 7],
        deps=["det", "nmod:poss", "case", "nsubj", "cc", "nmod:poss", "conj", "ROOT", "mark",
              "det", "nsubj", "cop", "det", "ccomp", "punct"],
        pos=["DET", "NOUN", "PART", "NOUN", "CCONJ", "PRON", "NOUN", "VERB", "SCONJ", "DET",
             "NOUN", "AUX", "DET", "NOUN", "PUNCT"],
    )
    chunks = [c.text for c in doc.noun_chunks]
    assert chunks == ["The country 's leader", "his ministers", "the deal", "a mistake"]
    # works on spans too, with Doc indices
    assert [c.text for c in doc[8:].noun_chunks] == ["the deal", "a mistake"]


def test_ud_noun_chunks_needs_a_parse():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError):
        list(ud_noun_chunks(nlp("No parse here.")))


def test_missing_model_message(monkeypatch, tmp_path):
    import pipeline.syntax as syntax

    monkeypatch.setattr(syntax, "SYNTAX_MODEL_DIR", tmp_path / "nope")
    with pytest.raises(SyntaxModelMissing, match="make model"):
        syntax_model_path()
    with pytest.raises(SyntaxModelMissing, match="make model"):
        load_syntax_model()


# --------------------------------------------------------------------------- model


@pytest.fixture(scope="module")
def nlp():
    if not syntax_model_available():
        pytest.skip(f"syntax model not built in {SYNTAX_MODEL_DIR} (run `make model`)")
    return load_syntax_model()


@needs_model
def test_model_loads_with_expected_components(nlp):
    for name in ("tok2vec", "tagger", "morphologizer", "trainable_lemmatizer", "parser"):
        assert name in nlp.pipe_names
    assert "senter" in nlp.disabled  # the parser segments; senter is opt-in
    assert nlp.vocab.get_noun_chunks is ud_noun_chunks


@needs_model
def test_model_meta_has_license_sources_and_scores():
    meta = json.loads((syntax_model_path() / "meta.json").read_text(encoding="utf8"))
    assert meta["license"] == "CC BY-SA 4.0"
    urls = [source["url"] for source in meta["sources"]]
    assert "https://github.com/UniversalDependencies/UD_English-EWT" in urls
    for key in ("pos_acc", "tag_acc", "dep_uas", "dep_las", "lemma_acc", "sents_f", "speed"):
        assert key in meta["performance"]
    assert (syntax_model_path() / "README.md").is_file()
    # inference files only: no training corpora shipped
    assert not list(syntax_model_path().rglob("*.spacy"))
    assert not list(syntax_model_path().rglob("*.conllu"))


@needs_model
def test_tags_lemmas_parse_and_sentences(nlp):
    doc = nlp(ARTICLE)
    words = [t for t in doc if not t.is_space]
    assert all(t.tag_ and t.pos_ and t.lemma_ for t in words)
    by_text = {t.text: t for t in words}
    assert by_text["ministers"].tag_ == "NNS" and by_text["ministers"].pos_ == "NOUN"
    assert by_text["met"].pos_ == "VERB"
    assert by_text["Japan"].pos_ == "PROPN"
    assert by_text["ministers"].morph.get("Number") == ["Plur"]
    lemmas = {t.text: t.lemma_ for t in words}
    for form, lemma in {"ministers": "minister", "met": "meet", "discussed": "discuss",
                        "agreed": "agree", "exercises": "exercise", "said": "say",
                        "talks": "talk"}.items():
        assert lemmas[form] == lemma, (form, lemmas[form])
    # the paragraph break is a whitespace token that does not disturb the parse
    space = [t for t in doc if t.is_space]
    assert [t.text for t in space] == ["\n\n"]
    assert space[0].pos_ == "SPACE" and space[0].tag_ == "_SP"
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == ARTICLE_SENTENCES
    for sent in doc.sents:
        assert sum(1 for t in sent if t.dep_ == "ROOT") == 1
    assert by_text["ministers"].dep_ == "nsubj" and by_text["ministers"].head.text == "met"
    assert by_text["They"].dep_ == "nsubj" and by_text["They"].head.text == "discussed"
    assert by_text["security"].dep_ == "obj" and by_text["security"].head.text == "discussed"
    chunks = [c.text for c in doc.noun_chunks]
    assert "The foreign ministers" in chunks
    assert "maritime security" in chunks
    assert "the talks" in chunks


@needs_model
def test_quote_attribution_parse(nlp):
    doc = nlp(QUOTE)
    said = next(t for t in doc if t.text == "said")
    need = next(t for t in doc if t.text == "need")
    ambassador = next(t for t in doc if t.text == "ambassador")
    assert len(list(doc.sents)) == 1
    assert said.dep_ == "ROOT"
    assert need.head == said and need.dep_ in ("ccomp", "parataxis")
    assert ambassador.head == said and ambassador.dep_ == "nsubj"


@needs_model
def test_names_stay_together_and_form_noun_chunks(nlp):
    doc = nlp(NAMES)
    assert len(list(doc.sents)) == 1
    chunks = [c.text for c in doc.noun_chunks]
    assert any("Shinzo Abe" in chunk for chunk in chunks), chunks
    assert "Vladimir Putin" in chunks, chunks
    assert "Prime Minister Shinzo Abe" in chunks, chunks


@needs_model
def test_parser_respects_preset_boundaries(nlp):
    # a headline without final punctuation, then a paragraph break, as the segmenter sees it
    doc = nlp.make_doc("Ceasefire talks stall\n\nThe envoy left Geneva without a deal.")
    for token in doc:
        token.is_sent_start = token.i == 0 or doc[token.i - 1].is_space
    doc = nlp(doc)
    assert [s.text.strip() for s in doc.sents] == [
        "Ceasefire talks stall",
        "The envoy left Geneva without a deal.",
    ]
    envoy = next(t for t in doc if t.text == "envoy")
    assert envoy.dep_ == "nsubj" and envoy.head.text == "left"

"""The standard-model path: configs/model.cfg sources a model's tagger, parser, lemmatizer and NER.

No en_core_web_* package can be downloaded here, so the first test builds a small stand-in with
the same component names, saves it, and runs the real `--model PATH` loading code on it. The
`model`-marked test runs the same checks on en_core_web_sm when it is installed.
"""
from __future__ import annotations

import pytest
import spacy
from spacy.training import Example

from pipeline.io import read_jsonl
from pipeline.run import build_nlp, run_corpus

from ..conftest import FIXTURES

TEXT = "Prime Minister Shinzo Abe met Vladimir Putin in Moscow. Tokyo will be disappointed."


@pytest.fixture(scope="module")
def stand_in_model(tmp_path_factory):
    """A tiny untrained pipeline with en_core_web_sm's component names (tok2vec ... ner)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("tagger")
    nlp.add_pipe("parser")
    nlp.add_pipe("attribute_ruler")
    nlp.add_pipe("trainable_lemmatizer", name="lemmatizer")
    nlp.add_pipe("ner")
    doc = nlp.make_doc(TEXT)
    words = [t.text for t in doc]
    annotations = {
        "tags": ["NNP"] * len(words),
        "heads": list(range(len(words))),
        "deps": ["dep"] * len(words),
        "lemmas": [w.lower() for w in words],
        "entities": ["O", "O", "B-PERSON", "L-PERSON", "O", "B-PERSON", "L-PERSON", "O", "U-GPE", "O", "U-GPE", "O", "O", "O", "O"],
    }
    example = Example.from_dict(doc, annotations)
    nlp.initialize(lambda: [example])
    path = tmp_path_factory.mktemp("stand-in") / "model"
    nlp.to_disk(path)
    return path


def test_model_config_sources_a_saved_model(stand_in_model):
    nlp = build_nlp(model=str(stand_in_model))
    assert nlp.pipe_names == [
        "segmenter", "tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner",
        "entities", "dates", "figures", "claims",
    ]
    doc = nlp(TEXT)
    assert doc.has_annotation("DEP") and doc.has_annotation("TAG")
    # sentence records are the segmenter's, whatever the (untrained) parser predicts
    from pipeline.stages.segment import sentence_spans

    assert [s.text.strip() for s in sentence_spans(doc)] == ["Prime Minister Shinzo Abe met Vladimir Putin in Moscow.", "Tokyo will be disappointed."]
    # the stand-in's NER is untrained (it tags every token PERSON): the entities stage still maps
    # what the gazetteer knows to its label and canonical name, and takes the rest as model evidence
    found = {(s.text, s.label_, s._.entity["canonical"], s._.entity["source"]) for s in doc.spans["entities"]}
    assert {("Moscow", "GPE", "Moscow", "gazetteer"), ("Tokyo", "GPE", "Tokyo", "gazetteer")} <= found
    assert ("Prime", "PERSON", "Prime", "model") in found


def test_run_with_model_records_its_name(stand_in_model, tmp_path):
    nlp = build_nlp(model=str(stand_in_model))
    result = run_corpus([str(FIXTURES / "articles")], tmp_path / "out", nlp=nlp, model=str(stand_in_model))
    assert result.manifest["model"]["sources"] == [str(stand_in_model)]
    assert [d["doc_id"] for d in read_jsonl(tmp_path / "out" / "documents.jsonl")] == ["arctic-shipping", "baltic-brief"]


@pytest.mark.model
def test_en_core_web_sm_when_installed(tmp_path):
    nlp = build_nlp(model="en_core_web_sm")
    doc = nlp(TEXT)
    found = {(s.text, s.label_) for s in doc.spans["entities"]}
    assert {("Shinzo Abe", "PERSON"), ("Vladimir Putin", "PERSON"), ("Moscow", "GPE")} <= found
    said = nlp("'The two countries need to act', said the former ambassador.")
    assert [t.text for t in said if t.dep_ == "nsubj" and t.head.text == "said"] == ["ambassador"]

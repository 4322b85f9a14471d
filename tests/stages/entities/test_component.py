"""The ``claims_entities`` component: cheap factory, data in initialize, DocBin and to_disk round
trips, and what it writes on the Doc (``doc.ents`` as token arrays, ``span._.entity``)."""
from __future__ import annotations


import pytest
import spacy
from spacy.tokens import DocBin, Span

from pipeline.extensions import SPANS_ENTITIES, ensure_extensions, set_span_extension
from pipeline.stages.entities import resources as R
from tests.stages.entities.test_records import ARTICLE


@pytest.fixture
def nlp(entities_nlp):
    return entities_nlp


def ents(doc) -> list[tuple[str, str, str]]:
    return [(s.text, s.label_, s._.entity["canonical"]) for s in doc.spans[SPANS_ENTITIES]]


def test_docbin_round_trip_keeps_spans_and_values(nlp):
    doc = nlp(ARTICLE)
    before = [(s.start_char, s.end_char, s.label_, s.kb_id_, s._.entity) for s in doc.spans[SPANS_ENTITIES]]
    assert before
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    restored = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))[0]
    ensure_extensions()
    after = [(s.start_char, s.end_char, s.label_, s.kb_id_, s._.entity) for s in restored.spans[SPANS_ENTITIES]]
    assert after == before
    assert [(e.start_char, e.label_, e.kb_id_) for e in restored.ents] == [(b[0], b[2], b[3]) for b in before]


def test_factory_is_cheap_and_initialize_loads_data():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    component = nlp.add_pipe("claims_entities")
    assert component.gazetteer is None
    nlp.initialize()
    assert component.gazetteer is not None


def test_lazy_initialization_on_first_call():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("claims_entities")
    assert ents(nlp("Vietnam bought submarines from Russia.")) == [("Vietnam", "GPE", "Vietnam"), ("Russia", "GPE", "Russia")]


def test_saved_pipeline_reloads_without_resource_files(nlp, tmp_path, monkeypatch):
    nlp.to_disk(tmp_path / "model")
    assert (tmp_path / "model" / "claims_entities" / "entries.jsonl").is_file()

    def no_resources(*args, **kwargs):
        raise AssertionError("a loaded pipeline must not read the package resources")

    monkeypatch.setattr(R, "load_entries", no_resources)
    monkeypatch.setattr(R, "load_lexicons", no_resources)
    loaded = spacy.load(tmp_path / "model")
    assert ents(loaded(ARTICLE)) == ents(nlp(ARTICLE))


def test_set_span_extension_equals_the_underscore(nlp):
    ensure_extensions()
    doc = nlp.make_doc("Shinzo Abe met Vladimir Putin in Tokyo .")
    spans = [Span(doc, 0, 2, label="PERSON"), Span(doc, 3, 5, label="PERSON"), Span(doc, 6, 7, label="GPE")]
    values = [{"canonical": s.text} for s in spans]
    set_span_extension(doc, spans, "entity", values)
    assert [s._.entity for s in spans] == values
    assert [s._.entity for s in (Span(doc, 0, 2), Span(doc, 6, 7))] == [values[0], values[2]]
    set_span_extension(doc, [], "entity", [])  # nothing to do

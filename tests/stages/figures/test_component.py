"""Figures stage, the component: DocBin round trip, to_disk / from_disk, a saved pipeline, the
factory's requires / assigns."""
from __future__ import annotations

import spacy
from spacy.tokens import DocBin

from pipeline.stages import figures as F


def test_docbin_roundtrip(nlp):
    text = "Japan put US$ 200 million into the venture, and 78% of voters backed it."
    doc = nlp(text)
    before = [(s.start_char, s.end_char, s.label_, s._.figure) for s in doc.spans["figures"]]
    assert len(before) == 2
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    doc2 = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))[0]
    after = [(s.start_char, s.end_char, s.label_, s._.figure) for s in doc2.spans["figures"]]
    assert after == before


def test_to_disk_from_disk(nlp, tmp_path):
    comp = nlp.get_pipe("claims_figures")
    comp.to_disk(tmp_path / "figures")
    other = F.FigureExtractor(nlp, "x", spans_key="figures", use_parse=True).from_disk(tmp_path / "figures")
    doc = nlp.get_pipe("claims_segmenter")(nlp.make_doc("Japan put US$ 200 million into it."))
    other(doc)
    assert [(s.text, s._.figure["value"]) for s in doc.spans["figures"]] == [("US$ 200 million", 200_000_000)]


def test_saved_pipeline_reloads(nlp, tmp_path):
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    doc = loaded("Sweden will spend 22 billion kronor.")
    assert [(s.text, s._.figure["currency"]) for s in doc.spans["figures"]] == [("22 billion kronor", "SEK")]


def test_analyze_pipes_has_no_problems(nlp):
    assert nlp.analyze_pipes()["problems"] == {name: [] for name in nlp.pipe_names}

"""The claims_claims component: DocBin and disk round trips, a plain sentencizer, empty Docs,
and what it declares it reads (``requires``) and writes (``assigns``)."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin, Span

from pipeline.extensions import SPANS_CLAIMS, ensure_extensions, set_span_extension

from .helpers import annotated_article, claims_of, claims_pipeline, plain, records_of


@pytest.fixture(scope="module")
def nlp():
    return claims_pipeline()


def test_docbin_round_trip(nlp):
    doc = annotated_article(nlp)
    before = [(s.start_char, s.end_char, s.label_, plain(s._.claim)) for s in doc.spans[SPANS_CLAIMS]]
    assert len(before) >= 4
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    restored = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))[0]
    after = [(s.start_char, s.end_char, s.label_, plain(s._.claim)) for s in restored.spans[SPANS_CLAIMS]]
    assert after == before
    # records built from the restored Doc equal those built from the original
    assert records_of(restored)[0] == records_of(doc)[0]


def test_to_disk_from_disk_round_trip(nlp, tmp_path):
    text = "Beijing is likely to respond with economic pressure. We recommend that NATO act now."
    expected = [(t, d["type"]) for t, d in claims_of(nlp, text)]
    assert expected
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert [(t, d["type"]) for t, d in claims_of(loaded, text)] == expected
    assert (tmp_path / "model" / "claims_claims" / "claims_rules.json").is_file()


def test_works_with_plain_sentencizer_and_empty_docs():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("claims_claims")
    nlp.initialize()
    assert claims_of(nlp, "") == []
    got = claims_of(nlp, "Japan should act. In 1956 a declaration was issued.")
    assert [(t, d["type"]) for t, d in got] == [("Japan should act.", "recommendation")]


def test_requires_the_outputs_of_the_stages_it_reads():
    """After the segmenter, entities, dates and figures stages nothing is missing; without them,
    analyze_pipes names what claims would read from them."""
    nlp = spacy.blank("en")
    for factory in ("claims_segmenter", "claims_entities", "claims_dates", "claims_figures", "claims_claims"):
        nlp.add_pipe(factory)
    assert nlp.analyze_pipes()["problems"] == {name: [] for name in nlp.pipe_names}
    alone = spacy.blank("en")
    alone.add_pipe("claims_segmenter")
    alone.add_pipe("claims_claims")
    missing = alone.analyze_pipes()["problems"]["claims_claims"]
    assert sorted(missing) == ["doc.ents", "span._.date", "span._.entity", "span._.figure"]
    assert "span._.claim" in alone.get_pipe_meta("claims_claims").assigns


def test_set_span_extension_writes_what_span_underscore_reads(nlp):
    """The component writes ``span._.claim`` through set_span_extension: Span._ reads it back."""
    ensure_extensions()
    doc = nlp("Moscow will not budge. Kyiv will.")
    spans = [Span(doc, 0, 5), Span(doc, 5, 8), Span(doc, 0, 5)]
    values = [{"a": 1}, {"b": 2}, {"c": 3}]
    set_span_extension(doc, spans, "claim", values)
    assert spans[1]._.claim is values[1] and spans[0]._.claim is values[2]  # the last write of a key wins

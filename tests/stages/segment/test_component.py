"""The ``claims_segmenter`` component: sentence decisions on every token, DocBin and to_disk round trips."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin

from pipeline.resources import ResourceError, load_table
from pipeline.stages.segment import Segmenter
from pipeline.stages.segment.resources import NAVIGATION
from tests.conftest import FIXTURES


def boilerplate_of(doc) -> list[tuple[str, str]]:
    return [(s.label_, s.text) for s in doc.spans["boilerplate"]]


def test_every_token_has_a_sentence_decision_and_docbin_roundtrip(segment_nlp):
    text = (FIXTURES / "articles" / "arctic-shipping.txt").read_text(encoding="utf-8")
    doc = segment_nlp(text)
    assert all(token.is_sent_start is not None for token in doc)
    db = DocBin(store_user_data=True)
    db.add(doc)
    restored = list(DocBin().from_bytes(db.to_bytes()).get_docs(segment_nlp.vocab))[0]
    assert boilerplate_of(restored) == boilerplate_of(doc)
    assert [s._.segment for s in restored.spans["boilerplate"]][0] == {"kind": "title"}
    assert [s.text for s in restored.sents] == [s.text for s in doc.sents]


def test_saved_segmenter_reloads_with_the_same_rules(segment_nlp, tmp_path):
    segment_nlp.get_pipe("claims_segmenter").to_disk(tmp_path / "segmenter")
    loaded = Segmenter(spacy.blank("en"), "segmenter", max_title_words=25).from_disk(tmp_path / "segmenter")
    original = segment_nlp.get_pipe("claims_segmenter")
    assert (loaded.rules, loaded.lexicon) == (original.rules, original.lexicon)
    text = (FIXTURES / "articles" / "baltic-brief.md").read_text(encoding="utf-8")
    assert boilerplate_of(loaded(segment_nlp.make_doc(text))) == boilerplate_of(segment_nlp(text))


def test_navigation_row_with_an_unknown_kind_fails_with_file_and_line(tmp_path):
    (tmp_path / "segment").mkdir()
    (tmp_path / "segment" / "navigation.tsv").write_text("phrase\tkind\nview profile\tnavigation\nhome\tmenu\n")
    with pytest.raises(ResourceError, match=r"navigation.tsv:3: kind='menu'"):
        load_table(NAVIGATION, root=tmp_path)

"""The cached trainable lemmatizer equals spaCy's EditTreeLemmatizer, guess by guess and lemma by lemma."""
from __future__ import annotations

import numpy
import pytest
from spacy.attrs import LEMMA
from spacy.pipeline.edit_tree_lemmatizer import EditTreeLemmatizer

from pipeline.speed import FastEditTreeLemmatizer, speed_up_lemmatizers
from pipeline.speed import lemmatizer as fast_module
from pipeline.syntax import syntax_model_available
from tests.conftest import PROJECT_ROOT

needs_model = pytest.mark.skipif(not syntax_model_available(), reason="syntax model not built (run `make model`)")

# Written for these tests: inflections, casing, numbers, hyphens, clitics, non-ASCII, symbols.
TEXTS = [
    "The ministers were meeting in Brussels; they'd agreed that talks wouldn't resume.",
    "RUSSIA'S NAVIES SAILED, AND THE FLEETS WERE SEEN BY SATELLITES OVER THE STRAITS.",
    "Her children's children have been writing better-known essays than theirs, said Dr. Øyvind Åsen.",
    "Prices rose 4.2% (from €1,200 to €1,250) as 2,000 gas-fired plants shut — analysts were worried.",
    "She lies; he lay; they lain... lying, lied, lies! Geese, mice, criteria, phenomena, analyses.",
    "e-mails @ministry #sanctions https://example.org/path?x=1 :) ¯\\_(ツ)_/¯",
    "",
    "   ",
    "Running ran runs runner RUNNING Ran.",
    "Talks talks talks: the talks talked of talking.",
]


@pytest.fixture(scope="module")
def annotated(default_nlp):
    """The texts (and corpus/'s articles) through the pipeline up to the lemmatizer, lemmas unset."""
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "corpus").glob("*.txt"))]
    names = default_nlp.pipe_names
    upto = names[:names.index("trainable_lemmatizer")]
    docs = [default_nlp.make_doc(t) for t in texts]
    for name in upto:
        pipe = default_nlp.get_pipe(name)
        docs = list(pipe.pipe(docs)) if hasattr(pipe, "pipe") else [pipe(doc) for doc in docs]
    return default_nlp.get_pipe("trainable_lemmatizer"), docs


def _copies(docs, lemmas=None):
    out = [doc.copy() for doc in docs]
    for i, doc in enumerate(out):
        values = numpy.zeros((len(doc), 1), dtype="uint64") if lemmas is None else lemmas[i]
        doc.from_array([LEMMA], values)
    return out


def _lemmas(docs) -> list[list[str]]:
    return [[t.lemma_ for t in doc] for doc in docs]


def _spacy_run(pipe, docs):
    guesses = EditTreeLemmatizer.predict(pipe, docs)
    EditTreeLemmatizer.set_annotations(pipe, docs, guesses)
    return guesses


@needs_model
def test_the_shipped_lemmatizer_is_switched(default_nlp):
    assert type(default_nlp.get_pipe("trainable_lemmatizer")) is FastEditTreeLemmatizer
    assert default_nlp.get_pipe_meta("trainable_lemmatizer").factory == "trainable_lemmatizer"


@needs_model
@pytest.mark.parametrize("overwrite, backoff", [(False, "orth"), (True, "orth"), (False, None), (False, "lower"), (True, "norm")])
def test_guesses_and_lemmas_equal_spacys(annotated, overwrite, backoff, monkeypatch):
    pipe, docs = annotated
    monkeypatch.setattr(pipe, "overwrite", overwrite)
    monkeypatch.setattr(pipe, "backoff", backoff)
    # Some lemmas already set (a rule ran before): overwrite decides whether they stay.
    preset = [numpy.array([[pipe.vocab.strings.add("PRESET")] if i % 3 == 0 else [0] for i in range(len(d))], dtype="uint64")
              for d in docs]
    theirs, ours = _copies(docs, preset), _copies(docs, preset)
    spacy_guesses = _spacy_run(pipe, theirs)
    fast_guesses = pipe.predict(ours)
    pipe.set_annotations(ours, fast_guesses)
    assert [g.tolist() for g in fast_guesses] == [g.tolist() for g in spacy_guesses]
    assert any(-1 in g.tolist() for g in spacy_guesses)  # trees that do not apply are exercised
    assert _lemmas(ours) == _lemmas(theirs)
    assert sum(len(d) for d in docs) > 2000


@needs_model
def test_a_small_cache_gives_the_same_lemmas(annotated, monkeypatch):
    pipe, docs = annotated
    monkeypatch.setattr(fast_module, "MAX_CACHE", 5)
    pipe.__dict__.pop("_claims_lemma_cache", None)
    theirs, ours = _copies(docs), _copies(docs)
    _spacy_run(pipe, theirs)
    pipe.set_annotations(ours, pipe.predict(ours))
    assert _lemmas(ours) == _lemmas(theirs)
    assert len(pipe.__dict__["_claims_lemma_cache"]) <= 5 + max(len(d) for d in docs)  # emptied before a Doc when full
    pipe.__dict__.pop("_claims_lemma_cache", None)


@needs_model
def test_through_the_pipeline(default_nlp):
    """nlp(text) as a run calls it: the lemmas of spaCy's own component."""
    pipe = default_nlp.get_pipe("trainable_lemmatizer")
    ours = _lemmas(default_nlp.pipe(TEXTS))
    try:
        pipe.__class__ = EditTreeLemmatizer
        theirs = _lemmas(default_nlp.pipe(TEXTS))
    finally:
        pipe.__class__ = FastEditTreeLemmatizer
    assert ours == theirs and ours[0][:4] == ["the", "minister", "be", "meet"]


def test_only_spacys_own_class_is_switched():
    import spacy

    class Custom(EditTreeLemmatizer):
        pass

    nlp = spacy.blank("en")
    nlp.add_pipe("trainable_lemmatizer", name="a")
    nlp.add_pipe("trainable_lemmatizer", name="b")
    nlp.get_pipe("b").__class__ = Custom
    assert speed_up_lemmatizers(nlp) == ["a"]
    assert type(nlp.get_pipe("a")) is FastEditTreeLemmatizer and type(nlp.get_pipe("b")) is Custom

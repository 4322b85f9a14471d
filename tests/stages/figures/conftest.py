"""The figures tests' pipeline: a blank English tokenizer, the segmenter and the figures stage."""
from __future__ import annotations

import pytest
import spacy

import pipeline.registry  # noqa: F401  registers the factories


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("claims_segmenter")
    nlp.add_pipe("claims_figures")
    nlp.initialize()
    return nlp

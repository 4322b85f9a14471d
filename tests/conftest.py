"""Shared fixtures. Anything needing an installed en_core_web_* model is marked `model`."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import pipeline.registry  # noqa: F401  registers the factories

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _find_shared_corpus() -> Path:
    """The real seed articles: $CLAIMS_SHARED_CORPUS, else a `shared/corpus` beside a parent folder."""
    import os

    if os.environ.get("CLAIMS_SHARED_CORPUS"):
        return Path(os.environ["CLAIMS_SHARED_CORPUS"])
    for parent in PROJECT_ROOT.parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus"
    return PROJECT_ROOT.parent / "shared" / "corpus"


SHARED_CORPUS = _find_shared_corpus()


@pytest.fixture(scope="session")
def segment_nlp():
    """Blank English + the segmenter only: fast, for segmentation tests."""
    nlp = spacy.blank("en")
    nlp.add_pipe("claims_segmenter")
    nlp.initialize()
    return nlp


@pytest.fixture(scope="session")
def entities_nlp():
    """Blank English + a sentencizer + the entity stage: for entity tests."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("claims_entities")
    nlp.initialize()
    return nlp


@pytest.fixture(scope="session")
def rules_nlp():
    """The rule stages without a statistical model (configs/rules.cfg)."""
    from pipeline.runner import CONFIG_DIR, build_nlp

    return build_nlp(CONFIG_DIR / "rules.cfg")


@pytest.fixture(scope="session")
def default_nlp():
    """The default pipeline (shipped syntax model when present)."""
    from pipeline.runner import build_nlp

    return build_nlp()


def pytest_collection_modifyitems(config, items):
    from spacy.util import is_package

    if any(is_package(name) for name in ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")):
        return
    skip = pytest.mark.skip(reason="no en_core_web_* model installed")
    for item in items:
        if "model" in item.keywords:
            item.add_marker(skip)

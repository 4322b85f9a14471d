"""Factories are bound in one module, exposed as entry points, and every config builds cleanly."""
from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest
import spacy
from spacy.language import Language

import pipeline.registry  # noqa: F401

from .conftest import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENTRY_POINTS = PYPROJECT["project"]["entry-points"]["spacy_factories"]


def test_every_claims_factory_has_an_entry_point_into_the_registry():
    registered = sorted(name for name in Language.factories if name.startswith("claims_"))
    assert registered == sorted(ENTRY_POINTS)
    assert all(target.startswith("pipeline.registry:") for target in ENTRY_POINTS.values())


def test_entry_points_work_in_a_fresh_interpreter_without_importing_pipeline():
    """spaCy finds the factories through the installed package's entry points (make setup installs it)."""
    from importlib.metadata import entry_points

    if not any(ep.name == "claims_segmenter" for ep in entry_points(group="spacy_factories")):
        pytest.skip("package not installed (run `make test`, which pip-installs it)")
    code = "import spacy, sys; nlp = spacy.blank('en'); nlp.add_pipe('claims_segmenter'); nlp.initialize(); " \
           "doc = nlp('A Title\\n\\nBody text here. More text.'); print(len(list(doc.sents)), 'pipeline' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True).stdout.split()
    assert out[0] == "3"


@pytest.mark.parametrize("config", ["rules.cfg", "default.cfg"])
def test_configs_build_without_pipe_problems(config):
    from pipeline.run import build_nlp

    nlp = build_nlp(PROJECT_ROOT / "configs" / config)
    assert nlp.pipe_names[0] == "segmenter"
    problems = nlp.analyze_pipes()["problems"]
    assert all(not v for v in problems.values()), problems


def test_saved_pipeline_reloads_without_package_data(tmp_path):
    from pipeline.run import CONFIG_DIR, build_nlp

    nlp = build_nlp(CONFIG_DIR / "rules.cfg")
    nlp.to_disk(tmp_path / "nlp")
    reloaded = spacy.load(tmp_path / "nlp")
    text = "Russia and Japan\n\nTokyo will be disappointed. Moscow waits.\n\nView profile\n"
    doc, expected = reloaded(text), nlp(text)
    assert [s.text for s in doc.sents] == [s.text for s in expected.sents]
    assert [(s.label_, s.text) for s in doc.spans["boilerplate"]] == [("title", "Russia and Japan"), ("navigation", "View profile")]

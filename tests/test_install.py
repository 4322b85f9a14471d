"""What an installed wheel needs is inside the package (the full check, a wheel in a fresh venv run
from another folder, is .ci/wheel-check.sh, called by .ci/run after `make test`)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pipeline
from pipeline.run import CONFIG_DIR, DEFAULT_CONFIG, MODEL_CONFIG

from .conftest import PROJECT_ROOT

PACKAGE = Path(pipeline.__file__).resolve().parent
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_configs_are_read_through_the_package():
    assert CONFIG_DIR == PACKAGE / "configs"
    assert DEFAULT_CONFIG.parent == MODEL_CONFIG.parent == CONFIG_DIR
    # configs/ stays the one place configs are edited: the package's folder is the same files
    assert (PACKAGE / "configs").resolve() == (PROJECT_ROOT / "configs").resolve()
    assert sorted(p.name for p in CONFIG_DIR.glob("*.cfg")) == sorted(p.name for p in (PROJECT_ROOT / "configs").glob("*.cfg"))


def test_run_time_files_are_package_data():
    from pipeline.contract import SCHEMA_DIR
    from pipeline.resources import PACKAGE_ROOT
    from pipeline.review.server import STATIC_DIR
    from pipeline.syntax import SYNTAX_MODEL_DIR

    for folder in (SCHEMA_DIR, PACKAGE_ROOT, STATIC_DIR, SYNTAX_MODEL_DIR):
        assert PACKAGE in folder.resolve().parents, folder
    assert PYPROJECT["tool"]["setuptools"]["package-data"]["*"][-1] == "**/*"  # every file under pipeline/, models included


def test_dependencies_state_lxml_html_clean():
    deps = [d.split(">")[0].split("=")[0].strip() for d in PYPROJECT["project"]["dependencies"]]
    assert "lxml_html_clean" in deps and "trafilatura" in deps


def test_version_has_one_source():
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pipeline.__version__"}

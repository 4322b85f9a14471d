"""Golden snapshot: the sha256 of every record file the default and rules-only pipelines write.

Refactorings must keep these byte-identical. When a change is *meant* to alter records, update the
committed values on purpose and say why in the commit:

    CLAIMS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_snapshot.py

Three input sets: `corpus/` (always), the two seed articles and a fixed sample of the commentary
in ../shared/corpus (when present; the text is read from there, never copied).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, SHARED_CORPUS

GOLDEN_FILE = Path(__file__).parent / "golden" / "snapshot.json"
RECORD_FILES = ("documents", "sentences", "entities", "dates", "figures", "claims", "errors")
CONFIGS = {"default": "default.cfg", "rules": "rules.cfg"}
# A fixed spread of the commentary (every 100th file by name): enough real text to catch drift.
COMMENTARY_STEP = 100


def _input_sets() -> dict[str, tuple[Path, list[str]]]:
    """Each set as (folder to run from, inputs relative to it): records name their source as given,
    so running from the input's own folder keeps them the same wherever the checkout lies."""
    sets = {"corpus": (PROJECT_ROOT, ["corpus"])}
    seeds = sorted(path.name for path in SHARED_CORPUS.glob("*.txt"))
    if seeds:
        sets["seeds"] = (SHARED_CORPUS, seeds)
    commentary = sorted(path.name for path in (SHARED_CORPUS / "commentary").glob("*.txt"))
    if commentary:
        sets["commentary"] = (SHARED_CORPUS / "commentary", commentary[::COMMENTARY_STEP])
    return sets


def _snapshot(inputs: list[str], config: str, out: Path) -> dict[str, str]:
    from pipeline.runner import run_corpus

    run_corpus(inputs, out, config_path=PROJECT_ROOT / "configs" / config, published=None)
    return {name: hashlib.sha256((out / f"{name}.jsonl").read_bytes()).hexdigest() for name in RECORD_FILES}


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("input_set", ["corpus", "seeds", "commentary"])
def test_records_match_golden_snapshot(input_set, config, tmp_path, monkeypatch):
    sets = _input_sets()
    if input_set not in sets:
        pytest.skip(f"{input_set}: ../shared/corpus not present")
    folder, inputs = sets[input_set]
    monkeypatch.chdir(folder)
    actual = _snapshot(inputs, CONFIGS[config], tmp_path / "out")
    key = f"{input_set}/{config}"
    golden = json.loads(GOLDEN_FILE.read_text()) if GOLDEN_FILE.exists() else {}
    if os.environ.get("CLAIMS_UPDATE_GOLDEN"):
        golden[key] = actual
        GOLDEN_FILE.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n")
        return
    assert key in golden, f"no golden values for {key}: run with CLAIMS_UPDATE_GOLDEN=1"
    changed = sorted(name for name in RECORD_FILES if golden[key][name] != actual[name])
    assert not changed, f"{key}: record files changed: {changed}"

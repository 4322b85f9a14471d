"""The claims rule data: every packaged table loads through its TableSpec; bad rows fail loudly."""
from __future__ import annotations

import shutil

import pytest
import spacy

from pipeline.resources import PACKAGE_ROOT, ResourceError
from pipeline.stages.claims import resources as R
from pipeline.stages.claims.rules import ClaimRules


def test_expand_cue():
    assert R.expand_cue("{is,are} {set,due} to") == ["is set to", "is due to", "are set to", "are due to"]
    assert R.expand_cue("according to") == ["according to"]


def test_every_packaged_table_loads_and_compiles():
    tables = R.load_tables()
    assert set(tables) == set(R.TABLE_SPECS)
    assert all(spec.file == f"claims/{name}.tsv" for name, spec in R.TABLE_SPECS.items())
    rules = ClaimRules(spacy.blank("en"), tables)
    assert rules.frames and rules.rows_by_key


def test_bad_table_row_fails_loudly(tmp_path):
    root = tmp_path / "res"
    shutil.copytree(PACKAGE_ROOT / "claims", root / "claims")
    path = root / "claims" / "modality.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "maybe\tadverb\tsomewhat\tpos\t1.0\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="certainty"):
        R.load_tables(root)


@pytest.mark.parametrize("table, line, match", [
    ("context", "quickly\tadverb_list\n", "kind"),  # a kind that no rule reads
    ("frames", "x\t\t(\thedge\t\t\t\t\t1.0\n", "bad regex"),
    ("prediction", "will\tlots\n", "not a number"),
    ("prediction", "will\t1.0\tverbb\n", "unknown flags"),
])
def test_malformed_rows_name_the_file(tmp_path, table, line, match):
    root = tmp_path / "res"
    shutil.copytree(PACKAGE_ROOT / "claims", root / "claims")
    path = root / "claims" / f"{table}.tsv"
    path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")
    with pytest.raises(ResourceError, match=match) as err:
        R.load_tables(root)
    assert f"{table}.tsv" in str(err.value)

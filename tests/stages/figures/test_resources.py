"""Figures stage, rule data: every table loads through its TableSpec; a bad row fails loudly."""
from __future__ import annotations

import pytest

from pipeline.resources import PACKAGE_ROOT, ResourceError
from pipeline.stages import figures as F


def test_bad_resources_fail_loudly(tmp_path):
    root = tmp_path / "res"
    (root / "figures").mkdir(parents=True)
    pkg = PACKAGE_ROOT / "figures"
    for f in pkg.glob("*.tsv"):
        (root / "figures" / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    F.FigureRules.from_rows(F.load_rows(root))  # a faithful copy loads
    bad = root / "figures" / "currencies.tsv"
    bad.write_text(bad.read_text(encoding="utf-8") + "zloty\tPLNX\tsuffix\n", encoding="utf-8")
    with pytest.raises(ResourceError):
        F.FigureRules.from_rows(F.load_rows(root))

"""Figures stage, rule data: every table loads through its TableSpec; a bad row fails loudly."""
from __future__ import annotations

import pytest

from pipeline.resources import PACKAGE_ROOT, ResourceError
from pipeline.stages import figures as F
from pipeline.stages.figures import resources as RES


def test_bad_resources_fail_loudly(tmp_path):
    root = _copy_tables(tmp_path)
    F.FigureRules.from_rows(F.load_rows(root))  # a faithful copy loads
    bad = root / "figures" / "currencies.tsv"
    bad.write_text(bad.read_text(encoding="utf-8") + "zloty\tPLNX\tsuffix\n", encoding="utf-8")
    with pytest.raises(ResourceError):
        F.FigureRules.from_rows(F.load_rows(root))


def _copy_tables(tmp_path):
    root = tmp_path / "res"
    (root / "figures").mkdir(parents=True)
    for f in (PACKAGE_ROOT / "figures").glob("*.tsv"):
        (root / "figures" / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return root


def test_every_table_has_a_spec_and_every_word_list_has_words():
    files = {p.name for p in (PACKAGE_ROOT / "figures").glob("*.tsv")}
    assert files == {spec.file.split("/")[-1] for spec in F.TABLE_SPECS.values()}
    words = F.default_rules().words
    empty = [name for name in RES.WORD_LISTS if not getattr(words, name)]
    assert not empty, empty


@pytest.mark.parametrize("table, row, message", [
    ("words.tsv", "decade\tmonthz\n", "monthz"),  # an unknown list
    ("currencies.tsv", "zloty\tPLN\tsuffixx\n", "position"),  # a value outside its closed set
    ("scales.tsv", "lakh\tmany\tno\n", "multiplier"),  # a number that does not parse
])
def test_a_bad_row_fails_with_file_and_line(tmp_path, table, row, message):
    root = _copy_tables(tmp_path)
    path = root / "figures" / table
    text = path.read_text(encoding="utf-8")
    path.write_text(text + row, encoding="utf-8")
    line = len(text.split("\n"))
    with pytest.raises(ResourceError, match=rf"{table}:{line}: .*{message}"):
        F.load_rows(root)


def test_rows_round_trip_through_from_rows():
    rules = F.default_rules()
    again = F.FigureRules.from_rows(rules.rows)
    assert again.words == rules.words and again.factor_verbs == rules.factor_verbs
    assert again.factor_verbs["halve"] == (0.5, "decrease") and "double" not in again.number_words

"""The one rule-data loader: TableSpec shapes, and file:line errors for every malformed row."""
from __future__ import annotations

import pytest

from pipeline.resources import ResourceError, TableSpec, load_table, load_tables


def _write(tmp_path, text: str) -> None:
    (tmp_path / "t.tsv").write_text(text, encoding="utf-8")


def test_rows_are_read_with_optional_columns(tmp_path):
    _write(tmp_path, "# a comment\nword\tkind\tweight\nx\ta\t1\n\ny\ta\t\n")
    spec = TableSpec("t.tsv", ("word", "kind"), ("weight",), enums={"kind": frozenset({"a"})}, numeric=("weight",))
    assert load_tables({"t": spec}, root=tmp_path) == {
        "t": [{"word": "x", "kind": "a", "weight": "1"}, {"word": "y", "kind": "a", "weight": ""}]
    }


@pytest.mark.parametrize(
    ("text", "spec", "message"),
    [
        ("word\tkind\nx\ta\ny\tb\n", TableSpec("t.tsv", ("word", "kind"), enums={"kind": frozenset({"a"})}),
         r"t.tsv:3: kind='b' is not one of \['a'\]"),
        ("# c\nword\tw\nx\t1\ny\tz\n", TableSpec("t.tsv", ("word",), ("w",), numeric=("w",)), r"t.tsv:4: w='z' is not a number"),
        ("word\tkind\nx\t\n", TableSpec("t.tsv", ("word", "kind")), r"t.tsv:2: empty required column\(s\) \['kind'\]"),
        ("word\tkinds\nx\ta\n", TableSpec("t.tsv", ("word", "kind")), r"t.tsv:1: header"),
        ("word\nx\ty\n", TableSpec("t.tsv", ("word",)), r"t.tsv:2: 2 cells for 1 columns"),
    ],
)
def test_malformed_rows_fail_with_file_and_line(tmp_path, text, spec, message):
    _write(tmp_path, text)
    with pytest.raises(ResourceError, match=message):
        load_table(spec, root=tmp_path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ResourceError, match="resource file not found"):
        load_table(TableSpec("absent.tsv", ("word",)), root=tmp_path)

"""The resource reader's fast paths: ``read_table`` reads as the line-by-line reader it replaced,
and ``gc_paused`` restores the collector."""
from __future__ import annotations

import pytest


def test_read_table_reads_as_the_line_by_line_reader(tmp_path):
    from pipeline.resources import PACKAGE_ROOT, ResourceError, read_table

    def slow(path, columns, optional=()):  # the reader read_table replaced
        rows, header = [], None
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                cells = line.split("\t")
                if header is None:
                    header = cells
                    if set(header) - set(columns) - set(optional) or set(columns) - set(header):
                        raise ResourceError(f"{lineno}: header")
                    continue
                if len(cells) > len(header):
                    raise ResourceError(f"{lineno}: cells")
                cells += [""] * (len(header) - len(cells))
                row = dict(zip(header, (c.strip() for c in cells)))
                if [c for c in columns if not row[c]]:
                    raise ResourceError(f"{lineno}: empty")
                rows.append(row)
        return rows

    for path in sorted(PACKAGE_ROOT.rglob("*.tsv")):
        header = path.read_text(encoding="utf-8").split("\n")
        first = next(line for line in header if line.strip() and not line.startswith("#")).split("\t")
        name = path.relative_to(PACKAGE_ROOT).as_posix()
        assert read_table(name, columns=(), optional=first) == slow(path, (), first), name
    cases = {
        "crlf": "a\tb\r\n x \ty\r\n\r\n# c\r\nz\r\n",
        "pad": "a\tb\nx\n\n   \n#x\ty\tz\nw\tv",
        "word": "w\n one \n\ttwo\n",
        "extra": "a\tb\nx\ty\tz\n",
        "empty": "a\tb\n\ty\n",
        "none": "# only\n\n",
    }
    for name, text in cases.items():
        (tmp_path / f"{name}.tsv").write_bytes(text.encode("utf-8"))
        for columns, optional in ((("a",), ("b",)), (("a", "b"), ()), (("w",), ())):
            try:
                want = slow(tmp_path / f"{name}.tsv", columns, optional)
            except ResourceError as err:
                with pytest.raises(ResourceError, match=str(err).split(":")[0]):
                    read_table(f"{name}.tsv", root=tmp_path, columns=columns, optional=optional)
                continue
            if want == [] and "none" in name:
                continue  # (no header: read_table says so, the sketch above does not)
            assert read_table(f"{name}.tsv", root=tmp_path, columns=columns, optional=optional) == want, name


def test_gc_paused_restores_the_collector():
    import gc

    from pipeline.resources import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with gc_paused():
            raise ValueError
    assert gc.isenabled()

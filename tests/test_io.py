"""Reading inputs: formats, encodings, sidecars, and every kind of bad input."""
from __future__ import annotations

import json

import pytest

from pipeline.io import (
    Article,
    DecodeError,
    InputError,
    decode_bytes,
    iter_input_files,
    load_articles,
    normalize_published,
)


def load_all(path, source=None, doc_id=None, **kw):
    return list(load_articles(path, source or str(path), doc_id or path.stem, **kw))


@pytest.mark.parametrize(
    "value, expected",
    [("2016", "2016"), ("2016-09", "2016-09"), ("2016-09-05", "2016-09-05"), ("2016-09-05T10:00:00Z", "2016-09-05"), (None, None)],
)
def test_normalize_published(value, expected):
    assert normalize_published(value) == expected


@pytest.mark.parametrize("value", ["September 2016", "2016-13", "16-09-05"])
def test_normalize_published_rejects(value):
    with pytest.raises(ValueError):
        normalize_published(value)


def test_decode_utf8_with_bom_and_curly_quotes():
    text, enc = decode_bytes("\ufeff‘Tokyo’ said\u00a0no.".encode("utf-8"))
    assert text == "‘Tokyo’ said\u00a0no." and enc == "utf-8-sig"


def test_decode_legacy_encoding_detected():
    text, enc = decode_bytes("Café diplomacy in Zürich: the Ministers’ meeting ended. ".encode("cp1252") * 5)
    assert text.startswith("Café diplomacy in Zürich: the Ministers’ meeting ended.")
    assert enc.startswith("cp125") or enc in {"latin_1", "iso8859_1"}  # single-byte Western encodings decode this alike


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\x00\x01\x02PK\x03\x04" * 100, "binary file"),
        ("Moscow’s reply ".encode("utf-8") + b"\xff\xfe\xfa broken", "invalid UTF-8 at byte 17"),
    ],
)
def test_decode_rejects(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_sidecar_metadata(tmp_path):
    article = tmp_path / "kuril.txt"
    article.write_text("Islands and Illusions\n\nTokyo will be disappointed in December.\n", encoding="utf-8")
    (tmp_path / "kuril.txt.meta.json").write_text(
        json.dumps({"published": "2016-09", "title": "Islands and Illusions", "authors": ["Jane Roe"], "url": "https://example.org/a"}),
        encoding="utf-8",
    )
    [art] = load_all(article)
    assert isinstance(art, Article)
    assert (art.published, art.published_from, art.title, art.authors, art.url) == (
        "2016-09", "sidecar", "Islands and Illusions", ["Jane Roe"], "https://example.org/a",
    )


def test_bad_sidecar_is_reported_and_article_kept(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Body text here.\n", encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text("{not json", encoding="utf-8")
    items = load_all(article)
    assert isinstance(items[0], InputError) and items[0].skipped is False
    assert items[0].reason.startswith("sidecar ignored:")
    assert isinstance(items[1], Article) and items[1].published is None


def test_jsonl_articles_and_malformed_line(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps({"id": "a1", "text": "First article.", "published": "2024-03-01", "authors": ["A B"]}) + "\n"
        + "{broken json\n"
        + json.dumps({"text": "Third line article."}) + "\n"
        + json.dumps({"id": "a4", "title": "no text"}) + "\n",
        encoding="utf-8",
    )
    items = load_all(path)
    arts = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [(a.doc_id, a.text, a.published, a.source_line) for a in arts] == [
        ("a1", "First article.", "2024-03-01", 1),
        ("batch-3", "Third line article.", None, 3),
    ]
    assert [(e.line, e.reason.split(":")[0]) for e in errors] == [(2, "invalid JSON"), (4, "missing or empty 'text'")]


def test_html_main_text_extracted(tmp_path):
    body = "".join(f"<p>Paragraph {i}: Japan and Russia discussed the disputed islands at length in Moscow.</p>" for i in range(6))
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>Island talks</title></head><body><nav>Home | About</nav><article>{body}</article></body></html>", encoding="utf-8")
    [art] = [i for i in load_all(page) if isinstance(i, Article)]
    assert "Japan and Russia discussed the disputed islands" in art.text
    assert "Home | About" not in art.text


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.txt", bytes(range(256)) * 40, "binary file"),
        ("broken.txt", "Tokyo’s ".encode() + b"\xc3\x28 text", "invalid UTF-8"),
        ("nomain.html", b"<html><body><nav>Home</nav></body></html>", "no main text found in HTML"),
    ],
)
def test_bad_files_give_one_clear_error(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    items = load_all(path)
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert reason in items[0].reason


def test_oversized_single_line_file(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"word " * (10 * 1024 * 1024))  # 50 MB, one line
    [err] = load_all(path)
    assert isinstance(err, InputError)
    assert err.reason.startswith("file is 52.4 MB, over the 21 MB limit")


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("text", encoding="utf-8")

    def deny(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("pipeline.io._read_bytes", deny)
    [err] = load_all(path)
    assert err.reason == "unreadable: permission denied"


def test_missing_path_and_unsupported_type(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"x")
    items = list(iter_input_files([tmp_path / "nope", tmp_path / "notes.docx"]))
    assert [(i.file.rsplit("/", 1)[-1], i.reason.split(";")[0]) for i in items] == [
        ("nope", "no such file or directory"),
        ("notes.docx", "unsupported file type .docx"),
    ]


def test_folder_walk_is_recursive_sorted_and_skips_sidecars(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z", encoding="utf-8")
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "a.md.meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("h", encoding="utf-8")
    found = [(doc_id, source.rsplit("/", 2)[-2:]) for _, source, doc_id in iter_input_files([tmp_path])]
    assert [d for d, _ in found] == ["a", "b/z"]


# --- issue 16: every input accounted for, metadata only from metadata ----------------------------


def test_jsonl_splits_on_newline_only(tmp_path):
    """Before: U+2028 / U+0085 inside a string split the line in two and shifted every later source_line."""
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "a", "text": "First\u2028line and\u0085more."}, {"id": "b", "text": "Second\u2029article."},
            {"id": "nul", "text": "Bin\u0000ary"}, {"id": "c", "text": "Third."}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\r\n", encoding="utf-8")
    items = load_all(path)
    assert [(a.doc_id, a.text, a.source_line) if isinstance(a, Article) else (a.line, a.reason) for a in items] == [
        ("a", "First\u2028line and\u0085more.", 1), ("b", "Second\u2029article.", 2),
        (3, "binary data ('text' holds a NUL character at character 3), not text"), ("c", "Third.", 4),
    ]


def _reasons(items):
    return [(i.file.rsplit("/", 1)[-1], i.reason, i.skipped) if isinstance(i, InputError) else i[2] for i in items]


def test_every_path_not_read_is_reported(tmp_path):
    """Before: a folder named x.txt, a broken link, a link loop, a FIFO and a duplicate path were silent."""
    import os

    root = tmp_path / "in"
    (root / "x.txt").mkdir(parents=True)
    (root / "x.txt" / "inner.md").write_text("Inner article.", encoding="utf-8")
    (root / "a.txt").write_text("An article.", encoding="utf-8")
    (root / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (root / "loop").symlink_to(root)
    (root / "self.txt").symlink_to(root / "self.txt")
    (root / "same.txt").symlink_to(root / "a.txt")
    os.mkfifo(root / "pipe.txt")
    (root / "README.md").write_text("About this folder.", encoding="utf-8")
    (root / "photo.png").write_bytes(b"\x89PNG")
    items = list(iter_input_files([root, root / "a.txt"]))
    assert _reasons(items) == [
        "a",
        ("broken.txt", f"broken symbolic link (to {tmp_path / 'missing.txt'}, which does not exist)", True),
        ("loop", "symbolic link loop (a link to a folder that contains it)", True),
        ("pipe.txt", "not a regular file (a FIFO)", True),
        ("same.txt", f"duplicate path: the same file as {root / 'a.txt'}", True),
        ("self.txt", "symbolic link loop", True),
        ("x.txt", "a folder, not a file: its files are read as a folder's", False),
        "x.txt/inner",
        ("a.txt", f"duplicate path: the same file as {root / 'a.txt'}", True),
    ]


def test_linked_folder_is_followed(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.txt").write_text("B.", encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "more").symlink_to(tmp_path / "elsewhere")
    assert _reasons(iter_input_files([tmp_path / "in"])) == ["more/b"]


def test_reader_exception_is_one_error_for_that_file(tmp_path, monkeypatch):
    """Before: an ImportError from trafilatura (lxml_html_clean missing) stopped the whole batch."""
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Text</p></body></html>", encoding="utf-8")

    def missing(_html):
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\nInstall lxml[html_clean]")

    monkeypatch.setattr("pipeline.io.extract_html", missing)
    assert [(e.file, e.reason) for e in load_all(page)] == [
        (str(page), "reader failed: ImportError: lxml.html.clean module is now a separate project lxml_html_clean."),
    ]


def test_html_date_only_from_page_metadata(tmp_path):
    """Before: "March 2022" in a paragraph became published 2022-01-01."""
    body = "".join(f"<p>Paragraph {i}: Japan and Russia met in Moscow in March 2022 to discuss the islands.</p>" for i in range(6))
    bare = tmp_path / "bare.html"
    bare.write_text(f"<html><head><title>Talks</title></head><body><article>{body}</article></body></html>", encoding="utf-8")
    dated = tmp_path / "dated.html"
    dated.write_text(f'<html><head><meta property="article:published_time" content="2023-05-04T08:00:00Z"><title>Talks</title></head>'
                     f"<body><article>{body}</article></body></html>", encoding="utf-8")
    [art] = load_all(bare)
    assert (art.published, art.published_from) == (None, None)
    [art] = load_all(dated)
    assert (art.published, art.published_from) == ("2023-05-04", "html")


def test_html_declared_charset_and_article_encoding_fields(tmp_path):
    body = "".join(f"<p>Paragraph {i}: François met the Zürich delegation at the Café Odeon to talk.</p>" for i in range(4))
    page = tmp_path / "legacy.html"
    page.write_bytes(f'<html><head><meta charset="windows-1252"><title>T</title></head><body><article>{body}</article></body></html>'.encode("cp1252"))
    [art] = load_all(page)
    assert "François met the Zürich delegation at the Café Odeon" in art.text
    assert (art.encoding, art.encoding_from) == ("cp1252", "declared")
    txt = tmp_path / "latin.txt"
    txt.write_bytes("Café in Zürich.".encode("latin-1"))
    [art] = load_all(txt)
    assert (art.text, art.encoding, art.encoding_from) == ("Café in Zürich.", "iso-8859-1", "detected")
    [art] = load_all(txt, encoding="cp1252")
    assert (art.encoding, art.encoding_from) == ("cp1252", "option")


def test_corrupted_utf8_file_is_rejected_with_offset(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Fran\xe7ois met in " + "Zürich".encode())
    [err] = load_all(path)
    assert err.reason.startswith("invalid UTF-8 at byte 4 (valid UTF-8 at byte 17")

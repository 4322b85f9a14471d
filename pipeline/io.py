"""Reading articles and writing record files. No spaCy here.

Inputs are files or folders (recursive): ``.txt``, ``.md``, ``.html``/``.htm`` and ``.jsonl``
(one article per line). Each problem with an input becomes an :class:`InputError` (file, reason)
instead of an exception, so one bad article never stops a batch.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
SIDECAR_SUFFIX = ".meta.json"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a 7,000-word commentary is ~45 kB; 20 MB is not an article
_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
MIN_HTML_WORDS = 12
_NOT_ARTICLES = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG", "CONTRIBUTING"})
_META_FIELDS = ("published", "title", "url", "publisher", "authors")


@dataclass
class InputError:
    """An input that could not be used, or metadata that was ignored."""

    file: str
    reason: str
    line: int | None = None
    skipped: bool = True  # False: the article was still processed (e.g. a bad sidecar was ignored)

    def to_record(self) -> dict:
        return {"file": self.file, "line": self.line, "reason": self.reason, "skipped": self.skipped}

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class Article:
    """One article: its text exactly as read (decoded) and its metadata."""

    doc_id: str
    source: str
    text: str
    title: str | None = None
    published: str | None = None
    published_from: str | None = None  # "sidecar" | "jsonl" | "html" | "cli" | None
    url: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    source_line: int | None = None

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_published(value: object) -> str | None:
    """'2016-09', '2016-09-05T10:00:00Z' -> '2016-09', '2016-09-05'; raises ValueError when not a date."""
    if value is None or value == "":
        return None
    match = _PUBLISHED.match(str(value).strip())
    if not match:
        raise ValueError(f"published {value!r} is not YYYY[-MM[-DD]]")
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        raise ValueError(f"published {value!r} is not a valid date")
    return "-".join(p for p in (year, month, day) if p)


# --- decoding -----------------------------------------------------------------------------------


class DecodeError(ValueError):
    pass


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding name. UTF-8 (BOM stripped) first; other encodings only when detected.

    Rejects binary data (NUL bytes or many control characters) and corrupted UTF-8: bytes that
    hold valid multi-byte UTF-8 sequences next to invalid ones are a broken UTF-8 file, not a
    legacy encoding, and guessing would silently garble names.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise DecodeError(f"invalid UTF-16 at byte {err.start}") from None
    head = data[:8192]
    if b"\x00" in head:
        raise DecodeError("binary file (NUL bytes), not text")
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.05:
        raise DecodeError("binary file (control characters), not text")
    try:
        return data.decode("utf-8"), encoding
    except UnicodeDecodeError as err:
        first_bad = err.start
    if re.search(rb"[\xc2-\xf4][\x80-\xbf]+", data[:first_bad]):
        raise DecodeError(f"invalid UTF-8 at byte {first_bad} (valid UTF-8 before it: corrupted or mixed encoding)")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise DecodeError(f"invalid UTF-8 at byte {first_bad} and no other encoding fits")
    return str(best), best.encoding


# --- scanning inputs ----------------------------------------------------------------------------


@dataclass
class ArticleRef:
    """Where an article comes from; loading it again gives the same text (used to re-read lazily)."""

    path: Path
    source: str
    doc_id: str
    line: int | None = None


def iter_input_files(inputs: Iterable[str | Path]) -> Iterator[tuple[Path, str, str] | InputError]:
    """(path, source as given, doc_id base) for every supported file, or an InputError.

    Folders are walked recursively in sorted order; the doc_id base is the path relative to the
    folder given, without its suffix. ``*.meta.json`` sidecars and hidden files are not inputs.
    """
    for given in inputs:
        given_str = str(given)
        root = Path(given)
        if not root.exists():
            yield InputError(given_str, "no such file or directory")
            continue
        if root.is_file():
            if root.suffix.lower() not in SUPPORTED_SUFFIXES:
                yield InputError(given_str, f"unsupported file type {root.suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}")
                continue
            yield root, given_str, root.stem
            continue
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(part.startswith(".") for part in rel.parts) or path.name.endswith(SIDECAR_SUFFIX):
                continue
            if path.stem.upper() in _NOT_ARTICLES:
                continue  # a folder's README / LICENSE documents the folder; it is not an article
            if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path, str(Path(given_str) / rel), rel.with_suffix("").as_posix()


def read_sidecar(path: Path) -> tuple[dict, InputError | None]:
    """Metadata from ``<article file>.meta.json`` ({} when absent)."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}, None
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8-sig"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
        return _clean_meta(meta), None
    except (OSError, ValueError) as err:
        return {}, InputError(str(sidecar), f"sidecar ignored: {err}", skipped=False)


def _clean_meta(meta: dict) -> dict:
    clean: dict = {}
    for key in _META_FIELDS:
        value = meta.get(key)
        if value in (None, "", []):
            continue
        if key == "published":
            clean[key] = normalize_published(value)
        elif key == "authors":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                raise ValueError("authors must be a list of strings")
            clean[key] = [a.strip() for a in value if a.strip()]
        else:
            if not isinstance(value, str):
                raise ValueError(f"{key} must be a string")
            clean[key] = value.strip()
    return clean


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise DecodeError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one article (--max-mb)")
    return path.read_bytes()


def load_articles(
    path: Path, source: str, doc_id: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | InputError]:
    """The article(s) in one file, or InputErrors (a .jsonl yields one per line)."""
    try:
        data = _read_bytes(path, max_bytes)
        if not data.strip():
            yield InputError(source, "empty file")
            return
        text, encoding = decode_bytes(data)
    except PermissionError:
        yield InputError(source, "unreadable: permission denied")
        return
    except IsADirectoryError:
        yield InputError(source, "is a directory")
        return
    except OSError as err:
        yield InputError(source, f"unreadable: {err.strerror or err}")
        return
    except DecodeError as err:
        yield InputError(source, str(err))
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _articles_from_jsonl(text, source, doc_id, encoding)
        return
    meta, sidecar_error = read_sidecar(path)
    if sidecar_error:
        yield sidecar_error
    published_from = "sidecar"
    if suffix in (".html", ".htm"):
        extracted = extract_html(text)
        if extracted is None:
            yield InputError(source, "no main text found in HTML")
            return
        text, html_meta = extracted
        if "published" in html_meta and "published" not in meta:
            published_from = "html"
        meta = {**html_meta, **meta}
    if not text.strip():
        yield InputError(source, "empty file (whitespace only)")
        return
    yield _article(doc_id, source, text, meta, published_from=published_from, encoding=encoding)


def _article(doc_id: str, source: str, text: str, meta: dict, *, published_from: str, encoding: str,
             source_line: int | None = None) -> Article:
    """An Article from cleaned metadata; ``published_from`` names where a publication date came from."""
    return Article(
        doc_id=doc_id,
        source=source,
        text=text,
        title=meta.get("title"),
        published=meta.get("published"),
        published_from=published_from if "published" in meta else None,
        url=meta.get("url"),
        publisher=meta.get("publisher"),
        authors=meta.get("authors", []),
        encoding=encoding,
        source_line=source_line,
    )


def _articles_from_jsonl(text: str, source: str, base_id: str, encoding: str) -> Iterator[Article | InputError]:
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            body = row.get("text")
            if not isinstance(body, str) or not body.strip():
                raise ValueError("missing or empty 'text'")
            meta = _clean_meta(row)
            doc_id = row.get("id")
            doc_id = str(doc_id) if doc_id not in (None, "") else f"{base_id}-{lineno}"
        except ValueError as err:
            reason = f"invalid JSON: {err.msg}" if isinstance(err, json.JSONDecodeError) else str(err)
            yield InputError(source, reason, line=lineno)
            continue
        yield _article(doc_id, source, body, meta, published_from="jsonl", encoding=encoding, source_line=lineno)


def extract_html(html: str) -> tuple[str, dict] | None:
    """Main text of an HTML page (trafilatura) and the metadata it finds; None if no main text."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    # Fewer words than a sentence or two is menu residue, not an article's main text.
    if not text or len(text.split()) < MIN_HTML_WORDS:
        return None
    meta: dict = {}
    try:
        found = trafilatura.extract_metadata(html)
    except Exception:  # metadata is a bonus; a page whose metadata breaks the parser still has text
        found = None
    if found is not None:
        if found.title:
            meta["title"] = found.title
        if found.author:
            meta["authors"] = [a.strip() for a in found.author.split(";") if a.strip()]
        if found.date:
            try:
                meta["published"] = normalize_published(found.date)
            except ValueError:
                pass
        if found.url:
            meta["url"] = found.url
        if found.sitename:
            meta["publisher"] = found.sitename
    return text, meta


# --- writing ------------------------------------------------------------------------------------


def dumps_record(record: dict) -> str:
    """One JSONL line; non-ASCII kept as is so curly quotes and names stay readable."""
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


@contextmanager
def atomic_writer(path: Path, *, binary: bool = False):
    """Write to a temporary file beside ``path``, then rename: readers never see half a file.

    Yields a text file (UTF-8, "\n" line ends), or a binary one with ``binary=True``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Atomically write records; returns how many."""
    n = 0
    with atomic_writer(path) as fh:
        for record in records:
            fh.write(dumps_record(record) + "\n")
            n += 1
    return n


def read_jsonl(path: Path) -> Iterator[dict]:
    """Records of a JSONL file (nothing when it does not exist)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def write_json(path: Path, data: dict) -> None:
    with atomic_writer(path) as fh:
        fh.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")

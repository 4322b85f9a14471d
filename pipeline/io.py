"""Reading articles and writing record files. No spaCy here.

Inputs are files or folders (recursive): ``.txt``, ``.md``, ``.html``/``.htm`` and ``.jsonl``
(one article per line). Each problem with an input becomes an :class:`InputError` (file, reason)
instead of an exception, so one bad article never stops a batch.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .decode import Decoded, DecodeError, decode

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
    encoding_from: str = "valid-utf-8"  # how the encoding was decided: see pipeline.decode.Decoded.how
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


# --- decoding (pipeline.decode) -------------------------------------------------------------------


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Text and encoding name; :func:`pipeline.decode.decode` also says how the encoding was decided."""
    decoded = decode(data, encoding)
    return decoded.text, decoded.encoding


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

    Folders are walked recursively in sorted order (links to folders followed); the doc_id base is
    the path relative to the folder given, without its suffix. ``*.meta.json`` sidecars, hidden
    files, a folder's README / LICENSE and files of other types are not inputs. Every other path
    that is not read is an InputError saying why: missing, a broken link or a link loop, not a
    regular file, or a file already given by another path (duplicate path).
    """
    seen: dict[tuple[int, int], str] = {}  # (device, inode) of every file yielded -> its source
    for given in inputs:
        given_str = str(given)
        root = Path(given)
        problem = _path_problem(root)
        if problem:
            yield InputError(given_str, problem)
        elif root.is_dir():
            yield from _walk(root, given_str, seen, root, frozenset())
        elif root.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield InputError(given_str, f"unsupported file type {root.suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}")
        else:
            yield _file_item(root, given_str, root.stem, seen)


def _path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read at all (missing, broken link, link loop), else None."""
    try:
        path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return f"broken symbolic link (to {os.readlink(path)}, which does not exist)"
        return "no such file or directory"
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"unreadable: {err.strerror or err}"
    return None


def _file_item(path: Path, source: str, doc_id: str, seen: dict[tuple[int, int], str]) -> tuple[Path, str, str] | InputError:
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
        return InputError(source, f"not a regular file ({kind})")
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return InputError(source, f"duplicate path: the same file as {seen[key]}")
    seen[key] = source
    return path, source, doc_id


def _walk(root: Path, given: str, seen: dict, folder: Path, ancestors: frozenset) -> Iterator[tuple[Path, str, str] | InputError]:
    """The files under ``folder`` in sorted order, depth first (as ``sorted(root.rglob("*"))``)."""
    st = folder.stat()
    ancestors = ancestors | {(st.st_dev, st.st_ino)}
    try:
        names = sorted(os.listdir(folder))
    except OSError as err:
        yield InputError(str(Path(given) / folder.relative_to(root)), f"unreadable folder: {err.strerror or err}")
        return
    for name in names:
        if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
            continue
        path = folder / name
        rel = path.relative_to(root)
        source = str(Path(given) / rel)
        problem = _path_problem(path)
        if problem:
            yield InputError(source, problem)
        elif path.is_dir():
            sub = path.stat()
            if (sub.st_dev, sub.st_ino) in ancestors:
                yield InputError(source, "symbolic link loop (a link to a folder that contains it)")
                continue
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield InputError(source, "a folder, not a file: its files are read as a folder's", skipped=False)
            yield from _walk(root, given, seen, path, ancestors)
        elif path.suffix.lower() in SUPPORTED_SUFFIXES and path.stem.upper() not in _NOT_ARTICLES:
            # a folder's README / LICENSE documents the folder; it is not an article
            yield _file_item(path, source, rel.with_suffix("").as_posix(), seen)


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


def _one_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return f"{type(err).__name__}: {lines[0]}" if lines else type(err).__name__


def load_articles(
    path: Path, source: str, doc_id: str, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> Iterator[Article | InputError]:
    """The article(s) in one file, or InputErrors (a .jsonl yields one per line).

    ``encoding`` forces a codec (``--encoding``). Never raises for one file: any exception while
    reading it (an optional extractor that fails to import included) is one InputError for it.
    """
    try:
        yield from _load_articles(path, source, doc_id, max_bytes, encoding)
    except Exception as err:  # a reader's failure is this file's, not the batch's
        yield InputError(source, f"reader failed: {_one_line(err)}")


def _load_articles(path: Path, source: str, doc_id: str, max_bytes: int, encoding: str | None) -> Iterator[Article | InputError]:
    suffix = path.suffix.lower()
    try:
        data = _read_bytes(path, max_bytes)
        if not data.strip():
            yield InputError(source, "empty file")
            return
        declared = _html_charset(data) if suffix in (".html", ".htm") else None
        decoded = decode(data, encoding, declared=declared)
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
    text = decoded.text
    if suffix == ".jsonl":
        yield from _articles_from_jsonl(text, source, doc_id, decoded)
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
    yield _article(doc_id, source, text, meta, published_from=published_from, decoded=decoded)


_HTML_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag of its first 4 kB, if any."""
    match = _HTML_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _article(doc_id: str, source: str, text: str, meta: dict, *, published_from: str, decoded: Decoded,
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
        encoding=decoded.encoding,
        encoding_from=decoded.how,
        source_line=source_line,
    )


def _articles_from_jsonl(text: str, source: str, base_id: str, decoded: Decoded) -> Iterator[Article | InputError]:
    # Lines end at "\n" only: U+2028, U+0085 and the like are ordinary characters inside JSON strings.
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            body = row.get("text")
            if not isinstance(body, str) or not body.strip():
                raise ValueError("missing or empty 'text'")
            if "\x00" in body:  # as for a NUL byte in a file
                raise ValueError(f"binary data ('text' holds a NUL character at character {body.index(chr(0))}), not text")
            meta = _clean_meta(row)
            doc_id = row.get("id")
            doc_id = str(doc_id) if doc_id not in (None, "") else f"{base_id}-{lineno}"
        except ValueError as err:
            reason = f"invalid JSON: {err.msg}" if isinstance(err, json.JSONDecodeError) else str(err)
            yield InputError(source, reason, line=lineno)
            continue
        yield _article(doc_id, source, body, meta, published_from="jsonl", decoded=decoded, source_line=lineno)


def extract_html(html: str) -> tuple[str, dict] | None:
    """Main text of an HTML page (trafilatura) and the metadata it finds; None if no main text."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    # Fewer words than a sentence or two is menu residue, not an article's main text.
    if not text or len(text.split()) < MIN_HTML_WORDS:
        return None
    meta: dict = {}
    try:
        # extensive=False: dates from the page's metadata (meta tags, JSON-LD, <time>, date-marked
        # elements, the URL), never a year found in its body text
        found = trafilatura.extract_metadata(html, extensive=False)
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

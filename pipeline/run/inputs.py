"""Scanning the inputs of a run (ids, text hashes, sizes: no texts kept) and reading them again."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from ..io import DEFAULT_MAX_BYTES, Article, InputError, iter_input_files, load_articles


class DocRef(NamedTuple):
    """Where one article comes from: enough to load it again, anywhere the inputs are mounted."""

    doc_id: str
    path: str
    source: str
    base_id: str
    line: int | None
    sha256: str
    n_chars: int
    encoding: str | None = None  # the codec --encoding forces (None: decided per file)


def scan_inputs(
    inputs: Sequence[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
    report: Callable[[InputError], None],
) -> dict[str, DocRef]:
    """Every article's id, hash and size; texts are not kept, so memory stays flat.

    A document id met again (``a.txt`` and ``a.md``, or a ``.jsonl`` id used twice) is renamed
    (``a.md``, ``<id>-<line>``) and said so; when the new name is taken too the article is skipped.
    """
    refs: dict[str, DocRef] = {}
    for item in iter_input_files(inputs):
        if isinstance(item, InputError):
            report(item)
            continue
        path, source, base_id = item
        for art in load_articles(path, source, base_id, max_bytes=max_bytes, encoding=encoding):
            if isinstance(art, InputError):
                report(art)
                continue
            doc_id = art.doc_id
            if doc_id in refs:
                first = refs[doc_id]
                where = f"{first.source}:{first.line}" if first.line else first.source
                doc_id = f"{doc_id}{path.suffix}" if not art.source_line else f"{doc_id}-{art.source_line}"
                if doc_id in refs:
                    report(InputError(source, f"duplicate document id {art.doc_id!r} (also {where}; {doc_id!r} taken too); skipped", line=art.source_line))
                    continue
                report(InputError(source, f"duplicate document id {art.doc_id!r} (also {where}); renamed {doc_id!r}",
                                  line=art.source_line, skipped=False))
            refs[doc_id] = DocRef(doc_id, str(path), source, base_id, art.source_line, art.sha256, len(art.text), encoding)
    return refs


def iter_articles(refs: Sequence[DocRef], *, published: str | None, max_bytes: int) -> Iterator[Article]:
    """Load each ref's article again (a .jsonl file is parsed once for its consecutive refs)."""
    cache: tuple[str, dict[int | None, Article]] | None = None
    for ref in refs:
        if cache is None or cache[0] != ref.path:
            wanted = {r.line for r in refs if r.path == ref.path} if ref.line is not None else {ref.line}
            found: dict[int | None, Article] = {}
            for art in load_articles(Path(ref.path), ref.source, ref.base_id, max_bytes=max_bytes, encoding=ref.encoding):
                if isinstance(art, Article) and art.source_line in wanted:
                    found[art.source_line] = art
                    if ref.line is None:
                        break
            cache = (ref.path, found)
        art = cache[1].pop(ref.line, None)
        if art is None:
            continue  # the file changed or vanished since the scan
        art.doc_id = ref.doc_id
        if art.published is None and published:
            art.published, art.published_from = published, "cli"
        yield art

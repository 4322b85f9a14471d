"""A run folder as the review server reads it: the record files, loaded once and reloaded when one
changes, and each document's text, re-read from its source and checked against the recorded
``sha256`` (rebuilt from the run's own spans, with a warning, when the source is gone or changed).
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from ..contract import REVIEWABLE_KINDS
from ..io import load_articles, read_jsonl, sha256_text


class RunFolderError(ValueError):
    """The folder is not a run folder (no documents.jsonl)."""


@dataclass
class DocText:
    text: str
    origin: str  # "source" | "reconstructed"
    warning: str | None = None


class RunData:
    """The record files of a run folder, loaded once and reloaded when a file changes."""

    FILES = ("documents", "sentences", *REVIEWABLE_KINDS)
    MAX_CACHED_TEXTS = 64

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        if not (self.out_dir / "documents.jsonl").is_file():
            raise RunFolderError(f"{self.out_dir} is not a run folder (no documents.jsonl; run `claims run` first)")
        self._lock = threading.RLock()
        self._signature: tuple | None = None
        self._texts: dict[str, DocText] = {}
        self.refresh()

    def _file_signature(self) -> tuple:
        sig = []
        for name in (*self.FILES, "run"):
            path = self.out_dir / (f"{name}.json" if name == "run" else f"{name}.jsonl")
            try:
                st = path.stat()
                sig.append((name, st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                sig.append((name, None, None))
        return tuple(sig)

    def refresh(self) -> None:
        """Reload every file when one changed (a re-run); readers never see a half-loaded mix."""
        with self._lock:
            sig = self._file_signature()
            if sig == self._signature:
                return
            documents = list(read_jsonl(self.out_dir / "documents.jsonl"))
            doc_by_id = {d["doc_id"]: d for d in documents}
            order = {d: i for i, d in enumerate(doc_by_id)}
            sentences: dict[str, list[dict]] = {}
            for s in read_jsonl(self.out_dir / "sentences.jsonl"):
                sentences.setdefault(s["doc_id"], []).append(s)
            records: dict[str, list[dict]] = {}
            by_doc: dict[str, dict[str, list[dict]]] = {}
            by_id: dict[str, tuple[str, dict]] = {}
            for kind in REVIEWABLE_KINDS:
                recs = sorted(read_jsonl(self.out_dir / f"{kind}.jsonl"),
                              key=lambda r: (order.get(r["doc_id"], len(order)), r["start_char"], r["end_char"]))
                records[kind] = recs
                grouped: dict[str, list[dict]] = {}
                for r in recs:
                    grouped.setdefault(r["doc_id"], []).append(r)
                    by_id[r["id"]] = (kind, r)
                by_doc[kind] = grouped
            run_path = self.out_dir / "run.json"
            try:
                run = json.loads(run_path.read_text(encoding="utf-8")) if run_path.exists() else {}
            except (OSError, ValueError):
                run = {}
            self.documents, self.doc_by_id, self.sentences, self.run = documents, doc_by_id, sentences, run
            self.records, self.by_doc, self.by_id = records, by_doc, by_id
            self._texts = {}
            self._signature = sig

    def text_of(self, doc_id: str) -> DocText:
        with self._lock:
            cached = self._texts.get(doc_id)
        if cached is None:
            cached = self._load_text(self.doc_by_id[doc_id])
            with self._lock:
                if len(self._texts) >= self.MAX_CACHED_TEXTS:  # a big run: keep the most recent few
                    self._texts.pop(next(iter(self._texts)))
                self._texts[doc_id] = cached
        return cached

    def _source_candidates(self, source: str) -> list[Path]:
        path = Path(source)
        if path.is_absolute():
            return [path]
        bases = [Path.cwd(), self.out_dir.resolve().parent, self.out_dir.resolve()]
        seen, out = set(), []
        for base in bases:
            cand = (base / path).resolve()
            if cand not in seen:
                seen.add(cand)
                out.append(cand)
        return out

    def _load_text(self, doc: dict) -> DocText:
        """The document text from its source, checked by sha256; else rebuilt from the run's spans."""
        source, line = doc.get("source") or "", doc.get("source_line")
        changed = False
        for path in self._source_candidates(source):
            if not path.is_file():
                continue
            for art in load_articles(path, source, doc["doc_id"]):
                if getattr(art, "text", None) is None or art.source_line != line:
                    continue
                if sha256_text(art.text) == doc.get("sha256"):
                    return DocText(art.text, "source")
                changed = True
                break
        where = f"{source}:{line}" if line else source
        if changed:
            reason = f"the source {where} changed since the run (sha256 differs)"
        else:
            reason = f"the source {where} was not found"
        return DocText(
            self._reconstruct(doc),
            "reconstructed",
            f"{reason}; showing the text rebuilt from the run's records (gaps between sentences are approximate)",
        )

    def _reconstruct(self, doc: dict) -> str:
        doc_id = doc["doc_id"]
        spans = [(s["start_char"], s["text"]) for s in self.sentences.get(doc_id, [])]
        spans += [(b["start_char"], b["text"]) for b in doc.get("boilerplate", [])]
        for kind in REVIEWABLE_KINDS:
            spans += [(r["start_char"], r["text"]) for r in self.by_doc[kind].get(doc_id, [])]
        n = max([doc.get("n_chars") or 0] + [s + len(t) for s, t in spans])
        chars = [" "] * n
        for start, text in spans:
            chars[start : start + len(text)] = list(text)
        # Paragraph breaks between sentences of different paragraphs.
        sents = self.sentences.get(doc_id, [])
        for prev, nxt in zip(sents, sents[1:]):
            if nxt.get("paragraph") != prev.get("paragraph"):
                gap = range(prev["end_char"], nxt["start_char"])
                for i in list(gap)[:2]:
                    chars[i] = "\n"
        return "".join(chars)

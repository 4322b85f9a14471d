"""``claims review OUT_DIR``: a local review app (stdlib ``http.server``, no framework).

The server binds 127.0.0.1 only and serves exactly two things: its own three static files (a fixed
whitelist, never a filesystem path built from the URL) and the run folder's data through a small
JSON API. Record files are only read; decisions are appended to ``OUT_DIR/review.jsonl``
(:mod:`.decisions`), which is re-read whenever it changes, so several tabs or several servers on
the same folder see each other's decisions.

API (all JSON)::

    GET  /api/contract            the record contract (``pipeline.contract.as_json``): kinds, fields, ids
    GET  /api/run                 run summary, documents, reviewer, counts per kind and status
    GET  /api/queue?kind=claims   compact list of every record of a kind (id, doc, label, score, status)
    GET  /api/doc?id=DOC_ID       the document text, boilerplate and all its records with review merged
    GET  /api/orphans             decisions whose record no longer exists in the run
    POST /api/decisions           {"record_id", "kind", "decision", "edits"?, "target"?} -> the new state

The document text is re-read from its source (``documents.jsonl`` ``source`` and ``source_line``)
and checked against the recorded ``sha256``; when the source is gone or changed, the text is
rebuilt from the run's own spans (sentences, boilerplate, records, all exact) with a warning.
"""
from __future__ import annotations

import getpass
import json
import os
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .. import contract
from ..contract import REVIEWABLE_KINDS
from ..io import load_articles, read_jsonl, sha256_text
from .decisions import (
    REVIEW_FILE,
    STATUSES,
    DecisionError,
    append_decision,
    apply_review,
    effective_decisions,
    find_orphans,
    last_effective,
    make_decision,
    read_decisions,
    replay,
    status_counts,
    validate_edits,
)

HOST = "127.0.0.1"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# URL path -> (file in STATIC_DIR, content type). Nothing else is ever read from disk for a URL.
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
}
MAX_BODY = 64 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class RunFolderError(ValueError):
    """The folder is not a run folder (no documents.jsonl)."""


# --- run data -----------------------------------------------------------------------------------


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


# --- the application (HTTP-free, directly testable) ---------------------------------------------


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ReviewApp:
    """The JSON API over a run folder."""

    def __init__(self, out_dir: str | Path, reviewer: str | None = None) -> None:
        self.data = RunData(out_dir)
        self.out_dir = self.data.out_dir
        self.reviewer = (reviewer or default_reviewer()).strip()
        if not self.reviewer:
            raise ValueError("reviewer name must not be empty")
        self._review_lock = threading.Lock()
        self._review_sig: tuple | None = None
        self._decisions: list[dict] = []
        self._bad_lines: list = []
        self._states: dict = {}

    # review state, replayed from the file whenever it changed
    def review_state(self):
        path = self.out_dir / REVIEW_FILE
        try:
            st = path.stat()
            sig = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            sig = None
        with self._review_lock:
            if sig != self._review_sig:
                log = read_decisions(self.out_dir)
                self._decisions, self._bad_lines = log.decisions, log.bad_lines
                self._states = replay(log.decisions)
                self._review_sig = sig
            return self._decisions, self._states, self._bad_lines

    def _applied(self, kind: str, record: dict, states) -> dict:
        return apply_review(record, states.get(record["id"]))

    def api_run(self) -> dict:
        self.data.refresh()
        decisions, states, bad = self.review_state()
        run = self.data.run
        known = set(self.data.by_id)
        orphans = find_orphans(states, decisions, known)
        docs = []
        for d in self.data.documents:
            counts = {k: len(self.data.by_doc[k].get(d["doc_id"], [])) for k in REVIEWABLE_KINDS}
            docs.append({"doc_id": d["doc_id"], "title": d.get("title"), "published": d.get("published"), "counts": counts})
        return {
            "out_dir": str(self.out_dir),
            "reviewer": self.reviewer,
            "pipeline_version": run.get("pipeline_version"),
            "config_hash": run.get("config_hash"),
            "documents": docs,
            "statuses": list(STATUSES),
            "status_counts": status_counts(states, self.data.records),
            "n_decisions": len(decisions),
            "orphans": len(orphans),
            "unreadable_review_lines": [{"line": n, "reason": r} for n, r in bad],
        }

    def api_queue(self, kind: str) -> dict:
        if kind not in REVIEWABLE_KINDS:
            raise ApiError(400, f"unknown kind {kind!r}")
        self.data.refresh()
        _, states, _ = self.review_state()
        label, score = contract.kind(kind).label_field, contract.kind(kind).score_field
        items = []
        for r in self.data.records[kind]:
            a = self._applied(kind, r, states)
            items.append(
                {
                    "id": r["id"],
                    "doc_id": r["doc_id"],
                    "start_char": a["start_char"],
                    "label": a.get(label),
                    "score": a.get(score) if score else None,
                    "status": a["review"]["status"],
                }
            )
        return {"kind": kind, "items": items}

    def api_doc(self, doc_id: str) -> dict:
        self.data.refresh()
        doc = self.data.doc_by_id.get(doc_id)
        if doc is None:
            raise ApiError(404, f"no document {doc_id!r} in this run")
        _, states, _ = self.review_state()
        text = self.data.text_of(doc_id)
        return {
            "document": {k: doc.get(k) for k in ("doc_id", "title", "authors", "published", "url", "publisher", "source", "source_line", "n_words")},
            "text": text.text,
            "text_origin": text.origin,
            "warning": text.warning,
            "boilerplate": [{"start_char": b["start_char"], "end_char": b["end_char"], "kind": b["kind"]} for b in doc.get("boilerplate", [])],
            "records": {kind: [self._applied(kind, r, states) for r in self.data.by_doc[kind].get(doc_id, [])] for kind in REVIEWABLE_KINDS},
        }

    def api_orphans(self) -> dict:
        self.data.refresh()
        decisions, states, _ = self.review_state()
        return {"orphans": find_orphans(states, decisions, set(self.data.by_id))}

    def api_decide(self, payload: object) -> dict:
        if not isinstance(payload, dict):
            raise ApiError(400, "expected a JSON object")
        unknown = set(payload) - {"record_id", "kind", "decision", "edits", "target"}
        if unknown:
            raise ApiError(400, f"unknown field(s): {', '.join(sorted(unknown))}")
        self.data.refresh()
        decision = payload.get("decision")
        record_id, kind, target = payload.get("record_id"), payload.get("kind"), payload.get("target")
        decisions, states, _ = self.review_state()
        if decision == "undo":
            return self._undo(record_id, target, decisions)
        if not isinstance(record_id, str) or record_id not in self.data.by_id:
            raise ApiError(404, f"no record {record_id!r} in this run")
        rec_kind, record = self.data.by_id[record_id]
        if kind not in (None, rec_kind):
            raise ApiError(400, f"record {record_id} is a {rec_kind[:-1]} record, not {kind}")
        edits = None
        try:
            if decision == "edit":
                current = self._applied(rec_kind, record, states)
                text = self.data.text_of(record["doc_id"]).text
                edits = validate_edits(rec_kind, payload.get("edits") or {}, text=text, record=current)
                edits = {k: v for k, v in edits.items() if current.get(k) != v}
                if not edits:
                    raise DecisionError("nothing changed")
            elif payload.get("edits"):
                raise DecisionError(f"a {decision} decision carries no edits")
            line = make_decision(record_id, rec_kind, decision, reviewer=self.reviewer, doc_id=record["doc_id"], edits=edits)
        except DecisionError as err:
            raise ApiError(400, str(err)) from None
        append_decision(self.out_dir, line)
        _, states, _ = self.review_state()
        return {"decision": line, "kind": rec_kind, "record": self._applied(rec_kind, record, states)}

    def _undo(self, record_id, target, decisions) -> dict:
        if target is not None:
            victim = next((d for d in decisions if d.get("id") == target), None)
            if victim is None or victim.get("decision") == "undo":
                raise ApiError(404, f"no decision {target!r} to undo")
            if all(d["id"] != target for d in effective_decisions(decisions)):
                raise ApiError(409, f"decision {target!r} is already undone")
        elif record_id is not None:
            victim = next(
                (d for d in reversed(effective_decisions(decisions)) if d.get("record_id") == record_id and d.get("reviewer") == self.reviewer),
                None,
            )
            if victim is None:
                raise ApiError(404, f"no decision of {self.reviewer} on {record_id!r} to undo")
        else:
            victim = last_effective(decisions, self.reviewer)
            if victim is None:
                raise ApiError(404, f"nothing to undo: {self.reviewer} has no decision in effect")
        line = make_decision(
            victim.get("record_id"), victim.get("kind") or REVIEWABLE_KINDS[0], "undo", reviewer=self.reviewer,
            doc_id=victim.get("doc_id"), target=victim["id"],
        )
        append_decision(self.out_dir, line)
        _, states, _ = self.review_state()
        found = self.data.by_id.get(victim.get("record_id") or "")
        record = self._applied(found[0], found[1], states) if found else None
        return {"decision": line, "kind": victim.get("kind"), "record": record, "undone": victim}


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return os.environ.get("USER") or "reviewer"


# --- HTTP ---------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    server_version = "claims-review"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    @property
    def app(self) -> ReviewApp:
        return self.server.app  # type: ignore[attr-defined]

    def log_message(self, format: str, *args) -> None:  # noqa: A002  (quiet: one line per request is noise)
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # responses
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in SECURITY_HEADERS.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: object) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    # request checks
    def _path(self) -> str | None:
        """The decoded URL path, or None after answering 400 for anything suspicious."""
        raw = urlsplit(self.path).path
        path = unquote(raw)
        if "\x00" in path or "\\" in path or any(part in ("..", ".") for part in path.split("/")) or "//" in path:
            self._error(400, "bad path")
            return None
        return path

    def _host_ok(self) -> bool:
        """Only requests addressed to this server by loopback name (blocks DNS rebinding)."""
        host = (self.headers.get("Host") or "").lower()
        port = self.server.server_address[1]
        return host in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _same_origin(self) -> bool:
        port = self.server.server_address[1]
        origin = self.headers.get("Origin")
        if origin is not None and origin not in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
            return False
        site = self.headers.get("Sec-Fetch-Site")
        return site in (None, "same-origin", "none")

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        if not self._host_ok():
            return self._error(400, "bad Host header")
        path = self._path()
        if path is None:
            return
        if path in STATIC_FILES:
            name, ctype = STATIC_FILES[path]
            return self._send(200, (STATIC_DIR / name).read_bytes(), ctype)
        if path == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()}
        try:
            if path == "/api/contract":
                return self._json(200, contract.as_json())
            if path == "/api/run":
                return self._json(200, self.app.api_run())
            if path == "/api/queue":
                return self._json(200, self.app.api_queue(query.get("kind", REVIEWABLE_KINDS[0])))
            if path == "/api/doc":
                return self._json(200, self.app.api_doc(query.get("id", "")))
            if path == "/api/orphans":
                return self._json(200, self.app.api_orphans())
        except ApiError as err:
            return self._error(err.status, err.message)
        except Exception as err:  # a bug must answer 500 with a reason, not drop the connection
            return self._error(500, f"{type(err).__name__}: {err}")
        self._error(404, "not found")

    def do_POST(self) -> None:  # noqa: N802
        if not self._host_ok():
            return self._error(400, "bad Host header")
        path = self._path()
        if path is None:
            return
        if path != "/api/decisions":
            return self._error(404, "not found")
        if not self._same_origin():
            return self._error(403, "cross-origin request refused")
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self._error(415, "expected Content-Type: application/json")
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            return self._error(400, "bad Content-Length")
        if length <= 0 or length > MAX_BODY:
            return self._error(413 if length > MAX_BODY else 400, "body missing or too large")
        try:
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self._error(400, "body is not JSON")
        try:
            return self._json(200, self.app.api_decide(payload))
        except ApiError as err:
            return self._error(err.status, err.message)
        except Exception as err:
            return self._error(500, f"{type(err).__name__}: {err}")

    def _refuse(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: ReviewApp, port: int = 0, verbose: bool = False) -> None:
        self.app = app
        self.verbose = verbose
        super().__init__((HOST, port), Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def handle_error(self, request, client_address) -> None:
        """A browser that reloads or closes the page hangs up mid-response (BrokenPipe,
        ConnectionReset): nothing went wrong here, so no traceback. Anything else is still shown."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(out_dir: str | Path, *, port: int = 0, reviewer: str | None = None, verbose: bool = False) -> ReviewServer:
    """A server on 127.0.0.1 (a free port when ``port`` is 0); call ``serve_forever()`` on it."""
    return ReviewServer(ReviewApp(out_dir, reviewer), port, verbose)


def start_in_thread(out_dir: str | Path, **kwargs) -> ReviewServer:
    """Start a server in a daemon thread (tests, notebooks); stop with ``server.shutdown()``."""
    server = make_server(out_dir, **kwargs)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="claims-review", daemon=True).start()
    return server

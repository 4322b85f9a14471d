"""``claims review OUT_DIR``: a local review app (stdlib ``http.server``, no framework).

The server binds 127.0.0.1 only and serves exactly two things: its own static files (a fixed
whitelist, never a filesystem path built from the URL) and the run folder's data through a small
JSON API. Record files are only read; decisions are appended to ``OUT_DIR/review.jsonl``
(:mod:`.decisions`), which is re-read whenever it changes, so several tabs or several servers on
the same folder see each other's decisions.

API (all JSON)::

    GET  /api/contract            the record contract (``pipeline.contract.as_json``): kinds, fields, ids
    GET  /api/run                 run summary, documents, reviewer, counts per kind and status, review_version
    GET  /api/queue?kind=claims   compact list of every record of a kind (id, doc, text, label, score, status, facets)
    GET  /api/doc?id=DOC_ID       the document text, boilerplate and all its records with review merged
    GET  /api/orphans             decisions whose record no longer exists in the run
    GET  /api/agreement           reviewers' agreement (percent, Cohen's kappa) per kind and field, conflicts

``queue`` and ``doc`` take ``&view=NAME`` for one reviewer's own decisions instead of the team's
merged review (where reviewers who disagree make a ``conflict``; an ``"adjudicate": true``
decision settles it).
    POST /api/decisions           {"record_id", "kind", "decision", "edits"?, "target"?} -> the new state
                                  ({"decision": "undo", "batch"} undoes a whole bulk action)
    POST /api/bulk                {"kind", "decision": accept|reject, "record_ids"} -> one line per
                                  undecided record, all with one batch id

The document text is re-read from its source (``documents.jsonl`` ``source`` and ``source_line``)
and checked against the recorded ``sha256``; when the source is gone or changed, the text is
rebuilt from the run's own spans (sentences, boilerplate, records, all exact) with a warning.
"""
from __future__ import annotations

import json
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .. import contract
from ..contract import REVIEWABLE_KINDS
from .api import ApiError, ReviewApp, default_reviewer  # noqa: F401  (re-exported)
from .rundata import RunData, RunFolderError  # noqa: F401  (re-exported)

HOST = "127.0.0.1"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# URL path -> (file in STATIC_DIR, content type). Nothing else is ever read from disk for a URL.
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/util.js": ("util.js", "text/javascript; charset=utf-8"),
    "/static/textview.js": ("textview.js", "text/javascript; charset=utf-8"),
    "/static/queue.js": ("queue.js", "text/javascript; charset=utf-8"),
    "/static/edit.js": ("edit.js", "text/javascript; charset=utf-8"),
    "/static/bulk.js": ("bulk.js", "text/javascript; charset=utf-8"),
    "/static/detail.js": ("detail.js", "text/javascript; charset=utf-8"),
    "/static/team.js": ("team.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
}
MAX_BODY = 64 * 1024
MAX_BULK_BODY = 16 * 1024 * 1024  # a bulk decision lists its record ids (about 25 bytes each)
POST_ROUTES = {"/api/decisions": ("api_decide", MAX_BODY), "/api/bulk": ("api_bulk", MAX_BULK_BODY)}
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


# --- HTTP ---------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    server_version = "claims-review"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; without TCP_NODELAY the second waits for the client's
    # delayed ACK (about 40 ms on every request of a kept-alive connection).
    disable_nagle_algorithm = True

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
                return self._json(200, self.app.api_queue(query.get("kind", REVIEWABLE_KINDS[0]), query.get("view")))
            if path == "/api/doc":
                return self._json(200, self.app.api_doc(query.get("id", ""), query.get("view")))
            if path == "/api/agreement":
                return self._json(200, self.app.api_agreement())
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
        if path not in POST_ROUTES:
            return self._error(404, "not found")
        method, max_body = POST_ROUTES[path]
        if not self._same_origin():
            return self._error(403, "cross-origin request refused")
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self._error(415, "expected Content-Type: application/json")
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            return self._error(400, "bad Content-Length")
        if length <= 0 or length > max_body:
            return self._error(413 if length > max_body else 400, "body missing or too large")
        try:
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self._error(400, "body is not JSON")
        try:
            return self._json(200, getattr(self.app, method)(payload))
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

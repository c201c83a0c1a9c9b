"""A scripted HTTP server on 127.0.0.1 for download tests: real files, plus planned failures.

``ScriptedServer(root)`` serves the files under ``root`` by URL path. ``script(path, *replies)``
queues replies for one path, used in order before falling back to the file: a status code, a
delay before answering (to trip a client timeout), a different body (corrupt bytes), or a body
cut short of its announced Content-Length (a truncated transfer). ``hits(path)`` counts requests.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Reply:
    """One planned answer. ``body=None`` means the file's own bytes (404 if there is none)."""

    status: int = 200
    body: bytes | None = None
    delay: float = 0.0
    truncate_to: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


class ScriptedServer:
    """A threaded HTTP/1.0 server bound to 127.0.0.1 on a free port; use as a context manager."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._plans: dict[str, deque[Reply]] = defaultdict(deque)
        self._hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        """Queue ``replies`` for requests to ``path`` (e.g. "/cow/majors2016.csv")."""
        with self._lock:
            self._plans[path].extend(replies)

    def hits(self, path: str | None = None) -> int:
        """Requests received for ``path``, or for all paths."""
        with self._lock:
            return self._hits[path] if path is not None else sum(self._hits.values())

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            self._hits[path] += 1
            plan = self._plans.get(path)
            return plan.popleft() if plan else Reply()

    def _body_for(self, path: str, reply: Reply) -> tuple[int, bytes]:
        if reply.body is not None or reply.status != 200:
            return reply.status, reply.body or b""
        if self.root is not None:
            candidate = (self.root / path.lstrip("/")).resolve()
            if candidate.is_file() and self.root.resolve() in candidate.parents:
                return 200, candidate.read_bytes()
        return 404, b"not found"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                path = unquote(urlsplit(self.path).path)
                reply = server._next_reply(path)
                if reply.delay:
                    time.sleep(reply.delay)
                status, body = server._body_for(path, reply)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Content-Type", "application/octet-stream")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    cut = body if reply.truncate_to is None else body[: reply.truncate_to]
                    self.wfile.write(cut)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing to do
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        return Handler

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

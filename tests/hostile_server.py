"""A hostile HTTP server on 127.0.0.1 that writes its answers byte for byte.

pytest-httpserver (werkzeug) refuses to send what a hostile server sends: escape
sequences in the reason phrase, non-ASCII header values, raw bytes in Location.
This one answers each path with the exact bytes given, then closes.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RawServer:
    """Answers ``GET path`` with ``answers[path]`` (a whole HTTP response), else a 404."""

    def __init__(self) -> None:
        self.answers: dict[str, bytes] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.port = 0

    def url(self, path: str) -> str:
        """The URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def respond(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: bytes | str = b"200 OK",
        headers: list[tuple[bytes | str, bytes | str]] = (),  # type: ignore[assignment]
    ) -> None:
        """Answer ``path`` with these bytes: the status line and headers as given."""
        body = body.encode() if isinstance(body, str) else body
        lines = [b"HTTP/1.1 " + _bytes(status)]
        lines += [_bytes(name) + b": " + _bytes(value) for name, value in headers]
        lines += [b"Content-Length: " + str(len(body)).encode(), b"Connection: close"]
        self.answers[path] = b"\r\n".join(lines) + b"\r\n\r\n" + body


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


@contextmanager
def raw_server() -> Iterator[RawServer]:
    """A RawServer running on a free port of 127.0.0.1 for the ``with`` block."""
    server = RawServer()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.request.settimeout(10)
            try:
                request_line = self.rfile.readline(65536).decode("latin-1")
                headers: dict[str, str] = {}
                while (line := self.rfile.readline(65536)) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
            except (TimeoutError, OSError):
                return
            parts = request_line.split()
            path = parts[1] if len(parts) > 1 else "/"
            server.requests.append((path, headers))
            answer = server.answers.get(path) or server.answers.get(path.split("?", 1)[0])
            if answer is None:
                answer = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            try:
                self.wfile.write(answer)
            except OSError:
                pass

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", 0), Handler) as tcp:
        server.port = tcp.server_address[1]
        thread = threading.Thread(target=tcp.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            yield server
        finally:
            tcp.shutdown()
            thread.join(10)

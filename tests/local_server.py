"""THE way a test serves HTTP: pytest-httpserver (werkzeug) on 127.0.0.1.

``local_server(answer)`` runs a server in threads (answers may wait, many at
once) that hands every request to ``answer`` for the ``with`` block
(``start_server``/``stop_server`` for one that outlives a block); the
``httpserver`` fixture is the same server for tests that set expectations.
The one other server is ``hostile_server``: werkzeug will not write what a
hostile server writes (escape sequences in the reason phrase, raw bytes in
headers), so that one writes bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

__all__ = ["Request", "Response", "local_server", "path_of", "start_server", "stop_server"]


def path_of(request: Request) -> str:
    """The path with its query string, as the client asked for it ("/rss?cat=x")."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def start_server(answer: Callable[[Request], Response]) -> HTTPServer:
    """A threaded server on a free port, running; ``server.url_for("/x")`` is a URL on it."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.expect_request(re.compile(".*")).respond_with_handler(answer)
    server.start()
    return server


def stop_server(server: HTTPServer) -> None:
    """Stop it and let go of its port."""
    server.clear()
    server.stop()


@contextmanager
def local_server(answer: Callable[[Request], Response]) -> Iterator[HTTPServer]:
    """``start_server`` for the ``with`` block."""
    server = start_server(answer)
    try:
        yield server
    finally:
        stop_server(server)

"""Helpers for tests with several processes on one database: a lock holder, feeds, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.local_server import Request, Response, local_server

ROOT = Path(__file__).resolve().parents[1]

# Another process: takes the write lock, says "locked", holds it for argv[2]
# seconds (or, when negative, until its stdin closes), then commits.
_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE feeds SET position = position")
print("locked", flush=True)
seconds = float(sys.argv[2])
if seconds < 0:
    sys.stdin.read()
else:
    time.sleep(seconds)
conn.execute("COMMIT")
print("released", flush=True)
"""


@contextmanager
def lock_held(path: Path, seconds: float = -1.0) -> Iterator[subprocess.Popen[str]]:
    """Another process holds the database's write lock (for ``seconds``, or until the end)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


def rss(name: str, count: int, start: int = 0) -> bytes:
    """A small RSS document: ``count`` stories named after ``name``."""
    items = "".join(
        f"<item><title>{name} story {n}</title><link>http://127.0.0.1/{name}/{n}</link>"
        f"<guid>{name}-{n}</guid><description>About {name} {n}.</description>"
        f"<pubDate>Mon, 06 May 2024 10:{n % 60:02d}:00 +0300</pubDate></item>"
        for n in range(start, start + count)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>http://127.0.0.1/{name}</link>{items}</channel></rss>"
    ).encode()


class Feeds:
    """Feeds on 127.0.0.1: ``/NAME`` answers ``documents[NAME]``; ``hang`` holds every answer."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.hang = threading.Event()
        self.release = threading.Event()
        self.port = 0

    def answer(self, request: Request) -> Response:
        if self.hang.is_set():
            self.release.wait(60)
        body = self.documents.get(request.path.strip("/"))
        if body is None:
            return Response(b"not found", status=404)
        return Response(body, content_type="application/rss+xml")

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


@contextmanager
def serving() -> Iterator[Feeds]:
    """A Feeds server in threads, shut down (and every held answer let go) at the end."""
    feeds = Feeds()
    with local_server(feeds.answer) as server:
        feeds.port = server.port
        try:
            yield feeds
        finally:
            feeds.release.set()  # before the server stops, which waits for its answers


def cli(*argv: str, env: dict[str, str] | None = None, **popen: Any) -> subprocess.Popen[str]:
    """``aanews ARGV...`` as its own process (stdout and stderr piped unless given)."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", *argv],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        text=True,
        **popen,
    )

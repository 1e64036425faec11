"""What reaches the terminal: the CLI and the reader, in a pseudo-terminal, over hostile
feeds, pages and servers on 127.0.0.1 (tests/fixtures/hostile/). No payload byte may
come out: no OSC 52 clipboard write, no OSC 0 title, no OSC 8 link, no ESC c reset,
no CSI from the feed, no C1 control, no bidi override, no tag character, no password.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from store.db import open_db
from tests.hostile_server import RawServer, raw_server

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
PAYLOAD = "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned-title\x1b\\\x1bc\x1b[2J\u202e\x9b31m\U000e0041"
# Byte sequences of the payloads; none is ever written by aanews itself.
MARKERS = (
    b"cHduZWQ",  # the OSC 52 clipboard text
    b"pwned-title",  # the OSC 0 window title
    b"c1-title",  # the 8-bit OSC's title
    b"evil.test/osc8",  # the OSC 8 link target
    b"\x1bc",  # full terminal reset
    b"\xc2\x9b",  # C1 CSI
    b"\xc2\x9d",  # C1 OSC
    b"\xc2\x85",  # C1 NEL
    b"\xe2\x80\xae",  # RIGHT-TO-LEFT OVERRIDE
    b"\xe2\x81\xa6",  # LEFT-TO-RIGHT ISOLATE
    b"\xf3\xa0\x81\x81",  # TAG LATIN CAPITAL LETTER A
    b"secret-password",  # the credentials of a feed URL
)
# The CLI writes no escape sequence of its own but a progress bar's CSI.
CLI_MARKERS = (*MARKERS, b"\x1b]", b"\x07", b"\x1b[2J", b"\x1bP", b"\x1b_")


def aanews() -> list[str]:
    script = Path(sys.executable).with_name("aanews")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]


class Terminal:
    """A program in a pseudo-terminal of 120x40, and every byte it wrote."""

    def __init__(self, argv: list[str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = b""

    def read(self, seconds: float = 0.05) -> bool:
        """Read what is there within ``seconds``; False once the program has gone."""
        ready, _, _ = select.select([self.master], [], [], seconds)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the other side closed
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, predicate: Callable[[], bool], what: str, timeout: float = 60) -> None:
        """Read until ``predicate()``; fails saying ``what`` did not happen."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting: {what}; got {self.output[-2000:]!r}")
            if not self.read(0.1) and not predicate():
                raise AssertionError(f"the program ended before {what}: {self.output[-2000:]!r}")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 60) -> int:
        """Read to the end; the exit status."""
        deadline = time.monotonic() + timeout
        while self.read(0.1) and time.monotonic() < deadline:
            if self.process.poll() is not None and not select.select([self.master], [], [], 0)[0]:
                break
        try:
            status = self.process.wait(max(1.0, deadline - time.monotonic()))
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            os.close(self.master)
        return status


def run_in_terminal(*argv: str) -> tuple[int, bytes]:
    terminal = Terminal([*aanews(), *argv])
    status = terminal.finish()
    return status, terminal.output


def serve(server: RawServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    feed = (HOSTILE / "feed.xml").read_bytes().replace(b"{BASE}", base.encode())
    page = (HOSTILE / "page.html").read_bytes()
    server.respond("/feed", feed, headers=[("Content-Type", "application/rss+xml")])
    for n in (1, 2, 3):
        server.respond(f"/page/{n}", page, headers=[("Content-Type", "text/html; charset=utf-8")])
    # Every answer of these is hostile: the reason phrase, a header, the page itself.
    server.respond(
        "/broken",
        "no",
        status=f"502 Bad{PAYLOAD} Gateway".encode(),
        headers=[("ETag", f'"{PAYLOAD}"'.encode()), ("X-Evil", PAYLOAD.encode())],
    )
    server.respond("/secret-feed", "no", status=b"503 Unavailable")


def old_dirty_rows(path: Path) -> None:
    """Rows as an older aanews stored them, uncleaned: the read side must clean them too."""
    db = open_db(path)
    db.execute(
        "INSERT INTO items (key, title, summary, body, lang, link, dateline, full_text_error, "
        "published, published_ts, first_seen, last_seen) VALUES "
        "('guid:old', ?, ?, ?, ?, ?, ?, ?, '2021-07-23T14:05:00+03:00', 1627038300, "
        "'2021-07-23T14:05:00+03:00', '2021-07-23T14:05:00+03:00')",
        [
            f"Old hostile {PAYLOAD} title",
            f"Old lead {PAYLOAD}",
            f"Old body {PAYLOAD}",
            "\x1bc",
            f"http://127.0.0.1:1/old{PAYLOAD}",
            f"AA / {PAYLOAD}",
            f"HTTP 502 {PAYLOAD}",
        ],
    )
    feed_id = db.execute("SELECT MIN(id) FROM feeds").fetchone()[0]
    item_id = db.execute("SELECT id FROM items WHERE key = 'guid:old'").fetchone()[0]
    db.execute("INSERT INTO item_feeds (feed_id, item_id) VALUES (?, ?)", [feed_id, item_id])
    db.execute(
        "UPDATE feeds SET last_error = ?, title = ? WHERE id = ?",
        [f"HTTP 502 {PAYLOAD}", f"Feed {PAYLOAD}", feed_id],
    )
    db.close()


@pytest.fixture
def hostile_db(tmp_path: Path) -> Iterator[tuple[Path, RawServer]]:
    with raw_server() as server:
        serve(server)
        path = tmp_path / "hostile.db"
        for url in (
            server.url("/feed"),
            server.url("/broken"),
            f"http://reader:secret-password@127.0.0.1:{server.port}/secret-feed",
        ):
            status, output = run_in_terminal("--db", str(path), "feeds", "add", url)
            assert status == 0, output
        yield path, server


def assert_clean(output: bytes, markers: tuple[bytes, ...], what: str) -> None:
    leaked = [marker for marker in markers if marker in output]
    assert not leaked, f"{what} wrote {leaked} to the terminal"


def test_no_payload_reaches_the_terminal_from_the_cli(hostile_db: tuple[Path, RawServer]) -> None:
    path, _server = hostile_db
    db = ["--db", str(path)]
    status, output = run_in_terminal(*db, "fetch", "--full-text")
    assert status == 1  # two feeds failed, and said so
    assert b"HTTP 502 Bad" in output and b"http://***@127.0.0.1:" in output
    assert_clean(output, CLI_MARKERS, "fetch")
    old_dirty_rows(path)
    found = subprocess.run([*aanews(), *db, "search", "--json", "story"], capture_output=True)
    ids = json.loads(found.stdout)
    assert len(ids) >= 2
    commands = [
        ["fetch", "--json"],
        ["feeds", "list"],
        ["feeds", "list", "--json"],
        ["search", "hostile"],
        ["search", "--json", "hostile"],
        ["search", "story"],
        ["export", "--opml"],
        ["export", "--json"],
        *(["show", str(story["id"])] for story in ids),
        *(["show", "--json", str(story["id"])] for story in ids),
    ]
    for command in commands:
        status, output = run_in_terminal(*db, *command)
        assert status in (0, 1), (command, output)
        assert output.strip(), command
        assert_clean(output, CLI_MARKERS, " ".join(command))


def test_no_payload_reaches_the_terminal_from_the_reader(
    hostile_db: tuple[Path, RawServer],
) -> None:
    path, server = hostile_db
    subprocess.run([*aanews(), "--db", str(path), "fetch"], capture_output=True)
    old_dirty_rows(path)
    db = open_db(path)  # failing anew in the reader's refresh: each is said in a note
    db.execute("UPDATE feeds SET failures = 0")
    db.close()
    terminal = Terminal([*aanews(), "--db", str(path)])
    try:
        terminal.wait_for(lambda: b"story" in terminal.output, "the list of stories")
        terminal.type("R")  # a refresh: "Feed failed" notifications with the hostile phrase
        terminal.wait_for(lambda: b"Feed failed" in terminal.output, "a failure notification")
        for _ in range(4):  # open each story: its page is read (full text on open)
            drawn = len(terminal.output)
            terminal.type("j")
            terminal.type("\r")
            terminal.wait_for(lambda n=drawn: len(terminal.output) > n, "the next story drawn")
        terminal.wait_for(
            lambda: any(path.startswith("/page/") for path, _ in server.requests),
            "a page read on open",
        )
        terminal.read(1.0)
        for _ in range(40):  # q leaves the story pane first, then the reader (slow under load)
            terminal.type("q")
            terminal.read(1.0)
            if terminal.process.poll() is not None:
                break
        status = terminal.finish()
    finally:
        if terminal.process.poll() is None:
            os.killpg(terminal.process.pid, signal.SIGKILL)
    assert status == 0
    assert b"Feed failed" in terminal.output
    assert_clean(terminal.output, MARKERS, "the reader")

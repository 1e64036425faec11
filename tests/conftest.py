"""Shared fixtures: a fresh database, no user config or data leaking in, and no
connection leaving this machine."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from store.db import open_db

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the user's own database, config and picture cache out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("AANEWS_DB", raising=False)


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _stays_here(address: object) -> bool:
    """Whether a socket address is this machine (a loopback address or "localhost")."""
    host = address[0] if isinstance(address, tuple) else None
    if not isinstance(host, str):
        return True  # a Unix socket's path
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a name other than localhost


def _connect(sock: socket.socket, address: object) -> None:
    if not _stays_here(address):
        raise OSError(errno.ENETUNREACH, f"a test may not reach the internet ({address!r})")
    _real_connect(sock, address)


def _connect_ex(sock: socket.socket, address: object) -> int:
    return _real_connect_ex(sock, address) if _stays_here(address) else errno.ENETUNREACH


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches the internet: in this process a connection anywhere but
    127.0.0.1/::1 fails as an unreachable network does (a picture's or page's public
    address in a test feed is never fetched, wherever the suite runs)."""
    monkeypatch.setattr(socket.socket, "connect", _connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _connect_ex)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A new, migrated database in a temporary file."""
    database = open_db(tmp_path / "test.db")
    yield database
    database.close()


FIXTURES = Path(__file__).resolve().parent / "fixtures"
# CI sets this: there the external material must be present, and its absence fails.
REQUIRE_SHARED = os.environ.get("AANEWS_REQUIRE_SHARED", "") not in ("", "0")
SHARED_MISSING = (
    f"../shared is missing ({SHARED}): the external corpus, AA samples and FreshRSS; "
    "clone aanews beside its shared/ folder to run these tests"
)
_skipped_for_shared: list[str] = []


def need_shared(what: str = "") -> Path:
    """``../shared`` (or the part ``what`` of it); skip, or fail in CI, when it is not there."""
    path = SHARED / what if what else SHARED
    if path.exists():
        return path
    message = SHARED_MISSING if not SHARED.is_dir() else f"{path} is missing"
    if REQUIRE_SHARED:
        pytest.fail(f"{message} (AANEWS_REQUIRE_SHARED is set)")
    pytest.skip(message)


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout (the external corpus and AA samples live there)."""
    return need_shared()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count the tests skipped for want of ../shared, for one line at the end."""
    if report.skipped and isinstance(report.longrepr, tuple):
        if "../shared is missing" in str(report.longrepr[2]):
            _skipped_for_shared.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line, not one per test, saying what was skipped and why."""
    if _skipped_for_shared:
        terminalreporter.write_line(f"{len(_skipped_for_shared)} tests skipped: {SHARED_MISSING}")


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[object]:
    """pytest-httpserver's server (the ``httpserver`` fixture's), answering each connection
    in a thread of its own: a connection a finished test left open (kept alive, or held
    by a process it started) must not hold the next test's requests, as one thread
    did (the fetch waited its whole 30 s, now and then, under xdist)."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(
        host=HTTPServer.DEFAULT_LISTEN_HOST, port=HTTPServer.DEFAULT_LISTEN_PORT, threaded=True
    )
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()

"""Connections of a refresh: HTTP/2 when the server offers it, few kept-alive ones otherwise.

The feeds are served over HTTPS by bench/h2_server.py (the benchmark's server,
with a self-signed certificate made at start) on 127.0.0.1; its statistics say
which protocol each request came over and how many connections were opened.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database
from waiting import wait_for

import store.fetching.refresh as refresh
from store.feeds import add_feed, get_feed
from store.fetching.client import _ssl_context
from store.fetching.refresh import refresh_feeds

SERVER = Path(__file__).resolve().parents[1] / "bench" / "h2_server.py"
FEEDS = 24  # more than the connections a host gets over HTTP/1.1, and than the backlog


def feed_xml(number: int, items: int = 5) -> str:
    entries = "".join(
        f"<item><title>Feed {number} story {n}</title><guid>urn:f{number}:{n}</guid>"
        f"<link>https://example.org/{number}/{n}</link>"
        f"<pubDate>Tue, 24 Nov 2026 10:{n:02d}:00 GMT</pubDate>"
        f"<description>Lead {n} of feed {number}</description></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {number}</title><link>https://example.org/{number}</link>"
        f"{entries}</channel></rss>"
    )


class Server:
    def __init__(
        self, work: Path, http1_only: bool, latency_ms: int = 0, feeds: int = FEEDS
    ) -> None:
        self.www = work / "www"
        self.www.mkdir()
        for number in range(feeds):
            (self.www / f"f{number}.xml").write_text(feed_xml(number), encoding="utf-8")
        self.ca = work / "ca.pem"
        self.stats_file = work / "stats.json"
        self.nocond = work / "NOCOND"  # while it exists, every answer is a 200 with the body
        port_file = work / "port"
        cmd = [sys.executable, str(SERVER), "--dir", str(self.www), "--ca-file", str(self.ca),
               "--port-file", str(port_file), "--stats-file", str(self.stats_file),
               "--lifetime", "300", "--latency-ms", str(latency_ms),
               "--nocond-flag", str(self.nocond)]  # fmt: skip
        self.proc = subprocess.Popen(
            [*cmd, "--http1-only"] if http1_only else cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(
            lambda: port_file.exists() and self.ca.exists() or self.proc.poll() is not None,
            60,
            "the test server to start",
        )
        assert self.proc.poll() is None, "bench/h2_server.py did not start"
        self.base = f"https://127.0.0.1:{int(port_file.read_text())}"

    def stats(self) -> dict:
        return json.loads(self.stats_file.read_text()) if self.stats_file.exists() else {}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


@pytest.fixture(params=[False, True], ids=["h2", "http1"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path, http1_only=request.param)
    yield running
    running.stop()


@pytest.fixture
def h2_server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path, http1_only=False)
    yield running
    running.stop()


@pytest.fixture(params=[False, True], ids=["h2", "http1"])
def distant_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """A server that holds every answer a second, as a distant one would take to reply."""
    running = Server(tmp_path, http1_only=request.param, latency_ms=1000)
    yield running
    running.stop()


def subscribe(db: Database, server: Server, feeds: int = FEEDS) -> list[int]:
    return [add_feed(db, f"{server.base}/f{n}.xml").id for n in range(feeds)]


def db_path(db: Database) -> str:
    return str(db.conn.execute("PRAGMA database_list").fetchone()[2])


def test_a_refresh_speaks_http2_when_offered_and_reuses_its_connections(
    db: Database, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(server.ca))
    subscribe(db, server)
    report = refresh_feeds(db_path(db))
    assert report.count("new") == FEEDS and report.new == FEEDS * 5
    first = server.stats()
    h2 = "--http1-only" not in server.proc.args
    if h2:  # one connection carries every feed
        assert first["protocols"] == {"h2": FEEDS} and first["connections"] == 1
    else:  # a few kept-alive connections, each carrying several feeds
        assert first["protocols"] == {"http/1.1": FEEDS}
        assert 1 <= first["connections"] <= 6
    # Nothing changed: every answer is a 304, and they too keep their connections.
    again = refresh_feeds(db_path(db))
    assert again.count("unchanged") == FEEDS
    second = server.stats()
    assert second["304"] - first["304"] == FEEDS
    assert 1 <= second["connections"] - first["connections"] <= (1 if h2 else 6)


def test_a_self_signed_server_is_trusted_only_through_the_variable(
    db: Database, h2_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AANEWS_CA_BUNDLE", raising=False)
    ids = subscribe(db, h2_server)
    report = refresh_feeds(db_path(db))  # more failures than the refresh keeps waiting
    assert report.count("failed") == FEEDS
    assert "TLS error with 127.0.0.1" in (get_feed(db, ids[-1]).last_error or "")


def test_an_unreadable_ca_bundle_is_a_clear_error(
    db: Database, h2_server: Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.pem"
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(missing))
    ids = subscribe(db, h2_server)
    with pytest.raises(ValueError, match="AANEWS_CA_BUNDLE=.*nowhere.pem.*cannot load"):
        refresh_feeds(db_path(db), ids[:1])
    assert get_feed(db, ids[0]).failures == 0


def test_the_ca_bundle_is_trusted_instead_of_the_usual_certificates(
    h2_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like curl's CURL_CA_BUNDLE: the run trusts that file's certificate and no other."""
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(h2_server.ca))
    context = _ssl_context()
    assert context.cert_store_stats()["x509_ca"] == 1
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_an_http2_host_gets_all_its_feeds_at_once_and_an_http1_host_six(
    db: Database, distant_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over HTTP/2 the handshake says so: every request goes out in the first round trip,
    not six first and the rest once the first answer is back. HTTP/1.1: 6 at most."""
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(distant_server.ca))
    subscribe(db, distant_server)
    report = refresh_feeds(db_path(db))
    assert report.count("new") == FEEDS
    stats = distant_server.stats()
    if "--http1-only" in distant_server.proc.args:
        assert 1 <= stats["most_at_once"] <= 6
    else:
        assert stats["most_at_once"] == FEEDS and stats["connections"] == 1


def test_over_http2_the_next_requests_go_out_while_storing_is_held_up(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer waiting to be stored gives its place among the host's streams back: with
    the storing thread held up (another writer, a slow disk) every other feed is still
    asked, so their round trips overlap the storing. Holding it, 100 streams and a backlog
    of 16 would stop at 116 answers."""
    from store.fetching.pacing import FEED_STREAMS_PER_HOST
    from store.fetching.refresh import _BACKLOG

    feeds = FEED_STREAMS_PER_HOST + _BACKLOG + 8
    running = Server(tmp_path, http1_only=False, feeds=feeds)
    try:
        monkeypatch.setenv("AANEWS_CA_BUNDLE", str(running.ca))
        subscribe(db, running, feeds)

        def held_up(done: int, total: int, title: str) -> None:
            if done == 1:  # the storing thread waits here till every feed has its answer
                wait_for(lambda: running.stats().get("200") == feeds, what="every feed asked")

        report = refresh_feeds(db_path(db), on_progress=held_up)
    finally:
        running.stop()
    assert report.count("new") == feeds and report.new == feeds * 5


def test_the_same_bytes_again_never_wait_for_the_storing_thread(
    db: Database, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that ignores If-None-Match sends every feed again: bytes stored before
    need no parse and take no place among those waiting to be stored, so with the storing
    thread held up every feed is still asked (over HTTP/1.1 the 16 places and 6
    connections would stop at 22 of 24)."""
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(server.ca))
    monkeypatch.setattr(refresh, "_WAITING_BYTES", 1)  # any body waiting would stop requests
    subscribe(db, server)
    assert refresh_feeds(db_path(db)).count("new") == FEEDS
    server.nocond.touch()
    asked = server.stats()["200"]

    def held_up(done: int, total: int, title: str) -> None:
        if done == 1:
            wait_for(lambda: server.stats()["200"] == asked + FEEDS, what="every feed asked")

    again = refresh_feeds(db_path(db), on_progress=held_up)
    assert again.count("unchanged") == FEEDS


def test_over_http2_new_requests_wait_once_the_waiting_bodies_pass_their_budget(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bodies that gave their streams back and wait to be stored are bounded in bytes:
    past the budget the next requests wait for the storing thread, and nothing is lost."""
    from store.fetching.pacing import FEED_STREAMS_PER_HOST

    feeds = FEED_STREAMS_PER_HOST + refresh._BACKLOG + 8
    running = Server(tmp_path, http1_only=False, feeds=feeds)
    monkeypatch.setattr(refresh, "_WAITING_BYTES", 1)  # one body waiting is past it
    runs: list[refresh._Refresh] = []
    real_run = refresh._Refresh.run
    monkeypatch.setattr(refresh._Refresh, "run", lambda self: (runs.append(self), real_run(self)))
    started: list[str] = []
    real_fetch = refresh.fetch_feed

    def counted(client, url, **kwargs):  # type: ignore[no-untyped-def]
        started.append(url)
        return real_fetch(client, url, **kwargs)

    monkeypatch.setattr(refresh, "fetch_feed", counted)
    settled: list[int] = []

    def held_up(done: int, total: int, title: str) -> None:
        if done == 1:  # held till the requests stop: every one asked has its answer
            fits = runs[0]._bodies_fit
            wait_for(
                lambda: fits is not None and not fits.is_set()
                and running.stats().get("200") == len(started),
                what="the requests to stop",
            )  # fmt: skip
            settled.append(len(started))

    try:
        monkeypatch.setenv("AANEWS_CA_BUNDLE", str(running.ca))
        subscribe(db, running, feeds)
        report = refresh_feeds(db_path(db), on_progress=held_up)
    finally:
        running.stop()
    assert settled and FEED_STREAMS_PER_HOST <= settled[0] < feeds
    assert report.count("new") == feeds and report.new == feeds * 5

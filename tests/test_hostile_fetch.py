"""Hostile servers: what they write in reason phrases, headers and pages never gets in raw,
one bad answer breaks only itself, and pages are fetched only from where they may be."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

from store.feeds import add_feed, get_feed
from store.fetching import answers as answers_module
from store.fetching import workers as workers_module
from store.fetching.client import make_client
from store.fetching.http import FetchError, fetch_feed, header_value
from store.fetching.refresh import refresh_feeds
from store.items import get_item
from store.pages.addresses import is_public_address, page_allowed
from store.pages.fulltext import refresh_full_text
from tests.hostile_server import RawServer, raw_server

PAYLOAD = "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned-title\x1b\\\x1bc\x1b[2J\u202e\x9b31m"
MARKERS = ("\x1b", "\x07", "\x9b", "\u202e", "cHduZWQ", "pwned-title")
FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    "{items}</channel></rss>"
)


def item(link: str, guid: str) -> str:
    return f"<item><title>{guid}</title><link>{link}</link><guid>{guid}</guid></item>"


def db_path(db: Database) -> str:
    return str(db.conn.execute("PRAGMA database_list").fetchone()[2])


def clean(text: str | None) -> bool:
    return not any(marker in (text or "") for marker in MARKERS)


def test_a_reason_phrase_with_escape_sequences_is_cleaned_everywhere(db: Database) -> None:
    with raw_server() as server:
        server.respond("/feed", "oops", status=f"502 Bad{PAYLOAD} Gateway")
        feed = add_feed(db, server.url("/feed"))
        report = refresh_feeds(db_path(db), [feed.id])
    [failure] = report.failures
    # httpx drops the phrase's non-ASCII bytes (the C1 CSI): "31m" is left as plain text.
    assert failure.error in ("HTTP 502 Bad Gateway", "HTTP 502 Bad31m Gateway")
    assert get_feed(db, feed.id).last_error == failure.error


def test_a_redirect_target_with_escapes_is_cleaned_before_it_is_stored(db: Database) -> None:
    with raw_server() as server:
        server.respond(
            "/old",
            status="301 Moved",
            headers=[("Location", f"/new{PAYLOAD}".encode("latin-1", "replace"))],
        )
        server.respond("/new", FEED.format(items=item("http://a.test/1", "g1")))
        feed = add_feed(db, server.url("/old"))
        report = refresh_feeds(db_path(db), [feed.id])
    stored = get_feed(db, feed.id)
    # httpx itself refuses a Location with controls in it: the feed fails, cleanly.
    [outcome] = report.outcomes
    assert outcome.status == "failed" and clean(outcome.error) and clean(stored.last_error)
    assert "Invalid URL in location header" in (outcome.error or "")
    assert stored.url == server.url("/old")


def test_validators_are_kept_only_when_they_can_be_sent_back(db: Database) -> None:
    body = FEED.format(items=item("http://a.test/1", "g1"))
    with raw_server() as server:
        server.respond(
            "/feed",
            body,
            headers=[("ETag", '"caf\xc3\xa9"'.encode("latin-1")), ("Last-Modified", "Tue\x01 x")],
        )
        feed = add_feed(db, server.url("/feed"))
        assert not refresh_feeds(db_path(db), [feed.id]).failures
        stored = get_feed(db, feed.id)
        assert (stored.etag, stored.last_modified) == (None, None)
        # A validator stored by an older version is not sent either: the feed still works.
        db.execute("UPDATE feeds SET etag = ?, content_hash = NULL", ['"é\x1b"'])
        assert not refresh_feeds(db_path(db), [feed.id]).failures
    assert "if-none-match" not in server.requests[-1][1]
    assert header_value('W/"abc"') == 'W/"abc"'
    assert header_value("Tue, 24 Nov 2026 10:00:00 GMT") == "Tue, 24 Nov 2026 10:00:00 GMT"
    assert header_value('"é"') is None and header_value("a\x1b") is None


def test_a_binary_body_fails_fast_and_alone(db: Database, tmp_path: Path) -> None:
    binary = os.urandom(15 * 1024 * 1024)
    with raw_server() as server:
        server.respond("/blob", binary, headers=[("Content-Type", "application/rss+xml")])
        server.respond("/png", b"\x89PNG\r\n\x1a\n" + b"a" * 5000)
        server.respond("/feed", FEED.format(items=item("http://a.test/1", "g1")))
        feeds = [add_feed(db, server.url(p)).id for p in ("/blob", "/png", "/feed")]
        report = refresh_feeds(db_path(db), feeds, max_bytes=32 * 1024 * 1024)
    errors = {o.feed_id: o.error for o in report.outcomes}
    assert errors[feeds[0]] == errors[feeds[1]] == "not text: the answer is a binary file"
    assert errors[feeds[2]] is None and report.new == 1


def test_a_parse_over_its_time_bound_fails_that_feed_alone(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = workers_module.parse_job

    def slow_for_one(body: bytes, url: str, lang: str | None = None):
        if url.endswith("/slow"):
            time.sleep(30)
        return real(body, url, lang)

    monkeypatch.setattr(workers_module, "parse_job", slow_for_one)
    monkeypatch.setenv("AANEWS_PARSE_IN", "thread")
    with raw_server() as server:
        server.respond("/slow", FEED.format(items=item("http://a.test/1", "slow")))
        server.respond("/fast", FEED.format(items=item("http://a.test/2", "fast")))
        slow, fast = add_feed(db, server.url("/slow")).id, add_feed(db, server.url("/fast")).id
        started = time.monotonic()
        report = refresh_feeds(db_path(db), [slow, fast], parse_timeout=1.0)
    assert time.monotonic() - started < 20  # the 30 s parse was given up, not waited for
    errors = {o.feed_id: o.error for o in report.outcomes}
    assert errors[slow] == "parsing took longer than 1 s; the document was given up"
    assert errors[fast] is None and report.new == 1


def test_a_parse_over_its_time_bound_in_a_worker_process_fails_that_feed_alone(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stuck worker is stopped; the documents queued behind it (which the pool calls
    "running" before they are) are parsed elsewhere, none lost, none called too slow."""
    from tests.parse_helpers import slow_for_one

    monkeypatch.setattr(workers_module, "parse_job", slow_for_one)
    monkeypatch.setattr(workers_module, "worker_count", lambda: 1)  # all queued behind it
    monkeypatch.setenv("AANEWS_PARSE_IN", "process")
    with raw_server() as server:
        paths = ["/slow"] + [f"/fast{n}" for n in range(11)]
        for n, path in enumerate(paths):
            server.respond(path, FEED.format(items=item(f"http://a.test/{n}", path)))
        ids = [add_feed(db, server.url(path)).id for path in paths]
        report = refresh_feeds(db_path(db), ids, parse_timeout=1.0)
    errors = {o.feed_id: o.error for o in report.outcomes}
    assert len(errors) == len(paths)
    assert errors[ids[0]] == "parsing took longer than 1 s; the document was given up"
    assert [errors[i] for i in ids[1:]] == [None] * 11 and report.new == 11


# --- which pages may be fetched -------------------------------------------------------

RESOLVED = {
    "news.example": ["93.184.216.34"],
    "pages.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "intranet.example": ["10.1.2.3"],
    "sneaky.example": ["93.184.216.34", "127.0.0.1"],
    "localhost": ["127.0.0.1", "::1"],
}


def resolve(host: str) -> list[str]:
    """The test's DNS: the names above; an address is itself; anything else unknown."""
    if host in RESOLVED:
        return RESOLVED[host]
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        raise OSError("not found") from None


@pytest.mark.parametrize(
    ("feed", "page", "allowed"),
    [
        ("https://news.example/rss", "https://pages.example/story", True),
        ("https://news.example/rss", "http://127.0.0.1:8765/admin", False),
        ("https://news.example/rss", "http://169.254.169.254/latest/meta-data/", False),
        ("https://news.example/rss", "http://[::1]/x", False),
        ("https://news.example/rss", "http://[::ffff:127.0.0.1]/x", False),
        ("https://news.example/rss", "http://intranet.example/x", False),
        ("https://news.example/rss", "http://sneaky.example/x", False),  # any address counts
        ("https://news.example/rss", "http://localhost:631/", False),
        ("https://news.example/rss", "http://0.0.0.0/", False),
        ("https://news.example/rss", "http://100.64.0.1/", False),  # shared (CGNAT)
        ("https://news.example/rss", "http://224.0.0.1/", False),
        ("http://127.0.0.1:8000/rss", "http://127.0.0.1:8765/story", True),  # a local feed
        ("http://intranet.example/rss", "http://10.9.9.9/story", True),
    ],
)
def test_pages_on_private_addresses_need_a_private_feed(
    feed: str, page: str, allowed: bool
) -> None:
    assert page_allowed(feed, page, resolve) is allowed


def test_public_addresses() -> None:
    assert is_public_address("93.184.216.34") and is_public_address("2606:4700::1111")
    for private in ("192.168.1.1", "172.16.0.1", "fe80::1", "fc00::1", "::", "240.0.0.1", "x"):
        assert not is_public_address(private)


def page_html(words: str) -> str:
    paragraph = f"<p>{words} " + "plain words of a story told at length " * 6 + "</p>"
    return f"<html lang='en'><body><h1>{words}</h1><article>{paragraph * 3}</article></body></html>"


def story_on(db: Database, feed_url: str, links: list[str]) -> list[int]:
    from store.ingest import store_feed
    from store.model import Entry, ParsedFeed

    feed = add_feed(db, feed_url)
    entries = [
        Entry(key=f"guid:{n}", title=f"s{n}", guid=str(n), link=u) for n, u in enumerate(links)
    ]
    return store_feed(db, feed.id, ParsedFeed(entries=entries)).new_ids


def test_a_local_feed_may_link_local_pages(db: Database) -> None:
    with raw_server() as server:
        server.respond("/page", page_html("Local page"), headers=[("Content-Type", "text/html")])
        [item_id] = story_on(db, server.url("/rss"), [server.url("/page")])
        report = refresh_full_text(db_path(db), [item_id])
    assert (report.fetched, report.failed) == (1, 0)
    assert "plain words" in get_item(db, item_id).body


def test_a_public_feed_gets_no_private_page_nor_a_redirect_to_one(db: Database) -> None:
    with raw_server() as server:
        # The test's resolver calls the server public; "localhost" stays loopback.
        RESOLVED["127.0.0.1"] = ["93.184.216.34"]
        try:
            server.respond("/ok", page_html("Public page"), headers=[("Content-Type", "text/html")])
            server.respond(
                "/moved",
                status="302 Found",
                headers=[("Location", f"http://localhost:{server.port}/secret")],
            )
            server.respond("/secret", page_html("Secret"), headers=[("Content-Type", "text/html")])
            ids = story_on(
                db,
                "https://news.example/rss",
                [
                    server.url("/ok"),
                    server.url("/moved"),
                    "http://169.254.169.254/latest/meta-data/",
                ],
            )
            report = refresh_full_text(db_path(db), ids, resolve=resolve)
        finally:
            del RESOLVED["127.0.0.1"]
    assert (report.fetched, report.failed) == (1, 2)
    assert [path for path, _ in server.requests] == ["/ok", "/moved"]  # never /secret
    ok, moved, metadata = (get_item(db, i) for i in ids)
    assert "plain words" in ok.body and moved.body == "" and metadata.body == ""
    assert moved.full_text_error == (
        f"refused http://localhost:{server.port}/secret: localhost is a private or local "
        "address, and the story's feed is not"
    )
    assert "169.254.169.254 is a private or local address" in (metadata.full_text_error or "")


def test_every_page_fails_alone(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.pages import fulltext

    nested = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    real = fulltext.extract_article

    def broken_for_one(body: bytes, *, url: str | None = None, **kwargs: str | None):
        if url and url.endswith("/boom"):
            raise KeyError("an extractor bug")
        return real(body, url=url, **kwargs)

    monkeypatch.setattr(fulltext, "extract_article", broken_for_one)
    with raw_server() as server:
        html = {"text/html": page_html("Fine")}
        server.respond("/deep", page_html("Deep").replace("<body>", "<body>" + nested))
        server.respond("/boom", html["text/html"])
        server.respond("/err", "no", status=f"500 Oops{PAYLOAD}")
        server.respond("/fine", html["text/html"])
        ids = story_on(
            db, server.url("/rss"), [server.url(p) for p in ("/deep", "/boom", "/err", "/fine")]
        )
        report = refresh_full_text(db_path(db), ids)
    deep, boom, err, fine = (get_item(db, i) for i in ids)
    assert "plain words" in deep.body and "plain words" in fine.body
    assert boom.full_text_error == "could not read the page: KeyError: 'an extractor bug'"
    assert err.full_text_error in ("HTTP 500 Oops", "HTTP 500 Oops31m")  # see the 502 test
    assert (report.fetched, report.failed) == (2, 2)


def test_fetch_check_is_asked_before_every_hop() -> None:
    asked: list[str] = []

    async def check(url: str) -> None:
        asked.append(url)
        if "secret" in url:
            raise FetchError(f"refused {url}")

    async def run(server: RawServer) -> None:
        async with make_client() as client:
            with pytest.raises(FetchError, match="refused"):
                await fetch_feed(client, server.url("/a"), check_url=check)

    with raw_server() as server:
        server.respond("/a", status="302 Found", headers=[("Location", "/secret")])
        asyncio.run(run(server))
    assert asked == [server.url("/a"), server.url("/secret")]
    assert [path for path, _ in server.requests] == ["/a"]


def test_jsonld_images_lose_their_controls() -> None:
    from store.pages.article import extract_article

    data = {
        "@type": "NewsArticle",
        "headline": "H",
        "image": "https://img.test/a\u0085\u009b\u202e.jpg",
        "articleBody": "Body words " * 30,
    }
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    html = f"<html><head>{script}</head><body></body></html>"
    assert extract_article(html).image == "https://img.test/a.jpg"


def test_every_feed_fails_alone_whatever_storing_it_raises(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = answers_module.store_feed

    def broken_for_one(db_: Database, feed_id: int, parsed, **kwargs):
        if parsed.entries and parsed.entries[0].guid == "boom":
            raise TypeError("a bug in storing")
        return real(db_, feed_id, parsed, **kwargs)

    monkeypatch.setattr(answers_module, "store_feed", broken_for_one)
    with raw_server() as server:
        server.respond("/boom", FEED.format(items=item("http://a.test/1", "boom")))
        server.respond("/fine", FEED.format(items=item("http://a.test/2", "fine")))
        boom, fine = add_feed(db, server.url("/boom")).id, add_feed(db, server.url("/fine")).id
        report = refresh_feeds(db_path(db), [boom, fine])
    errors = {o.feed_id: o.error for o in report.outcomes}
    assert errors[boom] == "could not store the feed: TypeError: a bug in storing"
    assert errors[fine] is None and report.new == 1
    assert get_feed(db, boom).last_error == errors[boom]

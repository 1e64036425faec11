"""A feed with more stories than one full-text pass reads: every story gets its page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlite_utils import Database
from werkzeug import Request, Response

from store.feeds import add_feed
from store.fetching.pacing import host_gate
from store.fetching.refresh import refresh_feeds
from store.pages.fulltext import DEFAULT_LIMIT, pages_to_recheck

PAGE = (Path(__file__).parent / "fixtures" / "pages" / "classic-fr.html").read_text("utf-8")
STORIES = 181


def db_path(db: Database) -> str:
    return str(db.conn.execute("PRAGMA database_list").fetchone()[2])


def feed_of(server: HTTPServer, count: int) -> bytes:
    """An AA-shaped feed of ``count`` stories, all dated alike."""
    items = "".join(
        f'<item><guid isPermaLink="false">{2400000 + n}</guid>'
        f"<link>{server.url_for(f'/fr/monde/story-{n}/{2400000 + n}')}</link>"
        f"<title>Des pluies record, épisode {n}</title>"
        "<description>Les autorités ont ouvert des abris.</description>"
        "<pubDate>Fri, 23 Jul 2021 14:05:00 +0300</pubDate></item>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Anadolu Ajansı</title><link>https://www.aa.com.tr/fr</link>{items}"
        "</channel></rss>"
    ).encode()


@pytest.fixture
def served(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The feed and every story's page from 127.0.0.1; the pages asked for, in order.

    The half-second spacing per host is tested in test_fulltext.py; here it would
    only make 181 pages take a minute and a half.
    """
    requested: list[str] = []

    def page(request: Request) -> Response:
        requested.append(request.path)
        return Response(PAGE, content_type="text/html; charset=utf-8")

    httpserver.expect_request("/rss").respond_with_data(
        feed_of(httpserver, STORIES), content_type="application/rss+xml"
    )
    httpserver.expect_request(re.compile(r"^/fr/monde/")).respond_with_handler(page)
    monkeypatch.setattr(host_gate(httpserver.url_for("/")), "spacing", 0.0)
    return requested


def fetch_full_text(db: Database) -> None:
    from tui.cli import main

    assert main(["--db", db_path(db), "fetch", "--full-text"]) == 0


def with_body(db: Database) -> int:
    return db.execute("SELECT count(*) FROM items WHERE body LIKE '%Bassora%'").fetchone()[0]


def test_two_passes_over_181_stories_read_all_181_pages(
    httpserver: HTTPServer, db: Database, served: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    add_feed(db, httpserver.url_for("/rss"), title="AA fr")
    fetch_full_text(db)
    assert (
        capsys.readouterr()
        .out.rstrip()
        .endswith("100 read, 0 unchanged, 0 failed; 0 stories revised; 81 left for the next pass")
    )
    first = set(served)
    assert len(first) == len(served) == DEFAULT_LIMIT == with_body(db)
    served.clear()
    # The feed is unchanged: the 81 stories still waiting come first, then re-reads.
    fetch_full_text(db)
    waiting = STORIES - DEFAULT_LIMIT
    assert not set(served[:waiting]) & first
    assert len(first | set(served)) == STORIES == with_body(db)
    assert "left for the next pass" not in capsys.readouterr().out


def test_the_longest_waiting_stories_come_first_then_stale_pages(
    httpserver: HTTPServer, db: Database, served: list[str]
) -> None:
    feed = add_feed(db, httpserver.url_for("/rss"), title="AA fr")
    ids = refresh_feeds(db_path(db), [feed.id]).new_ids
    assert len(ids) == STORIES and not served  # no page read yet
    oldest = ids[-3:]
    for hour, item_id in enumerate(oldest):
        db.execute(
            "UPDATE items SET first_seen = ? WHERE id = ?", [f"2021-07-23T0{hour}:00", item_id]
        )
    stale = ids[0]
    db.execute(
        "UPDATE items SET page_fetched_at = '2021-01-01T00:00:00+00:00' WHERE id = ?", [stale]
    )
    assert pages_to_recheck(db, [feed.id], limit=3) == oldest
    everything = pages_to_recheck(db, [feed.id], limit=STORIES)
    assert everything[:3] == oldest and everything[-1] == stale
    assert sorted(everything) == sorted(ids)

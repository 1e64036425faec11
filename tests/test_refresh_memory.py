"""A refresh keeps a few feeds in memory, not all of them: once stored, a feed is let go."""

from __future__ import annotations

import gc
import weakref

import pytest
from pytest_httpserver import HTTPServer
from sqlite_utils import Database

import store.fetching.answers as answers
import store.fetching.refresh as refresh
from store.feeds import add_feed
from store.model import ParsedFeed

FEEDS = 30  # more than the backlog


def feed_xml(number: int) -> str:
    items = "".join(
        f"<item><title>Feed {number} story {n}</title><guid>urn:m{number}:{n}</guid>"
        f"<description>{'Lead text. ' * 40}</description></item>"
        for n in range(20)
    )
    channel = f"<channel><title>F{number}</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def test_a_stored_feeds_stories_are_not_held_until_the_refresh_ends(
    db: Database, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(FEEDS):
        add_feed(db, httpserver.url_for(f"/m{number}.xml"))
        httpserver.expect_request(f"/m{number}.xml").respond_with_data(
            feed_xml(number), content_type="application/rss+xml"
        )
    stored: list[weakref.ref[ParsedFeed]] = []
    held: list[int] = []
    # While this many are stored, fetching is still going on: it waits for room in
    # the backlog (the feeds fetched but not stored), so nothing has been let go wholesale.
    midway = FEEDS - refresh._BACKLOG - 4
    real_store = answers.store_feed

    def store_and_watch(db, feed_id, parsed, **kwargs):  # type: ignore[no-untyped-def]
        stored.append(weakref.ref(parsed))
        return real_store(db, feed_id, parsed, **kwargs)

    real_finish = answers.Storing._finish

    def finish_and_watch(self: answers.Storing, outcome) -> None:  # type: ignore[no-untyped-def]
        # A feed is finished once written and, for feeds stored together, committed.
        real_finish(self, outcome)
        if len(self.report.outcomes) == midway:
            gc.collect()
            held.append(sum(ref() is not None for ref in stored[:-1]))

    monkeypatch.setattr(answers, "store_feed", store_and_watch)
    monkeypatch.setattr(answers.Storing, "_finish", finish_and_watch)
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    report = refresh.refresh_feeds(path)
    assert report.count("new") == FEEDS and report.new == FEEDS * 20
    assert len(stored) == FEEDS
    assert held == [0]  # every feed stored before the one being stored was let go

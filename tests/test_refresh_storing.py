"""The storing side of a refresh: feeds with nothing new that arrive together share one
transaction; everything each feed answered is still recorded, and a write that cannot
happen fails those feeds with the reason, losing nothing."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

import store.fetching.answers as answers
from store.db import open_db
from store.feeds import add_feed, get_feed, record_failure
from store.fetching.answers import Fetched, Storing
from store.fetching.http import FetchError, FetchResult
from store.fetching.report import RefreshReport
from store.fetching.targets import Target
from store.model import Entry, ParsedFeed


def target(db: Database, feed_id: int) -> Target:
    feed = get_feed(db, feed_id)
    return Target(feed.id, feed.url, feed.url, '"old"', None, "digest")


def not_modified(db: Database, feed_id: int, etag: str | None = None) -> Fetched:
    url = get_feed(db, feed_id).url
    return Fetched(target(db, feed_id), FetchResult(url=url, status=304, body=None, etag=etag))


def storing(db: Database, deadline_in: float = 60.0) -> tuple[Storing, list[int]]:
    progress: list[int] = []
    return (
        Storing(
            db=db,
            report=RefreshReport(),
            total=5,
            deadline_at=time.monotonic() + deadline_in,
            on_progress=lambda done, total, title: progress.append(done),
        ),
        progress,
    )


def test_unchanged_feeds_that_arrive_together_are_written_in_one_transaction(
    db: Database,
) -> None:
    ids = [add_feed(db, f"https://example.org/{n}.xml").id for n in range(5)]
    record_failure(db, ids[1], "HTTP 500 Oops", status=500)  # it answers again now
    begun: list[str] = []
    db.conn.set_trace_callback(lambda sql: begun.append(sql) if sql.startswith("BEGIN") else None)
    store, progress = storing(db)
    arrived = [not_modified(db, i) for i in ids[:4]]
    arrived[2] = not_modified(db, ids[2], etag='"new"')
    arrived.append(Fetched(target(db, ids[4]), error=FetchError("HTTP 404 Not Found", status=404)))
    store.store_all(arrived)
    db.conn.set_trace_callback(None)
    assert len(begun) == 2  # the four 304s together, the failure alone
    assert [o.status for o in store.report.outcomes] == ["unchanged"] * 4 + ["failed"]
    assert [o.http_status for o in store.report.outcomes] == [304] * 4 + [404]
    assert progress == [1, 2, 3, 4, 5]
    feeds = [get_feed(db, i) for i in ids]
    assert [f.last_status for f in feeds] == [304] * 4 + [404]
    assert all(f.last_fetched for f in feeds[:4]) and feeds[4].last_fetched is None
    assert feeds[1].failures == 0 and feeds[1].last_error is None
    assert feeds[2].etag == '"new"'
    assert feeds[4].failures == 1 and "404" in (feeds[4].last_error or "")


def test_unchanged_feeds_that_cannot_be_written_fail_with_the_reason(
    db: Database, tmp_path: Path
) -> None:
    ids = [add_feed(db, f"https://example.org/{n}.xml").id for n in range(3)]
    other = open_db(tmp_path / "test.db")  # another aanews, writing
    other.conn.execute("BEGIN IMMEDIATE")
    try:
        store, _ = storing(db, deadline_in=0.0)  # no time left to wait for it
        store.store_all([not_modified(db, i) for i in ids])
    finally:
        other.conn.execute("ROLLBACK")
        other.close()
    outcomes = store.report.outcomes
    assert [o.status for o in outcomes] == ["failed"] * 3
    assert all("not stored: database is busy" in (o.error or "") for o in outcomes)
    assert [get_feed(db, i).last_fetched for i in ids] == [None] * 3


def new_document(db: Database, feed_id: int, stories: int) -> Fetched:
    url = get_feed(db, feed_id).url
    entries = [
        Entry(key=f"guid:{feed_id}-{n}", title=f"Story {n} of feed {feed_id}", summary="Lead.")
        for n in range(stories)
    ]
    parsed = ParsedFeed(title=f"Feed {feed_id}", entries=entries, parser="lxml")
    return Fetched(
        target(db, feed_id), FetchResult(url=url, status=200, body=None), parsed, f"d{feed_id}"
    )


def stories(db: Database, feed_id: int) -> int:
    return db.execute("SELECT COUNT(*) FROM item_feeds WHERE feed_id = ?", [feed_id]).fetchone()[0]


def test_feeds_with_new_stories_that_arrive_together_share_one_transaction(
    db: Database,
) -> None:
    ids = [add_feed(db, f"https://example.org/{n}.xml").id for n in range(4)]
    begun: list[str] = []
    db.conn.set_trace_callback(lambda sql: begun.append(sql) if sql.startswith("BEGIN") else None)
    store, progress = storing(db)
    store.store_all([new_document(db, i, 3) for i in ids[:3]] + [not_modified(db, ids[3])])
    db.conn.set_trace_callback(None)
    assert len(begun) == 2  # the three new documents together, the 304 alone
    assert [o.status for o in store.report.outcomes] == ["new"] * 3 + ["unchanged"]
    assert [o.new for o in store.report.outcomes] == [3, 3, 3, 0]
    assert progress == [1, 2, 3, 4]
    assert len(store.report.new_ids) == 9
    assert [stories(db, i) for i in ids] == [3, 3, 3, 0]
    hashes = [
        db.execute("SELECT content_hash FROM feeds WHERE id = ?", [i]).fetchone()[0] for i in ids
    ]
    assert hashes == [f"d{i}" for i in ids[:3]] + [None]


def test_a_feed_that_cannot_be_stored_fails_alone_among_those_stored_together(
    db: Database,
) -> None:
    ids = [add_feed(db, f"https://example.org/{n}.xml").id for n in range(3)]
    calls: list[list[int]] = []

    def tag_rules(db: Database, new_ids: list[int]) -> None:  # runs inside each feed's write
        calls.append(new_ids)
        if len(calls) == 2:
            raise ValueError("a rule that breaks on the second feed")

    store, _ = storing(db)
    store.on_new_items = tag_rules
    store.store_all([new_document(db, i, 2) for i in ids])
    assert [o.status for o in store.report.outcomes] == ["new", "failed", "new"]
    assert [stories(db, i) for i in ids] == [2, 0, 2]  # the broken one's rolled back alone
    assert "a rule that breaks" in (get_feed(db, ids[1]).last_error or "")
    assert len(store.report.new_ids) == 4


def test_a_batch_the_database_refuses_midway_is_stored_again_feed_by_feed(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [add_feed(db, f"https://example.org/{n}.xml").id for n in range(3)]
    calls: list[list[int]] = []

    def tag_rules(db: Database, new_ids: list[int]) -> None:  # runs inside each feed's write
        calls.append(new_ids)
        if len(calls) == 2:
            raise ValueError("a rule that breaks once, on the batch's second feed")

    def refused(*args: object, **kwargs: object) -> None:
        monkeypatch.undo()  # once: the database refuses to record that failure, then mends
        raise sqlite3.OperationalError("disk I/O error")

    store, progress = storing(db)
    store.on_new_items = tag_rules
    monkeypatch.setattr(answers, "record_failure", refused)
    store.store_all([new_document(db, i, 2) for i in ids])
    assert [o.status for o in store.report.outcomes] == ["new"] * 3
    assert [stories(db, i) for i in ids] == [2, 2, 2]  # the feed after it too
    assert progress == [1, 2, 3]


def test_new_stories_that_cannot_be_written_fail_with_the_reason_and_lose_nothing(
    db: Database, tmp_path: Path
) -> None:
    ids = [add_feed(db, f"https://example.org/{n}.xml").id for n in range(2)]
    other = open_db(tmp_path / "test.db")  # another aanews, writing
    other.conn.execute("BEGIN IMMEDIATE")
    try:
        store, _ = storing(db, deadline_in=0.0)
        store.store_all([new_document(db, i, 2) for i in ids])
    finally:
        other.conn.execute("ROLLBACK")
        other.close()
    assert [o.status for o in store.report.outcomes] == ["failed"] * 2
    assert all("not stored: database is busy" in (o.error or "") for o in store.report.outcomes)
    assert store.report.new_ids == []
    # nothing recorded: the next refresh fetches them again (no content hash kept)
    assert [stories(db, i) for i in ids] == [0, 0]
    assert [get_feed(db, i).last_fetched for i in ids] == [None, None]


def test_unchanged_feeds_are_all_asked_while_storing_is_held_up(tmp_path: Path) -> None:
    """A 304 holds nothing, so it takes no place in the backlog of fetched feeds: while
    the storing thread is held up (loading, or waiting for another writer), a refresh
    of unchanged feeds still asks every feed instead of stopping at the backlog."""
    from threading import Lock

    from store.fetching.refresh import _BACKLOG, refresh_feeds
    from tests.local_server import Request, Response, local_server
    from tests.two_writers import rss
    from tests.waiting import wait_for

    feeds = _BACKLOG + 14  # more than the backlog and a host's connections together
    asked = [0]
    lock = Lock()

    def answer(request: Request) -> Response:
        with lock:
            asked[0] += 1
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        name = request.path.strip("/")
        return Response(rss(name, 2), content_type="application/rss+xml", headers={"ETag": '"v1"'})

    path = tmp_path / "aanews.db"
    db = open_db(path)
    with local_server(answer) as server:
        for n in range(feeds):
            add_feed(db, server.url_for(f"/f{n}"))
        db.close()
        assert refresh_feeds(path).count("new") == feeds
        first_round = asked[0]

        def held_up(done: int, total: int, title: str) -> None:
            if done == 1:  # the storing thread waits here for every request to be made
                wait_for(lambda: asked[0] - first_round == feeds, what="every feed asked")

        report = refresh_feeds(path, on_progress=held_up)
    assert report.count("unchanged") == feeds

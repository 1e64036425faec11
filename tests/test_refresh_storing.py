"""The storing side of a refresh: feeds with nothing new that arrive together share one
transaction; everything each feed answered is still recorded, and a write that cannot
happen fails those feeds with the reason, losing nothing."""

from __future__ import annotations

import time
from pathlib import Path

from sqlite_utils import Database

from store.db import open_db
from store.feeds import add_feed, get_feed, record_failure
from store.fetching.answers import Fetched, Storing
from store.fetching.http import FetchError, FetchResult
from store.fetching.report import RefreshReport
from store.fetching.targets import Target


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

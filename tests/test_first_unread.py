"""The next unread story (space, n): found in the order of the list, near ones first."""

from __future__ import annotations

from sqlite_utils import Database

from store.feeds import add_feed
from store.ingest import store_feed
from store.items import first_unread, set_read
from store.model import Entry, ParsedFeed


def _stories(db: Database, count: int) -> list[int]:
    feed = add_feed(db, "https://example.org/feed.xml")
    entries = [Entry(key=f"guid:{n}", title=f"Story {n}") for n in range(count)]
    store_feed(db, feed.id, ParsedFeed(entries=entries))
    return [row[0] for row in db.execute("SELECT id FROM items ORDER BY id DESC")]


def test_the_first_unread_in_the_lists_order_past_the_first_piece(db: Database) -> None:
    ids = _stories(db, 700)
    set_read(db, ids[:620])  # the first 620 rows read: past the first 50 and 500
    assert first_unread(db, ids) == ids[620]
    assert first_unread(db, ids[::-1]) == ids[-1]  # the order given, not the table's


def test_none_when_every_story_given_is_read(db: Database) -> None:
    ids = _stories(db, 60)
    set_read(db, ids[:59])
    assert first_unread(db, ids[:59]) is None
    assert first_unread(db, []) is None


def test_the_ids_asked_are_read_by_their_key_not_the_unread_index(db: Database) -> None:
    ids = _stories(db, 300)
    asked: list[str] = []
    db.conn.set_trace_callback(asked.append)
    try:
        assert first_unread(db, ids[:50]) == ids[0]
    finally:
        db.conn.set_trace_callback(None)
    (sql,) = [s for s in asked if s.lstrip().startswith("SELECT")]
    plan = " ".join(str(row[-1]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
    # by key: one look-up per id asked; not the unread index, which holds every unread story
    assert "items_unread" not in plan and ("rowid=?" in plan or "id=?" in plan), plan

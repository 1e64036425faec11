"""Feed ids are never given twice, also in a database made before AUTOINCREMENT."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from store.db import MIGRATIONS, _statements, open_db, schema_version
from store.feeds import add_feed, get_feed, list_feeds, remove_feed
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from store.search.compiler import search_ids
from store.search.saved import list_saved
from store.tags import tag_items
from store.text import fold


def _story(key: str) -> Entry:
    return Entry(key=key, title=f"story {key}", published=datetime(2026, 1, 2, tzinfo=UTC))


def test_removed_ids_are_not_given_again(db: Database) -> None:
    ids = [add_feed(db, f"https://f{n}.test/rss").id for n in range(1, 9)]
    assert ids == list(range(1, 9))
    for feed_id in range(2, 8):
        remove_feed(db, feed_id)
    new = add_feed(db, "https://new.test/rss")
    assert new.id == 9
    assert [f.id for f in list_feeds(db)] == [1, 8, 9]


def _old_database(path: Path) -> None:
    """A file as aanews wrote it before migration 4: plain INTEGER PRIMARY KEY ids."""
    conn = sqlite3.connect(path)
    conn.create_function("aanews_fold", 1, fold, deterministic=True)
    for script in MIGRATIONS[:3]:
        assert isinstance(script, str)
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()


def test_migration_keeps_ids_references_and_saved_searches(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    db = Database(sqlite3.connect(path))
    db.conn.create_function("aanews_fold", 1, fold, deterministic=True)
    for n in (3, 5, 18):
        db.execute(
            "INSERT INTO feeds (id, url, title, created_at) VALUES (?, ?, ?, '2026-01-01')",
            [n, f"https://f{n}.test/rss", f"feed {n}"],
        )
    for name, query in (("eighteen", "feed:18"), ("gone", "gaza feed:40")):
        # feed 40 was removed long ago; the search still names it
        db.execute("INSERT INTO saved_searches (name, query) VALUES (?, ?)", [name, query])
    db.conn.commit()
    db.close()

    db = open_db(path)
    assert schema_version(db) == len(MIGRATIONS)
    store_feed(db, 18, ParsedFeed(title="eighteen", entries=[_story("guid:a")]))
    tag_items(db, [1], ["kept"])
    assert search_ids(db, "feed:18") == [1]
    remove_feed(db, 18)
    db.close()

    db = open_db(path)
    new = add_feed(db, "https://new.test/rss")
    assert new.id == 41  # above every id a feed or a saved search ever had
    assert get_feed(db, 5).title == "feed 5"
    saved = {s.name: s.query for s in list_saved(db, counts=False)}
    assert saved["eighteen"] == "feed:18"
    assert search_ids(db, "feed:18") == []  # points at no feed, not at the new one
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'feeds'").fetchone()[0]
    assert "AUTOINCREMENT" in sql
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_rebuilt_feeds_keep_their_stories_and_tags(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    conn = sqlite3.connect(path)
    conn.create_function("aanews_fold", 1, fold, deterministic=True)
    conn.execute("INSERT INTO feeds (id, url, created_at) VALUES (7, 'https://s.test/', 'x')")
    conn.execute(
        "INSERT INTO items (id, key, title, published_ts, first_seen, last_seen) "
        "VALUES (1, '7/guid:1', 'one', 0, 'x', 'x')"
    )
    conn.execute("INSERT INTO item_feeds VALUES (7, 1)")
    conn.execute("INSERT INTO tags (id, name, folded) VALUES (1, 'world', 'world')")
    conn.execute("INSERT INTO feed_tags VALUES (7, 1)")
    conn.commit()
    conn.close()

    db = open_db(path)
    (feed,) = list_feeds(db)
    assert (feed.id, feed.total, feed.tags) == (7, 1, ["world"])
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    remove_feed(db, 7)  # cascades still work on the rebuilt table
    assert db.execute("SELECT COUNT(*) FROM item_feeds").fetchone()[0] == 0

"""Storing feed results: identity, one story in many feeds, revisions, user state."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from store.feeds import add_feed, remove_feed
from store.ingest import store_feed
from store.items import get_item, mark_opened, revisions, set_read, set_starred
from store.model import Entry, ParsedFeed
from store.tags import tag_items

IST = timezone(timedelta(hours=3))


def story(key: str, title: str, summary: str = "Lead.", **extra: object) -> Entry:
    return Entry(
        key=key,
        title=title,
        summary=summary,
        published=datetime(2024, 5, 1, 9, 30, tzinfo=IST),
        **extra,  # type: ignore[arg-type]
    )


def item_id(db: Database, key: str) -> int:
    return int(db.execute("SELECT id FROM items WHERE key = ?", [key]).fetchone()[0])


def test_one_aa_story_in_two_feeds_is_stored_once(db: Database) -> None:
    a = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=guncel")
    b = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=dunya")
    store_feed(db, a.id, ParsedFeed(entries=[story("aa:3185913", "Zirve")]))
    result = store_feed(db, b.id, ParsedFeed(entries=[story("aa:3185913", "Zirve")]))
    assert result.new == 0 and result.seen == 1
    assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 1
    assert get_item(db, item_id(db, "aa:3185913")).feeds == [a.id, b.id]


def test_plain_guids_are_scoped_to_their_feed(db: Database) -> None:
    a = add_feed(db, "http://one.test/feed")
    b = add_feed(db, "http://two.test/feed")
    store_feed(db, a.id, ParsedFeed(entries=[story("guid:1", "One")]))
    store_feed(db, b.id, ParsedFeed(entries=[story("guid:1", "Two")]))
    titles = {r[0] for r in db.execute("SELECT title FROM items")}
    assert titles == {"One", "Two"}


def test_changed_story_keeps_old_version_and_user_state(db: Database) -> None:
    feed = add_feed(db, "https://www.aa.com.tr/fr/rss/default?cat=guncel")
    store_feed(db, feed.id, ParsedFeed(entries=[story("aa:1", "Séisme en Turquie")]))
    sid = item_id(db, "aa:1")
    set_read(db, [sid])
    set_starred(db, [sid])
    tag_items(db, [sid], ["séisme"])
    result = store_feed(
        db, feed.id, ParsedFeed(entries=[story("aa:1", "Séisme en Turquie: 12 morts")])
    )
    assert result.updated == 1
    item = get_item(db, sid)
    assert item.title == "Séisme en Turquie: 12 morts"
    assert item.is_updated and item.read and item.starred and item.tags == ["séisme"]
    assert [r.title for r in revisions(db, sid)] == ["Séisme en Turquie"]
    mark_opened(db, sid)
    assert not get_item(db, sid).is_updated


def test_unchanged_story_makes_no_revision(db: Database) -> None:
    feed = add_feed(db, "http://one.test/feed")
    for _ in range(3):
        store_feed(db, feed.id, ParsedFeed(entries=[story("guid:x", "Same")]))
    assert db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 0


def test_duplicate_keys_in_one_document_store_one_story(db: Database) -> None:
    feed = add_feed(db, "http://one.test/feed")
    store_feed(
        db, feed.id, ParsedFeed(entries=[story("guid:d", "First"), story("guid:d", "Second")])
    )
    assert [r[0] for r in db.execute("SELECT title FROM items")] == ["First"]


def test_search_index_folds_turkish(db: Database) -> None:
    feed = add_feed(db, "http://one.test/feed")
    store_feed(db, feed.id, ParsedFeed(entries=[story("guid:t", "ŞIRNAK'ta İSTANBUL ışık")]))
    for word in ("sirnak", "istanbul", "isik"):
        hits = db.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", [word]).fetchall()
        assert len(hits) == 1, word


def test_marking_read_does_not_touch_the_index(db: Database) -> None:
    feed = add_feed(db, "http://one.test/feed")
    store_feed(db, feed.id, ParsedFeed(entries=[story("guid:r", "Title")]))
    changes_before = db.conn.total_changes
    set_read(db, [item_id(db, "1/guid:r")])
    # one row in items, nothing in the FTS shadow tables
    assert db.conn.total_changes - changes_before == 1


def test_removing_a_feed_keeps_starred_stories(db: Database) -> None:
    feed = add_feed(db, "http://one.test/feed")
    store_feed(db, feed.id, ParsedFeed(entries=[story("guid:a", "A"), story("guid:b", "B")]))
    set_starred(db, [item_id(db, f"{feed.id}/guid:a")])
    assert remove_feed(db, feed.id) == 1
    assert [r[0] for r in db.execute("SELECT title FROM items")] == ["A"]


def test_last_seen_moves_only_for_stories_the_feed_still_carries(db: Database) -> None:
    feed = add_feed(db, "https://www.aa.com.tr/en/rss/default?cat=guncel")
    store_feed(db, feed.id, ParsedFeed(entries=[story("aa:1", "Old"), story("aa:2", "Kept")]))
    db.execute("UPDATE items SET last_seen = '2000-01-01T00:00:00+00:00'")
    result = store_feed(db, feed.id, ParsedFeed(entries=[story("aa:2", "Kept")]))
    assert result.seen == 1
    seen = dict(db.execute("SELECT key, last_seen FROM items").fetchall())
    assert seen["aa:1"] == "2000-01-01T00:00:00+00:00"
    assert seen["aa:2"] > "2020"
    assert get_item(db, item_id(db, "aa:1")).feeds == [feed.id]  # still listed under the feed

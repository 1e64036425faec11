"""Storing feed results: identity, one story in many feeds, revisions, user state."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from store.feeds import add_feed, remove_feed
from store.ingest import revise_item, store_feed
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
    index = "SELECT id, block FROM items_fts_data UNION ALL SELECT segid, term FROM items_fts_idx"
    before = db.execute(index).fetchall()
    set_read(db, [item_id(db, "1/guid:r")])
    # the story's row (and the kept counts), nothing in the FTS shadow tables
    assert db.execute("SELECT read FROM items").fetchall() == [(1,)]
    assert db.execute(index).fetchall() == before


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


def revision_titles(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT title FROM revisions ORDER BY id")]


def test_an_entry_without_title_or_lead_keeps_the_stored_text(db: Database) -> None:
    feed = add_feed(db, "https://www.aa.com.tr/en/rss/default?cat=world")
    opens = story("aa:5", "Summit opens", "Lead.", flags=["update"])
    store_feed(db, feed.id, ParsedFeed(entries=[opens]))
    sid = item_id(db, "aa:5")
    result = store_feed(db, feed.id, ParsedFeed(entries=[story("aa:5", "", "")]))
    item = get_item(db, sid)
    assert (item.title, item.summary, item.flags) == ("Summit opens", "Lead.", ["update"])
    assert not item.is_updated and revisions(db, sid) == [] and result.updated == 0
    # A new lead alone is a new version; the stored title stays.
    store_feed(db, feed.id, ParsedFeed(entries=[story("aa:5", "", "A longer lead.")]))
    item = get_item(db, sid)
    assert (item.title, item.summary, item.is_updated) == ("Summit opens", "A longer lead.", True)
    assert [r.summary for r in revisions(db, sid)] == ["Lead."]


def test_a_feed_serving_an_old_copy_is_ignored_until_it_says_something_new(
    db: Database,
) -> None:
    fresh = add_feed(db, "https://www.aa.com.tr/en/rss/default?cat=world")
    stale = add_feed(db, "https://www.aa.com.tr/en/rss/default?cat=economy")
    for feed in (fresh, stale):
        store_feed(db, feed.id, ParsedFeed(entries=[story("aa:7", "Oil up")]))
    sid = item_id(db, "aa:7")
    for _ in range(3):
        store_feed(db, fresh.id, ParsedFeed(entries=[story("aa:7", "Oil up sharply")]))
        result = store_feed(db, stale.id, ParsedFeed(entries=[story("aa:7", "Oil up")]))
        assert result.updated == 0 and result.seen == 1
    assert get_item(db, sid).title == "Oil up sharply"
    assert revision_titles(db) == ["Oil up"]
    # The old feed catches up with a version of its own: that one is taken.
    store_feed(db, stale.id, ParsedFeed(entries=[story("aa:7", "Oil up 5 percent")]))
    assert get_item(db, sid).title == "Oil up 5 percent"
    assert revision_titles(db) == ["Oil up", "Oil up sharply"]


def test_an_old_title_with_a_later_update_stamp_is_a_new_version(db: Database) -> None:
    feed = add_feed(db, "http://one.test/feed")
    first = datetime(2024, 5, 1, 10, 0, tzinfo=IST)
    store_feed(db, feed.id, ParsedFeed(entries=[story("guid:s", "Vote", updated=first)]))
    later = first + timedelta(hours=1)
    store_feed(db, feed.id, ParsedFeed(entries=[story("guid:s", "Vote count", updated=later)]))
    latest = first + timedelta(hours=2)
    store_feed(db, feed.id, ParsedFeed(entries=[story("guid:s", "Vote", updated=latest)]))
    item = get_item(db, item_id(db, "1/guid:s"))
    assert item.title == "Vote" and item.updated == latest
    assert revision_titles(db) == ["Vote", "Vote count"]


def test_a_channel_without_a_title_keeps_the_feeds_title(db: Database) -> None:
    feed = add_feed(db, "http://one.test/feed")
    store_feed(db, feed.id, ParsedFeed(title="One Test News", entries=[story("guid:1", "A")]))
    store_feed(db, feed.id, ParsedFeed(title="", entries=[story("guid:1", "A")]))
    assert db.execute("SELECT feed_title FROM feeds").fetchone()[0] == "One Test News"
    store_feed(db, feed.id, ParsedFeed(title="One Test", entries=[]))
    assert db.execute("SELECT feed_title FROM feeds").fetchone()[0] == "One Test"


def test_revise_item_compares_only_the_fields_it_is_given(db: Database) -> None:
    feed = add_feed(db, "http://one.test/feed")
    store_feed(db, feed.id, ParsedFeed(entries=[story("guid:r", "Title", "Lead.")]))
    sid = item_id(db, "1/guid:r")
    now = "2030-01-01T00:00:00+00:00"
    assert not revise_item(db, sid, title="Title", now=now)
    assert not revise_item(db, sid, title="", summary="", body="", now=now)
    assert revise_item(db, sid, body="A body.", now=now)
    assert revisions(db, sid)[0].body == "" and get_item(db, sid).body == "A body."
    # The same instant written with another offset is the same stamp.
    assert revise_item(db, sid, updated="2024-05-01T12:00:00+03:00", now=now)
    assert not revise_item(db, sid, updated="2024-05-01T09:00:00+00:00", now=now)
    # A change made after ``since`` (the same run) completes the version: no second revision.
    assert revise_item(db, sid, title="Title 2", now=now, since="2029-12-31T23:00:00+00:00")
    assert len(revisions(db, sid)) == 2 and get_item(db, sid).title == "Title 2"

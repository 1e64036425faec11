"""Soft hyphens (U+00AD, &shy;) are hints where a line may break, not text: gone from
what is stored, found by search, and taken out of stories stored before (migration 12)."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from store.feeds import add_feed
from store.ingest import store_feed
from store.model import ParsedFeed
from store.search.compiler import search_ids
from tests.test_search import _story


def test_a_word_hyphenated_for_line_breaks_is_read_and_found_whole(db: Database) -> None:
    """Soft hyphens (&shy;) are only hints where a line may break: the story reads
    "réaction" and a search for it finds the story."""
    from store.parsing.feed import parse_feed

    feed = add_feed(db, "https://example.org/rss", title="Sciences")
    document = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>S</title>'
        b"<item><guid>s1</guid><title>La r&#xE9;ac&#xAD;tion des cher&#xAD;cheurs</title>"
        b"<description>Une can&#xAD;di&#xAD;da&#xAD;ture collective.</description></item>"
        b"</channel></rss>"
    )
    store_feed(db, feed.id, parse_feed(document, url="https://example.org/rss"))
    [row] = db.execute("SELECT id, title, summary FROM items").fetchall()
    assert row[1:] == ("La réaction des chercheurs", "Une candidature collective.")
    assert search_ids(db, "réaction") == search_ids(db, "candidature") == [row[0]]


def test_a_story_stored_with_soft_hyphens_is_not_changed_by_its_next_copy(
    tmp_path: Path,
) -> None:
    """Stored before soft hyphens were cleaned away: opening the database takes them out,
    so the feed's next copy of the story (without them) is no update, and search finds it."""
    from store.db import open_db
    from store.items import get_item

    path = tmp_path / "old.db"
    db = open_db(path)
    feed = add_feed(db, "https://example.org/rss", title="Sciences")
    entry = _story("s:1", "La réaction des chercheurs", 1, summary="Une candidature.")
    store_feed(db, feed.id, ParsedFeed(entries=[entry]))
    [(item_id,)] = db.execute("SELECT id FROM items").fetchall()
    with db.conn:  # as an older aanews stored it, its signature computed on that text
        db.execute(
            "UPDATE items SET title = 'La réac' || char(173) || 'tion des chercheurs', "
            "summary = 'Une can' || char(173) || 'didature.' WHERE id = ?",
            [item_id],
        )
        db.execute("UPDATE items SET feed_sig = 'from-before' WHERE id = ?", [item_id])
    db.execute("PRAGMA user_version = 11")  # a database made before migration 12
    db.close()
    db = open_db(path)
    assert search_ids(db, "réaction") == [item_id]
    store_feed(db, feed.id, ParsedFeed(entries=[entry]))
    item = get_item(db, item_id)
    assert item.title == "La réaction des chercheurs" and not item.is_updated
    db.close()

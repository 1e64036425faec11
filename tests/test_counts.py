"""Feed and tag counts kept up to date (migration 7) stay equal to a count from scratch.

Random runs of everything that changes a story's read/hidden state, its feeds, its
tags, a feed's tags, or deletes stories (remove a feed, prune, merge and delete
tags, import), each followed by a comparison with the counts worked out from the
stories themselves.
"""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from store.db import open_db
from store.feeds import add_feed, list_feeds, remove_feed
from store.ingest import store_feed
from store.interchange.backup import export_json
from store.interchange.restore import restore_json
from store.items import mark_read, set_hidden, set_read, undo_read_change
from store.model import Entry, ParsedFeed
from store.retention import prune
from store.search.compiler import counts, unread_count
from store.tags import (
    delete_tag,
    list_tags,
    merge_tags,
    rename_tag,
    set_feed_tags,
    tag_items,
    toggle_tag,
    undo_tag_change,
    untag_items,
)

TAGS = ["Dünya", "spor", "ekonomi", "okunacak"]


Counts = tuple[dict[int, tuple[int, int]], dict[str, tuple[int, int]], list[tuple[int, int]]]


def scratch_counts(db: Database) -> Counts:
    """Feed id -> (unread, total), tag -> (total, unread), and (total, unread) of all
    stories and of the unread ones, counted from the stories."""
    feeds = {int(feed_id): (0, 0) for (feed_id,) in db.execute("SELECT id FROM feeds").fetchall()}
    for feed_id, unread, total in db.execute(
        "SELECT f.feed_id, SUM(i.read = 0 AND i.hidden = 0), COUNT(*) FROM item_feeds f "
        "JOIN items i ON i.id = f.item_id GROUP BY f.feed_id"
    ):
        feeds[int(feed_id)] = (int(unread), int(total))
    tags = {}
    for name, total, unread in db.execute(
        """
        WITH tagged (tag_id, item_id) AS (
            SELECT tag_id, item_id FROM item_tags
            UNION SELECT ft.tag_id, f.item_id FROM feed_tags ft
            JOIN item_feeds f ON f.feed_id = ft.feed_id
        )
        SELECT t.name, COUNT(i.id), COALESCE(SUM(i.read = 0), 0) FROM tags t
        LEFT JOIN tagged g ON g.tag_id = t.id
        LEFT JOIN items i ON i.id = g.item_id AND i.hidden = 0
        WHERE EXISTS (SELECT 1 FROM item_tags WHERE tag_id = t.id)
           OR EXISTS (SELECT 1 FROM feed_tags WHERE tag_id = t.id)
        GROUP BY t.id
        """
    ):
        tags[name] = (int(total), int(unread))
    total, unread = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(read = 0), 0) FROM items WHERE hidden = 0"
    ).fetchone()
    views = [(total, unread), (unread, unread)]
    for name in TAGS:  # a tag's search, and its unread stories
        views += [tags.get(name, (0, 0)), (tags.get(name, (0, 0))[1],) * 2]
    return feeds, tags, views


def kept_counts(db: Database) -> Counts:
    """The same, as the sidebar, `feeds list`, the tag list and a search's counts read them."""
    feeds = {feed.id: (feed.unread, feed.total) for feed in list_feeds(db)}
    tags = {tag.name: (tag.count, tag.unread) for tag in list_tags(db)}
    queries = ["", "is:unread"]
    for name in TAGS:
        queries += [f"tag:{name}", f"tag:{name} is:unread"]
    views = [counts(db, query) for query in queries]
    assert [unread_count(db, query) for query in queries] == [v[1] for v in views]
    return feeds, tags, views


def _entries(rng: random.Random, count: int) -> list[Entry]:
    """Stories with AA keys from a small pool, so feeds often share a story."""
    base = datetime(2026, 11, 1, tzinfo=UTC)
    return [
        Entry(
            key=f"aa:{number}",
            title=f"Haber {number}",
            summary="Özet.",
            published=base + timedelta(hours=number),
        )
        for number in rng.sample(range(1, 120), count)
    ]


def _ids(db: Database, rng: random.Random, most: int = 8) -> list[int]:
    ids = [int(r[0]) for r in db.execute("SELECT id FROM items").fetchall()]
    return rng.sample(ids, min(len(ids), rng.randint(1, most))) if ids else []


def _feed_ids(db: Database) -> list[int]:
    return [int(r[0]) for r in db.execute("SELECT id FROM feeds").fetchall()]


def _in_use(db: Database) -> list[str]:
    return [tag.name for tag in list_tags(db)]


def _store(db: Database, rng: random.Random) -> None:
    feeds = _feed_ids(db)
    if len(feeds) < 2 or rng.random() < 0.1:
        feed = add_feed(db, f"https://www.aa.com.tr/tr/rss/default?cat=c{rng.randint(1, 10**6)}")
        feeds.append(feed.id)
    store_feed(db, rng.choice(feeds), ParsedFeed(entries=_entries(rng, rng.randint(1, 12))))


def _history(db: Database, rng: random.Random, rounds: int) -> None:
    """Stories stored, feeds tagged, stories tagged, read and hidden, ``rounds`` times."""
    for _ in range(rounds):
        _store(db, rng)
        _feed_tags(db, rng)
        tag_items(db, _ids(db, rng), [rng.choice(TAGS)])
        set_read(db, _ids(db, rng), True)
        set_hidden(db, _ids(db, rng, 2), True)


def _feed_tags(db: Database, rng: random.Random) -> None:
    feeds = _feed_ids(db)
    if feeds:
        set_feed_tags(db, rng.choice(feeds), rng.sample(TAGS, rng.randint(0, 2)))


def _remove_feed(db: Database, rng: random.Random) -> None:
    feeds = _feed_ids(db)
    if len(feeds) > 2:
        remove_feed(db, rng.choice(feeds))


def _merge(db: Database, rng: random.Random) -> None:
    names = _in_use(db)
    if names:
        merge_tags(db, rng.sample(names, min(2, len(names))), rng.choice(TAGS))


def _rename(db: Database, rng: random.Random) -> None:
    names = _in_use(db)
    if names:
        rename_tag(db, rng.choice(names), rng.choice(TAGS + ["yeni"]))


def _delete_tag(db: Database, rng: random.Random) -> None:
    names = _in_use(db)
    if names:
        delete_tag(db, rng.choice(names))


def _toggle_and_undo(db: Database, rng: random.Random) -> None:
    change = toggle_tag(db, _ids(db, rng), rng.choice(TAGS))
    if rng.random() < 0.5:
        undo_tag_change(db, change)


def _mark_and_undo(db: Database, rng: random.Random) -> None:
    change = mark_read(db, _ids(db, rng), rng.random() < 0.7)
    if rng.random() < 0.5:
        undo_read_change(db, change)


def _prune(db: Database, rng: random.Random) -> None:
    prune(db, max_stories=rng.randint(3, 20))


OPERATIONS = [
    (_store, 6),
    (lambda db, rng: set_read(db, _ids(db, rng), rng.random() < 0.6), 5),
    (lambda db, rng: set_hidden(db, _ids(db, rng, 3), rng.random() < 0.6), 3),
    (lambda db, rng: tag_items(db, _ids(db, rng), [rng.choice(TAGS)]), 4),
    (lambda db, rng: untag_items(db, _ids(db, rng), [rng.choice(TAGS)]), 3),
    (_feed_tags, 3),
    (_toggle_and_undo, 2),
    (_mark_and_undo, 2),
    (_remove_feed, 1),
    (_merge, 1),
    (_rename, 1),
    (_delete_tag, 1),
    (_prune, 1),
]


@pytest.mark.parametrize("seed", range(6))
def test_kept_counts_match_a_count_from_scratch(db: Database, seed: int) -> None:
    rng = random.Random(seed)
    operations = [op for op, weight in OPERATIONS for _ in range(weight)]
    done = []
    for step in range(120):
        operation = rng.choice(operations)
        operation(db, rng)
        done.append(getattr(operation, "__name__", "lambda"))
        assert kept_counts(db) == scratch_counts(db), f"seed {seed}, step {step}: {done[-5:]}"
    feeds = kept_counts(db)[0]
    assert any(total for _, total in feeds.values())  # the run did store stories


def test_an_import_keeps_the_counts(db: Database, tmp_path: Path) -> None:
    rng = random.Random(7)
    _history(db, rng, 8)
    out = io.StringIO()
    export_json(db, out)
    fresh = open_db(tmp_path / "fresh.db")
    restore_json(fresh, json.loads(out.getvalue()))
    assert kept_counts(fresh) == scratch_counts(fresh)
    assert kept_counts(fresh)[1] == kept_counts(db)[1]
    restore_json(db, json.loads(out.getvalue()))  # onto itself: nothing changes
    assert kept_counts(db) == scratch_counts(db)
    fresh.close()


def test_a_database_from_before_gets_its_counts(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_db(path)
    rng = random.Random(3)
    for _ in range(6):
        _store(db, rng)
        _feed_tags(db, rng)
        tag_items(db, _ids(db, rng), [rng.choice(TAGS)])
        set_read(db, _ids(db, rng), True)
    expected = scratch_counts(db)
    # As a database made before migrations 7 and 8 was: no kept counts (nor bits) at all.
    for prefix in ("counts_", "story_counts_", "bits_"):
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", [prefix + "%"]
        ).fetchall():
            db.execute(f"DROP TRIGGER {name}")
    for table in ("feed_counts", "tag_counts", "story_counts", "story_bits", "tag_bits"):
        db.execute(f"DROP TABLE {table}")
    db.execute("PRAGMA user_version = 6")
    db.close()
    db = open_db(path)
    assert kept_counts(db) == expected
    assert any(total for _, total in expected[0].values())
    db.close()

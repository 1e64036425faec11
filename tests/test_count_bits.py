"""A word's counts through the bits kept per chunk of stories (migration 10) stay exact.

The same random runs as tests/test_counts.py (read, hidden, feeds, tags, a feed's
tags, deletes, prune, merges), after each step: the bits equal bits made from
scratch, and the counts of searches with words, tags, dates and states equal a count
worked out in Python from the stories themselves.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from sqlite_utils import Database

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.interchange.backup import export_json
from store.interchange.restore import restore_json
from store.items import set_hidden, set_read
from store.model import Entry, ParsedFeed
from store.search.compiler import counts
from store.search.parser import relative_or_date
from store.tags import set_feed_tags, tag_items
from store.text import fold
from tests.test_counts import OPERATIONS, _history

# (query, the stories it keeps: (words matched, unread, tags, published_ts) -> bool)
SINCE = relative_or_date("since", "2026-11-03").timestamp()
QUERIES = [
    ("haber", lambda s: "haber" in s[0]),
    ("haber is:unread", lambda s: "haber" in s[0] and s[1]),
    ("haber is:read", lambda s: "haber" in s[0] and not s[1]),
    ("haber tag:spor", lambda s: "haber" in s[0] and "spor" in s[2]),
    ("haber -tag:spor is:unread", lambda s: "haber" in s[0] and "spor" not in s[2] and s[1]),
    ("7 OR 8 OR 9", lambda s: bool({"7", "8", "9"} & s[0])),
    ("haber since:2026-11-03", lambda s: "haber" in s[0] and s[3] >= SINCE),
    (
        "haber -since:2026-11-03 -tag:dünya",
        lambda s: "haber" in s[0] and s[3] < SINCE and "dunya" not in s[2],
    ),
    ("haber since:2020-01-01", lambda s: "haber" in s[0]),
    ("haber before:2020-01-01", lambda s: False),
    (
        "(7 OR haber) is:unread -tag:spor since:2020-01-01",
        lambda s: bool({"7", "haber"} & s[0]) and s[1] and "spor" not in s[2],
    ),
    ("haber (tag:ekonomi OR tag:okunacak)", lambda s: bool({"ekonomi", "okunacak"} & s[2])),
    # "spor" is also a tag: a word matched in the text or as a tag
    ("haber spor", lambda s: "haber" in s[0] and ("spor" in s[0] or "spor" in s[2])),
]

SCRATCH_BITS = """
    SELECT id >> 6, SUM((read = 0 AND hidden = 0) << (id & 63)), SUM((hidden != 0) << (id & 63))
    FROM items GROUP BY id >> 6
"""
SCRATCH_TAG_BITS = """
    SELECT (tag_id << 32) + (item_id >> 6), SUM(1 << (item_id & 63))
    FROM (SELECT tag_id, item_id FROM item_tags
          UNION SELECT ft.tag_id, f.item_id FROM feed_tags ft
          JOIN item_feeds f ON f.feed_id = ft.feed_id)
    GROUP BY 1
"""


def kept_bits(db: Database) -> tuple[set[tuple], set[tuple]]:
    """The bits kept, leaving out chunks with nothing set (deletes leave those)."""
    stories = db.execute("SELECT chunk, unread, hidden FROM story_bits WHERE unread OR hidden")
    tags = db.execute("SELECT key, bits FROM tag_bits WHERE bits != 0")
    return set(stories.fetchall()), set(tags.fetchall())


def scratch_bits(db: Database) -> tuple[set[tuple], set[tuple]]:
    stories = {row for row in db.execute(SCRATCH_BITS).fetchall() if row[1] or row[2]}
    return stories, set(db.execute(SCRATCH_TAG_BITS).fetchall())


def scratch_counts(db: Database) -> list[tuple[int, int]]:
    """Each query's (total, unread), from the stories' words, state, tags and dates."""
    words: dict[int, set[str]] = {}
    for story_id, title in db.execute("SELECT id, title FROM items").fetchall():
        words[story_id] = set(fold(title).split())
    tags: dict[int, set[str]] = {story_id: set() for story_id in words}
    for story_id, folded in db.execute(
        """SELECT g.item_id, t.folded FROM (SELECT tag_id, item_id FROM item_tags
           UNION SELECT ft.tag_id, f.item_id FROM feed_tags ft
           JOIN item_feeds f ON f.feed_id = ft.feed_id) AS g JOIN tags t ON t.id = g.tag_id"""
    ):
        tags[story_id].add(folded)
    shown = [
        (words[i], read == 0, tags[i], published)
        for i, read, published in db.execute(
            "SELECT id, read, published_ts FROM items WHERE hidden = 0"
        ).fetchall()
    ]
    out = []
    for _, keep in QUERIES:
        kept = [story for story in shown if keep(story)]
        out.append((len(kept), sum(story[1] for story in kept)))
    return out


def search_counts(db: Database) -> list[tuple[int, int]]:
    return [counts(db, query) for query, _ in QUERIES]


@pytest.mark.parametrize("seed", range(4))
def test_bits_and_word_counts_match_a_count_from_scratch(db: Database, seed: int) -> None:
    rng = random.Random(seed)
    operations = [op for op, weight in OPERATIONS for _ in range(weight)]
    done = []
    for step in range(100):
        operation = rng.choice(operations)
        operation(db, rng)
        done.append(getattr(operation, "__name__", "lambda"))
        where = f"seed {seed}, step {step}: {done[-5:]}"
        assert kept_bits(db) == scratch_bits(db), where
        assert search_counts(db) == scratch_counts(db), where
    assert any(total for total, _ in search_counts(db))  # the run did store stories


def test_ids_past_the_sign_bit_and_many_chunks(db: Database) -> None:
    """Bit 63 of a chunk (a negative integer in SQLite) counts like any other."""
    feed = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=guncel")
    set_feed_tags(db, feed.id, ["spor"])
    entries = [Entry(key=f"aa:{n}", title=f"Haber {n}", summary="Özet.") for n in range(300)]
    store_feed(db, feed.id, ParsedFeed(entries=entries))
    ids = [int(r[0]) for r in db.execute("SELECT id FROM items WHERE id & 63 IN (62, 63, 0)")]
    assert any(i & 63 == 63 for i in ids)
    set_read(db, ids[::2], True)
    set_hidden(db, ids[1::3], True)
    tag_items(db, ids[::3], ["ekonomi"])
    set_feed_tags(db, feed.id, [])
    assert kept_bits(db) == scratch_bits(db)
    assert search_counts(db) == scratch_counts(db)


def test_an_import_keeps_the_bits(db: Database, tmp_path: Path) -> None:
    rng = random.Random(11)
    _history(db, rng, 8)
    out = io.StringIO()
    export_json(db, out)
    fresh = open_db(tmp_path / "fresh.db")
    restore_json(fresh, json.loads(out.getvalue()))
    assert kept_bits(fresh) == scratch_bits(fresh)
    assert search_counts(fresh) == scratch_counts(fresh) == scratch_counts(db)
    fresh.close()


def test_a_database_from_before_gets_its_bits(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_db(path)
    rng = random.Random(5)
    _history(db, rng, 6)
    expected = scratch_counts(db)
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'bits_%'"
    ).fetchall():
        db.execute(f"DROP TRIGGER {name}")
    db.execute("DROP TABLE story_bits")
    db.execute("DROP TABLE tag_bits")
    db.execute("PRAGMA user_version = 9")  # as a database made before migration 10 was
    db.close()
    db = open_db(path)
    assert kept_bits(db) == scratch_bits(db)
    assert search_counts(db) == expected
    assert any(total for total, _ in expected)
    db.close()

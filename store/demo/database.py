"""The demo database: a few hundred AA-style dispatches, built fresh, no network.

The stories (``store.demo.stories``) are ours, not AA's. Everything goes through
``store.ingest.store_feed`` as a feed would send it, so revisions,
one-story-many-feeds and the FTS index are real.

``build_demo(path, now=...)`` is deterministic for a given ``now`` (snapshot
tests use ``FIXED_NOW``); ``demo_copy()`` builds one relative to the current time
in a new temporary directory, for ``aanews --demo``.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from store import clock
from store.aa.catalogue import lookup
from store.db import open_db, writing
from store.demo.stories import DAYS, FIXED_NOW, LANGUAGES, DemoStory, demo_data, demo_stories
from store.feeds import add_feed, record_failure
from store.ingest import store_feed
from store.interchange.opml import catalogue_title
from store.items import set_read, set_starred
from store.model import Entry, ParsedFeed
from store.search.saved import save_search
from store.tags import tag_items

# AA's stale all-news URL: it answers 404, so the sidebar has a feed in error.
STALE_FEED = "https://www.aa.com.tr/en/rss/default?cat=all"
SAVED_SEARCHES = {
    "Gaza, every language": "gaza OR gazze OR غزة OR газа",
    "Updated stories": "is:updated",
    "Markets today": "(borsa OR bourse OR stocks OR bolsa OR بورصة OR биржа) since:1d",
}


@contextmanager
def demo_database() -> Iterator[Path]:
    """A fresh demo database in a new temporary directory, removed on leaving the block."""
    folder = Path(tempfile.mkdtemp(prefix="aanews-demo-"))
    try:
        yield build_demo(folder / "demo.db")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def demo_copy() -> Path:
    """Build a fresh demo database in a new temporary directory and return its path.

    The copy is kept after the reader closes, so what you did in the demo can be
    looked at (``aanews --db PATH``); copies over a day old are cleared first
    (``remove_stale_demos``).
    """
    remove_stale_demos()
    folder = Path(tempfile.mkdtemp(prefix="aanews-demo-"))
    try:
        return build_demo(folder / "demo.db")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def remove_stale_demos(max_age_hours: float = 24.0) -> int:
    """Delete demo copies older than ``max_age_hours``; returns how many went."""
    cutoff = time.time() - max_age_hours * 3600
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob("aanews-demo-*"):
        try:
            stale = folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff
        except OSError:
            continue
        if stale and {p.name for p in folder.iterdir()} <= {
            "demo.db",
            "demo.db-wal",
            "demo.db-shm",
        }:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def fixture_db(path: str | Path) -> Path:
    """The demo database as of ``FIXED_NOW``: the same content every time."""
    return build_demo(path, now=FIXED_NOW)


def build_demo(path: str | Path, now: datetime | None = None) -> Path:
    """Write the demo stories into a new database at ``path``, as if fetched at ``now``."""
    now = (now or clock.now()).astimezone(UTC)
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; the demo is only built into a new file")
    stories = demo_stories(now)
    db = open_db(path)
    try:
        _store(db, stories, now)
    finally:
        db.close()
    return path


def _store(db: Database, stories: list[DemoStory], now: datetime) -> None:
    feed_ids = _subscribe(db, stories)
    by_feed: dict[int, list[Entry]] = {}
    for story in stories:
        for slug in story.feeds:
            by_feed.setdefault(feed_ids[(story.entry.lang or "", slug)], []).append(story.entry)
    for feed_id, entries in by_feed.items():
        entries.sort(key=lambda entry: entry.published or now, reverse=True)
        store_feed(db, feed_id, ParsedFeed(title="Anadolu Ajansı", entries=entries))
    ids = {key: item_id for item_id, key in db.execute("SELECT id, key FROM items")}
    rng = random.Random(7)
    for story in stories:
        item_id = ids[story.entry.key]
        age = now - (story.entry.published or now)
        # Older stories are mostly read, as in a reader used every day.
        if story.read or (not story.versions and age > timedelta(days=2) and rng.random() < 0.7):
            set_read(db, [item_id])
        if story.starred:
            set_starred(db, [item_id])
        if story.tags:
            tag_items(db, [item_id], story.tags)
    # Later versions arrive as later fetches: revisions and "updated" marks are real.
    for round_ in range(max(len(story.versions) for story in stories)):
        for story in stories:
            if round_ < len(story.versions):
                for slug in story.feeds:
                    feed_id = feed_ids[(story.entry.lang or "", slug)]
                    store_feed(db, feed_id, ParsedFeed(entries=[story.versions[round_]]))
    _tag_generated(db, rng)
    _save_searches(db)
    stale = add_feed(db, STALE_FEED, title="AA English · All news", lang="en", source="aa")
    record_failure(db, stale.id, "HTTP 404 Not Found", status=404)
    _pin_times(db, stories, ids, now)


def _subscribe(db: Database, stories: list[DemoStory]) -> dict[tuple[str, str], int]:
    """Subscribe to every catalogue feed the stories sit in, named as the catalogue names it."""
    feed_ids: dict[tuple[str, str], int] = {}
    for lang in LANGUAGES:
        for slug in demo_data(f"{lang}.toml")["feeds"]:
            entry = lookup(f"{lang}/{slug}")
            feed = add_feed(
                db,
                entry.url,
                title=catalogue_title(entry),
                lang=lang,
                category=slug,
                source="aa",
            )
            feed_ids[(lang, slug)] = feed.id
    missing = {(s.entry.lang, f) for s in stories for f in s.feeds} - set(feed_ids)
    if missing:
        raise ValueError(f"demo stories in feeds the banks do not list: {sorted(missing)}")
    return feed_ids


# What 1-9 toggle in the demo when the user's config names no quick_tags.
QUICK_TAGS = ("gaza", "piyasa", "afrique", "ekonomi", "spor")


def _tag_generated(db: Database, rng: random.Random) -> None:
    """A few stories tagged by hand, as a user would."""
    picks = {
        "piyasa": "lang = 'tr' AND title LIKE 'Borsa%'",
        "gaza": "lang = 'en' AND title LIKE '%Gaza%'",
        "afrique": "lang = 'fr' AND category = 'Afrique'",
    }
    for tag, where in picks.items():
        ids = [r[0] for r in db.execute(f"SELECT id FROM items WHERE {where} ORDER BY id")]
        tag_items(db, ids[-3:], [tag])
    starred = [r[0] for r in db.execute("SELECT id FROM items WHERE lang = 'fr' ORDER BY id")]
    set_starred(db, rng.sample(starred, 2))


def _save_searches(db: Database) -> None:
    for name, query in SAVED_SEARCHES.items():
        save_search(db, name, query)


def _pin_times(db: Database, stories: list[DemoStory], ids: dict[str, int], now: datetime) -> None:
    """Bookkeeping times as if fetched over the days, so a fixed ``now`` gives a fixed file."""
    fetched = clock.to_iso(now - timedelta(minutes=4))
    with writing(db):
        db.execute("UPDATE feeds SET created_at = ?", [clock.to_iso(now - timedelta(days=DAYS))])
        db.execute("UPDATE feeds SET last_fetched = ? WHERE last_error IS NULL", [fetched])
        db.execute(
            "UPDATE feeds SET last_fetched = ?, last_error_at = ? WHERE last_error IS NOT NULL",
            [clock.to_iso(now - timedelta(days=1)), fetched],
        )
        for story in stories:
            item_id = ids[story.entry.key]
            seen = clock.to_iso(story.entry.published)
            changed = [clock.to_iso(version.updated) for version in story.versions]
            db.execute(
                "UPDATE items SET first_seen = ?, last_seen = ?, changed_at = ? WHERE id = ?",
                [seen, fetched, changed[-1] if changed else None, item_id],
            )
            revision_ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM revisions WHERE item_id = ? ORDER BY id", [item_id]
                )
            ]
            for revision_id, seen_at in zip(revision_ids, changed, strict=False):
                db.execute("UPDATE revisions SET seen_at = ? WHERE id = ?", [seen_at, revision_id])

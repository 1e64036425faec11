"""The JSON backup: ``export --json`` writes everything, ``import`` puts it back.

A restore only ever adds: feeds not subscribed yet, stories not stored yet
(whole, with their earlier versions), and user state (read, starred, hidden,
tags) OR-ed into what is there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import IO, Any

from sqlite_utils import Database

from store import clock
from store.db import in_chunks, writing
from store.feeds import FeedError, add_feed, list_feeds, set_paused, set_settings
from store.ingest import feed_signature, scoped_key
from store.interchange.backup_format import write_document
from store.interchange.opml import ImportResult
from store.interchange.records import RecordError, StoryRecord, feed_record, story_record
from store.items import fetch_items
from store.model import Entry, FeedSettings, Revision
from store.search.saved import list_saved
from store.shapes import feed_json, story_detail_json
from store.tags import normalize_tag, tag_items, tag_names
from store.text import display_url, strip_controls

EXPORT_VERSION = 2


def export_json(db: Database, out: IO[str], page: int = 500) -> int:
    """Write everything to ``out``, a story at a time; returns how many stories.

    Feeds with their settings, every tag, the saved searches, and every story
    with its user state, earlier versions and page state (backup_format.py has
    the layout). Memory stays bounded: stories are read ``page`` at a time.
    """
    counted = [0]

    def stories() -> Iterator[dict[str, Any]]:
        for story in _stories(db, page):
            counted[0] += 1
            yield story

    header = {"aanews_export": EXPORT_VERSION, "exported_at": clock.now_iso()}
    write_document(
        out,
        header,
        [
            ("feeds", _feeds(db)),
            ("tags", ({"name": name} for name in sorted(tag_names(db).values()))),
            ("saved_searches", _saved(db)),
            ("items", stories()),
        ],
    )
    return counted[0]


def _feeds(db: Database) -> Iterator[dict[str, Any]]:
    for position, feed in enumerate(list_feeds(db), start=1):
        yield {**feed_json(feed), "site_url": feed.site_url, "source": feed.source,
               "position": position}  # fmt: skip


def _saved(db: Database) -> Iterator[dict[str, Any]]:
    for search in list_saved(db, counts=False):
        yield {"name": search.name, "query": search.query}


# Per story, beside what ``show --json`` prints: what the feed last sent (as a
# digest: a restored story the feed sends again unchanged is then not taken for
# an update) and what is known of its article page.
_STATE_COLUMNS = (
    "feed_sig",
    "last_seen",
    "changed_at",
    "page_sig",
    "page_fetched_at",
    "page_etag",
    "page_last_modified",
    "full_text_at",
    "full_text_error",
)


def _stories(db: Database, page: int) -> Iterator[dict[str, Any]]:
    last = 0
    columns = ", ".join(_STATE_COLUMNS)
    while True:
        rows = db.execute(
            f"SELECT id, {columns} FROM items WHERE id > ? ORDER BY id LIMIT ?", [last, page]
        ).fetchall()
        if not rows:
            return
        ids = [row[0] for row in rows]
        last = ids[-1]
        # Rows an older version stored uncleaned leave clean (strip_controls, as on read).
        state = {
            row[0]: dict(zip(_STATE_COLUMNS, map(_clean, row[1:]), strict=True)) for row in rows
        }
        earlier: dict[int, list[Revision]] = {}
        for chunk, marks in in_chunks(ids):
            for row in db.execute(
                "SELECT id, item_id, seen_at, title, summary, body, updated FROM revisions "
                f"WHERE item_id IN ({marks}) ORDER BY id",
                chunk,
            ):
                seen_at, title, summary, body = map(_clean, row[2:6])
                earlier.setdefault(row[1], []).append(
                    Revision(row[0], row[1], seen_at, title, summary, body, clock.from_iso(row[6]))
                )
        for item in fetch_items(db, ids, full=True):
            story = story_detail_json(item, earlier.get(item.id, []))
            story["key"] = item.key
            story["first_seen"] = item.first_seen
            story.update(state[item.id])
            yield story


def _clean(value: Any) -> Any:
    return strip_controls(value) if isinstance(value, str) else value


def restore_json(db: Database, exported: dict[str, Any]) -> ImportResult:
    """Put an ``export --json`` back, adding to what the database holds and taking nothing away.

    A story the database lacks comes back whole: text, earlier versions (with
    the dates they were seen), feeds, read/starred/hidden/updated and tags --
    also one no feed carries any more (kept starred or tagged after its feed
    went), under its exported key. A story already there keeps its text and
    versions; it only gains state: read and starred and hidden are OR-ed, tags
    joined. Every record is checked first (``store.interchange.records``): one
    with a bad field is skipped, and said. One transaction: a file that cannot
    be read leaves the database as it was.
    """
    result = ImportResult()
    with writing(db):
        feed_ids = _restore_feeds(db, _entries(exported, "feeds"), result)
        stored = dict(db.execute("SELECT key, id FROM items").fetchall())
        links: list[tuple[int, int]] = []
        merged: list[tuple[int, int, int, int]] = []
        tagged: dict[str, list[int]] = {}
        for number, raw in enumerate(_entries(exported, "items"), start=1):
            try:
                story = story_record(raw)
            except RecordError as error:
                result.skipped.append((f"story {_name(raw, 'key', number)}", str(error)))
                continue
            feeds = [feed_ids[f] for f in story.feeds if f in feed_ids]
            key = _restored_key(story.key, feeds, feed_ids)
            item_id = stored.get(key)
            if item_id is None:
                item_id = stored[key] = _insert_story(db, key, story)
            else:
                merged.append((story.read, story.starred, story.hidden, item_id))
            links += [(feed_id, item_id) for feed_id in feeds]
            for tag in story.tags:
                if normalize_tag(tag):
                    tagged.setdefault(tag, []).append(item_id)
            result.stories += 1
        db.conn.executemany(
            "INSERT OR IGNORE INTO item_feeds (feed_id, item_id) VALUES (?, ?)", links
        )
        # MAX: a restore may set read, starred or hidden, never clear them.
        db.conn.executemany(
            "UPDATE items SET read = MAX(read, ?), starred = MAX(starred, ?), "
            "hidden = MAX(hidden, ?) WHERE id = ?",
            merged,
        )
        for tag, item_ids in tagged.items():
            tag_items(db, item_ids, [tag])
    return result


def _entries(exported: dict[str, Any], name: str) -> list[Any]:
    """The export's list ``name`` (none when the file has something else there)."""
    records = exported.get(name)
    return records if isinstance(records, list) else []


def _name(raw: Any, field: str, number: int) -> str:
    """How to name a skipped record: its key or URL, else its place in the file."""
    value = raw.get(field) if isinstance(raw, dict) else None
    return display_url(value)[:80] if isinstance(value, str) and value else f"#{number}"


def _restore_feeds(db: Database, feeds: list[Any], result: ImportResult) -> dict[Any, int]:
    """Subscribe to the exported feeds not there yet; old feed id -> feed id here."""
    feed_ids: dict[Any, int] = {}
    known = {url: feed_id for feed_id, url in db.execute("SELECT id, url FROM feeds")}
    for number, raw in enumerate(feeds, start=1):
        try:
            old = feed_record(raw)
        except RecordError as error:
            result.skipped.append((f"feed {_name(raw, 'url', number)}", str(error)))
            continue
        if old.url in known:
            result.existing += 1
            feed_ids[old.old_id] = known[old.url]
            continue
        try:
            feed = add_feed(
                db,
                old.url,
                title=old.title,
                lang=old.lang,
                category=old.category,
                source=old.source,
                tags=old.tags,
                folder=old.folder,
            )
            _restore_settings(db, feed.id, raw)
        except FeedError:
            result.skipped.append((display_url(old.url), "not http(s)"))
            continue
        known[old.url] = feed_ids[old.old_id] = feed.id
        result.added.append(feed.id)
    return feed_ids


def _restore_settings(db: Database, feed_id: int, old: dict[str, Any]) -> None:
    """A restored feed keeps its pause and its own settings (values of the wrong kind are left)."""
    settings = old.get("settings") if isinstance(old.get("settings"), dict) else {}
    assert isinstance(settings, dict)

    def number(name: str) -> float | None:
        value = settings.get(name)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
        ok = ok and math.isfinite(value) and value < 1e9  # inf or 1e300 would never come due
        return value if ok else None

    full_text = settings.get("full_text")
    stories = number("max_stories")
    set_settings(
        db,
        feed_id,
        FeedSettings(
            refresh_minutes=number("refresh_minutes"),
            full_text=full_text if isinstance(full_text, bool) else None,
            max_stories=int(stories) if stories else None,
            max_age_days=number("max_age_days"),
        ),
    )
    set_paused(db, feed_id, old.get("paused") is True)


def _restored_key(key: str, feeds: list[int], feed_ids: dict[Any, int]) -> str:
    """The story's key here: a feed-scoped key is scoped again to its feed's new id.

    A story no restored feed carries keeps the key it was exported with.
    """
    if not feeds:
        return key
    old_scope = re.match(r"^(\d+)/", key)
    feed_id = feed_ids.get(int(old_scope[1]), feeds[0]) if old_scope else feeds[0]
    return scoped_key(feed_id, _unscoped(key))


def _unscoped(key: str) -> str:
    """'12/guid:x' -> 'guid:x': feed-scoped keys are scoped again to the new feed id."""
    return re.sub(r"^\d+/", "", key)


def _insert_story(db: Database, key: str, story: StoryRecord) -> int:
    """Store a story the database lacks, as exported: its versions, dates and state."""
    now = clock.now_iso()
    sig = story.feed_sig or feed_signature(
        Entry(
            key=key,
            title=story.title,
            summary=story.summary,
            body=story.body,
            updated=story.updated,
        )
    )
    item_id = db.execute(
        "INSERT INTO items (key, guid, link, title, summary, body, published, published_ts, "
        "updated, lang, image, dateline, location, category, authors, flags, keywords, "
        "feed_sig, first_seen, last_seen, read, starred, is_updated, hidden) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            key,
            story.guid,
            story.link,
            story.title,
            story.summary,
            story.body,
            clock.to_iso(story.published),
            (story.published or story.first_seen or clock.now()).timestamp(),
            clock.to_iso(story.updated),
            story.lang,
            story.image,
            story.dateline,
            story.location,
            story.category,
            story.lines_json("authors"),
            story.lines_json("flags"),
            story.lines_json("keywords"),
            sig,
            clock.to_iso(story.first_seen) or now,
            now,
            int(story.read),
            int(story.starred),
            int(story.is_updated),
            int(story.hidden),
        ],
    ).lastrowid
    db.conn.executemany(
        "INSERT INTO revisions (item_id, seen_at, title, summary, body, updated) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(item_id, v.seen_at, v.title, v.summary, v.body, v.updated) for v in story.revisions],
    )
    return int(item_id or 0)

"""The JSON backup: ``export --json`` writes everything, ``import`` puts it back.

A restore only ever adds: feeds not subscribed yet, stories not stored yet
(whole, with their earlier versions), and user state (read, starred, hidden,
tags) OR-ed into what is there.
"""

from __future__ import annotations

import json
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
from store.items import fetch_items
from store.model import Entry, FeedSettings, Revision
from store.search.saved import list_saved
from store.shapes import feed_json, story_detail_json
from store.tags import normalize_tag, tag_items, tag_names
from store.text import clean_line, strip_controls

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
        state = {row[0]: dict(zip(_STATE_COLUMNS, row[1:], strict=True)) for row in rows}
        earlier: dict[int, list[Revision]] = {}
        for chunk, marks in in_chunks(ids):
            for row in db.execute(
                "SELECT id, item_id, seen_at, title, summary, body, updated FROM revisions "
                f"WHERE item_id IN ({marks}) ORDER BY id",
                chunk,
            ):
                earlier.setdefault(row[1], []).append(
                    Revision(row[0], row[1], row[2], row[3], row[4], row[5], clock.from_iso(row[6]))
                )
        for item in fetch_items(db, ids, full=True):
            story = story_detail_json(item, earlier.get(item.id, []))
            story["key"] = item.key
            story["first_seen"] = item.first_seen
            story.update(state[item.id])
            yield story


def restore_json(db: Database, exported: dict[str, Any]) -> ImportResult:
    """Put an ``export --json`` back, adding to what the database holds and taking nothing away.

    A story the database lacks comes back whole: text, earlier versions (with
    the dates they were seen), feeds, read/starred/hidden/updated and tags --
    also one no feed carries any more (kept starred or tagged after its feed
    went), under its exported key. A story already there keeps its text and
    versions; it only gains state: read and starred and hidden are OR-ed, tags
    joined. One transaction: a bad file leaves the database as it was.
    """
    result = ImportResult()
    with writing(db):
        feed_ids = _restore_feeds(db, _records(exported, "feeds", "url"), result)
        stored = dict(db.execute("SELECT key, id FROM items").fetchall())
        links: list[tuple[int, int]] = []
        merged: list[tuple[int, int, int, int]] = []
        tagged: dict[str, list[int]] = {}
        for story in _records(exported, "items", "key"):
            feeds = [
                feed_ids[f] for f in _list(story, "feeds") if isinstance(f, int) and f in feed_ids
            ]
            key = _restored_key(str(story["key"]), feeds, feed_ids)
            item_id = stored.get(key)
            if item_id is None:
                item_id = stored[key] = _insert_story(db, key, story)
            else:
                merged.append(
                    (_flag(story, "read"), _flag(story, "starred"), _flag(story, "hidden"), item_id)
                )
            links += [(feed_id, item_id) for feed_id in feeds]
            for tag in _list(story, "tags"):
                if normalize_tag(str(tag)):
                    tagged.setdefault(str(tag), []).append(item_id)
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


def _records(exported: dict[str, Any], name: str, needed: str) -> list[dict[str, Any]]:
    """The export's list ``name``, leaving out anything without its ``needed`` field."""
    records = exported.get(name)
    if not isinstance(records, list):
        return []
    return [r for r in records if isinstance(r, dict) and isinstance(r.get(needed), str)]


def _list(record: dict[str, Any], name: str) -> list[Any]:
    """A list field of a record, or none when the file has something else there."""
    value = record.get(name)
    return value if isinstance(value, list) else []


def _restore_feeds(
    db: Database, feeds: list[dict[str, Any]], result: ImportResult
) -> dict[Any, int]:
    """Subscribe to the exported feeds not there yet; old feed id -> feed id here."""
    feed_ids: dict[Any, int] = {}
    known = {url: feed_id for feed_id, url in db.execute("SELECT id, url FROM feeds")}
    for old in feeds:
        url = clean_line(str(old.get("url", "")))
        if url in known:
            result.existing += 1
            feed_ids[old.get("id")] = known[url]
            continue
        try:
            feed = add_feed(
                db,
                url,
                title=old.get("title") or None,
                lang=old.get("lang"),
                category=old.get("category"),
                source=old.get("source"),
                tags=[str(tag) for tag in _list(old, "tags")],
                folder=str(old.get("folder") or ""),
            )
            _restore_settings(db, feed.id, old)
        except FeedError:
            result.skipped.append((url, "not http(s)"))
            continue
        known[url] = feed_ids[old.get("id")] = feed.id
        result.added.append(feed.id)
    return feed_ids


def _restore_settings(db: Database, feed_id: int, old: dict[str, Any]) -> None:
    """A restored feed keeps its pause and its own settings (values of the wrong kind are left)."""
    settings = old.get("settings") if isinstance(old.get("settings"), dict) else {}
    assert isinstance(settings, dict)

    def number(name: str) -> float | None:
        value = settings.get(name)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
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


def _flag(story: dict[str, Any], name: str) -> int:
    return int(bool(story.get(name)))


def _insert_story(db: Database, key: str, story: dict[str, Any]) -> int:
    """Store a story the database lacks, as exported: its versions, dates and state."""
    title, summary, body = _text(story)
    published = clock.from_iso(story.get("published"))
    first_seen = clock.from_iso(story.get("first_seen"))
    now = clock.now_iso()
    sig = story.get("feed_sig") or feed_signature(
        Entry(
            key=key,
            title=title,
            summary=summary,
            body=body,
            updated=clock.from_iso(story.get("updated")),
        )
    )
    item_id = db.execute(
        "INSERT INTO items (key, guid, link, title, summary, body, published, published_ts, "
        "updated, lang, image, dateline, location, category, authors, flags, keywords, "
        "feed_sig, first_seen, last_seen, read, starred, is_updated, hidden) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            key,
            _optional_line(story.get("guid")),
            _optional_line(story.get("link")),
            title,
            summary,
            body,
            clock.to_iso(published),
            (published or first_seen or clock.now()).timestamp(),
            clock.to_iso(clock.from_iso(story.get("updated"))),
            _optional_line(story.get("lang")),
            _optional_line(story.get("image")),
            _optional_line(story.get("dateline")),
            _optional_line(story.get("location")),
            _optional_line(story.get("category")),
            _line_list(story.get("authors")),
            _line_list(story.get("flags")),
            _line_list(story.get("keywords")),
            sig,
            clock.to_iso(first_seen) or now,
            now,
            _flag(story, "read"),
            _flag(story, "starred"),
            _flag(story, "is_updated"),
            _flag(story, "hidden"),
        ],
    ).lastrowid
    db.conn.executemany(
        "INSERT INTO revisions (item_id, seen_at, title, summary, body, updated) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                item_id,
                str(version.get("seen_at") or now),
                *_text(version),
                clock.to_iso(clock.from_iso(version.get("updated"))),
            )
            for version in _list(story, "revisions")
            if isinstance(version, dict)
        ],
    )
    return int(item_id or 0)


def _text(version: dict[str, Any]) -> tuple[str, str, str]:
    """Title, lead and body of one version, with no control characters (the file is input)."""
    return (
        clean_line(str(version.get("title") or "")),
        strip_controls(str(version.get("summary") or "")),
        strip_controls(str(version.get("body") or "")),
    )


def _optional_line(value: Any) -> str | None:
    return clean_line(str(value)) or None if value is not None else None


def _line_list(values: Any) -> str:
    """A JSON list of clean lines, as the items table keeps authors, flags and keywords."""
    lines = [clean_line(str(value)) for value in values or []]
    return json.dumps([line for line in lines if line], ensure_ascii=False)

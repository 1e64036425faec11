"""Putting an ``export --json`` back: ``import`` of a backup file.

A restore only ever adds: feeds not subscribed yet, stories not stored yet
(whole, with their earlier versions), and user state (read, starred, hidden,
tags) OR-ed into what is there. Records come one at a time and are committed in
batches, so another aanews gets its turn; a bad record is skipped with a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from store import clock
from store.db import in_chunks, writing
from store.feeds import FeedError, add_feed, find_feed, set_paused, set_settings, setting_error
from store.ingest import feed_signature, scoped_key
from store.interchange.backup import STATE_COLUMNS
from store.interchange.backup_format import records_of
from store.interchange.opml import ImportResult
from store.interchange.records import RecordError, StoryRecord, feed_record, line, story_record
from store.model import Entry, FeedSettings
from store.search.compiler import QueryError
from store.search.lexer import feed_numbers
from store.search.saved import SavedSearchError, list_saved, save_search
from store.tags import ensure_tag, normalize_tag, tag_items
from store.text import display_url

IMPORT_BATCH = 1000


def restore_json(db: Database, exported: dict[str, Any]) -> ImportResult:
    """Put back an export already read into memory (see ``restore_records``)."""
    return restore_records(db, records_of(exported)[1])


def restore_records(
    db: Database, records: Iterable[tuple[str, Any]], batch: int = IMPORT_BATCH
) -> ImportResult:
    """Add an export's records to what the database holds, taking nothing away.

    A story the database lacks comes back whole: text, earlier versions (with
    the dates they were seen), feeds, read/starred/hidden/updated, tags and
    what is known of its page -- also one no feed carries any more (kept
    starred or tagged after its feed went), under its exported key. A story
    already there keeps its text and versions; it only gains state: read and
    starred and hidden are OR-ed, tags joined. Feeds come back with their
    settings, then tags and saved searches not there yet. Every record is
    checked first (``store.interchange.records``): one with a bad field is
    skipped, and said. Stories are committed ``batch`` at a time, each batch
    whole or not at all: records read a line at a time
    (``backup_format.read_document``) keep memory bounded, and a file that
    breaks off (BackupFormatError) leaves what came before stored; importing
    the whole file again completes it.
    """
    result = ImportResult()
    feeds: list[Any] = []
    feed_ids: dict[Any, int] | None = None
    stories: list[tuple[int, Any]] = []
    others: list[tuple[str, dict[str, Any]]] = []
    number = 0
    for section, record in records:
        if section == "feeds":
            feeds.append(record)
            continue
        if feed_ids is None:
            with writing(db):
                feed_ids = _restore_feeds(db, feeds, result)
        if section == "items":
            number += 1
            stories.append((number, record))
            if len(stories) >= batch:
                _restore_stories(db, stories, feed_ids, result)
                stories = []
        elif section in ("tags", "saved_searches") and isinstance(record, dict):
            others.append((section, record))
    if feed_ids is None:
        with writing(db):
            feed_ids = _restore_feeds(db, feeds, result)
    if stories:
        _restore_stories(db, stories, feed_ids, result)
    _restore_names(db, others, feed_ids, result)
    return result


def _restore_stories(
    db: Database, stories: list[tuple[int, Any]], feed_ids: dict[Any, int], result: ImportResult
) -> None:
    """One batch of stories, in one transaction."""
    with writing(db):
        keyed: list[tuple[str, list[int], StoryRecord, dict[str, Any]]] = []
        for number, raw in stories:
            try:
                story = story_record(raw)
            except RecordError as error:
                result.skipped.append((f"story {_name(raw, 'key', number)}", str(error)))
                continue
            feeds = [feed_ids[f] for f in story.feeds if f in feed_ids]
            keyed.append((_restored_key(story.key, feeds, feed_ids), feeds, story, raw))
        stored: dict[str, int] = {}
        for chunk, marks in in_chunks(list({key for key, *_ in keyed})):
            stored.update(db.execute(f"SELECT key, id FROM items WHERE key IN ({marks})", chunk))
        links: list[tuple[int, int]] = []
        merged: list[tuple[int, int, int, int]] = []
        tagged: dict[str, list[int]] = {}
        for key, feeds, story, raw in keyed:
            item_id = stored.get(key)
            if item_id is None:
                item_id = stored[key] = _insert_story(db, key, story)
                _restore_page_state(db, item_id, raw)
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


# The page state an export carries per story (beside feed_sig, which the INSERT takes).
_PAGE_COLUMNS = STATE_COLUMNS[2:]


def _restore_page_state(db: Database, item_id: int, raw: dict[str, Any]) -> None:
    """What was known of a restored story's page: no needless re-read, the same validators."""
    try:
        values = [line(raw, name) for name in _PAGE_COLUMNS]
    except RecordError:
        return  # the story stands; its page is read again
    if not any(values):
        return
    assignments = ", ".join(f"{name} = ?" for name in _PAGE_COLUMNS)
    db.execute(f"UPDATE items SET {assignments} WHERE id = ?", [*values, item_id])


def _restore_names(
    db: Database,
    records: list[tuple[str, dict[str, Any]]],
    feed_ids: dict[Any, int],
    result: ImportResult,
) -> None:
    """Tags and saved searches the database lacks (one there by that name stays as it is);
    a saved search's ``feed:N`` names its feed by the id it has here."""
    with writing(db):
        have = {search.name for search in list_saved(db, counts=False)}
        for section, record in records:
            try:
                name, query = line(record, "name"), line(record, "query")
            except RecordError as error:
                result.skipped.append((section.replace("_", " ").rstrip("s"), str(error)))
                continue
            if not name:
                continue
            if section == "tags":
                if normalize_tag(name):
                    ensure_tag(db, name)
            elif query and name not in have:
                try:
                    save_search(db, name, _renumbered(query, feed_ids))
                except (QueryError, SavedSearchError) as error:
                    result.skipped.append((f"saved search {name!r}", str(error)))


def _renumbered(query: str, feed_ids: dict[Any, int]) -> str:
    """``query`` with each ``feed:N`` (N the backup's id) naming that feed's id here, or
    ``feed:0``, no feed, for one the backup does not hold (a feed removed before the
    export named none there either): a feed's number never comes to mean another feed."""
    for start, end, number in reversed(feed_numbers(query)):
        query = f"{query[:start]}{feed_ids.get(number, 0)}{query[end:]}"
    return query


def _name(raw: Any, field: str, number: int) -> str:
    """How to name a skipped record: its key or URL, else its place in the file."""
    value = raw.get(field) if isinstance(raw, dict) else None
    return display_url(value)[:80] if isinstance(value, str) and value else f"#{number}"


def _restore_feeds(db: Database, feeds: list[Any], result: ImportResult) -> dict[Any, int]:
    """Subscribe to the exported feeds not there yet; old feed id -> feed id here."""
    feed_ids: dict[Any, int] = {}
    for number, raw in enumerate(feeds, start=1):
        try:
            old = feed_record(raw)
        except RecordError as error:
            result.skipped.append((f"feed {_name(raw, 'url', number)}", str(error)))
            continue
        known = find_feed(db, old.url)  # its scheme and host in any case; one named twice
        if known is not None:
            result.existing += 1
            feed_ids[old.old_id] = known.id
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
        feed_ids[old.old_id] = feed.id
        result.added.append(feed.id)
    return feed_ids


def _restore_settings(db: Database, feed_id: int, old: dict[str, Any]) -> None:
    """A restored feed keeps its pause and its own settings (values of the wrong kind are left)."""
    settings = old.get("settings") if isinstance(old.get("settings"), dict) else {}
    assert isinstance(settings, dict)

    def number(name: str) -> float | None:
        value = settings.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        # inf or 1e300 would never come due: a value feeds set refuses is left
        return value if setting_error(name, value) is None else None

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
    columns = _story_columns(key, story, sig, now)
    item_id = db.execute(
        f"INSERT INTO items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        list(columns.values()),
    ).lastrowid
    db.conn.executemany(
        "INSERT INTO revisions (item_id, seen_at, title, summary, body, updated) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(item_id, v.seen_at, v.title, v.summary, v.body, v.updated) for v in story.revisions],
    )
    return int(item_id or 0)


def _story_columns(key: str, story: StoryRecord, sig: str, now: str) -> dict[str, object]:
    """A restored story's row in ``items``, column by column."""
    return {
        "key": key,
        "guid": story.guid,
        "link": story.link,
        "title": story.title,
        "summary": story.summary,
        "body": story.body,
        "published": clock.to_iso(story.published),
        "published_ts": (story.published or story.first_seen or clock.now()).timestamp(),
        "updated": clock.to_iso(story.updated),
        "lang": story.lang,
        "image": story.image,
        "dateline": story.dateline,
        "location": story.location,
        "category": story.category,
        "authors": story.lines_json("authors"),
        "flags": story.lines_json("flags"),
        "keywords": story.lines_json("keywords"),
        "feed_sig": sig,
        "first_seen": clock.to_iso(story.first_seen) or now,
        "last_seen": now,
        "read": int(story.read),
        "starred": int(story.starred),
        "is_updated": int(story.is_updated),
        "hidden": int(story.hidden),
    }

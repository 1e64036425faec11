"""Parsed feeds into the database: one transaction per feed.

A kill in the middle of a refresh leaves each feed all-old or all-new. A story
already stored is matched by its key; when the feed sends it differently and
its title, lead, body or update stamp really differ from what is stored, the
version it had goes into ``revisions`` and the story is marked updated
(``revise_item``, shared with the article pages). An empty field never blanks
stored text, and a feed still serving an earlier version (one in
``revisions``) is ignored. Ingestion never writes user state: read, starred
and tags are left alone.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from store import clock
from store.db import as_database, connection_of, in_chunks, writing
from store.model import Entry, ParsedFeed

if TYPE_CHECKING:
    from sqlite_utils import Database

# AA stories carry one numeric id across every AA feed; other keys are only
# unique within the feed that sent them.
GLOBAL_KEY_PREFIXES = ("aa:",)


@dataclass
class IngestResult:
    """What one feed refresh changed."""

    new: int = 0
    updated: int = 0
    seen: int = 0
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)


def scoped_key(feed_id: int, key: str) -> str:
    """The key as stored: AA ids are global, anything else belongs to its feed."""
    return key if key.startswith(GLOBAL_KEY_PREFIXES) else f"{feed_id}/{key}"


def story_signature(title: str, lead: str, body: str, updated: str | None) -> str:
    """A digest of one version of a story, to notice when it comes back changed."""
    text = "\x1f".join([title, lead, body, updated or ""])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def feed_signature(entry: Entry) -> str:
    """What the feed says about a story, as a signature."""
    return story_signature(entry.title, entry.summary, entry.body, clock.to_iso(entry.updated))


NewItemsHook = Callable[["Database", list[int]], None]


def store_feed(
    db: Database | sqlite3.Connection,
    feed_id: int,
    parsed: ParsedFeed,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    content_hash: str | None = None,
    status: int | None = 200,
    on_new_items: NewItemsHook | None = None,
) -> IngestResult:
    """Store every entry of one feed document and the feed's new fetch state.

    ``on_new_items`` runs inside the same transaction with the ids of the
    stories first seen now (tag rules hook in here).
    """
    now = clock.now_iso()
    result = IngestResult()
    entries: dict[str, Entry] = {}
    for entry in parsed.entries:
        entries.setdefault(scoped_key(feed_id, entry.key), entry)
    with writing(db):
        existing, linked = _stored_versions(db, feed_id, list(entries))
        sigs = {key: feed_signature(entry) for key, entry in entries.items()}
        fresh = _insert_many(
            db,
            [(key, entry, sigs[key]) for key, entry in entries.items() if key not in existing],
            now,
        )
        links: list[tuple[int, int]] = []
        again: list[int] = []  # stories stored before, to mark seen now
        for key, entry in entries.items():
            if key in fresh:
                item_id = fresh[key]
                result.new += 1
                result.new_ids.append(item_id)
            else:
                item_id, old_sig = existing[key]
                # Revisions are only looked at when the feed's version changed: cheap.
                if old_sig != sigs[key] and _takes_new_version(db, item_id, entry, sigs[key], now):
                    result.updated += 1
                    result.updated_ids.append(item_id)
                else:
                    result.seen += 1
                again.append(item_id)
            if item_id not in linked:
                links.append((feed_id, item_id))
            result.item_ids.append(item_id)
        connection_of(db).executemany(
            "INSERT OR IGNORE INTO item_feeds (feed_id, item_id) VALUES (?, ?)", links
        )
        # Only the stories this document carries: a feed's old stories were not seen now.
        for ids, marks in in_chunks(again):
            db.execute(f"UPDATE items SET last_seen = ? WHERE id IN ({marks})", [now, *ids])
        _record_fetch(db, feed_id, parsed, (etag, last_modified, content_hash), status, now)
        if on_new_items is not None and result.new_ids:
            on_new_items(
                as_database(db) if isinstance(db, sqlite3.Connection) else db, result.new_ids
            )
    return result


def _stored_versions(
    db: Database | sqlite3.Connection, feed_id: int, keys: list[str]
) -> tuple[dict[str, tuple[int, str | None]], set[int]]:
    """Stories already stored under ``keys`` (key -> id, feed signature), and the ids
    this feed already carries (no ``item_feeds`` write for those)."""
    existing: dict[str, tuple[int, str | None]] = {}
    linked: set[int] = set()
    for chunk, marks in in_chunks(keys):
        for item_id, key, sig, in_feed in db.execute(
            "SELECT i.id, i.key, i.feed_sig, f.item_id IS NOT NULL FROM items i "
            "LEFT JOIN item_feeds f ON f.feed_id = ? AND f.item_id = i.id "
            f"WHERE i.key IN ({marks})",
            [feed_id, *chunk],
        ):
            existing[key] = (item_id, sig)
            if in_feed:
                linked.add(item_id)
    return existing, linked


def _takes_new_version(
    db: Database | sqlite3.Connection, item_id: int, entry: Entry, sig: str, now: str
) -> bool:
    """Whether the feed's changed copy becomes the story's new version (not a stale one)."""
    if _repeats_an_older_version(db, item_id, entry):
        return False
    return _take_feed_version(db, item_id, entry, sig, now)


def _record_fetch(
    db: Database | sqlite3.Connection,
    feed_id: int,
    parsed: ParsedFeed,
    validators: tuple[str | None, str | None, str | None],
    status: int | None,
    now: str,
) -> None:
    """The feed's state after a good fetch: its title and link, validators, no error (but
    a document cut short says so, and keeps no validators)."""
    # A document cut short is not the feed's: asked for again next time, not "unchanged".
    etag, last_modified, content_hash = (None, None, None) if parsed.error else validators
    db.execute(
        # A channel without a title keeps the one it had.
        "UPDATE feeds SET feed_title = COALESCE(NULLIF(?, ''), feed_title), "
        "site_url = COALESCE(?, site_url), lang = COALESCE(lang, ?), etag = ?, "
        "last_modified = ?, content_hash = ?, "
        "last_fetched = ?, last_status = ?, last_error = ?, last_error_at = ?, "
        "failures = 0, retry_after = NULL WHERE id = ?",
        [
            parsed.title,
            parsed.link,
            parsed.lang,
            etag,
            last_modified,
            content_hash,
            now,
            status,
            parsed.error,  # a document cut short, read as far as it goes: the feed says so
            now if parsed.error else None,
            feed_id,
        ],
    )


_INSERT_COLUMNS = (
    "key, guid, link, title, summary, body, published, published_ts, updated, lang, image, "
    "dateline, location, category, authors, flags, keywords, feed_sig, first_seen, last_seen"
)
# Rows per INSERT: 20 parameters each stays well under SQLite's 32766.
_INSERT_ROWS = 400


def _insert_many(
    db: Database | sqlite3.Connection, rows: list[tuple[str, Entry, str]], now: str
) -> dict[str, int]:
    """Insert new stories, many per statement; returns their ids by key.

    One statement per batch, not one per story: the FTS trigger then runs inside
    a single statement, and FTS5 flushes its index once per statement rather than
    once per story (3x faster ingestion, bench/refresh.md).
    """
    ids: dict[str, int] = {}
    for start in range(0, len(rows), _INSERT_ROWS):
        chunk = rows[start : start + _INSERT_ROWS]
        values = ", ".join(["(" + ", ".join("?" * 20) + ")"] * len(chunk))
        params = [value for key, entry, sig in chunk for value in _row(key, entry, sig, now)]
        for item_id, key in db.execute(
            f"INSERT INTO items ({_INSERT_COLUMNS}) VALUES {values} RETURNING id, key", params
        ).fetchall():
            ids[key] = int(item_id)
    return ids


def _json_list(values: list[str]) -> str:
    # Most stories have no authors or keywords: skip the encoder for those.
    return json.dumps(values, ensure_ascii=False) if values else "[]"


def _row(key: str, entry: Entry, sig: str, now: str) -> list[object]:
    published_ts = (entry.published or clock.now()).timestamp()
    return [
        key,
        entry.guid,
        entry.link,
        entry.title,
        entry.summary,
        entry.body,
        clock.to_iso(entry.published),
        published_ts,
        clock.to_iso(entry.updated),
        entry.lang,
        entry.image,
        entry.dateline,
        entry.location,
        entry.category,
        _json_list(entry.authors),
        json.dumps(entry.flags) if entry.flags else "[]",
        _json_list(entry.keywords),
        sig,
        now,
        now,
    ]


def save_revision(db: Database | sqlite3.Connection, item_id: int, now: str) -> None:
    """Keep the version a story has now, before it is overwritten."""
    db.execute(
        "INSERT INTO revisions (item_id, seen_at, title, summary, body, updated) "
        "SELECT id, ?, title, summary, body, updated FROM items WHERE id = ?",
        [now, item_id],
    )


def revise_item(
    db: Database | sqlite3.Connection,
    item_id: int,
    *,
    title: str | None = None,
    summary: str | None = None,
    body: str | None = None,
    updated: str | None = None,
    now: str,
    since: str | None = None,
) -> bool:
    """Give a story a new title, lead, body or update stamp; True when its text changed.

    Only the fields given are compared and written, and an empty one never
    replaces stored text. When one really differs, the current version goes
    into ``revisions`` and the story is marked updated; but when the story's
    last revision was made at or after ``since`` (the same fetch run), the
    current version is only completed: one change seen by the feed and then the
    page is one revision. The feed (store_feed) and the page (store.pages.fulltext)
    both revise through here.
    """
    with writing(db):
        return _revise(db, item_id, title, summary, body, updated, now=now, since=since)


def _revise(
    db: Database | sqlite3.Connection,
    item_id: int,
    title: str | None,
    summary: str | None,
    body: str | None,
    updated: str | None,
    *,
    now: str,
    since: str | None,
) -> bool:
    row = db.execute(
        "SELECT title, summary, body, updated, changed_at FROM items WHERE id = ?", [item_id]
    ).fetchone()
    if row is None:
        return False
    stored_title, stored_summary, stored_body, stored_updated, changed_at = row
    changes: dict[str, str] = {}
    for name, new, old in (
        ("title", title, stored_title),
        ("summary", summary, stored_summary),
        ("body", body, stored_body),
    ):
        if new and new != old:
            changes[name] = new
    if updated and not _same_moment(updated, stored_updated):
        changes["updated"] = updated
    if not changes:
        return False
    if not _revised_since(changed_at, since):
        save_revision(db, item_id, now)
    assignments = ", ".join(f"{name} = ?" for name in changes)
    db.execute(
        f"UPDATE items SET {assignments}, is_updated = 1, changed_at = ? WHERE id = ?",
        [*changes.values(), now, item_id],
    )
    return True


def _same_moment(new: str, old: str | None) -> bool:
    """Two stored stamps for the same instant (offsets may differ) are one stamp."""
    if new == old:
        return True
    new_time, old_time = clock.from_iso(new), clock.from_iso(old)
    return new_time is not None and new_time == old_time


def _revised_since(changed_at: str | None, since: str | None) -> bool:
    changed, start = clock.from_iso(changed_at), clock.from_iso(since)
    return changed is not None and start is not None and changed >= start


def _take_feed_version(
    db: Database | sqlite3.Connection, item_id: int, entry: Entry, sig: str, now: str
) -> bool:
    """The feed sends a story differently now; True when its text changed."""
    changed = revise_item(
        db,
        item_id,
        title=entry.title,
        summary=entry.summary,
        body=entry.body,
        updated=clock.to_iso(entry.updated),
        now=now,
    )
    # The flags travel with the title: an entry without a title leaves them.
    flags = json.dumps(entry.flags) if entry.title else None
    db.execute(
        "UPDATE items SET flags = COALESCE(?, flags), feed_sig = ?, image = COALESCE(?, image), "
        "link = COALESCE(link, ?) WHERE id = ?",
        [flags, sig, entry.image, entry.link, item_id],
    )
    return changed


def _repeats_an_older_version(
    db: Database | sqlite3.Connection, item_id: int, entry: Entry
) -> bool:
    """The entry is a version the story had before: a feed still serving a stale copy.

    An entry stamped later than the stored version is new, whatever it says.
    """
    fields = [(name, value) for name, value in _feed_fields(entry) if value]
    if not fields:
        return False
    row = db.execute(
        "SELECT title, summary, body, updated FROM items WHERE id = ?", [item_id]
    ).fetchone()
    current = dict(zip(("title", "summary", "body", "updated"), row, strict=True))
    if all(current[name] == value for name, value in fields):
        return False  # the story says this now: nothing stale about it
    if entry.updated is not None:
        stored = clock.from_iso(current["updated"])
        if stored is None or entry.updated > stored:
            return False
    where = " AND ".join(f"{name} = ?" for name, _ in fields)
    return (
        db.execute(
            f"SELECT 1 FROM revisions WHERE item_id = ? AND {where} LIMIT 1",
            [item_id, *(value for _, value in fields)],
        ).fetchone()
        is not None
    )


def _feed_fields(entry: Entry) -> list[tuple[str, str | None]]:
    return [
        ("title", entry.title),
        ("summary", entry.summary),
        ("body", entry.body),
        ("updated", clock.to_iso(entry.updated)),
    ]

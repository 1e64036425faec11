"""Subscribed feeds: add, list, remove, and their fetch state."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from store import clock
from store.db import connection_of, in_chunks, writing
from store.model import RANGES, Feed, FeedSettings
from store.tags import feed_tags, set_feed_tags
from store.text import clean_lang, clean_line, clean_url, display_url, lowercase_origin

if TYPE_CHECKING:
    from sqlite_utils import Database

_FEED_COLUMNS = (
    "id, url, title, feed_title, lang, category, source, site_url, etag, last_modified, "
    "last_fetched, last_status, last_error, last_error_at, failures, paused, folder, "
    "refresh_minutes, full_text, max_stories, max_age_days"
)


class FeedError(ValueError):
    """A feed the user asked for cannot be added or found."""


def is_fetchable_url(url: str) -> bool:
    """Only http(s) URLs are ever fetched or opened."""
    lowered = url.strip().lower()
    return lowered.startswith(("http://", "https://")) and len(lowered) > len("https://")


def feed_url(given: str) -> str:
    """``given`` as a feed's URL is stored (``clean_url``, scheme and host in lower case);
    FeedError, quoting it as it was typed (cleaned, its spaces kept), unless it is http(s)."""
    url = clean_url(given).strip()
    if not is_fetchable_url(url):
        raise FeedError(f"not an http(s) URL: {clean_line(given)[:200]!r}")
    return lowercase_origin(url)


def _subscribed(db: Database, given: str) -> int | None:
    """The id of the feed at ``given`` as stored (``feed_url``) or as typed: a feed added
    before hosts were stored in lower case keeps its spelling (no migration renames it)."""
    url = feed_url(given)
    row = db.execute(
        "SELECT id FROM feeds WHERE url IN (?, ?) ORDER BY url = ? DESC LIMIT 1",
        [url, clean_url(given).strip(), url],
    ).fetchone()
    return int(row[0]) if row else None


def add_feed(
    db: Database,
    url: str,
    *,
    title: str | None = None,
    lang: str | None = None,
    category: str | None = None,
    source: str | None = None,
    tags: list[str] | None = None,
    folder: str | None = None,
) -> Feed:
    """Subscribe to ``url``; adding a URL already there updates its title, tags and folder."""
    given, url = url, feed_url(url)
    lang = clean_lang(lang)
    with writing(db):
        existing = _subscribed(db, given)
        if existing is not None:
            feed_id = existing
            if title:
                db.execute("UPDATE feeds SET title = ? WHERE id = ?", [clean_line(title), feed_id])
        else:
            position = db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM feeds").fetchone()[0]
            cursor = db.execute(
                "INSERT INTO feeds (url, title, lang, category, source, position, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [url, clean_line(title or ""), lang, category, source, position, clock.now_iso()],
            )
            feed_id = int(cursor.lastrowid or 0)
        if tags is not None:
            set_feed_tags(db, feed_id, tags)
        if folder is not None:
            db.execute("UPDATE feeds SET folder = ? WHERE id = ?", [clean_folder(folder), feed_id])
    return get_feed(db, feed_id)


def get_feed(db: Database, feed_id: int) -> Feed:
    """One feed by id, or FeedError."""
    row = db.execute(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id = ?", [feed_id]).fetchone()
    if row is None:
        raise FeedError(f"no feed with id {feed_id}")
    feed = _feed(row)
    feed.tags = feed_tags(db, feed.id)
    return feed


def find_feed(db: Database, url: str) -> Feed | None:
    """The feed subscribed at ``url`` (its scheme and host in any case), if any;
    FeedError unless it is http(s)."""
    feed_id = _subscribed(db, url)
    return None if feed_id is None else get_feed(db, feed_id)


def list_feeds(db: Database, *, counts: bool = True) -> list[Feed]:
    """Every feed in the user's order, with unread and total counts."""
    rows = db.execute(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY position, id").fetchall()
    feeds = [_feed(row) for row in rows]
    tags: dict[int, list[str]] = {}
    for feed_id, name in db.execute(
        "SELECT ft.feed_id, t.name FROM feed_tags ft JOIN tags t ON t.id = ft.tag_id "
        "ORDER BY t.folded"
    ):
        tags.setdefault(feed_id, []).append(name)
    totals: dict[int, tuple[int, int]] = {}
    if counts:
        # Kept up to date by triggers (migration 7): one row a feed, whatever the stories.
        for feed_id, unread, total in db.execute("SELECT feed_id, unread, total FROM feed_counts"):
            totals[feed_id] = (int(unread or 0), int(total))
    for feed in feeds:
        feed.tags = tags.get(feed.id, [])
        feed.unread, feed.total = totals.get(feed.id, (0, 0))
    return feeds


def remove_feed(db: Database, feed_id: int) -> int:
    """Unsubscribe; stories no other feed carries go too, unless starred or tagged.

    Returns how many stories were deleted.
    """
    with writing(db):
        get_feed(db, feed_id)
        orphans = [
            r[0]
            for r in db.execute(
                "SELECT f.item_id FROM item_feeds f JOIN items i ON i.id = f.item_id "
                "WHERE f.feed_id = ? AND i.starred = 0 "
                "AND NOT EXISTS (SELECT 1 FROM item_feeds o WHERE o.item_id = f.item_id "
                "AND o.feed_id != f.feed_id) "
                "AND NOT EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = f.item_id)",
                [feed_id],
            )
        ]
        db.execute("DELETE FROM feeds WHERE id = ?", [feed_id])
        for chunk, marks in in_chunks(orphans):
            db.execute(f"DELETE FROM items WHERE id IN ({marks})", chunk)
    return len(orphans)


def rename_feed(db: Database, feed_id: int, title: str) -> None:
    """Give a feed the title the user wants."""
    with writing(db):
        db.execute("UPDATE feeds SET title = ? WHERE id = ?", [clean_line(title), feed_id])


def set_paused(db: Database, feed_id: int, paused: bool) -> None:
    """Pause a feed (an all-feeds refresh leaves it out) or resume it."""
    get_feed(db, feed_id)
    with writing(db):
        db.execute("UPDATE feeds SET paused = ? WHERE id = ?", [int(paused), feed_id])


def clean_folder(name: str | None) -> str:
    """A folder name as stored: each step a clean line, steps joined by '/'."""
    return "/".join(step for step in (clean_line(part) for part in (name or "").split("/")) if step)


def set_folder(db: Database, feed_id: int, folder: str | None) -> str:
    """File a feed in a folder of the user's own ('' or None: no folder); returns the name."""
    get_feed(db, feed_id)
    name = clean_folder(folder)
    with writing(db):
        db.execute("UPDATE feeds SET folder = ? WHERE id = ?", [name, feed_id])
    return name


def list_folders(db: Database) -> list[tuple[str, int, int]]:
    """Every folder in use, by name: (name, feeds in it, unread stories of those feeds)."""
    rows = db.execute(
        "SELECT f.folder, COUNT(DISTINCT f.id), "
        "(SELECT COUNT(DISTINCT i.id) FROM feeds g JOIN item_feeds x ON x.feed_id = g.id "
        " JOIN items i ON i.id = x.item_id WHERE g.folder = f.folder "
        " AND i.read = 0 AND i.hidden = 0) "
        "FROM feeds f WHERE f.folder != '' GROUP BY f.folder"
    ).fetchall()
    return sorted(((r[0], int(r[1]), int(r[2] or 0)) for r in rows), key=lambda r: r[0].casefold())


def set_settings(db: Database, feed_id: int, settings: FeedSettings) -> None:
    """Store a feed's own settings (None: as the config says); a bad new value is a
    FeedError (one stored before the ranges were checked stays until it is changed)."""
    before = get_feed(db, feed_id).settings
    for name in RANGES:
        value = getattr(settings, name)
        changed = value is not None and value != getattr(before, name)
        problem = setting_error(name, value) if changed else None
        if problem:
            raise FeedError(problem)
    full_text = None if settings.full_text is None else int(settings.full_text)
    with writing(db):
        db.execute(
            "UPDATE feeds SET refresh_minutes = ?, full_text = ?, max_stories = ?, "
            "max_age_days = ? WHERE id = ?",
            [
                settings.refresh_minutes,
                full_text,
                settings.max_stories,
                settings.max_age_days,
                feed_id,
            ],
        )


# A feed's own settings, as the CLI (--refresh-minutes) and the feed manager name them.
SETTINGS = ("refresh_minutes", "full_text", "max_stories", "max_age_days")
_DEFAULT_WORDS = ("", "off", "default", "none")


def setting_error(name: str, value: float) -> str | None:
    """Why ``value`` cannot be the number setting ``name`` ("max-stories: ..."), or None."""
    low, high, unit = RANGES[name]
    whole = "a whole number " if name == "max_stories" else ""
    if low <= value <= high and not (whole and value != int(value)):  # NaN is never in range
        return None
    span = f"{low:,} to {high:,} {unit}"  # the bounds are ints but one: "527,040", "0.001"
    return f"{name.replace('_', '-')}: must be {whole}from {span}, or 'off'"


def setting_value(name: str, text: str) -> float | int | bool | None:
    """One setting as a person writes it: a number, or 'off' (as the config says); full
    text 'on', 'off' or 'default'. FeedError naming the setting ('max-stories: ...')."""
    label = name.replace("_", "-")
    word = text.strip().lower()
    if name == "full_text":
        choices = {"on": True, "off": False, "default": None, "": None}
        if word not in choices:
            raise FeedError(f"{label}: on, off or default, not {text.strip()!r}")
        return choices[word]
    if name not in SETTINGS:
        raise FeedError(f"no feed setting {label!r}")
    if word in _DEFAULT_WORDS:
        return None
    try:
        number = float(word)
    except ValueError:
        raise FeedError(f"{label}: expected a number or 'off', got {text.strip()!r}") from None
    problem = setting_error(name, number)
    if problem:
        raise FeedError(problem)
    return int(number) if name == "max_stories" else number


def changed_settings(settings: FeedSettings, changes: dict[str, str]) -> FeedSettings:
    """``settings`` with ``changes`` (written as ``setting_value`` reads them) made."""
    changed = dataclasses.replace(settings)
    for name, text in changes.items():
        setattr(changed, name, setting_value(name, text))
    return changed


def edit_settings(db: Database, feed_id: int, changes: dict[str, str]) -> FeedSettings:
    """Change some of a feed's own settings; the others stay. The one way the CLI
    (``feeds set``) and the feed manager change them."""
    settings = changed_settings(get_feed(db, feed_id).settings, changes)
    set_settings(db, feed_id, settings)
    return settings


def setting_text(settings: FeedSettings, name: str) -> str:
    """A setting as ``setting_value`` reads it back ('' when as the config says)."""
    value = getattr(settings, name)
    if value is None:
        return "default" if name == "full_text" else ""
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}"


def record_failure(
    db: Database | sqlite3.Connection,
    feed_id: int,
    error: str,
    *,
    status: int | None = None,
    pause: bool = False,
    retry_after: str | None = None,
) -> None:
    """Note that a fetch failed; the feed's stories stay as they were."""
    with writing(db):
        db.execute(
            "UPDATE feeds SET last_error = ?, last_error_at = ?, last_status = ?, "
            "failures = failures + 1, paused = MAX(paused, ?), retry_after = ? WHERE id = ?",
            [clean_line(error), clock.now_iso(), status, int(pause), retry_after, feed_id],
        )


def record_unchanged(
    db: Database | sqlite3.Connection,
    feed_id: int,
    *,
    status: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """A 304, or the same bytes again: only the fetch state moves."""
    record_unchanged_many(db, [Unchanged(feed_id, status, etag, last_modified)])


@dataclass(frozen=True)
class Unchanged:
    """One feed's check that found nothing new: its status and the validators it answered."""

    feed_id: int
    status: int
    etag: str | None = None
    last_modified: str | None = None


def record_unchanged_many(db: Database | sqlite3.Connection, checks: Sequence[Unchanged]) -> None:
    """Many feeds' "checked, nothing new", in one transaction (one statement, one commit).

    A plain connection will do: a refresh where nothing changed never loads sqlite-utils."""
    if not checks:
        return
    now = clock.now_iso()
    with writing(db):
        connection_of(db).executemany(
            "UPDATE feeds SET last_fetched = ?, last_status = ?, last_error = NULL, "
            "last_error_at = NULL, failures = 0, retry_after = NULL, "
            "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) WHERE id = ?",
            [(now, c.status, c.etag, c.last_modified, c.feed_id) for c in checks],
        )


def some_feed_reads_pages(db: Database | sqlite3.Connection) -> bool:
    """Whether any feed has full text on (its own setting): without one, a refresh
    reads no article page and need not load the page code at all."""
    return db.execute("SELECT 1 FROM feeds WHERE full_text = 1 LIMIT 1").fetchone() is not None


def display_title(feed: Feed) -> str:
    """The name to show: the user's or catalogue's title, else the URL (its password masked)."""
    return feed.title or display_url(feed.url)


def _feed(row: tuple) -> Feed:
    (
        feed_id,
        url,
        title,
        feed_title,
        lang,
        category,
        source,
        site_url,
        etag,
        last_modified,
        last_fetched,
        last_status,
        last_error,
        last_error_at,
        failures,
        paused,
        folder,
        refresh_minutes,
        full_text,
        max_stories,
        max_age_days,
    ) = row
    return Feed(
        id=feed_id,
        url=url,
        # Cleaned when stored; cleaned again for rows an older version stored.
        title=clean_line(title or feed_title),
        lang=clean_lang(lang),
        category=category,
        source=source,
        site_url=site_url,
        etag=etag,
        last_modified=last_modified,
        last_fetched=last_fetched,
        last_status=last_status,
        last_error=clean_line(last_error) or None,
        last_error_at=last_error_at,
        failures=failures,
        paused=bool(paused),
        folder=folder or "",
        settings=FeedSettings(
            refresh_minutes=refresh_minutes,
            full_text=None if full_text is None else bool(full_text),
            max_stories=max_stories,
            max_age_days=max_age_days,
        ),
    )

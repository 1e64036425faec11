"""The JSON backup: ``export --json`` writes everything, streamed, record by record.

Feeds with their settings, tags, saved searches, and every story with its user
state, earlier versions and page state (``store.interchange.backup_format`` is the
file's layout); ``store.interchange.restore`` puts it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from sqlite_utils import Database

from store import clock
from store.db import in_chunks
from store.feeds import list_feeds
from store.interchange.backup_format import write_document
from store.items import fetch_items
from store.model import Revision
from store.search.saved import list_saved
from store.shapes import feed_json, story_detail_json
from store.tags import tag_names
from store.text import strip_controls

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
STATE_COLUMNS = (
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
    columns = ", ".join(STATE_COLUMNS)
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
            row[0]: dict(zip(STATE_COLUMNS, map(_clean, row[1:]), strict=True)) for row in rows
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


# Stories per transaction of an import: others (a cron fetch, the reader) get a
# turn between two, and a big backup never holds the write lock for long.

"""Reading stories back, and the user's own state on them (read, starred).

Lists are paged: ``fetch_items`` loads only the rows asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from store import clock
from store.db import in_chunks, writing
from store.model import Item, Revision
from store.sync.queue import queue_marks
from store.text import clean_lang, strip_controls

ITEM_COLUMNS = (
    "id, key, title, summary, body, guid, link, published, updated, lang, image, dateline, "
    "location, category, authors, flags, keywords, first_seen, changed_at, read, starred, "
    "is_updated, hidden, full_text_at, full_text_error"
)
# The columns a list row needs: no body.
LIST_COLUMNS = (
    "id, key, title, '' AS summary, '' AS body, guid, link, published, updated, lang, image, "
    "dateline, location, category, '[]' AS authors, flags, '[]' AS keywords, first_seen, "
    "changed_at, read, starred, is_updated, hidden, NULL AS full_text_at, "
    "NULL AS full_text_error"
)
# A list row with its lead and body, for the snippets of a search's rows.
LIST_TEXT_COLUMNS = (
    "id, key, title, summary, body, guid, link, published, updated, lang, image, "
    "dateline, location, category, '[]' AS authors, flags, '[]' AS keywords, first_seen, "
    "changed_at, read, starred, is_updated, hidden, NULL AS full_text_at, "
    "NULL AS full_text_error"
)


class ItemNotFound(LookupError):
    """No story has that id."""


def get_item(db: Database, item_id: int) -> Item:
    """One story with its tags, feeds and number of earlier versions."""
    row = db.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", [item_id]).fetchone()
    if row is None:
        raise ItemNotFound(f"no story with id {item_id}")
    item = _item(row)
    _attach(db, [item], with_revisions=True)
    return item


def fetch_items(
    db: Database, ids: Sequence[int], *, full: bool = False, with_text: bool = False
) -> list[Item]:
    """The stories with these ids, in the order given (missing ids are skipped).

    List rows leave out the lead and body; ``with_text`` keeps them (a search's
    snippets), ``full`` gives everything, revision counts too.
    """
    if not ids:
        return []
    columns = ITEM_COLUMNS if full else LIST_TEXT_COLUMNS if with_text else LIST_COLUMNS
    found: dict[int, Item] = {}
    id_list = list(ids)
    for chunk, marks in in_chunks(id_list):
        for row in db.execute(f"SELECT {columns} FROM items WHERE id IN ({marks})", chunk):
            found[row[0]] = _item(row)
    items = [found[i] for i in id_list if i in found]
    _attach(db, items, with_revisions=full)
    return items


def first_unread(db: Database, ids: Sequence[int]) -> int | None:
    """The first of ``ids`` (in their order) whose story is unread; None if none is.

    Only ids are read, in pieces, the nearest first: the next unread story is most
    often a few rows away, even in a list of 500,000.
    """
    for part in (ids[:50], ids[50:]):
        for chunk, marks in in_chunks(part):
            # "+read": by the ids' own key, never a walk of an index on read (one
            # took ~30 ms at 500,000 stories for 50 ids).
            sql = f"SELECT id FROM items WHERE +read = 0 AND id IN ({marks})"
            unread = {row[0] for row in db.execute(sql, chunk)}
            found = next((item_id for item_id in chunk if item_id in unread), None)
            if found is not None:
                return found
    return None


def set_read(db: Database, item_ids: Iterable[int], read: bool = True) -> int:
    """Mark stories read or unread; returns how many changed."""
    return _set_flag(db, "read", item_ids, read)


@dataclass
class ReadChange:
    """Stories one mark turned read (or unread): undoing it turns just those back."""

    read: bool
    item_ids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.item_ids)


def mark_read(db: Database, item_ids: Sequence[int], read: bool = True) -> ReadChange:
    """Mark stories read or unread, remembering which really changed (for undo)."""
    changed: list[int] = []
    with writing(db):
        for chunk, marks in in_chunks(list(dict.fromkeys(item_ids))):
            rows = db.execute(
                f"SELECT id FROM items WHERE read != ? AND id IN ({marks})", [int(read), *chunk]
            )
            changed += [row[0] for row in rows]
        set_read(db, changed, read)
    return ReadChange(read, changed)


def undo_read_change(db: Database, change: ReadChange) -> ReadChange:
    """Put back the stories ``change`` marked; returns the change that made (to redo)."""
    return mark_read(db, change.item_ids, not change.read)


def set_starred(db: Database, item_ids: Iterable[int], starred: bool = True) -> int:
    """Star or unstar stories; returns how many changed."""
    return _set_flag(db, "starred", item_ids, starred)


def set_hidden(db: Database, item_ids: Iterable[int], hidden: bool = True) -> int:
    """Hide stories from every view but ``is:hidden`` (tag rules do this); returns how many."""
    return _set_flag(db, "hidden", item_ids, hidden)


def mark_opened(db: Database, item_id: int) -> None:
    """The user read the story: it is read, and no longer 'updated since you read it'."""
    with writing(db):
        row = db.execute("SELECT read FROM items WHERE id = ?", [item_id]).fetchone()
        db.execute("UPDATE items SET read = 1, is_updated = 0 WHERE id = ?", [item_id])
        if row is not None and not row[0]:
            queue_marks(db, [item_id], "read")  # a sync account's story tells its server


def revisions(db: Database, item_id: int) -> list[Revision]:
    """Earlier versions of a story, oldest first."""
    return [
        Revision(
            id=r[0],
            item_id=r[1],
            seen_at=r[2],
            title=r[3],
            summary=r[4],
            body=r[5],
            updated=clock.from_iso(r[6]),
        )
        for r in db.execute(
            "SELECT id, item_id, seen_at, title, summary, body, updated FROM revisions "
            "WHERE item_id = ? ORDER BY id",
            [item_id],
        )
    ]


# The sync queue's action for each flag change (hidden stays on this machine).
_SYNC_ACTIONS = {("read", True): "read", ("read", False): "unread"}
_SYNC_ACTIONS |= {("starred", True): "star", ("starred", False): "unstar"}


def _set_flag(db: Database, column: str, item_ids: Iterable[int], value: bool) -> int:
    ids = list(item_ids)
    changed: list[int] = []
    with writing(db):
        for chunk, marks in in_chunks(ids):
            changed += [
                row[0]
                for row in db.execute(
                    f"UPDATE items SET {column} = ? WHERE {column} != ? AND id IN ({marks}) "
                    "RETURNING id",
                    [int(value), int(value), *chunk],
                )
            ]
        action = _SYNC_ACTIONS.get((column, value))
        if action and changed:
            queue_marks(db, changed, action)  # stories of a sync account tell their server
    return len(changed)


def _attach(db: Database, items: list[Item], *, with_revisions: bool) -> None:
    """Fill tags (the item's own, then its feeds'), feed ids and revision counts."""
    if not items:
        return
    by_id = {item.id: item for item in items}
    ids = list(by_id)
    for chunk, marks in in_chunks(ids):
        for item_id, name in db.execute(
            f"SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN ({marks}) ORDER BY t.folded",
            chunk,
        ):
            by_id[item_id].tags.append(name)
        for item_id, feed_id in db.execute(
            f"SELECT item_id, feed_id FROM item_feeds WHERE item_id IN ({marks}) ORDER BY feed_id",
            chunk,
        ):
            by_id[item_id].feeds.append(feed_id)
        if with_revisions:
            for item_id, count in db.execute(
                f"SELECT item_id, COUNT(*) FROM revisions WHERE item_id IN ({marks}) "
                "GROUP BY item_id",
                chunk,
            ):
                by_id[item_id].revision_count = count


def _item(row: tuple) -> Item:
    (
        item_id,
        key,
        title,
        summary,
        body,
        guid,
        link,
        published,
        updated,
        lang,
        image,
        dateline,
        location,
        category,
        authors,
        flags,
        keywords,
        first_seen,
        changed_at,
        read,
        starred,
        is_updated,
        hidden,
        full_text_at,
        full_text_error,
    ) = row
    return Item(
        id=item_id,
        key=key,
        title=_shown(title),
        summary=_shown(summary),
        body=_shown(body),
        guid=_shown(guid),
        link=_shown(link),
        published=clock.from_iso(published),
        updated=clock.from_iso(updated),
        lang=clean_lang(lang),
        image=_shown(image),
        dateline=_shown(dateline),
        location=_shown(location),
        category=_shown(category),
        authors=_shown_list(authors),
        flags=_shown_list(flags),
        keywords=_shown_list(keywords),
        first_seen=first_seen,
        changed_at=changed_at,
        read=bool(read),
        starred=bool(starred),
        is_updated=bool(is_updated),
        hidden=bool(hidden),
        full_text_at=full_text_at,
        full_text_error=_shown(full_text_error),
    )


def _shown(text: Any) -> Any:
    """Text as the reader may show it: cleaned when stored, and again here for rows an
    older version stored (strip_controls costs nothing on clean text)."""
    return strip_controls(text) if isinstance(text, str) else text


def _shown_list(data: str | None) -> list[str]:
    values = json.loads(data or "[]")
    return (
        [strip_controls(v) for v in values if isinstance(v, str)]
        if isinstance(values, list)
        else []
    )

"""Tags: free-form names on items and on feeds.

A feed's tags count as tags of its items in queries. Names keep the case the
user typed; lookups go through the folded name, so "Gazze" and "gazze" are one tag.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from store.text import clean_line, fold


def normalize_tag(name: str) -> str:
    """A tag name as stored: one clean line, no spaces at the ends, no commas."""
    return clean_line(name).replace(",", " ").strip()


def ensure_tag(db: Database, name: str) -> int:
    """The id of the tag called ``name`` (folded match), creating it if needed."""
    name = normalize_tag(name)
    if not name:
        raise ValueError("a tag needs a name")
    row = db.execute("SELECT id FROM tags WHERE folded = ?", [fold(name)]).fetchone()
    if row:
        return int(row[0])
    return int(
        db.execute("INSERT INTO tags (name, folded) VALUES (?, ?)", [name, fold(name)]).lastrowid
    )


def set_feed_tags(db: Database, feed_id: int, names: Iterable[str]) -> None:
    """Replace a feed's tags."""
    with db.atomic():
        db.execute("DELETE FROM feed_tags WHERE feed_id = ?", [feed_id])
        for name in names:
            if normalize_tag(name):
                db.execute(
                    "INSERT OR IGNORE INTO feed_tags (feed_id, tag_id) VALUES (?, ?)",
                    [feed_id, ensure_tag(db, name)],
                )


def feed_tags(db: Database, feed_id: int) -> list[str]:
    """A feed's tag names, sorted."""
    rows = db.execute(
        "SELECT t.name FROM feed_tags ft JOIN tags t ON t.id = ft.tag_id "
        "WHERE ft.feed_id = ? ORDER BY t.folded",
        [feed_id],
    ).fetchall()
    return [r[0] for r in rows]


def tag_items(db: Database, item_ids: Iterable[int], names: Iterable[str]) -> int:
    """Add tags to items; returns how many (item, tag) pairs were new."""
    added = 0
    ids = list(item_ids)
    with db.atomic():
        for name in names:
            tag_id = ensure_tag(db, name)
            for item_id in ids:
                added += db.execute(
                    "INSERT OR IGNORE INTO item_tags (item_id, tag_id) VALUES (?, ?)",
                    [item_id, tag_id],
                ).rowcount
    return added


def untag_items(db: Database, item_ids: Iterable[int], names: Iterable[str]) -> int:
    """Remove tags from items; returns how many (item, tag) pairs went."""
    removed = 0
    ids = list(item_ids)
    with db.atomic():
        for name in names:
            for item_id in ids:
                removed += db.execute(
                    "DELETE FROM item_tags WHERE item_id = ? AND tag_id IN "
                    "(SELECT id FROM tags WHERE folded = ?)",
                    [item_id, fold(normalize_tag(name))],
                ).rowcount
    return removed


def item_tags(db: Database, item_id: int) -> list[str]:
    """An item's own tags (not its feeds'), sorted."""
    rows = db.execute(
        "SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
        "WHERE it.item_id = ? ORDER BY t.folded",
        [item_id],
    ).fetchall()
    return [r[0] for r in rows]

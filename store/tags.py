"""Tags: free-form names on items and on feeds.

A feed's tags count as tags of its items in queries. Names keep the case the
user typed; lookups go through the folded name, so "Gazze" and "gazze" are one tag.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from store.db import in_chunks, writing
from store.sync.queue import queue_marks
from store.text import clean_line, fold

if TYPE_CHECKING:
    from sqlite_utils import Database


def normalize_tag(name: str) -> str:
    """A tag name as stored: one clean line, no spaces at the ends, no commas or quotes.

    (A double quote could not be written inside ``tag:"..."`` in a query.)
    """
    return clean_line(name).replace(",", " ").replace('"', "").strip()


def ensure_tag(db: Database, name: str) -> int:
    """The id of the tag called ``name`` (folded match), creating it if needed."""
    name = normalize_tag(name)
    if not name:
        raise ValueError("a tag needs a name")
    with writing(db):
        row = db.execute("SELECT id FROM tags WHERE folded = ?", [fold(name)]).fetchone()
        if row:
            return int(row[0])
        cursor = db.execute("INSERT INTO tags (name, folded) VALUES (?, ?)", [name, fold(name)])
        return int(cursor.lastrowid or 0)


def set_feed_tags(db: Database, feed_id: int, names: Iterable[str]) -> None:
    """Replace a feed's tags."""
    with writing(db):
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
    with writing(db):
        for name in names:
            tag_id = ensure_tag(db, name)
            fresh = [
                item_id
                for item_id in ids
                if db.execute(
                    "INSERT OR IGNORE INTO item_tags (item_id, tag_id) VALUES (?, ?)",
                    [item_id, tag_id],
                ).rowcount
            ]
            added += len(fresh)
            queue_marks(db, fresh, "tag", normalize_tag(name))  # for sync accounts' stories
    return added


def untag_items(db: Database, item_ids: Iterable[int], names: Iterable[str]) -> int:
    """Remove tags from items; returns how many (item, tag) pairs went."""
    removed = 0
    ids = list(item_ids)
    with writing(db):
        for name in names:
            gone = [
                item_id
                for item_id in ids
                if db.execute(
                    "DELETE FROM item_tags WHERE item_id = ? AND tag_id IN "
                    "(SELECT id FROM tags WHERE folded = ?)",
                    [item_id, fold(normalize_tag(name))],
                ).rowcount
            ]
            removed += len(gone)
            queue_marks(db, gone, "untag", normalize_tag(name))  # for sync accounts' stories
    return removed


def item_tags(db: Database, item_id: int) -> list[str]:
    """An item's own tags (not its feeds'), sorted."""
    rows = db.execute(
        "SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
        "WHERE it.item_id = ? ORDER BY t.folded",
        [item_id],
    ).fetchall()
    return [r[0] for r in rows]


@dataclass
class TagCount:
    """A tag with how many stories carry it (themselves or through a feed)."""

    name: str
    count: int
    unread: int


def list_tags(db: Database) -> list[TagCount]:
    """Every tag in use, by folded name, with story and unread counts (hidden left out)."""
    # Counts kept up to date by triggers (migration 7): one row a tag, whatever the stories.
    rows = db.execute(
        "SELECT t.name, COALESCE(c.total, 0), COALESCE(c.unread, 0) FROM tags t "
        "LEFT JOIN tag_counts c ON c.tag_id = t.id "
        "WHERE EXISTS (SELECT 1 FROM item_tags WHERE tag_id = t.id) "
        "OR EXISTS (SELECT 1 FROM feed_tags WHERE tag_id = t.id) ORDER BY t.folded"
    ).fetchall()
    return [TagCount(name, int(total), int(unread)) for name, total, unread in rows]


def rename_tag(db: Database, old: str, new: str) -> None:
    """Rename a tag everywhere; renaming onto an existing tag merges the two."""
    merge_tags(db, [old], new, _rename=True)


def merge_tags(db: Database, sources: Iterable[str], target: str, *, _rename: bool = False) -> int:
    """Move every story and feed from ``sources`` to ``target``; the sources go.

    Returns how many stories carry ``target`` themselves afterwards.
    """
    target = normalize_tag(target)
    if not target:
        raise ValueError("a tag needs a name")
    with writing(db):
        source_ids = [_tag_id(db, name) for name in sources]
        existing = db.execute("SELECT id FROM tags WHERE folded = ?", [fold(target)]).fetchone()
        if existing is None and _rename and len(source_ids) == 1:
            # A plain rename keeps the tag's id (and fixes its case).
            db.execute(
                "UPDATE tags SET name = ?, folded = ? WHERE id = ?",
                [target, fold(target), source_ids[0]],
            )
            target_id = source_ids[0]
        else:
            target_id = int(existing[0]) if existing else ensure_tag(db, target)
            if _rename and target_id in source_ids:
                db.execute("UPDATE tags SET name = ? WHERE id = ?", [target, target_id])
            for source_id in source_ids:
                if source_id == target_id:
                    continue
                for table, column in (("item_tags", "item_id"), ("feed_tags", "feed_id")):
                    db.execute(
                        f"INSERT OR IGNORE INTO {table} ({column}, tag_id) "
                        f"SELECT {column}, ? FROM {table} WHERE tag_id = ?",
                        [target_id, source_id],
                    )
                db.execute("DELETE FROM tags WHERE id = ?", [source_id])
        return int(
            db.execute("SELECT COUNT(*) FROM item_tags WHERE tag_id = ?", [target_id]).fetchone()[0]
        )


@dataclass
class DeletedTag:
    """What a deleted tag was on: stories (its own and its feeds' stories, each once), feeds."""

    stories: int
    feeds: int


def delete_tag(db: Database, name: str) -> DeletedTag:
    """Remove a tag from every story and feed; says how many stories and feeds lost it."""
    with writing(db):
        tag_id = _tag_id(db, name)
        stories, feeds = db.execute(
            "SELECT (SELECT COUNT(*) FROM (SELECT item_id FROM item_tags WHERE tag_id = ?1 "
            "UNION SELECT f.item_id FROM item_feeds f JOIN feed_tags ft ON ft.feed_id = f.feed_id "
            "WHERE ft.tag_id = ?1)), (SELECT COUNT(*) FROM feed_tags WHERE tag_id = ?1)",
            [tag_id],
        ).fetchone()
        name = db.execute("SELECT name FROM tags WHERE id = ?", [tag_id]).fetchone()[0]
        tagged = [
            r[0] for r in db.execute("SELECT item_id FROM item_tags WHERE tag_id = ?", [tag_id])
        ]
        queue_marks(db, tagged, "untag", name)  # sync accounts' stories lose the label too
        db.execute("DELETE FROM item_tags WHERE tag_id = ?", [tag_id])
        db.execute("DELETE FROM feed_tags WHERE tag_id = ?", [tag_id])
        db.execute("DELETE FROM tags WHERE id = ?", [tag_id])
    return DeletedTag(int(stories), int(feeds))


def tag_query(db: Database, query: str, names: Iterable[str]) -> int:
    """Tag every story a search finds; returns how many stories it found."""
    from store.search.compiler import (
        search_ids,  # store.search.compiler stays out of feeds' import path
    )

    with writing(db):
        ids = search_ids(db, query)
        tag_items(db, ids, list(names))
    return len(ids)


def _tag_id(db: Database, name: str) -> int:
    row = db.execute("SELECT id FROM tags WHERE folded = ?", [fold(normalize_tag(name))]).fetchone()
    if row is None:
        raise LookupError(f"no tag called {name!r}")
    return int(row[0])


def tag_names(db: Database) -> dict[str, str]:
    """Every tag row: folded name -> name as stored."""
    return {folded: name for folded, name in db.execute("SELECT folded, name FROM tags")}


def tags_of(db: Database, item_ids: Sequence[int]) -> list[str]:
    """Tags any of these stories carries itself (not through its feed), sorted."""
    names: set[tuple[str, str]] = set()
    for chunk, marks in in_chunks(item_ids):
        names.update(
            db.execute(
                "SELECT DISTINCT t.folded, t.name FROM item_tags it "
                f"JOIN tags t ON t.id = it.tag_id WHERE it.item_id IN ({marks})",
                chunk,
            ).fetchall()
        )
    return [name for _, name in sorted(names)]


def tagged_with(db: Database, name: str, item_ids: Sequence[int]) -> set[int]:
    """Which of these stories carry the tag themselves."""
    found: set[int] = set()
    for chunk, marks in in_chunks(item_ids):
        found.update(
            row[0]
            for row in db.execute(
                "SELECT it.item_id FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                f"WHERE t.folded = ? AND it.item_id IN ({marks})",
                [fold(name), *chunk],
            )
        )
    return found


def delete_unused_tag(db: Database, name: str) -> None:
    """Forget the tag ``name`` if no story and no feed carries it."""
    with writing(db):
        db.execute(
            "DELETE FROM tags WHERE folded = ? "
            "AND NOT EXISTS (SELECT 1 FROM item_tags WHERE tag_id = tags.id) "
            "AND NOT EXISTS (SELECT 1 FROM feed_tags WHERE tag_id = tags.id)",
            [fold(name)],
        )


@dataclass
class TagEdit:
    """Tags to add to and remove from the chosen stories."""

    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)


@dataclass
class TagChange:
    """What one tag action changed: (story id, tag name as stored) pairs, so undo is exact."""

    added: list[tuple[int, str]] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # tags that did not exist before

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    @property
    def item_ids(self) -> list[int]:
        """Every story the change touched, sorted."""
        return sorted({item_id for item_id, _ in self.added + self.removed})

    def per_tag(self) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """(tag, how many stories) added, and removed."""
        return _counts(self.added), _counts(self.removed)


def tags_by_use(db: Database) -> list[str]:
    """Every tag in use, most used first (the order completion tries them in)."""
    return [tag.name for tag in sorted(list_tags(db), key=lambda tag: -tag.count)]


def apply_tag_edit(db: Database, item_ids: Sequence[int], edit: TagEdit) -> TagChange:
    """Add and remove tags on the stories in one transaction; returns what really changed."""
    change = TagChange()
    ids = list(dict.fromkeys(item_ids))
    with writing(db):
        for typed in edit.add:
            name = normalize_tag(typed)
            if not name or not ids:
                continue
            stored = tag_names(db).get(fold(name))
            if stored is None:
                change.created.append(name)
                stored = name
            having = tagged_with(db, stored, ids)
            missing = [i for i in ids if i not in having]
            tag_items(db, missing, [stored])
            change.added += [(i, stored) for i in missing]
        for typed in edit.remove:
            stored = tag_names(db).get(fold(normalize_tag(typed)))
            if stored is None:
                continue
            having = tagged_with(db, stored, ids)
            present = [i for i in ids if i in having]
            untag_items(db, present, [stored])
            change.removed += [(i, stored) for i in present]
    return change


def toggle_tag(db: Database, item_ids: Sequence[int], name: str) -> TagChange:
    """A quick tag: if every story has it, remove it from all; else add it where missing."""
    stored = tag_names(db).get(fold(normalize_tag(name)))
    ids = list(dict.fromkeys(item_ids))
    if stored is not None and ids and len(tagged_with(db, stored, ids)) == len(ids):
        return apply_tag_edit(db, ids, TagEdit(remove=[stored]))
    return apply_tag_edit(db, ids, TagEdit(add=[name]))


def undo_tag_change(db: Database, change: TagChange) -> TagChange:
    """Put back what ``change`` did; returns the change the undo made (undo it to redo)."""
    back = TagChange()
    with writing(db):
        for name, ids in _by_tag(change.removed):
            # The tag may be gone since (deleted); tag_items brings it back by name.
            was_missing = tag_names(db).get(fold(name)) is None
            having = tagged_with(db, name, ids)
            missing = [i for i in ids if i not in having]
            tag_items(db, missing, [name])
            back.added += [(i, name) for i in missing]
            if was_missing:
                back.created.append(name)
        for name, ids in _by_tag(change.added):
            having = tagged_with(db, name, ids)
            present = [i for i in ids if i in having]
            untag_items(db, present, [name])
            back.removed += [(i, name) for i in present]
        for name in change.created:
            # A tag the action made and nothing uses any more goes again.
            delete_unused_tag(db, name)
    return back


def _by_tag(pairs: list[tuple[int, str]]) -> list[tuple[str, list[int]]]:
    grouped: dict[str, list[int]] = {}
    for item_id, name in pairs:
        grouped.setdefault(name, []).append(item_id)
    return list(grouped.items())


def _counts(pairs: list[tuple[int, str]]) -> list[tuple[str, int]]:
    return [(name, len(ids)) for name, ids in _by_tag(pairs)]

"""Tagging from the keyboard, without widgets: read what the user typed, apply it, undo it.

The prompt takes several tags at once: ``gazze, israil -spor "new york"``
(spaces or commas between tags, ``-name`` removes, double quotes keep a
name with spaces whole). Every change returns an ``UndoRecord`` naming the
(story, tag) pairs that really changed, so undo puts back exactly what was there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlite_utils import Database

from store.db import writing
from store.tags import list_tags, normalize_tag, tag_items, untag_items
from store.text import fold
from tui.plural import counted

SEPARATORS = " ,\t"
CHUNK = 500  # ids per IN (...): well under SQLite's parameter limit


@dataclass
class TagEdit:
    """Tags to add to and remove from the chosen stories."""

    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)


@dataclass
class UndoRecord:
    """What one tag action changed: (item id, tag name as stored) pairs."""

    added: list[tuple[int, str]] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # tags that did not exist before

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def describe(self) -> str:
        """One line for a notification: 'Gazze added to 3 stories; Spor removed from 1.'"""
        parts = [
            f"{name} {verb} {counted(n, 'story')}"
            for pairs, verb in ((self.added, "added to"), (self.removed, "removed from"))
            for name, n in _per_tag(pairs)
        ]
        return ("; ".join(parts) + ".") if parts else "No tag changed."


@dataclass
class Word:
    """One word of the prompt as typed: where it starts and whether a quote is still open."""

    text: str
    start: int
    remove: bool = False
    quoted: bool = False
    open_quote: bool = False


def split_words(text: str) -> list[Word]:
    """The prompt's words; a leading ``-`` marks a removal, ``"..."`` keeps spaces."""
    words: list[Word] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in SEPARATORS:
            i += 1
            continue
        start = i
        remove = False
        if text[i] in "-+":
            remove = text[i] == "-"
            i += 1
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            closed = end != -1
            end = end if closed else n
            words.append(Word(text[i + 1 : end], start, remove, quoted=True, open_quote=not closed))
            i = end + 1
            continue
        name_start = i
        while i < n and text[i] not in SEPARATORS:
            i += 1
        words.append(Word(text[name_start:i], start, remove))
    return words


def parse_tag_edit(text: str) -> TagEdit:
    """Read the prompt: ``a b, -c "new york"`` adds a, b and new york, removes c.

    A tag named twice counts once, and the last mention wins (``a -a`` removes a).
    """
    wanted: dict[str, tuple[str, bool]] = {}
    for word in split_words(text):
        name = normalize_tag(word.text)
        if name:
            key = fold(name)
            wanted.pop(key, None)  # re-insert so the order follows the last mention
            wanted[key] = (name, word.remove)
    edit = TagEdit()
    for name, remove in wanted.values():
        (edit.remove if remove else edit.add).append(name)
    return edit


def complete_last_word(text: str, tags: Sequence[str]) -> str | None:
    """``text`` with its last word completed to the first tag it starts (folded), or None.

    ``"spor gaz"`` gives ``"spor Gazze"``; a tag with a space comes back quoted.
    """
    if not text or text[-1] in SEPARATORS:
        return None
    words = split_words(text)
    if not words:
        return None
    last = words[-1]
    if last.quoted and not last.open_quote:
        return None  # a closed quote is a finished name
    prefix = fold(last.text)
    if not prefix:
        return None
    for tag in tags:
        if fold(tag).startswith(prefix) and len(tag) > len(last.text):
            quoted = last.quoted or any(c in tag for c in SEPARATORS)
            name = f'"{tag}"' if quoted else tag
            return text[: last.start] + ("-" if last.remove else "") + name
    return None


def tags_for_completion(db: Database) -> list[str]:
    """Every tag in use, most used first, so the likelier one completes."""
    return [tag.name for tag in sorted(list_tags(db), key=lambda tag: -tag.count)]


def tag_names(db: Database) -> dict[str, str]:
    """Every tag row: folded name -> name as stored."""
    return {folded: name for folded, name in db.execute("SELECT folded, name FROM tags")}


def tags_of(db: Database, item_ids: Sequence[int]) -> list[str]:
    """Tags any of these stories carries itself (not through its feed), sorted."""
    names: set[tuple[str, str]] = set()
    for chunk in _chunks(item_ids):
        marks = ",".join("?" * len(chunk))
        names.update(
            db.execute(
                "SELECT DISTINCT t.folded, t.name FROM item_tags it "
                f"JOIN tags t ON t.id = it.tag_id WHERE it.item_id IN ({marks})",
                list(chunk),
            ).fetchall()
        )
    return [name for _, name in sorted(names)]


def apply_tag_edit(db: Database, item_ids: Sequence[int], edit: TagEdit) -> UndoRecord:
    """Add and remove tags on the stories in one transaction; returns what really changed."""
    record = UndoRecord()
    ids = list(dict.fromkeys(item_ids))
    with writing(db):
        for typed in edit.add:
            name = normalize_tag(typed)
            if not name or not ids:
                continue
            stored = tag_names(db).get(fold(name))
            if stored is None:
                record.created.append(name)
                stored = name
            having = _having(db, stored, ids)
            missing = [i for i in ids if i not in having]
            tag_items(db, missing, [stored])
            record.added += [(i, stored) for i in missing]
        for typed in edit.remove:
            stored = tag_names(db).get(fold(normalize_tag(typed)))
            if stored is None:
                continue
            having = _having(db, stored, ids)
            present = [i for i in ids if i in having]
            untag_items(db, present, [stored])
            record.removed += [(i, stored) for i in present]
    return record


def toggle_tag(db: Database, item_ids: Sequence[int], name: str) -> UndoRecord:
    """A quick tag: if every story has it, remove it from all; else add it where missing."""
    stored = tag_names(db).get(fold(normalize_tag(name)))
    ids = list(dict.fromkeys(item_ids))
    if stored is not None and ids and len(_having(db, stored, ids)) == len(ids):
        return apply_tag_edit(db, ids, TagEdit(remove=[stored]))
    return apply_tag_edit(db, ids, TagEdit(add=[name]))


def undo(db: Database, record: UndoRecord) -> UndoRecord:
    """Put back what ``record`` changed; returns the record of the undo (undo it to redo)."""
    back = UndoRecord()
    with writing(db):
        for name, ids in _by_tag(record.removed):
            # The tag may be gone since (deleted); tag_items brings it back by name.
            was_missing = fold(name) not in tag_names(db)
            having = _having(db, name, ids)
            missing = [i for i in ids if i not in having]
            tag_items(db, missing, [name])
            back.added += [(i, name) for i in missing]
            if was_missing:
                back.created.append(name)
        for name, ids in _by_tag(record.added):
            having = _having(db, name, ids)
            present = [i for i in ids if i in having]
            untag_items(db, present, [name])
            back.removed += [(i, name) for i in present]
        for name in record.created:
            # A tag the action made and nothing uses any more goes again.
            db.execute(
                "DELETE FROM tags WHERE folded = ? "
                "AND NOT EXISTS (SELECT 1 FROM item_tags WHERE tag_id = tags.id) "
                "AND NOT EXISTS (SELECT 1 FROM feed_tags WHERE tag_id = tags.id)",
                [fold(name)],
            )
    return back


def _having(db: Database, name: str, item_ids: Sequence[int]) -> set[int]:
    """Which of these stories carry the tag themselves."""
    found: set[int] = set()
    for chunk in _chunks(item_ids):
        marks = ",".join("?" * len(chunk))
        found.update(
            row[0]
            for row in db.execute(
                "SELECT it.item_id FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                f"WHERE t.folded = ? AND it.item_id IN ({marks})",
                [fold(name), *chunk],
            )
        )
    return found


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _by_tag(pairs: list[tuple[int, str]]) -> list[tuple[str, list[int]]]:
    grouped: dict[str, list[int]] = {}
    for item_id, name in pairs:
        grouped.setdefault(name, []).append(item_id)
    return list(grouped.items())


def _per_tag(pairs: list[tuple[int, str]]) -> list[tuple[str, int]]:
    return [(name, len(ids)) for name, ids in _by_tag(pairs)]

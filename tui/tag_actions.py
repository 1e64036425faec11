"""Tagging from the keyboard, without widgets: read what the user typed, apply it, undo it.

The prompt takes several tags at once: ``gazze, israil -spor "new york"``
(spaces or commas between tags, ``-name`` removes, double quotes keep a
name with spaces whole). Every change returns an ``UndoRecord`` naming the
(story, tag) pairs that really changed, so undo puts back exactly what was there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlite_utils import Database

from store.db import writing
from store.tags import (
    delete_unused_tag,
    list_tags,
    normalize_tag,
    tag_items,
    tag_names,
    tagged_with,
    untag_items,
)
from store.tags import tags_of as tags_of  # the tag screens ask here, beside the edits
from store.text import fold
from tui.plural import counted

SEPARATORS = " ,\t"


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
            having = tagged_with(db, stored, ids)
            missing = [i for i in ids if i not in having]
            tag_items(db, missing, [stored])
            record.added += [(i, stored) for i in missing]
        for typed in edit.remove:
            stored = tag_names(db).get(fold(normalize_tag(typed)))
            if stored is None:
                continue
            having = tagged_with(db, stored, ids)
            present = [i for i in ids if i in having]
            untag_items(db, present, [stored])
            record.removed += [(i, stored) for i in present]
    return record


def toggle_tag(db: Database, item_ids: Sequence[int], name: str) -> UndoRecord:
    """A quick tag: if every story has it, remove it from all; else add it where missing."""
    stored = tag_names(db).get(fold(normalize_tag(name)))
    ids = list(dict.fromkeys(item_ids))
    if stored is not None and ids and len(tagged_with(db, stored, ids)) == len(ids):
        return apply_tag_edit(db, ids, TagEdit(remove=[stored]))
    return apply_tag_edit(db, ids, TagEdit(add=[name]))


def undo(db: Database, record: UndoRecord) -> UndoRecord:
    """Put back what ``record`` changed; returns the record of the undo (undo it to redo)."""
    back = UndoRecord()
    with writing(db):
        for name, ids in _by_tag(record.removed):
            # The tag may be gone since (deleted); tag_items brings it back by name.
            was_missing = fold(name) not in tag_names(db)
            having = tagged_with(db, name, ids)
            missing = [i for i in ids if i not in having]
            tag_items(db, missing, [name])
            back.added += [(i, name) for i in missing]
            if was_missing:
                back.created.append(name)
        for name, ids in _by_tag(record.added):
            having = tagged_with(db, name, ids)
            present = [i for i in ids if i in having]
            untag_items(db, present, [name])
            back.removed += [(i, name) for i in present]
        for name in record.created:
            # A tag the action made and nothing uses any more goes again.
            delete_unused_tag(db, name)
    return back


def _by_tag(pairs: list[tuple[int, str]]) -> list[tuple[str, list[int]]]:
    grouped: dict[str, list[int]] = {}
    for item_id, name in pairs:
        grouped.setdefault(name, []).append(item_id)
    return list(grouped.items())


def _per_tag(pairs: list[tuple[int, str]]) -> list[tuple[str, int]]:
    return [(name, len(ids)) for name, ids in _by_tag(pairs)]

"""The user's marks on stories: read by dwelling, read and star, tags, saved searches, undo.

A story counts as read once it has stayed in the reader for the dwell
(config ``dwell_seconds``) while nothing covers it, and only after the user
has pressed a key: opening the reader is not reading its first story (paging on
past its end with space reads it at once: the panes' ``read_to_end``). Every
write runs in a worker with its own connection; the list row changes at once
(the screen does that). Marking many stories read and tag changes can be
undone with U (again: redo); ``last_change`` is what U puts back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path

from sqlite_utils import Database
from textual.message import Message
from textual.timer import Timer

from store.items import (
    ReadChange,
    mark_opened,
    mark_read,
    set_read,
    set_starred,
    undo_read_change,
)
from store.search.compiler import QueryError, search_ids
from store.search.saved import SavedSearchError, save_search
from store.tags import TagChange, item_tags, tags_by_use, tags_of, undo_tag_change
from tui.controllers import Controller
from tui.workers import in_thread

Change = ReadChange | TagChange
# Rows as they were before a mark: item id -> {"read": False, ...}.
Rows = dict[int, dict[str, bool]]


class Marker(Controller):
    """Writes the user's marks and keeps the last undoable change."""

    class Dwelt(Message):
        """Story ``item_id`` stayed in view for the dwell: it has been read."""

        def __init__(self, item_id: int) -> None:
            super().__init__()
            self.item_id = item_id

    class Written(Message):
        """A mark reached the database: the counts may have changed."""

    class WriteFailed(Message):
        """A mark could not be stored (another aanews held the file too long, a read-only
        file, a full disk): ``before`` is each row's state to put back, ``reason`` why."""

        def __init__(self, before: Rows, reason: str) -> None:
            super().__init__()
            self.before, self.reason = before, reason

    class Changed(Message):
        """An undoable change was made (``step`` ""), undone ("undo") or made again
        ("redo"); ``tags`` the touched stories' own tags."""

        def __init__(self, change: Change, tags: dict[int, list[str]], step: str) -> None:
            super().__init__()
            self.change, self.tags, self.step = change, tags, step

    class TagsRead(Message):
        """For the tag prompt: every tag (most used first) and those ``ids`` carry."""

        def __init__(self, ids: list[int], existing: list[str], current: list[str]) -> None:
            super().__init__()
            self.ids, self.existing, self.current = ids, existing, current

    class Saved(Message):
        """A search was saved under ``name`` (``error`` says why not)."""

        def __init__(self, name: str, error: str | None = None) -> None:
            super().__init__()
            self.name, self.error = name, error

    def __init__(self, db_path: Path, dwell_seconds: float) -> None:
        super().__init__(db_path)
        self.dwell_seconds = dwell_seconds
        self.last_change: Change | None = None
        self.redo_next = False  # last_change is what an undo did: U again redoes
        self.user_started = False  # no story is read before the first key
        self._dwell: Timer | None = None
        self._dwelling_on: int | None = None
        self._covers: set[str] = set()  # what keeps the story from being read now

    # -- the dwell ------------------------------------------------------------

    @property
    def counting(self) -> int | None:
        """The story whose dwell is being counted now (None: none is)."""
        return self._dwelling_on if self._dwell is not None else None

    def dwell_on(self, item_id: int | None) -> None:
        """The reader now shows ``item_id``: start counting (once the user has begun)."""
        self.stop_dwell()
        self._dwelling_on = item_id
        if item_id is not None and self.user_started and not self._covers and self.is_attached:
            self._dwell = self.set_timer(self.dwell_seconds, partial(self._dwelt, item_id))

    def stop_dwell(self) -> None:
        """The user decided (or a dialog covers the story): the dwell must not count."""
        if self._dwell is not None:
            self._dwell.stop()
            self._dwell = None

    def pause_dwell(self, cover: str = "dialog") -> None:
        """A dialog covers the story (or the user types a search): no story shown counts
        until it is gone."""
        self._covers.add(cover)
        self.stop_dwell()

    def resume_dwell(self, cover: str = "dialog") -> None:
        """``cover`` is gone: once nothing covers it, the story in view counts from now."""
        self._covers.discard(cover)
        self.dwell_on(self._dwelling_on)

    def start(self) -> None:
        """The user pressed a key: the story in view begins to count."""
        if not self.user_started:
            self.user_started = True
            self.dwell_on(self._dwelling_on)

    def _dwelt(self, item_id: int) -> None:
        self._dwell = None
        if item_id == self._dwelling_on:
            self.post_message(self.Dwelt(item_id))

    # -- writes -----------------------------------------------------------------

    def opened(self, item_id: int, before: Rows) -> None:
        """The story was read: read, and no longer 'updated since you read it'."""
        self._write(lambda db: mark_opened(db, item_id), before)

    def set_read(self, ids: list[int], read: bool, before: Rows) -> None:
        """One story read or unread (r on the story under the cursor)."""
        self.stop_dwell()
        self._write(lambda db: set_read(db, ids, read), before)

    def set_starred(self, ids: list[int], starred: bool, before: Rows) -> None:
        """Star or unstar stories."""
        self._write(lambda db: set_starred(db, ids, starred), before)

    def mark_read(self, ids: list[int], read: bool) -> None:
        """Many stories read or unread (a selection, A, C): undoable."""
        self.stop_dwell()
        self._change(lambda db: mark_read(db, ids, read))

    def mark_everything_read(self) -> None:
        """Every unread story read, in every view: undoable."""
        self.stop_dwell()
        self._change(lambda db: mark_read(db, search_ids(db, "is:unread"), True))

    def change_tags(self, change: Callable[[Database], TagChange]) -> None:
        """Apply a tag change (the prompt, a quick tag): undoable."""
        self._change(change)

    def undo(self) -> bool:
        """Put back the last change (again: redo it); False when there is none."""
        last = self.last_change
        if not last:
            return False
        step = "redo" if self.redo_next else "undo"
        if isinstance(last, ReadChange):
            self._change(lambda db: undo_read_change(db, last), step)
        else:
            self._change(lambda db: undo_tag_change(db, last), step)
        return True

    @in_thread("write")
    def _write(self, change: Callable[[Database], object], before: Rows) -> None:
        """Store a mark the rows already show; if it cannot be, the rows go back.

        A write waits its turn while another aanews writes (store.db.writing).
        """
        db = self.open_db()
        try:
            change(db)
        except sqlite3.Error as error:
            self.post_message(self.WriteFailed(before, str(error)))
            return
        finally:
            db.close()
        self.post_message(self.Written())

    @in_thread("write")
    def _change(self, apply: Callable[[Database], Change], step: str = "") -> None:
        db = self.open_db()
        try:
            change = apply(db)
            touched = change.item_ids if isinstance(change, TagChange) else []
            tags = {item_id: item_tags(db, item_id) for item_id in touched}
        finally:
            db.close()
        self.post_message(self.Changed(change, tags, step))

    def on_marker_changed(self, message: Marker.Changed) -> None:
        """Remember the change for U (an undo's change redoes it) before the screen sees it;
        an undo that changed nothing (its tags merged or deleted since) leaves U as it was."""
        if message.change:
            self.last_change = message.change
            self.redo_next = message.step == "undo"

    @in_thread("tag-read", exclusive=True)
    def read_tags(self, ids: list[int]) -> None:
        """Read what the tag prompt completes from and shows."""
        db = self.open_db()
        try:
            existing, current = tags_by_use(db), tags_of(db, ids)
        finally:
            db.close()
        self.post_message(self.TagsRead(ids, existing, current))

    @in_thread("write")
    def save_search(self, name: str, query: str) -> None:
        """Save ``query`` under ``name`` for the sidebar."""
        db = self.open_db()
        try:
            save_search(db, name, query)
        except (QueryError, SavedSearchError) as error:
            self.post_message(self.Saved(name, str(error)))
            return
        finally:
            db.close()
        self.post_message(self.Saved(name))

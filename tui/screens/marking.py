"""Changing the user's state on stories from the main screen: read, star, open.

A mixin of ``MainScreen``. A story counts as read once it has stayed open for
the dwell (config ``dwell_seconds``), not when the cursor passes over it. Every
write runs in a worker with its own connection; the list row changes at once.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database
from textual import work

from store.items import mark_opened, set_read, set_starred
from store.model import Item
from tui.browser import open_link
from tui.plural import counted
from tui.screens.confirm import ConfirmScreen
from tui.screens.reader_parts import ReaderParts
from tui.screens.revision_diff import RevisionDiffScreen

CONFIRM_ABOVE = 50


class Marking(ReaderParts):
    """Dwell, read, star, mark all, open the link, see what changed."""

    def _dwelt(self, item_id: int) -> None:
        """The story stayed open for the dwell: it has been read."""
        self._dwell = None
        if item_id != self.items.current_id:
            return
        item = self.items.cached(item_id) or self.story.item
        if item is not None and item.read and not item.is_updated:
            return
        self.items.update_item(item_id, read=True, is_updated=False)
        self._write(lambda db: mark_opened(db, item_id))

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, change: Callable[[Database], object]) -> None:
        """Apply one change of user state, then refresh the counts."""
        db = self.open_db()
        try:
            change(db)
        finally:
            db.close()
        self.app.call_from_thread(self._after_write)

    def _after_write(self) -> None:
        # Only the counts: the list keeps its rows, so a story just read stays
        # under the cursor even in the Unread view.
        self.load_sidebar()

    def _current(self) -> Item | None:
        item_id = self.items.current_id
        if item_id is None:
            return None
        return self.items.cached(item_id) or (
            self.story.item if self.story.item and self.story.item.id == item_id else None
        )

    def _confirm_many(self, ids: list[int], question: str, apply: Callable[[], object]) -> None:
        """Run ``apply`` at once, or after a yes when it touches more than CONFIRM_ABOVE."""
        if len(ids) <= CONFIRM_ABOVE:
            apply()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                apply()

        self.app.push_screen(ConfirmScreen(question), answered)

    def _set_on_selection(self, flag: str, ids: list[int]) -> None:
        """r or s with stories selected: on for all unless every loaded one has it."""
        rows = [row for row in map(self.items.cached, ids) if row is not None]
        value = not rows or not all(getattr(row, flag) for row in rows)
        setter = set_read if flag == "read" else set_starred
        word = ("" if value else "un") + flag
        count = counted(len(ids), "story")

        def apply() -> None:
            self.items.update_items(ids, **{flag: value})
            self._write(lambda db: setter(db, ids, value))
            self.notify(f"Marked {count} {word}.", timeout=2, markup=False)

        self._confirm_many(ids, f"Mark the {count} selected {word}?", apply)

    def action_toggle_read(self) -> None:
        """Mark the story (or the selection) read, or unread again."""
        if self.items.selection:
            self._set_on_selection("read", self.items.selection)
            return
        item = self._current()
        if item is None:
            return
        if self._dwell is not None:
            self._dwell.stop()  # the user decided; the dwell must not undo it
            self._dwell = None
        read = not item.read
        self.items.update_item(item.id, read=read)
        self._write(lambda db: set_read(db, [item.id], read))

    def action_toggle_star(self) -> None:
        """Star the story (or the selection), or unstar it."""
        if self.items.selection:
            self._set_on_selection("starred", self.items.selection)
            return
        item = self._current()
        if item is None:
            return
        starred = not item.starred
        self.items.update_item(item.id, starred=starred)
        self._write(lambda db: set_starred(db, [item.id], starred))
        self.notify("Starred." if starred else "Unstarred.", timeout=1.5, markup=False)

    def action_mark_all_read(self) -> None:
        """Mark every story in the view read; asks first when there are many."""
        ids = list(self.items.ids)
        if not ids:
            return

        def apply(yes: bool | None) -> None:
            if yes:
                self._write(lambda db: set_read(db, ids, True))
                self.items.update_items(ids, read=True)

        if len(ids) > CONFIRM_ABOVE:
            question = f"Mark all {len(ids):,} stories in “{self.view.name}” read?"
            self.app.push_screen(ConfirmScreen(question), apply)
        else:
            apply(True)

    def action_open_link(self) -> None:
        """Open the story's link in the browser (http and https only)."""
        item = self._current()
        if item is None or not item.link:
            self.notify("This story has no link.", severity="warning", markup=False)
            return
        problem = open_link(item.link, self.config.browser)
        if problem:
            self.notify(problem, severity="error", markup=False)

    def action_show_changes(self) -> None:
        """The story against its earlier versions, word by word."""
        item = self.story.item
        if item is None or item.id != self.items.current_id:
            return
        if not item.revision_count:
            self.notify("This story has no earlier version.", markup=False)
            return
        self.app.push_screen(RevisionDiffScreen(self.db_path, item.id))

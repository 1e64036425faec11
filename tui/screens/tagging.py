"""Tagging from the main screen: selections, t prompts, 1-9 quick tags, U undoes, S, T.

A mixin of ``MainScreen``. ``v`` selects stories (``V`` the whole view); the tag
keys, ``r`` and ``s`` act on the selection when there is one, else on the story
under the cursor. Reads and writes run in thread workers with their own
connection; the last tag change is kept so U can put it back exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlite_utils import Database
from textual import work

from store.search.compiler import QueryError
from store.search.saved import SavedSearchError, save_search
from store.tags import item_tags
from tui.keys import QUICK
from tui.plural import counted
from tui.screens.marking import Marking
from tui.screens.save_search import SaveSearch
from tui.screens.tag_manager import TagManager
from tui.screens.tag_prompt import TagPrompt
from tui.tag_actions import (
    TagEdit,
    UndoRecord,
    apply_tag_edit,
    tags_for_completion,
    tags_of,
    toggle_tag,
    undo,
)


class Tagging(Marking):
    """Selections and the tag keys; ``_last_tag_change`` is what U undoes."""

    _last_tag_change: UndoRecord | None = None

    if TYPE_CHECKING:  # defined by MainScreen (as a worker)

        def load_story(self, item_id: int) -> object: ...

    # -- the selection --------------------------------------------------------

    def targets(self) -> list[int]:
        """What a key acts on: the selection when there is one, else the current story."""
        selection = self.items.selection
        if selection:
            return selection
        current = self.items.current_id
        return [] if current is None else [current]

    def action_select(self) -> None:
        """Select the story under the cursor, or unselect it, and move down."""
        current = self.items.current_id
        if current is None:
            return
        self.items.toggle_selected(current)
        self.items.move_by(1)

    def action_select_all(self) -> None:
        """Select every story in the view (a search's results, a feed, a tag)."""
        count = self.items.select_all()
        if count:
            self.notify(
                f"Selected {counted(count, 'story')}: t, 1-9, r, s act on them; esc clears.",
                timeout=4,
                markup=False,
            )

    # -- tags -----------------------------------------------------------------

    def action_tag(self) -> None:
        """Prompt for tags to add and remove on the story or the selection."""
        ids = self.targets()
        if ids:
            self._open_tag_prompt(ids)

    @work(thread=True, group="tag-read", exclusive=True, exit_on_error=False)
    def _open_tag_prompt(self, ids: list[int]) -> None:
        db = self.open_db()
        try:
            existing, current = tags_for_completion(db), tags_of(db, ids)
        finally:
            db.close()

        def apply(edit: TagEdit | None) -> None:
            if edit:
                self._tag_write(ids, lambda db: apply_tag_edit(db, ids, edit))

        self.app.call_from_thread(
            self.app.push_screen, TagPrompt(existing, current, len(ids)), apply
        )

    def action_quick_tag(self, number: int) -> None:
        """Keys 1-9: the config's quick tag on, or off when every story has it."""
        names = self.config.quick_tags
        if not 1 <= number <= len(names):
            self.notify(
                f"Quick tag {number} is not set: list it in quick_tags in the config file.",
                severity="warning",
                markup=False,
            )
            return
        ids = self.targets()
        if not ids:
            return
        name = names[number - 1]
        self._confirm_many(
            ids,
            f"Tag {counted(len(ids), 'story')} “{name}” (or take it off)?",
            lambda: self._tag_write(ids, lambda db: toggle_tag(db, ids, name)),
        )

    def action_undo_tag(self) -> None:
        """Put back what the last tag change did (press again to redo)."""
        record = self._last_tag_change
        if not record:
            self.notify("No tag change to undo.", markup=False)
            return
        ids = sorted({item_id for item_id, _ in record.added + record.removed})
        self._tag_write(ids, lambda db: undo(db, record), undoing=True)

    @work(thread=True, group="write", exit_on_error=False)
    def _tag_write(
        self, ids: list[int], change: Callable[[Database], UndoRecord], undoing: bool = False
    ) -> None:
        db = self.open_db()
        try:
            record = change(db)
            tags = {item_id: item_tags(db, item_id) for item_id in ids}
        finally:
            db.close()
        self.app.call_from_thread(self._tagged, record, tags, undoing)

    def _tagged(self, record: UndoRecord, tags: dict[int, list[str]], undoing: bool) -> None:
        if record or undoing:
            self._last_tag_change = record
        for item_id, names in tags.items():
            self.items.update_item(item_id, tags=names)
        current = self.items.current_id
        if current in tags and self.story.item is not None and self.story.item.id == current:
            self.load_story(current)
        self.load_sidebar()
        prefix = "Undone: " if undoing else ""
        self.notify(prefix + record.describe(), timeout=3, markup=False)

    # -- saved searches and the tag manager --------------------------------------

    def action_save_search(self) -> None:
        """Save the current view's query under a name, for the sidebar."""
        query = self.view.query
        if not query.strip():
            self.notify("Search first (/) or pick a view, then save it with S.", markup=False)
            return
        taken = [view.name for view in self.sidebar.data_now.saved]
        known = {view.query: view.name for view in self.sidebar.data_now.saved}

        def save(name: str | None) -> None:
            if name:
                self._write_saved(name, query)

        self.app.push_screen(SaveSearch(query, name=known.get(query, ""), taken=taken), save)

    @work(thread=True, group="write", exit_on_error=False)
    def _write_saved(self, name: str, query: str) -> None:
        db = self.open_db()
        try:
            save_search(db, name, query)
        except (QueryError, SavedSearchError) as error:
            self.app.call_from_thread(
                self.notify, f"Not saved: {error}", severity="error", markup=False
            )
            return
        finally:
            db.close()
        self.app.call_from_thread(self.load_sidebar)
        self.app.call_from_thread(
            self.notify, f"Saved “{name}”: it is in the sidebar.", markup=False
        )

    def action_manage_tags(self) -> None:
        """Every tag with its counts: rename, merge, delete."""
        self.app.push_screen(TagManager(self.db_path), lambda _: self._after_tag_manager())

    def _after_tag_manager(self) -> None:
        # A rename or a delete may have changed the view's stories and the tags shown.
        self.load_sidebar()
        self.load_view(keep=self.items.current_id)
        current = self.items.current_id
        if current is not None:
            self.load_story(current)


def _quick_tag_action(number: int) -> Callable[[Tagging], None]:
    def action(self: Tagging) -> None:
        self.action_quick_tag(number)

    action.__doc__ = f"Quick tag {number}: the config's quick_tags[{number - 1}], on or off."
    return action


# One action per key (quick_tag_1 ... quick_tag_9), so [keys] can rebind each.
for _number in QUICK:
    setattr(Tagging, f"action_quick_tag_{_number}", _quick_tag_action(_number))

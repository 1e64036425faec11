"""The panes (sidebar, list, reader) and the keys that change stories: read, star, tags.

The focus is always inside the panes, so their keys work from the list, the reader and
the sidebar alike. ``v`` selects stories (``V`` the whole view); the tag keys, ``r`` and
``s`` act on the selection when there is one, else on the story under the cursor. The
``Marker`` writes (the rows change at once); the ``Viewer`` holds the view they act on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget

from store.items import ReadChange
from store.model import Item
from store.tags import TagEdit, apply_tag_edit, toggle_tag
from tui import keys, story_actions
from tui.config import Config
from tui.controllers.marks import Marker
from tui.plural import counted
from tui.screens.confirm import ConfirmScreen, confirm_many
from tui.screens.save_search import SaveSearch
from tui.screens.tag_prompt import TagPrompt
from tui.widgets.item_list import ItemList
from tui.widgets.sidebar import Sidebar, View
from tui.widgets.story_view import StoryView
from tui.widgets.viewer import Viewer
from tui.wording import describe_change


class Panes(Horizontal):
    """The sidebar and the content; the keys on stories, with the Marker that writes them."""

    BINDINGS = keys.bindings(keys.PANES)

    class StoriesChanged(Message):
        """Tags were renamed or deleted: the view, its counts and the story need reading again."""

    def __init__(
        self, *children: Widget, db_path: Path, config: Config, marker: Marker, id: str
    ) -> None:
        super().__init__(*children, marker, id=id)
        self.db_path = db_path
        self.config = config
        self.marker = marker

    @property
    def view(self) -> View:
        """The view the list shows (without its read stories when they are hidden)."""
        return self.query_one(Viewer).shown

    @property
    def items(self) -> ItemList:
        """The story list."""
        return self.query_one(ItemList)

    @property
    def story(self) -> StoryView:
        """The reader pane."""
        return self.query_one(StoryView)

    def targets(self) -> list[int]:
        """What a key acts on: the selection when there is one, else the current story."""
        if self.items.selection:
            return self.items.selection
        current = self.items.current_id
        return [] if current is None else [current]

    def current(self) -> Item | None:
        """The story under the cursor, as loaded."""
        item_id = self.items.current_id
        if item_id is None:
            return None
        story = self.story.item
        return self.items.cached(item_id) or (story if story and story.id == item_id else None)

    # -- moving -------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """The first key starts the reading: the story in view begins its dwell."""
        self.marker.start()

    def on_click(self, event: events.Click) -> None:
        """A click starts the reading too."""
        self.marker.start()

    def action_down(self) -> None:
        """Next story (or next sidebar entry when the sidebar has the focus)."""
        if self.query_one(Sidebar).has_focus:
            self.query_one(Sidebar).action_cursor_down()
        else:
            self.items.move_by(1)

    def action_up(self) -> None:
        """Previous story (or sidebar entry)."""
        if self.query_one(Sidebar).has_focus:
            self.query_one(Sidebar).action_cursor_up()
        else:
            self.items.move_by(-1)

    def action_top(self) -> None:
        """First story."""
        self.items.move_to(0)

    def action_bottom(self) -> None:
        """Last story."""
        self.items.move_to(len(self.items.ids) - 1)

    def action_next_pane(self) -> None:
        """Move the focus to the next pane."""
        self.screen.focus_next()

    def action_previous_pane(self) -> None:
        """Move the focus to the previous pane."""
        self.screen.focus_previous()

    # -- what the Marker reports -------------------------------------------------

    def on_marker_dwelt(self, message: Marker.Dwelt) -> None:
        """The story stayed in view for the dwell: it has been read."""
        if message.item_id == self.items.current_id:
            self._read(message.item_id)

    def read_to_end(self) -> None:
        """The story in the reader was paged to its end (space goes on): it has been read,
        however short the time it took."""
        item = self._in_reader()
        if item is not None:
            self._read(item.id)

    def _read(self, item_id: int) -> None:
        """The story under the cursor is read, and no longer updated (once)."""
        item = self.current()
        if item is not None and item.read and not item.is_updated:
            return
        before = self._before([item_id], "read", "is_updated")
        self.items.update_item(item_id, read=True, is_updated=False)
        self.marker.opened(item_id, before)

    def on_marker_write_failed(self, message: Marker.WriteFailed) -> None:
        """A mark was not stored: the rows show what the database holds, and say why."""
        for item_id, fields in message.before.items():
            self.items.update_item(item_id, **fields)
        self.notify(f"Not saved: {message.reason}", severity="error", markup=False)

    def _before(self, ids: list[int], *flags: str) -> dict[int, dict[str, bool]]:
        """These rows' flags as they are now, to put back if the write fails."""
        rows = [row for row in map(self.items.cached, ids) if row is not None]
        return {row.id: {flag: getattr(row, flag) for flag in flags} for row in rows}

    def on_marker_changed(self, message: Marker.Changed) -> None:
        """An undoable change landed: the rows follow, and a note says what it did."""
        change = message.change
        if isinstance(change, ReadChange):
            self.items.update_items(change.item_ids, read=change.read)
        else:
            for item_id, names in message.tags.items():
                self.items.update_item(item_id, tags=names)
        self.notify(describe_change(change, message.step), timeout=3, markup=False)

    def on_marker_saved(self, message: Marker.Saved) -> None:
        """A saved search is in the sidebar (or says why not)."""
        if message.error:
            self.notify(f"Not saved: {message.error}", severity="error", markup=False)
        else:
            self.notify(f"Saved “{message.name}”: it is in the sidebar.", markup=False)

    def on_marker_tags_read(self, message: Marker.TagsRead) -> None:
        """The tags to complete from are read: ask which to add and remove."""
        ids = message.ids

        def apply(edit: TagEdit | None) -> None:
            if edit:
                self.marker.change_tags(lambda db: apply_tag_edit(db, ids, edit))

        self.app.push_screen(TagPrompt(message.existing, message.current, len(ids)), apply)

    # -- read and star -------------------------------------------------------------

    def _set_on_selection(self, flag: str, ids: list[int]) -> None:
        """r or s with stories selected: on for all unless every loaded one has it."""
        rows = [row for row in map(self.items.cached, ids) if row is not None]
        value = not rows or not all(getattr(row, flag) for row in rows)
        word = ("" if value else "un") + flag

        def apply() -> None:
            if flag == "read":
                self.marker.mark_read(ids, value)  # the note comes with the change
                return
            before = self._before(ids, "starred")
            self.items.update_items(ids, starred=value)
            self.marker.set_starred(ids, value, before)
            self.notify(f"Marked {counted(len(ids), 'story')} {word}.", timeout=2, markup=False)

        confirm_many(
            self.app, ids, f"Mark the {counted(len(ids), 'story')} selected {word}?", apply
        )

    def action_toggle_read(self) -> None:
        """Mark the story (or the selection) read, or unread again."""
        if self.items.selection:
            self._set_on_selection("read", self.items.selection)
            return
        item = self.current()
        if item is None:
            return
        read = not item.read
        before = {item.id: {"read": item.read}}
        self.items.update_item(item.id, read=read)
        self.marker.set_read([item.id], read, before)

    def action_toggle_star(self) -> None:
        """Star the story (or the selection), or unstar it."""
        if self.items.selection:
            self._set_on_selection("starred", self.items.selection)
            return
        item = self.current()
        if item is None:
            return
        starred = not item.starred
        before = {item.id: {"starred": item.starred}}
        self.items.update_item(item.id, starred=starred)
        self.marker.set_starred([item.id], starred, before)
        self.notify("Starred." if starred else "Unstarred.", timeout=1.5, markup=False)

    def action_mark_all_read(self) -> None:
        """Mark every story in the view read (U undoes it); asks first when there are many."""
        ids = list(self.items.ids)
        if not ids:
            return
        question = f"Mark all {len(ids):,} stories in “{self.view.name}” read?"
        confirm_many(self.app, ids, question, lambda: self.marker.mark_read(ids, True))

    def action_open_link(self) -> None:
        """Open the story's link in the browser (http and https only)."""
        item = self.current()
        if item is None or not item.link:
            self.notify("This story has no link.", severity="warning", markup=False)
            return
        story_actions.browse(self, item.link, self.config)

    def _in_reader(self) -> Item | None:
        """The story in the reader, when it is the one under the cursor (body and all)."""
        item = self.story.item
        return item if item is not None and item.id == self.items.current_id else None

    def action_copy_link(self) -> None:
        """Copy the story's link to the clipboard through the terminal."""
        story_actions.copy_link(self, self.current())

    def action_show_links(self) -> None:
        """The story's links, numbered, to open one."""
        story_actions.show_links(self, self._in_reader() or self.current(), self.config)

    def action_pipe_story(self) -> None:
        """The story on the stdin of the config's pipe_command."""
        story_actions.pipe_story(self, self._in_reader(), self.config)

    def action_save_story(self) -> None:
        """The story as a Markdown file."""
        story_actions.save_story(self, self._in_reader())

    def action_open_link_and_read(self) -> None:
        """Open the story's link in the browser, and count it as read."""
        item = self.current()
        self.action_open_link()
        if item is not None and item.link and not item.read:
            self.items.update_item(item.id, read=True)
            self.marker.set_read([item.id], True, {item.id: {"read": False}})

    def action_mark_everything_read(self) -> None:
        """Mark every story in every feed read (U undoes it), after asking."""

        def answered(yes: bool | None) -> None:
            if yes:
                self.items.update_items(self.items.ids, read=True)
                self.marker.mark_everything_read()

        self.app.push_screen(ConfirmScreen("Mark every story in every feed read?"), answered)

    def action_show_changes(self) -> None:
        """The story against its earlier versions, word by word."""
        item = self.story.item
        if item is None or item.id != self.items.current_id:
            return
        if not item.revision_count:
            self.notify("This story has no earlier version.", markup=False)
            return
        from tui.screens.revision_diff import RevisionDiffScreen  # not for the first frame

        def seen(_: None) -> None:
            """The update has been seen: read, and its ↻ and banner go together."""
            if item.is_updated and item.id == self.items.current_id:
                self._read(item.id)
                self.query_one(Viewer).update_seen(item.id)

        self.app.push_screen(RevisionDiffScreen(self.db_path, item.id), seen)

    def action_toggle_pictures(self) -> None:
        """Hide the story's picture, or show it again (for this session)."""
        self.story.toggle_pictures()

    # -- selections and tags -------------------------------------------------------

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

    def action_tag(self) -> None:
        """Prompt for tags to add and remove on the story or the selection."""
        ids = self.targets()
        if ids:
            self.marker.read_tags(ids)

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
        confirm_many(
            self.app,
            ids,
            f"Tag {counted(len(ids), 'story')} “{name}” (or take it off)?",
            lambda: self.marker.change_tags(lambda db: toggle_tag(db, ids, name)),
        )

    def action_undo(self) -> None:
        """Put back what the last tag change or mark did (press again to redo)."""
        if not self.marker.undo():
            self.notify("No tag change to undo.", markup=False)

    def action_save_search(self) -> None:
        """Save the current view's query under a name, for the sidebar."""
        query = self.view.query
        if not query.strip():
            note = f"{self.view.name} lists every story: search (/), then save the search with S."
            self.notify(note, markup=False)
            return
        saved = self.query_one(Sidebar).data_now.saved
        known = {view.query: view.name for view in saved}

        def save(name: str | None) -> None:
            if name:
                self.marker.save_search(name, query)

        taken = [view.name for view in saved]
        self.app.push_screen(SaveSearch(query, name=known.get(query, ""), taken=taken), save)

    def action_manage_tags(self) -> None:
        """Every tag with its counts: rename, merge, delete."""

        def closed(_: None) -> None:
            self.post_message(self.StoriesChanged())

        from tui.screens.tag_manager import TagManager  # not for the first frame

        self.app.push_screen(TagManager(self.db_path), closed)


def _quick_tag_action(number: int) -> Callable[[Panes], None]:
    def action(self: Panes) -> None:
        self.action_quick_tag(number)

    action.__doc__ = f"Quick tag {number}: the config's quick_tags[{number - 1}], on or off."
    return action


# One action per key (quick_tag_1 ... quick_tag_9), so [keys] can rebind each.
for _number in keys.QUICK:
    setattr(Panes, f"action_quick_tag_{_number}", _quick_tag_action(_number))

"""The view being shown: the search box, the story list and the reader under them.

``Viewer`` owns which view the list shows (``view``; ``shown`` is the same view
with read stories left out after ``l``), the search that replaces it for a
while, and the ``ViewReader`` that reads views: its results come back here as
messages and go down to the list and the search box. The screen tells it what
to show (``show_view``, ``open_search``, ``toggle_hide_read``) and hears which
view is shown (``Viewer.Shown``); the status line's part of a result is the
screen's. The story under the cursor is read (``StoryReader``) after a moment
(``story_delay``), so held-down ``j`` redraws the list and reads only where it stops.
"""

from __future__ import annotations

from functools import partial

from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer

from store.search.compiler import QueryError
from store.search.highlight import highlight_terms
from tui.controllers.marks import Marker
from tui.controllers.stories import StoryReader
from tui.controllers.views import ViewReader
from tui.widgets.item_list import ItemList
from tui.widgets.search_box import SearchBox
from tui.widgets.sidebar import View
from tui.widgets.story_view import StoryView

ALL = View("All", "")
STORY_DELAY = 0.03


def hiding_read(view: View) -> View:
    """``view`` with its read stories left out (``l``)."""
    query = f"({view.query}) is:unread" if view.query.strip() else "is:unread"
    return View(f"{view.name} · unread only", query)


class Viewer(Vertical):
    """The search box, the list and the reader; the view they show and the search."""

    class Shown(Message):
        """The list now shows ``view`` (its name is the screen's subtitle)."""

        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    def __init__(
        self,
        search_box: SearchBox,
        items: ItemList,
        story: StoryView,
        *,
        views: ViewReader,
        stories: StoryReader,
        marker: Marker,
        story_delay: float = STORY_DELAY,
        id: str,
    ) -> None:
        super().__init__(search_box, items, story, views, stories, id=id)
        self.search_box, self.items, self.story = search_box, items, story
        self.views, self.stories, self.marker = views, stories, marker
        self.view = ALL
        self.shown = ALL  # the view as listed: with read stories hidden, a narrower one
        self.hide_read = False
        self._counted = False  # the sidebar's first counts wait for the first rows
        self._story_delay = story_delay
        self._story_timer: Timer | None = None

    # -- views ----------------------------------------------------------------

    def show_view(self, view: View, keep: int | None = None) -> None:
        """Switch the list to another view (``keep``: stay on that story if it is there)."""
        self.view = view
        self.shown = hiding_read(view) if self.hide_read else view
        self.post_message(self.Shown(view))
        self.items.clear_selection()  # a selection belongs to the view it was made in
        try:
            terms = highlight_terms(view.query)
        except QueryError:
            terms = []
        self.items.highlight = terms
        self.stories.terms = terms
        self.load_view(keep)

    def load_view(self, keep: int | None = None) -> None:
        """Read the view's stories again (``keep``: stay on that story)."""
        self.views.load(self.shown, with_text=bool(self.items.highlight), keep=keep)

    def load_counts(self) -> None:
        """Fresh counts in the sidebar and the status line."""
        self.views.count(self.shown)

    def toggle_hide_read(self) -> None:
        """List only the unread stories of every view, or all of them again."""
        self.hide_read = not self.hide_read
        self.show_view(self.view, keep=self.items.current_id)  # the user stays where they are
        note = "Read stories hidden: l shows them." if self.hide_read else "Read stories shown."
        self.notify(note, timeout=2, markup=False)

    def find_unread(self, step: int) -> None:
        """Go to the next (``step`` 1) or previous (-1) unread story, round the ends."""
        self.views.find_unread(self.items.ids, self.items.cursor, step)

    # -- what the ViewReader reports ---------------------------------------------

    def on_view_reader_first_page(self, message: ViewReader.FirstPage) -> None:
        """A new view's first screenful, drawn before the rest is ordered."""
        if message.view is self.shown:
            self.search_box.remove_class("-error")
            self.story.say_problem("")
            self.items.set_ids(message.ids, rows=message.rows)
            self.call_after_refresh(self.views.first_page_drawn)

    def on_view_reader_loaded(self, message: ViewReader.Loaded) -> None:
        """The whole view: the list keeps the story the user is on."""
        if message.view is not self.shown:
            return
        self.search_box.remove_class("-error")
        keep = self.items.current_id if message.reload is False else message.keep
        if message.keep is None:  # after its first page: stay where the user is, keep rows
            self.items.set_ids(message.ids, keep=self.items.current_id, reload=False)
        else:
            self.items.set_ids(message.ids, keep=keep)
            if keep is not None and keep == self.items.current_id:
                self.story_again()  # a refresh, a sync, another writer: it may have changed
        if not self._counted:
            self._counted = True
            self.load_counts()

    def story_again(self) -> None:
        """Read the story in view again (drawn again only if it changed)."""
        shown = self.story.item
        if shown is not None and shown.id == self.items.current_id:
            self.stories.load(shown.id, again=True)

    def update_seen(self, item_id: int) -> None:
        """The story's changes were seen (d): drawn again without its "Updated" banner."""
        self.stories.load(item_id, seen=True)

    def on_view_reader_failed(self, message: ViewReader.Failed) -> None:
        """A query that cannot run: no stale results under its error."""
        if message.view is self.shown:
            self.search_box.add_class("-error")
            self.story.say_problem(f"This search cannot run: {message.error}")
            self.items.set_ids([])

    def on_item_list_rows_wanted(self, message: ItemList.RowsWanted) -> None:
        """The list scrolled onto rows it has not loaded."""
        self.views.load_rows(message)

    def on_view_reader_rows_loaded(self, message: ViewReader.RowsLoaded) -> None:
        """Rows the list asked for."""
        self.items.rows_loaded(message.generation, message.page, message.rows)

    def on_view_reader_unread_found(self, message: ViewReader.UnreadFound) -> None:
        """Go to the unread story found. The list may have been read again meanwhile
        (a refresh, another writer): then to the same story, if it is still listed."""
        ids = self.items.ids
        if message.item_id is None:
            if message.ids is ids:
                self.notify("No other unread story in this view.", markup=False)
            return
        try:
            index = ids.index(message.item_id) if message.ids is not ids else None
        except ValueError:
            return
        self.items.move_to(message.ids.index(message.item_id) if index is None else index)
        if message.wrapped:
            self.notify("Past the end of the list: went on from the other end.", timeout=2)

    # -- the story under the cursor ----------------------------------------------

    def on_item_list_highlighted(self, message: ItemList.Highlighted) -> None:
        """The cursor moved: show the story, and restart the dwell before it counts as read.

        Here, not in the Panes: a message a child posts while its parent handles
        another stops at that parent (Textual), and the list moves from here.
        """
        if self._story_timer is not None:
            self._story_timer.stop()
        self.stories.current_id = message.item_id
        self.marker.dwell_on(message.item_id)
        if message.item_id is None:
            self.story.show(None)
            return
        # Held-down j should redraw the list, not read every story it passes.
        if self._story_delay <= 0:
            self.stories.load(message.item_id)
        else:
            load = partial(self.stories.load, message.item_id)
            self._story_timer = self.set_timer(self._story_delay, load)

    def on_story_reader_read(self, message: StoryReader.Read) -> None:
        """A story read from the database (or again after its page): draw it in place."""
        item = message.item
        if item.id == self.items.current_id:
            first_time = self.story.item is None or self.story.item.id != item.id
            self.story.show(item, message.renderable)
            if first_time and message.row is None:
                self.stories.page_wanted(item)  # the full text, from the article page
        if message.row is not None:
            row = message.row
            self.items.update_item(
                row.id,
                title=row.title,
                flags=row.flags,
                dateline=row.dateline,
                location=row.location,
                is_updated=row.is_updated,
            )

    # -- searching ---------------------------------------------------------------

    @property
    def searching(self) -> bool:
        """Whether a search (or the box for one) is showing."""
        return self.has_class("-searching")

    def open_search(self) -> None:
        """Show the search box; results follow as you type."""
        self.search_box.open(self.view)
        self.add_class("-searching")
        self.screen.refresh_bindings()  # the footer: q now goes back

    def on_search_box_search(self, message: SearchBox.Search) -> None:
        """A pause in typing (or enter): the text becomes the view (none: the one before)."""
        self.show_view(message.view or ALL)
        if message.done:
            self.items.focus()

    def on_search_box_done(self, message: SearchBox.Done) -> None:
        """Enter on a search already shown: go to its results."""
        self.items.focus()

    def close_search(self) -> None:
        """Back to the view the search came from."""
        before = self.search_box.before
        showing_search = self.view is not before
        self.end_search()
        if showing_search:
            self.show_view(before or ALL)
        self.items.focus()

    def end_search(self) -> None:
        """Close the box and forget the search (another view replaces it)."""
        self.search_box.close()
        self.remove_class("-searching")
        self.screen.refresh_bindings()  # the footer: q may quit again

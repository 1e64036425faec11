"""The main screen: sidebar, story list and reader, and every key on them.

Every view is a query string for ``store.search.compiler.search_ids``. Database reads and
network work run in thread workers, each with its own connection; results come
back through ``call_from_thread``. Marking read/starred, selections and tags,
searching and refreshing are mixins in ``marking.py``, ``tagging.py``,
``searching.py`` and ``refreshing.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Footer, Header, Input
from textual.worker import Worker, WorkerState, get_current_worker

from store.items import fetch_items
from store.model import Item
from store.search.compiler import QueryError, search_ids, unread_count
from store.search.highlight import highlight_terms
from tui import keys
from tui.config import Config
from tui.screens.help import HelpScreen
from tui.screens.refreshing import Refreshing
from tui.screens.searching import Searching
from tui.screens.tagging import Tagging
from tui.widgets.item_list import PAGE, ItemList
from tui.widgets.sidebar import Sidebar, SidebarData, View, load_sidebar
from tui.widgets.status_line import StatusLine
from tui.widgets.story_view import StoryView, read_story

NARROW = 100
WIDE = 180
FIRST_PAGE = 200
STORY_DELAY = 0.03


class MainScreen(Tagging, Searching, Refreshing):
    """The reader: pick a view on the left, move through stories, read on the right."""

    BINDINGS = keys.bindings()
    ALLOW_IN_MAXIMIZED_VIEW = "Header, StatusLine, Footer"

    def __init__(self, db_path: Path, config: Config, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.db_path = db_path
        self.config = config
        self.now = now
        self.view = View("All", "")
        self.terms: list[str] = []  # search terms to mark in the list and the story
        self._before_search: View | None = None
        self._dwell: Timer | None = None
        self._story_timer: Timer | None = None
        self._search_timer: Timer | None = None
        self._sidebar_hidden: bool | None = None  # None: as the width suggests
        self._sidebar_started = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            with Vertical(id="content"):
                yield Input(
                    placeholder='Search: words, "a phrase", is:unread, tag:x, lang:fr', id="search"
                )
                yield ItemList(self.now, id="items")
                yield StoryView(id="story")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ItemList).focus()
        self.sub_title = self.view.name
        self.load_view()  # the sidebar's counts follow the first rows (see _view_loaded)
        self.start_auto_refresh()

    @work(thread=True, group="rows", exit_on_error=False)
    def load_rows(self, message: ItemList.RowsWanted) -> None:
        """Read a page of list rows the list is about to draw."""
        db = self.open_db()
        try:
            rows = fetch_items(db, message.ids, with_text=message.with_text)
        finally:
            db.close()
        self.app.call_from_thread(
            message.item_list.rows_loaded, message.generation, message.page, rows
        )

    def on_item_list_rows_wanted(self, message: ItemList.RowsWanted) -> None:
        """The list scrolled onto rows it has not loaded."""
        self.load_rows(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's failure ends here, as a notification rather than a crash."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.notify(
                f"{type(error).__name__}: {error}",
                title="Something failed",
                severity="error",
                markup=False,
            )

    # -- layout ------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        """Narrow: list above reader, no sidebar; wide: three columns."""
        self.set_class(event.size.width < NARROW, "-narrow")
        self.set_class(event.size.width >= WIDE, "-wide")
        self._apply_sidebar()

    def _apply_sidebar(self) -> None:
        hidden = self._sidebar_hidden
        if hidden is None:
            hidden = self.size.width < NARROW
        self.set_class(hidden, "-no-sidebar")
        if hidden and self.sidebar.has_focus:
            self.items.focus()

    # -- loading views, stories and counts ---------------------------------------

    def show_view(self, view: View) -> None:
        """Switch the list to another view."""
        self.view = view
        self.sub_title = view.name
        self.items.clear_selection()  # a selection belongs to the view it was made in
        try:
            self.terms = highlight_terms(view.query)
        except QueryError:
            self.terms = []
        self.items.highlight = self.terms
        self.load_view()

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def load_view(self, keep: int | None = None, reload: bool = True) -> None:
        """Run the view's query; the list gets ids only.

        A new view shows its first screenful at once, then the whole list:
        ordering 100,000 ids takes a moment, the top rows do not.
        """
        view = self.view
        worker = get_current_worker()
        db = self.open_db()
        try:
            if keep is None:
                first = search_ids(db, view.query, limit=FIRST_PAGE)
                rows = fetch_items(db, first[:PAGE], with_text=bool(self.terms))
                if worker.is_cancelled:
                    return
                self.app.call_from_thread(self._view_loaded, view, first, None, None, True, rows)
                keep, reload = -1, False
            ids = search_ids(db, view.query)
            unread = unread_count(db, view.query)
        except QueryError as error:
            self.app.call_from_thread(self._query_failed, view, str(error))
            return
        finally:
            db.close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._view_loaded, view, ids, unread, keep, reload)

    def _view_loaded(
        self,
        view: View,
        ids: list[int],
        unread: int | None,
        keep: int | None,
        reload: bool,
        rows: list[Item] | None = None,
    ) -> None:
        if view is not self.view:
            return
        self.query_one("#search").remove_class("-error")
        if keep == -1:  # the whole list after the first page: stay where the user is
            keep = self.items.current_id
        self.items.set_ids(ids, keep=keep, reload=reload, rows=rows)
        if unread is not None:
            self.status.show_view(view.name, len(ids), unread)
        if not self._sidebar_started:
            self._sidebar_started = True
            self.load_sidebar()

    def _query_failed(self, view: View, message: str) -> None:
        self.query_one("#search").add_class("-error")
        self.status.show_view(view.name, 0, 0, error=message)

    @work(thread=True, exclusive=True, group="sidebar", exit_on_error=False)
    def load_sidebar(self) -> None:
        """Fresh counts for every view in the sidebar and for the status line."""
        view = self.view
        db = self.open_db()
        try:
            data = load_sidebar(db)
            try:
                unread = unread_count(db, view.query)
            except QueryError:  # a search being typed; its error shows elsewhere
                unread = 0
        finally:
            db.close()
        self.app.call_from_thread(self._sidebar_loaded, data, view, unread)

    def _sidebar_loaded(self, data: SidebarData, view: View, unread: int) -> None:
        self.sidebar.show(data)
        self.sidebar.select_query(self.view.query)
        if view is self.view:
            self.status.show_view(view.name, len(self.items.ids), unread)

    def on_item_list_highlighted(self, message: ItemList.Highlighted) -> None:
        """The cursor moved: show the story, and restart the dwell before it counts as read."""
        if self._dwell is not None:
            self._dwell.stop()
            self._dwell = None
        if self._story_timer is not None:
            self._story_timer.stop()
        if message.item_id is None:
            self.story.show(None)
            return
        # Held-down j should redraw the list, not read every story it passes.
        self._story_timer = self.set_timer(STORY_DELAY, partial(self.load_story, message.item_id))
        self._dwell = self.set_timer(
            self.config.dwell_seconds, partial(self._dwelt, message.item_id)
        )

    def on_item_list_selected(self, message: ItemList.Selected) -> None:
        """A double click opens the story like enter does."""
        self.action_open()

    @work(thread=True, exclusive=True, group="story", exit_on_error=False)
    def load_story(self, item_id: int) -> None:
        """Read one whole story and draw it (drawing is cheap; reading is not)."""
        db = self.open_db()
        try:
            item, renderable = read_story(
                db, item_id, now=self.now(), clock=self.config.clock, terms=self.terms
            )
        finally:
            db.close()
        self.app.call_from_thread(self._story_loaded, item, renderable)

    def _story_loaded(self, item: Item, renderable: object) -> None:
        if item.id == self.items.current_id:
            self.story.show(item, renderable)  # type: ignore[arg-type]
            self.page_wanted(item)  # the full text, from the article page (refreshing.py)

    # -- sidebar --------------------------------------------------------------

    def on_sidebar_view_chosen(self, message: Sidebar.ViewChosen) -> None:
        """A view picked in the sidebar replaces the list (and ends a search)."""
        search = self.query_one("#search", Input)
        search.value = ""
        self._before_search = None
        self.remove_class("-searching")
        self.show_view(message.view)
        self.items.focus()

    def _step_feed(self, step: int) -> None:
        feeds = self.sidebar.data_now.feed_views()
        if not feeds:
            self.notify("No feeds yet: add one with `aanews feeds add URL`.", markup=False)
            return
        queries = [v.query for v in feeds]
        index = queries.index(self.view.query) + step if self.view.query in queries else 0
        view = feeds[index % len(feeds)]
        self.sidebar.select_query(view.query)
        self.show_view(view)

    # -- actions: moving ------------------------------------------------------

    def action_down(self) -> None:
        """Next story (or next sidebar entry when the sidebar has the focus)."""
        if self.sidebar.has_focus:
            self.sidebar.action_cursor_down()
        else:
            self.items.move_by(1)

    def action_up(self) -> None:
        """Previous story (or sidebar entry)."""
        if self.sidebar.has_focus:
            self.sidebar.action_cursor_up()
        else:
            self.items.move_by(-1)

    def action_top(self) -> None:
        """First story."""
        self.items.move_to(0)

    def action_bottom(self) -> None:
        """Last story."""
        self.items.move_to(len(self.items.ids) - 1)

    def action_next_unread(self) -> None:
        """Next unread story in the view."""
        self._find_unread(1)

    def action_previous_unread(self) -> None:
        """Previous unread story in the view."""
        self._find_unread(-1)

    @work(thread=True, exclusive=True, group="seek", exit_on_error=False)
    def _find_unread(self, step: int) -> None:
        ids = self.items.ids
        start = self.items.cursor + step
        indices = range(start, len(ids)) if step > 0 else range(start, -1, -1)
        db = self.open_db()
        try:
            for chunk_start in range(0, len(indices), 500):
                chunk = [ids[i] for i in indices[chunk_start : chunk_start + 500]]
                for item in fetch_items(db, chunk):
                    if not item.read:
                        self.app.call_from_thread(self._go_to, item.id, ids)
                        return
        finally:
            db.close()
        self.app.call_from_thread(self.notify, "No more unread stories in this view.")

    def _go_to(self, item_id: int, ids: list[int]) -> None:
        if ids is self.items.ids:
            self.items.move_to(ids.index(item_id))

    def action_open(self) -> None:
        """Read the story under the cursor in the reader pane."""
        if self.items.current_id is None:
            return
        if self.story.item is not None and self.story.item.id == self.items.current_id:
            self.page_wanted(self.story.item, at_once=True)
        self.story.focus()
        if self.has_class("-narrow"):
            self.maximize(self.story, container=False)

    def action_page(self) -> None:
        """Page down the story; at its end, go on to the next unread one."""
        if self.story.at_end:
            self.action_next_unread()
        else:
            self.story.scroll_page_down(animate=False)

    def action_back(self) -> None:
        """Close the search box or the full-screen reader, or clear the selection."""
        if self.items.has_focus and self.items.clear_selection():
            return
        if self.maximized is not None:
            self.minimize()
        if self.has_class("-searching"):
            self._close_search()
            return
        self.items.focus()

    def action_next_pane(self) -> None:
        """Move the focus to the next pane."""
        self.focus_next()

    def action_previous_pane(self) -> None:
        """Move the focus to the previous pane."""
        self.focus_previous()

    def action_next_feed(self) -> None:
        """Open the next feed in the sidebar."""
        self._step_feed(1)

    def action_previous_feed(self) -> None:
        """Open the previous feed in the sidebar."""
        self._step_feed(-1)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the sidebar."""
        self._sidebar_hidden = not self.has_class("-no-sidebar")
        self._apply_sidebar()

    def action_help(self) -> None:
        """Every key, with what it does."""
        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        """Leave the reader."""
        self.app.exit(0)

"""The main screen: sidebar, story list and reader, and the keys that move between them.

The screen wires its parts together and owns little state of its own: the
layout and the story timer. The parts own theirs — the widgets (``Sidebar``,
``Viewer`` with ``SearchBox``, ``ItemList`` and ``StoryView``, ``StatusLine``) and
the controllers (``ViewReader``, ``StoryReader``, ``Refresher``, ``Marker``), whose
results come back as messages. Which view is shown, the search and hiding read
stories are the ``Viewer``'s (``tui/widgets/viewer.py``); the keys that change
stories (read, star, tags) belong to the ``Panes`` (``tui/widgets/panes.py``). The
screen's keys that reach those parts are one line each: a key binds where the
focus is or above it, and the controllers are not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import events
from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header

from tui import keys
from tui.config import Config
from tui.controllers.marks import Marker
from tui.controllers.notifier import Notifier
from tui.controllers.pictures import picture_reader
from tui.controllers.refresher import Refresher
from tui.controllers.stories import PAGE_DELAY, StoryReader
from tui.controllers.views import ViewReader
from tui.controllers.watcher import Watcher
from tui.feed_steps import step_feed
from tui.screens.help import HelpScreen
from tui.widgets.item_list import ItemList
from tui.widgets.key_footer import KeyFooter
from tui.widgets.panes import Panes
from tui.widgets.search_box import SEARCH_DELAY, SearchBox
from tui.widgets.sidebar import Sidebar, View
from tui.widgets.status_line import StatusLine
from tui.widgets.story_view import StoryView
from tui.widgets.viewer import STORY_DELAY, Viewer
from tui.wording import no_feeds, nothing_open

NARROW = 100
WIDE = 180


class MainScreen(Screen[None]):
    """The reader: pick a view on the left, move through stories, read on the right."""

    BINDINGS = keys.bindings()
    ALLOW_IN_MAXIMIZED_VIEW = "Header, StatusLine, KeyFooter"
    # Screen's own repaints the whole screen at every focus change (enter, escape, tab);
    # the widgets whose look follows the focus repaint themselves.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(
        self,
        db_path: Path,
        config: Config,
        now: Callable[[], datetime],
        *,
        offline: bool = False,
        search_delay: float = SEARCH_DELAY,
        story_delay: float = STORY_DELAY,
        page_delay: float = PAGE_DELAY,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.config = config
        self.now = now
        # The parts, by name: the panes (widgets) and the controllers.
        self.sidebar = Sidebar(id="sidebar")
        self.search_box = SearchBox(delay=search_delay, id="search")
        self.items = ItemList(now, id="items")
        pictures = picture_reader(db_path, config, offline=offline, delay=page_delay)
        self.story = StoryView(id="story", pictures=pictures)
        self.status = StatusLine(id="status")
        self.views = ViewReader(db_path)
        self.stories = StoryReader(db_path, config, now, offline=offline, page_delay=page_delay)
        self.refresher = Refresher(db_path, config, offline=offline)
        self.marker = Marker(db_path, config.dwell_seconds)
        self.watcher = Watcher(db_path)
        self.notifier = Notifier(db_path, config)
        self.viewer = Viewer(
            self.search_box,
            self.items,
            self.story,
            views=self.views,
            stories=self.stories,
            marker=self.marker,
            story_delay=story_delay,
            id="content",
        )
        self.panes = Panes(
            self.sidebar,
            self.viewer,
            db_path=db_path,
            config=config,
            marker=self.marker,
            id="panes",
        )
        self._sidebar_hidden: bool | None = None  # None: as the width suggests
        self._welcomed = False  # an empty database opens on the welcome screen, once

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.panes
        yield self.status
        yield KeyFooter()
        yield from (self.refresher, self.watcher, self.notifier)

    def on_mount(self) -> None:
        self.items.focus()
        self.sub_title = self.view.name
        self.viewer.load_view()  # the sidebar's counts follow the first rows

    # -- layout ------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
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

    # -- the user, and dialogs over the reader -------------------------------------

    def on_screen_suspend(self) -> None:
        """A dialog covers the story: it is not being read."""
        self.marker.pause_dwell()

    def on_screen_resume(self) -> None:
        """The dialog closed: the story in view counts from now."""
        self.marker.resume_dwell()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """While a search is typed, the results shown are passed over, not read."""
        if event.widget is self.search_box:
            self.marker.pause_dwell("search")

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget is self.search_box:
            self.marker.resume_dwell("search")

    # -- views ----------------------------------------------------------------

    @property
    def view(self) -> View:
        """The view the user chose (a feed, a tag, a search)."""
        return self.viewer.view

    def on_viewer_shown(self, message: Viewer.Shown) -> None:
        """Another view in the list: its name under the title."""
        self.sub_title = message.view.name

    def on_view_reader_loaded(self, message: ViewReader.Loaded) -> None:
        """The whole view is in the list (the Viewer's part): its counts in the status line."""
        if message.view is self.viewer.shown:
            self._show_counts(len(message.ids), message.unread)
        self.call_after_refresh(self.app.launched)  # type: ignore[attr-defined]

    def on_view_reader_failed(self, message: ViewReader.Failed) -> None:
        """A query that cannot run: its error in one line."""
        if message.view is self.viewer.shown:
            self.status.show_view(message.view.name, 0, 0, error=message.error)

    def on_view_reader_counted(self, message: ViewReader.Counted) -> None:
        """Fresh counts for the sidebar and the status line; no feeds nor accounts: welcome."""
        self.sidebar.show(message.data)
        feeds = message.data.feed_views()
        nothing = not feeds and not message.data.accounts
        failing = sum(1 for view in feeds if view.error)
        self.story.say_when_empty(
            no_feeds(self.app) if nothing else nothing_open(self.app, failing)
        )
        if not self._welcomed:
            self._welcomed = True
            if nothing and not self.config.accounts:  # a sync account brings its own
                self.action_manage_feeds(welcome=True)
        self.sidebar.select_query(self.view.query)
        if message.view is self.viewer.shown:
            self._show_counts(len(self.items.ids), message.unread)

    def _show_counts(self, total: int, unread: int) -> None:
        """The view's counts in the status line; a feed's error after them."""
        shown = self.viewer.shown
        warning = self.sidebar.data_now.error_of(self.view.query) or ""
        self.status.show_view(shown.name, total, unread, warning=warning)

    def on_sidebar_view_chosen(self, message: Sidebar.ViewChosen) -> None:
        """A view picked in the sidebar replaces the list (and ends a search)."""
        self.viewer.end_search()
        self.viewer.show_view(message.view)
        self.items.focus()

    # -- the story under the cursor ----------------------------------------------

    def on_item_list_selected(self, message: ItemList.Selected) -> None:
        """A double click opens the story like enter does."""
        self.action_open()

    # -- after a change of marks or tags --------------------------------------------

    def on_marker_written(self, message: Marker.Written) -> None:
        """Only the counts: the list keeps its rows, so a story just read stays
        under the cursor even in the Unread view."""
        self.viewer.load_counts()

    def on_marker_changed(self, message: Marker.Changed) -> None:
        """Counts follow; the story in the reader shows its new tags."""
        self.viewer.load_counts()
        current = self.items.current_id
        if current in message.tags and self.story.item is not None:
            self.stories.load(current)

    def on_watcher_changed(self, message: Watcher.Changed) -> None:
        """Another aanews wrote (a cron fetch): counts follow, new stories join the list
        in place (the cursor stays on its story)."""
        self.viewer.load_counts()
        if message.new_stories:
            self.viewer.load_view(keep=self.items.current_id)
            if not self.refresher.running:  # a refresh of ours tells of its stories at its end
                self.notifier.look()
        else:
            self.viewer.story_again()  # a story revised, read elsewhere: the one in view

    def on_marker_saved(self, message: Marker.Saved) -> None:
        """A saved search joins the sidebar."""
        self.viewer.load_counts()

    def on_panes_stories_changed(self, message: Panes.StoriesChanged) -> None:
        """Tags renamed or deleted: the view's stories and the tags shown may differ."""
        self.viewer.load_counts()
        self.viewer.load_view(keep=self.items.current_id)
        if self.items.current_id is not None:
            self.stories.load(self.items.current_id)

    # -- refreshing ------------------------------------------------------------

    def on_refresher_progress(self, message: Refresher.Progress) -> None:
        """A refresh moved on: the bar and the feed it is on."""
        self.watcher.busy = True  # our own writes: the list and counts catch up at the end
        self.status.show_progress(message.done, message.total, message.what)

    def on_refresher_finished(self, message: Refresher.Finished) -> None:
        """Counts and list catch up (the Refresher said how the feeds went); a failed
        account gets its own notification."""
        self.status.done()
        self.notifier.look()
        for synced in message.synced:
            if synced.error:  # also on the account's sidebar entry
                self.notify(synced.error, title="Sync failed", severity="error", markup=False)
        if message.synced:
            self.viewer.load_counts()
            # new stories, read and starred states
            self.viewer.load_view(keep=self.items.current_id)
        report = message.report
        if report is not None:
            self.viewer.load_counts()
            if report.new or report.updated:
                self.viewer.load_view(keep=self.items.current_id)
        reloaded = message.synced or (report is not None and (report.new or report.updated))
        if reloaded:
            self.watcher.caught_up()
        else:
            self.watcher.busy = False

    def action_manage_feeds(self, welcome: bool = False) -> None:
        """The feed manager (the welcome screen when there are none): new feeds are fetched."""

        def closed(added: list[int] | None) -> None:
            self.viewer.load_counts()
            self.viewer.load_view(keep=self.items.current_id)
            if added:
                self.refresher.start(added, "the new feeds")

        from tui.screens.feed_manager import FeedManager  # not for the first frame

        self.app.push_screen(FeedManager(self.db_path, welcome=welcome), closed)

    def action_refresh_all(self) -> None:
        """Refresh every feed in the background."""
        self.refresher.start(None, "all feeds")

    def action_refresh_feed(self) -> None:
        """Refresh the feed of the current view, or the current story's feeds."""
        self.refresher.refresh_view(self.view, self.story.item)

    def action_search(self) -> None:
        """Show the search box; results follow as you type."""
        self.viewer.open_search()

    # -- moving ----------------------------------------------------------------

    def action_next_unread(self) -> None:
        """Next unread story in the view (past the last: from the top)."""
        self.viewer.find_unread(1)

    def action_previous_unread(self) -> None:
        """Previous unread story in the view (past the first: from the bottom)."""
        self.viewer.find_unread(-1)

    def _step_feed(self, step: int, *, unread: bool = False) -> None:
        target = step_feed(self.sidebar.data_now.feed_views(), self.view.query, step, unread=unread)
        if isinstance(target, str):
            self.notify(target, timeout=2, markup=False)
            return
        self.sidebar.select_query(target.query)
        self.viewer.end_search()
        self.viewer.show_view(target)

    def action_next_feed(self) -> None:
        """Open the next feed in the sidebar."""
        self._step_feed(1)

    def action_previous_feed(self) -> None:
        """Open the previous feed in the sidebar."""
        self._step_feed(-1)

    def action_next_unread_feed(self) -> None:
        """Open the next feed with unread stories."""
        self._step_feed(1, unread=True)

    def action_previous_unread_feed(self) -> None:
        """Open the previous feed with unread stories."""
        self._step_feed(-1, unread=True)

    def action_toggle_hide_read(self) -> None:
        """List only the unread stories of every view, or all of them again."""
        self.viewer.toggle_hide_read()

    def action_open(self) -> None:
        """Read the story under the cursor in the reader pane."""
        if self.items.current_id is None:
            return
        if self.story.item is not None and self.story.item.id == self.items.current_id:
            self.stories.page_wanted(self.story.item, at_once=True)
        self.story.focus()
        if self.has_class("-narrow"):
            self.maximize(self.story, container=False)

    def action_page(self) -> None:
        """Page down the story; at its end, it has been read: go on to the next unread one."""
        if self.story.at_end:
            self.panes.read_to_end()
            self.action_next_unread()
        else:
            self.story.scroll_page_down(animate=False)

    def action_back(self) -> None:
        """Clear the selection, leave the full-screen story or the search box, end a search."""
        if self.items.has_focus and self.items.clear_selection():
            return
        if self.maximized is not None:
            self.minimize()
        elif self.search_box.has_focus:
            pass  # out of the box, to the results
        elif self.viewer.searching and self.items.has_focus:
            self.viewer.close_search()
            return
        self.items.focus()

    @property
    def close_quits(self) -> bool:
        """Whether ``close`` (q) quits now: nothing to go back from (the footer says so)."""
        return self.maximized is None and not self.story.has_focus and not self.viewer.searching

    def action_close(self) -> None:
        """Back a level: the full-screen story, the story pane, a search; at the top, quit."""
        if self.maximized is not None:
            self.minimize()
            self.items.focus()
        elif self.story.has_focus:
            self.items.focus()
        elif self.viewer.searching:
            self.viewer.close_search()
        else:
            self.app.exit(0)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the sidebar."""
        self._sidebar_hidden = not self.has_class("-no-sidebar")
        self._apply_sidebar()

    def action_help(self) -> None:
        """Every key, with what it does."""
        self.app.push_screen(HelpScreen())

"""What the main screen's parts share: its state and its panes, by name.

``MainScreen`` is assembled from mixins (marking, searching, refreshing); each
derives from ``ReaderParts`` so that it can name the panes and the state it
works on, and a type checker can follow it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database
from textual.screen import Screen
from textual.timer import Timer

from store.db import open_db
from tui.config import Config
from tui.widgets.item_list import ItemList
from tui.widgets.sidebar import Sidebar, View
from tui.widgets.status_line import StatusLine
from tui.widgets.story_view import StoryView


class ReaderParts(Screen[None]):
    """The database, the config, the current view, and the four panes."""

    db_path: Path
    config: Config
    now: Callable[[], datetime]
    view: View
    terms: list[str]
    _dwell: Timer | None
    _before_search: View | None
    _search_timer: Timer | None

    def open_db(self) -> Database:
        """A connection for the calling thread (sqlite objects cannot cross threads)."""
        return open_db(self.db_path)

    @property
    def items(self) -> ItemList:
        """The story list."""
        return self.query_one(ItemList)

    @property
    def story(self) -> StoryView:
        """The reader pane."""
        return self.query_one(StoryView)

    @property
    def sidebar(self) -> Sidebar:
        """The sidebar."""
        return self.query_one(Sidebar)

    @property
    def status(self) -> StatusLine:
        """The status line."""
        return self.query_one(StatusLine)

    if TYPE_CHECKING:  # defined by MainScreen (as workers)

        def show_view(self, view: View) -> None: ...

        def load_view(self, keep: int | None = None, reload: bool = True) -> object: ...

        def load_sidebar(self) -> object: ...

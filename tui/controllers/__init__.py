"""Parts of a screen with no look of their own: each owns its state and its workers.

A controller is a hidden widget mounted in its screen, so the messages it posts
(its results, as nested ``Message`` classes) bubble up to the screen, which
hands them on to the widgets ("attributes down, messages up").
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database
from textual.widget import Widget

from store.db import open_db


class Controller(Widget):
    """A hidden part of a screen that reads or writes the database in workers."""

    DEFAULT_CSS = "Controller { display: none; }"

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path

    def open_db(self) -> Database:
        """A connection for the calling thread (sqlite objects cannot cross threads)."""
        return open_db(self.db_path)

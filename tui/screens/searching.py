"""Searching from the main screen: results follow as you type.

A mixin of ``MainScreen`` (handlers by name: ``@on`` is only collected on
Textual classes). Each pause in typing runs the text as the view's
query (``store.search.compiler``), in the view's exclusive worker, so a newer search
replaces an older one still running; a bad query shows its one-line error.
"""

from __future__ import annotations

from functools import partial

from textual.widgets import Input

from tui.screens.reader_parts import ReaderParts
from tui.widgets.sidebar import View

SEARCH_DELAY = 0.25


class Searching(ReaderParts):
    """The search box under ``/``."""

    def action_search(self) -> None:
        """Show the search box; results follow as you type."""
        search = self.query_one("#search", Input)
        if self._before_search is None:
            self._before_search = self.view
        self.add_class("-searching")
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Each change of the search text waits for a pause in typing, then searches."""
        if event.input.id != "search":
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, partial(self._run_search, event.value))

    def _run_search(self, text: str) -> None:
        self._search_timer = None
        if not text.strip():
            self.show_view(self._before_search or View("All", ""))
            return
        self.show_view(View(f"Search: {text.strip()}", text.strip()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter searches now and goes to the results."""
        if event.input.id != "search":
            return
        if self._search_timer is not None:
            self._search_timer.stop()
            self._run_search(event.value)
        self.items.focus()

    def _close_search(self) -> None:
        search = self.query_one("#search", Input)
        if not search.value.strip() and self._before_search is not None:
            self.show_view(self._before_search)
        if not search.value.strip():
            self._before_search = None
            self.remove_class("-searching")
        self.items.focus()

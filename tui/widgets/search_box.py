"""The search box under ``/``: results follow each pause in typing.

It says what to search in messages; the screen runs the query as the view
(a newer search replaces an older one still running).
"""

from __future__ import annotations

from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

SEARCH_DELAY = 0.25
PLACEHOLDER = 'Search: words, "a phrase", is:unread, tag:x, lang:fr'


class SearchBox(Input):
    """An Input that waits for a pause in typing (``delay`` seconds) before it searches."""

    class Search(Message):
        """Search for ``text`` now (empty: no search, back to the view before)."""

        def __init__(self, text: str, *, done: bool = False) -> None:
            super().__init__()
            self.text = text
            self.done = done  # enter: the user goes on to the results

    class Done(Message):
        """Enter with nothing new to search: go to the results."""

    def __init__(self, *, delay: float = SEARCH_DELAY, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id)
        self.delay = delay
        self._timer: Timer | None = None

    def on_input_changed(self, event: Input.Changed) -> None:
        """Each change waits for a pause in typing, then searches."""
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.delay <= 0:
            self._pause_ended()
        else:
            self._timer = self.set_timer(self.delay, self._pause_ended)

    def _pause_ended(self) -> None:
        self._timer = None
        self.post_message(self.Search(self.value.strip()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter searches at once (if a search is still waiting) and goes to the results."""
        event.stop()
        waiting = self._timer is not None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.post_message(self.Search(self.value.strip(), done=True) if waiting else self.Done())

    def clear_search(self) -> None:
        """Empty the box without searching."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        with self.prevent(Input.Changed):
            self.value = ""

"""The search box under ``/``: results follow each pause in typing.

It keeps the view the search came from (``before``) and says which view to
show in messages: the search's, or the one before when the box is emptied.
The screen runs it (a newer search replaces an older one still running).
"""

from __future__ import annotations

from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from tui.widgets.sidebar import View

SEARCH_DELAY = 0.25
PLACEHOLDER = 'Search: words, "a phrase", is:unread, tag:x, lang:fr'


class SearchBox(Input):
    """An Input that waits for a pause in typing (``delay`` seconds) before it searches."""

    class Search(Message):
        """Show ``view`` now: the search's, or the one before it (None: none was)."""

        def __init__(self, view: View | None, *, done: bool = False) -> None:
            super().__init__()
            self.view = view
            self.done = done  # enter: the user goes on to the results

    class Done(Message):
        """Enter with the results showing: go to them."""

    def __init__(self, *, delay: float = SEARCH_DELAY, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id)
        self.delay = delay
        self.before: View | None = None  # the view the search came from
        self._timer: Timer | None = None

    def open(self, view: View) -> None:
        """Show the box and take the keys; ``view`` is the one to come back to."""
        if self.before is None:
            self.before = view
        self.focus()

    def close(self) -> None:
        """Empty the box (without searching) and forget the view before."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        with self.prevent(Input.Changed):
            self.value = ""
        self.remove_class("-error")
        self.before = None

    def wanted(self, *, done: bool = False) -> SearchBox.Search:
        """The message for what the box holds now."""
        text = self.value.strip()
        view = View(f"Search: {text}", text) if text else self.before
        return self.Search(view, done=done)

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
        self.post_message(self.wanted())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter searches at once (if a search is still waiting) and goes to the results."""
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            self.post_message(self.wanted(done=True))
        else:
            self.post_message(self.Done())

"""The status line: the view's name and counts, and a refresh's progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from tui.plural import counted


class StatusLine(Horizontal):
    """One row above the footer: what you are looking at, and what is running."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; }
    StatusLine > #status-view { width: 1fr; padding: 0 1; }
    StatusLine > TaskLabel { width: 40; padding: 0 1; color: $text-muted; display: none; }
    StatusLine > TaskBar { width: 30; display: none; }
    StatusLine.-busy > TaskLabel, StatusLine.-busy > TaskBar { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield BoxText(id="status-view")
        yield TaskLabel(id="status-task")
        yield TaskBar(id="status-progress")

    def show_view(
        self, name: str, total: int, unread: int, error: str | None = None, warning: str = ""
    ) -> None:
        """The view's name (feed titles are data: a Text, never markup) and counts; a query's
        ``error`` instead, or a feed's after them (``warning``: why its last fetch failed)."""
        text = Text(name, style="bold")
        if error:
            text.append(f"  {error}", style="red")
        else:
            text.append(f"  {counted(total, 'story')} · {unread:,} unread", style="dim")
        if warning and not error:
            text.append(f"  ⚠ {warning}", style="yellow")
        self.query_one("#status-view", BoxText).show(text)

    def show_progress(self, done: int, total: int, what: str) -> None:
        """A running refresh: the bar and the feed it is on."""
        self.add_class("-busy")
        self.query_one(TaskBar).show(done, max(total, 1))
        self.query_one(TaskLabel).show(f"Refreshing {done}/{total} {what}")

    def done(self) -> None:
        """Nothing is running any more."""
        self.remove_class("-busy")
        self.query_one(TaskLabel).show("")


class BoxText(Widget):
    """A text in a box whose size the layout sets: a new text repaints this box only.

    A ``Label`` that changes lays the whole screen out again (a few ms at 500,000
    stories, 20-30 ms with the sidebar's 330 rows): four times a second during a
    refresh, at every count, and a key pressed meanwhile waits. A text too long for
    the box ends in an ellipsis.
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._text = Text()

    def show(self, text: str | Text) -> None:
        """Show ``text`` (a str is data, never markup) instead of what was there."""
        text = Text(text) if isinstance(text, str) else text
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        text = self._text.copy()
        text.no_wrap = True
        text.truncate(self.size.width, overflow="ellipsis")
        return text


class TaskLabel(BoxText):
    """What is running, beside the bar."""


class TaskBar(Widget):
    """How far the running task is: a bar and its percentage, repainted in place.

    Textual's ``ProgressBar`` lays the screen out again at every step (~8 ms at
    500,000 stories, four times a second during a refresh); this one only repaints.
    """

    COMPONENT_CLASSES = {"task-bar--done", "task-bar--rest"}
    DEFAULT_CSS = """
    TaskBar > .task-bar--done { color: $primary; }
    TaskBar > .task-bar--rest { color: $surface-lighten-2; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._done, self._total = 0, 1

    def show(self, done: int, total: int) -> None:
        """``done`` of ``total`` steps (total at least 1)."""
        if (done, total) != (self._done, self._total):
            self._done, self._total = done, total
            self.refresh()

    def render(self) -> Text:
        fraction = min(max(self._done / self._total, 0.0), 1.0)
        width = max(self.size.width - 5, 0)  # and " 100%"
        filled = round(width * fraction)
        text = Text(no_wrap=True)
        text.append("━" * filled, self.get_component_rich_style("task-bar--done"))
        text.append("━" * (width - filled), self.get_component_rich_style("task-bar--rest"))
        text.append(f"{round(fraction * 100):>4}%")
        return text

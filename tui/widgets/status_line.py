"""The status line: the view's name and counts, and a refresh's progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from tui.plural import counted


class StatusLine(Horizontal):
    """One row above the footer: what you are looking at, and what is running."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; }
    StatusLine > #status-view { width: 1fr; padding: 0 1; }
    StatusLine > #status-task { width: auto; padding: 0 1; color: $text-muted; }
    StatusLine > ProgressBar { width: 30; display: none; }
    StatusLine.-busy > ProgressBar { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Label(id="status-view")
        yield Label(id="status-task")
        yield ProgressBar(show_eta=False, id="status-progress")

    def show_view(self, name: str, total: int, unread: int, error: str | None = None) -> None:
        """The view's name (feed titles are data: a Text, never markup) and counts."""
        text = Text(name, style="bold")
        if error:
            text.append(f"  {error}", style="red")
        else:
            text.append(f"  {counted(total, 'story')} · {unread:,} unread", style="dim")
        self.query_one("#status-view", Label).update(text)

    def show_progress(self, done: int, total: int, what: str) -> None:
        """A running refresh: the bar and the feed it is on."""
        self.add_class("-busy")
        bar = self.query_one(ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#status-task", Label).update(Text(f"Refreshing {done}/{total} {what}"))

    def done(self) -> None:
        """Nothing is running any more."""
        self.remove_class("-busy")
        self.query_one("#status-task", Label).update("")

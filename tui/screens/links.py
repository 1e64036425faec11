"""The story's links, numbered: 1–9 or enter opens one, esc goes back.

Links are feed text: shown as plain Text, never markup, and only http(s) ones
are listed (``tui.story_export.story_links``).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.dialog import Dialog


class LinksScreen(Dialog[str | None]):
    """Pick one of the story's links; dismisses with it, or None."""

    DEFAULT_CSS = """
    LinksScreen > Vertical { width: 100; }
    LinksScreen OptionList { height: auto; max-height: 16; border: none; }
    """

    BINDINGS = [Binding("escape,q", "cancel", "Back")]

    def __init__(self, links: list[str]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content("Links in the story")
            options = [
                Option(Text(f"{n}  " if n <= 9 else "   ").append(Text(link, style="underline")))
                for n, link in enumerate(self.links, start=1)
            ]
            yield OptionList(*options)
            yield Static(Text("1–9 or ⏎ opens in the browser · esc back"), classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a link: open it."""
        event.stop()
        self.dismiss(self.links[event.option_index])

    def on_key(self, event: events.Key) -> None:
        """A digit opens that link at once."""
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < len(self.links):
                event.stop()
                self.dismiss(self.links[index])

    def action_cancel(self) -> None:
        """Back to the story, nothing opened."""
        self.dismiss(None)

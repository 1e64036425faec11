"""The help screen: every key the reader answers to, as bound right now."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.keys import DIALOG_MOVES, KEYS, bound_label, description
from tui.screens.dialog import Dialog


def help_table(keymap: dict[str, str], quick_tags: list[str] | None = None) -> Table:
    """A two-column table of keys and what they do, with the user's rebindings."""
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2, 0, 0))
    table.add_column("Key", style="bold cyan", no_wrap=True)
    table.add_column("Action")
    for key in KEYS:
        table.add_row(
            Text(bound_label(key, keymap)),
            Text(description(key, quick_tags or [])),
        )
    return table


def dialog_moves(keymap: dict[str, str]) -> str:
    """The line under the table: the list's moving keys (as bound now) move in dialogs too."""
    first = {k.action: bound_label(k, keymap).split(", ")[0] for k in KEYS}
    moves = " ".join(first[action] for action in DIALOG_MOVES)
    return f"{moves} move in the dialogs too (feeds, tags, links, the catalogue)."


class HelpScreen(Dialog[None]):
    """Lists every binding; any of escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen > VerticalScroll { width: 76; max-width: 100%; max-height: 100%; padding: 0 2; }
    HelpScreen Static { width: 1fr; }
    """

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        keymap: dict[str, str] = getattr(self.app, "key_overrides", {})
        config = getattr(self.app, "config", None)
        quick_tags: list[str] = config.quick_tags if config is not None else []
        preset = getattr(config, "key_preset", "default")
        with VerticalScroll() as scroll:
            keys_set = f" ({preset} keys)" if preset != "default" else ""
            scroll.border_title = f"Keys{keys_set} — esc closes"
            yield Static(help_table(keymap, quick_tags))
            yield Static(Text(dialog_moves(keymap)), classes="hint")

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

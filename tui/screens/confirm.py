"""A yes/no question, answered with y/n, enter/escape or the buttons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from tui.screens.dialog import Dialog

CONFIRM_ABOVE = 50  # stories a key changes without asking first


class ConfirmScreen(Dialog[bool]):
    """Ask before doing something large; dismisses with True for yes."""

    DEFAULT_CSS = """
    ConfirmScreen > Vertical {
        width: auto; max-width: 70; border: thick $warning; padding: 1 2;
    }
    ConfirmScreen Label { max-width: 100%; }  /* a long question wraps, never cut */
    ConfirmScreen Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape,q", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)
            with Horizontal():
                yield Button("Yes (y)", variant="warning", id="yes")
                yield Button("No (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Either button answers."""
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """The y and n keys."""
        self.dismiss(yes)


def confirm_many(
    app: App[Any], ids: Sequence[int], question: str, apply: Callable[[], object]
) -> None:
    """Run ``apply`` at once, or after a yes when it touches more than CONFIRM_ABOVE stories."""
    if len(ids) <= CONFIRM_ABOVE:
        apply()
        return

    def answered(yes: bool | None) -> None:
        if yes:
            apply()

    app.push_screen(ConfirmScreen(question), answered)

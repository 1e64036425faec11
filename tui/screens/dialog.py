"""The one kind of modal box: centred, bordered, over the reader."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

from tui import keys

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen shown as a box in the middle; subclasses set only its size.

    The look is here, in one place, and travels with the screen (a dialog shown by a
    test's bare App looks as it does in the reader). The app's own keys (``Q`` quits)
    answer here too: a modal screen hides the app's bindings from its keys, and a
    field being typed in still takes its letters first. So do the story list's moving
    keys (``j``/``k``, ``g``/``G``): they move the focused list or scroll the focused
    text, unless the dialog gives the letter an action of its own.
    """

    BINDINGS = [
        *(
            Binding(k.keys, f"app.{k.action}", k.description, show=False, id=k.action)
            for k in keys.KEYS
            if k.action == "quit"  # (the palette lists the reader's actions over the list only)
        ),
        *(
            # No id: the [keys] keymap must not move these onto a dialog's own letters.
            Binding(k.keys, f"move_in_list('{k.action}')", k.description, show=False)
            for k in keys.KEYS
            if k.action in keys.DIALOG_MOVES
        ),
    ]

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical, Dialog > VerticalScroll {
        height: auto; max-width: 95%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    Dialog .hint { color: $text-muted; }
    Dialog .error { color: $error; }
    """

    def action_move_in_list(self, where: str) -> None:
        """Move the focused widget as its own arrow and home/end keys do: the first of
        its actions for ``where`` (a table's, a list's, a scrolled text's)."""
        widget = self.focused
        for name in keys.DIALOG_MOVES[where]:
            action = getattr(widget, f"action_{name}", None)
            if action is not None:
                action()
                return

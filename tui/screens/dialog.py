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
    field being typed in still takes its letters first.
    """

    BINDINGS = [
        Binding(k.keys, f"app.{k.action}", k.description, show=False, id=k.action)
        for k in keys.KEYS
        if k.action == "quit"  # (the palette lists the reader's actions over the list only)
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

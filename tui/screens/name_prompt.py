"""Ask for one name (a tag, a saved search): an Input with folded completion.

Shared by the tag manager's rename and merge prompts and by "save this
search". Enter answers, escape cancels, tab or → takes the completion.
Whatever the question quotes (a tag, a query) is shown as Text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Input, Static

from store.text import clean_line, fold
from tui.screens.dialog import Dialog


class NameSuggester(Suggester):
    """Completes the whole value to the first name it starts, folding case and accents."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=True)  # we fold ourselves
        self.names = list(names)

    async def get_suggestion(self, value: str) -> str | None:
        """The first name that ``value`` (folded) begins, or None."""
        prefix = fold(value)
        if not prefix:
            return None
        for name in self.names:
            if fold(name).startswith(prefix) and len(name) > len(value):
                return name
        return None


class CompletingInput(Input):
    """An Input where tab takes the completion shown (as → at the end does)."""

    BINDINGS = [Binding("tab", "complete", "Complete", show=False)]

    def action_complete(self) -> None:
        """Take the grey completion, then leave room for the next word."""
        if not self.cursor_at_end:
            self.cursor_position = len(self.value)
            return
        before = self.value
        self.action_cursor_right()  # accepts the suggestion when there is one
        if self.value != before and self.separator_after_completion:
            self.insert_text_at_cursor(" ")

    separator_after_completion = False


class NamePrompt(Dialog[str | None]):
    """One line of input; dismisses with the cleaned name, or None on escape."""

    DEFAULT_CSS = """
    NamePrompt > Vertical { width: 70; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        question: Text,
        *,
        value: str = "",
        names: Sequence[str] = (),
        hint: str = "enter saves · esc cancels",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.value = value
        self.names = list(names)
        self.hint = hint
        self.check = check
        self._error = Static(Text(""), classes="error")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content(self.title_text)  # plain text, never markup
            yield Static(self.question)
            yield CompletingInput(
                value=self.value,
                suggester=NameSuggester(self.names) if self.names else None,
                select_on_focus=True,  # typing replaces the old name; ← edits it
            )
            yield self._error
            yield Static(Text(self.hint), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: answer with the name, unless it is empty or the check refuses it."""
        event.stop()
        name = clean_line(event.value)
        problem = "A name is needed." if not name else self.check(name) if self.check else None
        if problem:
            self._error.update(Text(problem))
            return
        self.dismiss(name)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing clears the last complaint."""
        self._error.update(Text(""))

    def action_cancel(self) -> None:
        """Escape: no answer."""
        self.dismiss(None)

"""The tag prompt: type several tags at once for the current story or the selection.

``gazze israil -spor "new york"`` adds three tags and removes one (spaces or
commas between tags, ``-name`` removes, double quotes keep spaces). The last
word completes to an existing tag, folding case and accents ("isr" → "İsrail");
tab or → takes it. Enter dismisses with a ``TagEdit``, escape with None. The
caller applies it (``tui.tag_actions.apply_tag_edit``) in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Input, Static

from store.text import fold
from tui.plural import counted
from tui.screens.dialog import Dialog
from tui.screens.name_prompt import CompletingInput
from tui.tag_actions import TagEdit, complete_last_word, parse_tag_edit, split_words

ADD_STYLE = "green"
REMOVE_STYLE = "red strike"
HINT = 'space or comma between tags · -name removes · "new york" keeps spaces · tab completes'


class TagSuggester(Suggester):
    """Completes the last word of the prompt to an existing tag (folded prefix).

    A word after ``-`` prefers the story's own tags, since only those can go.
    """

    def __init__(self, existing: Sequence[str], current: Sequence[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=True)  # we fold ourselves
        on_story = {fold(name) for name in current}
        self.for_adding = [n for n in existing if fold(n) not in on_story] + list(current)
        self.for_removing = list(current) + [n for n in existing if fold(n) not in on_story]

    async def get_suggestion(self, value: str) -> str | None:
        """The prompt with its last word completed, or None."""
        words = split_words(value)
        removing = bool(words) and words[-1].remove
        return complete_last_word(value, self.for_removing if removing else self.for_adding)


class TagTextInput(CompletingInput):
    """The prompt's Input: a completion taken with tab is followed by a space."""

    separator_after_completion = True


def tag_list(names: Sequence[str], style: str = "bold") -> Text:
    """Tag names for the screen, ``·``-separated, as literal text."""
    text = Text()
    for index, name in enumerate(names):
        if index:
            text.append(" · ", style="dim")
        text.append(name, style=style)
    return text


def edit_preview(edit: TagEdit) -> Text:
    """What enter will do: '+Gazze +İsrail −Spor', in green and struck red."""
    if not edit:
        return Text("Nothing to change yet.", style="dim")
    text = Text("Enter: ")
    for name in edit.add:
        text.append("+", style=ADD_STYLE)
        text.append(name, style=ADD_STYLE)
        text.append(" ")
    for name in edit.remove:
        text.append("−", style="red")
        text.append(name, style=REMOVE_STYLE)
        text.append(" ")
    return text


def stories_label(count: int) -> str:
    """'this story' or '3 selected stories'."""
    return "this story" if count == 1 else counted(count, "selected story")


class TagPrompt(Dialog[TagEdit | None]):
    """Tags to add and remove on ``count`` stories; dismisses with a TagEdit or None."""

    DEFAULT_CSS = """
    TagPrompt > Vertical { width: 80; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, existing_tags: list[str], current: list[str], count: int) -> None:
        super().__init__()
        self.existing_tags = existing_tags
        self.current = current
        self.count = count
        self._preview = Static(edit_preview(TagEdit()), id="preview")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content(f"Tag {stories_label(self.count)}")
            yield Static(self._current_line(), id="current")
            yield TagTextInput(
                placeholder="tags to add, -tag to remove",
                suggester=TagSuggester(self.existing_tags, self.current),
                id="tags",
            )
            yield self._preview
            yield Static(Text(HINT + " · enter applies · esc cancels"), classes="hint")

    def _current_line(self) -> Text:
        if not self.current:
            return Text(f"No tags on {stories_label(self.count)} yet.", style="dim")
        label = "Tags now: " if self.count == 1 else "Tags on these stories: "
        return Text(label).append_text(tag_list(self.current))

    def on_input_changed(self, event: Input.Changed) -> None:
        """Show what enter would do as the user types."""
        self._preview.update(edit_preview(parse_tag_edit(event.value)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: the edit, or None when there is nothing to do."""
        event.stop()
        edit = parse_tag_edit(event.value)
        self.dismiss(edit if edit else None)

    def action_cancel(self) -> None:
        """Escape: change nothing."""
        self.dismiss(None)

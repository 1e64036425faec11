"""A feed's own settings, from the feed manager (``s``): what ``aanews feeds set`` changes.

Each field is read by ``store.feeds.setting_value``, the rule the CLI follows
too: a number, or empty / ``off`` for "as the config says". Enter in a field
saves when every field reads; a field that does not says why, by its name.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, Select, Static

from store.feeds import FeedError, setting_text, setting_value
from store.model import FeedSettings
from tui.screens.dialog import Dialog

# (setting, label, what an empty field means)
FIELDS = (
    ("refresh_minutes", "Refresh at most every (minutes)", "as often as asked"),
    ("max_stories", "Keep its newest stories (prune)", "the config's max_stories"),
    ("max_age_days", "Keep stories of the last days", "the config's max_age_days"),
)
FULL_TEXT = (("as the config says", "default"), ("on", "on"), ("off", "off"))
HINT = "enter saves · tab moves · empty: as the config says · esc cancels"


class FeedSettingsDialog(Dialog[dict[str, str] | None]):
    """The four settings of one feed; dismisses with them as text, or None on escape."""

    DEFAULT_CSS = """
    FeedSettingsDialog > Vertical { width: 76; }
    FeedSettingsDialog Horizontal { height: auto; }
    FeedSettingsDialog Label { width: 34; padding: 1 1 0 0; }
    FeedSettingsDialog Input, FeedSettingsDialog Select { width: 1fr; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, feed_title: str, settings: FeedSettings) -> None:
        super().__init__()
        self.feed_title = feed_title
        self.settings = settings
        self._error = Static(Text(""), classes="error")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content("Feed settings")  # plain text, never markup
            yield Static(Text(self.feed_title, style="bold"))
            for name, label, empty in FIELDS:
                with Horizontal():
                    yield Label(Text(label))
                    yield Input(
                        value=setting_text(self.settings, name),
                        placeholder=empty,
                        id=name,
                        select_on_focus=True,
                    )
            with Horizontal():
                yield Label(Text("Read its article pages"))
                yield Select(
                    FULL_TEXT,
                    value=setting_text(self.settings, "full_text"),
                    allow_blank=False,
                    id="full_text",
                )
            yield self._error
            yield Static(Text(HINT), classes="hint")

    def on_mount(self) -> None:
        self.query_one(f"#{FIELDS[0][0]}", Input).focus()

    def answers(self) -> dict[str, str]:
        """Every field as written."""
        values = {name: self.query_one(f"#{name}", Input).value for name, _, _ in FIELDS}
        values["full_text"] = str(self.query_one("#full_text", Select).value)
        return values

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: save, unless a field does not read (it says which, and why)."""
        event.stop()
        values = self.answers()
        labels = {name: label for name, label, _ in FIELDS}
        for name, text in values.items():
            try:
                setting_value(name, text)
            except FeedError as error:
                why = str(error).split(": ", 1)[-1]  # the rule's words, the field's name
                self._error.update(Text(f"{labels.get(name, name)}: {why}"))
                self.query_one(f"#{name}").focus()
                return
        self.dismiss(values)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing clears the last complaint."""
        self._error.update(Text(""))

    def action_cancel(self) -> None:
        """Escape: nothing changes."""
        self.dismiss(None)

"""Pick AA feeds from the catalogue: a language, then its categories by their own names.

←/→ (or tab) moves between the languages and their feeds, space ticks a feed
(ticks stay while you look at another language), enter subscribes every ticked
feed. Feeds already subscribed show ✓ and cannot be ticked again. Dismisses
with the ticked references ('aa:tr/ekonomi'), or None.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from store.aa.catalogue import catalogue, language_name, languages
from tui.screens.dialog import Dialog

HINT = "↑↓ choose · → feeds · space ticks · ⏎ subscribes the ticked feeds · esc cancels"


class CataloguePicker(Dialog[list[str] | None]):
    """The AA catalogue by language; the caller subscribes what comes back."""

    DEFAULT_CSS = """
    CataloguePicker > Vertical { width: 90; }
    CataloguePicker Horizontal { height: 18; }
    CataloguePicker #languages { width: 30; height: 100%; }
    CataloguePicker #feeds { width: 1fr; height: 100%; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("right", "feeds", "Feeds", show=False),
        Binding("left", "languages", "Languages", show=False),
        Binding("enter", "subscribe", "Subscribe", priority=True),
    ]

    def __init__(self, subscribed_urls: set[str]) -> None:
        super().__init__()
        self.subscribed = subscribed_urls
        self.ticked: list[str] = []
        self.langs = languages()
        self.lang = self.langs[0] if self.langs else ""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content("AA feeds")
            with Horizontal():
                names = [Text(f"{language_name(code)} ({code})") for code in self.langs]
                yield OptionList(
                    *(Option(name, id=code) for name, code in zip(names, self.langs, strict=True)),
                    id="languages",
                )
                yield SelectionList[str](id="feeds")
            yield Static(Text(""), id="ticked")
            yield Static(Text(HINT), classes="hint")

    def on_mount(self) -> None:
        self._show(self.lang)
        self.query_one("#languages", OptionList).focus()

    def _show(self, lang: str) -> None:
        self.lang = lang
        feeds = self.query_one("#feeds", SelectionList)
        feeds.clear_options()
        for entry in catalogue(lang):
            have = entry.url in self.subscribed
            label = Text(entry.name)
            if have:
                label.append("  ✓ subscribed", style="dim")
            elif not entry.confirmed:
                label.append("  (unconfirmed)", style="dim")
            ticked = entry.ref in self.ticked or have
            feeds.add_option(Selection(label, entry.ref, ticked, disabled=have))
        feeds.border_title = Content(language_name(lang))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """A language under the cursor shows its feeds."""
        if event.option.id and event.option.id != self.lang:
            self._show(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_feeds()

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        """Space on a feed ticks or unticks it."""
        ref = str(event.selection.value)
        if ref in self.ticked:
            self.ticked.remove(ref)
        else:
            self.ticked.append(ref)
        count = len(self.ticked)
        word = "feed" if count == 1 else "feeds"
        self.query_one("#ticked", Static).update(
            Text(f"{count} {word} ticked: {', '.join(self.ticked)}" if count else "")
        )

    def action_feeds(self) -> None:
        """Into the language's feeds, the cursor on the first."""
        feeds = self.query_one("#feeds", SelectionList)
        if feeds.highlighted is None and feeds.option_count:
            feeds.highlighted = 0
        feeds.focus()

    def action_languages(self) -> None:
        """Back to the languages."""
        self.query_one("#languages", OptionList).focus()

    def action_subscribe(self) -> None:
        """Enter: done, with the ticked feeds (on a language: into its feeds)."""
        if self.focused is self.query_one("#languages", OptionList) and not self.ticked:
            self.action_feeds()
            return
        self.dismiss(list(self.ticked))

    def action_cancel(self) -> None:
        """Nothing subscribed."""
        self.dismiss(None)

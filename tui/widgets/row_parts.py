"""Pieces of a story-list row: where the story comes from, the breaking-news mark, and
the search snippet after a title. Feed text always becomes a ``Text``, never markup."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text

from store.model import Item
from tui.widgets.snippet import Snippet


def city_of(item: Item) -> str:
    """The place a story comes from: its location, else the dateline without 'AA'."""
    if item.location:
        return item.location
    if not item.dateline:
        return ""
    parts = [p.strip() for p in item.dateline.replace("/", " / ").split("/")]
    places = [p for p in parts if p and p.upper() not in ("AA", "الأناضول")]
    return places[0] if places else item.dateline


def flag_mark(flags: Sequence[str]) -> Text:
    """A red "!" before the title of breaking news (the "update" flag shows in the reader:
    AA sends so many that marking them would only push titles out of line)."""
    if "breaking" in flags:
        return Text("! ", style="bold red")
    return Text()


def snippet_text(snippet: Snippet, room: int, style: Style, match: Style) -> Text:
    """The snippet after a title in ``style``, its matches in ``match``, the first match
    within ``room`` cells (it starts at a word when it can, "…" where it was cut)."""
    first = snippet.spans[0][0] if snippet.spans else 0
    start = max(0, first - max(room // 3, 1))
    if start > 0:  # begin at a word when there is one to begin at
        space = snippet.text.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    # Feed text: a Text, never markup. Its base style sits under the match spans.
    text = Text("…" if start > 0 or snippet.cut_before else "", style=style)
    offset = len(text) - start
    text.append(snippet.text[start:])
    for span_start, span_end in snippet.spans:
        if span_end > start:
            text.stylize(match, max(span_start, start) + offset, span_end + offset)
    if snippet.cut_after:
        text.append("…")
    return Text.assemble(("  — ", style), text)

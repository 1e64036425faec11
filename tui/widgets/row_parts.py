"""A story-list row (``row_text``) and its pieces: where the story comes from, the breaking mark,
and the search snippet after a title. Feed text always becomes a ``Text``, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from store.model import Item
from store.search.highlight import match_spans
from tui.widgets.snippet import Snippet

SNIPPET_MIN = 12  # cells: fewer left after the title and no snippet is drawn
LOOKS = ("marker", "meta", "read", "unread", "match", "selected", "cursor", "snippet")


@dataclass(frozen=True)
class RowLook:
    """The list's base style and its ``item-list--*`` component styles (``LOOKS``' order),
    looked up once a repaint; a row drawn for an equal look is drawn alike."""

    base: Style = Style()
    marker: Style = Style()
    meta: Style = Style()
    read: Style = Style()
    unread: Style = Style()
    match: Style = Style()
    selected: Style = Style()
    cursor: Style = Style()
    snippet: Style = Style()


def row_text(
    item: Item,
    look: RowLook,
    *,
    width: int,
    when: str,
    place: int,
    terms: Sequence[str],
    snippet: Snippet | None,
    selected: bool,
    is_cursor: bool,
) -> Text:
    """One row: marks, time ``when``, language, place (``place`` cells), title, snippet."""
    marker, meta = look.marker, look.meta
    city = Text(city_of(item)[:place].ljust(place + 1) if place else "", style=meta)
    text = Text.assemble(
        ("✓" if selected else " ", marker),
        ("●" if not item.read else " ", marker),
        ("★" if item.starred else " ", marker),
        ("↻" if item.is_updated else " ", marker),
        " ",
        (when, meta),
        " ",
        ((item.lang or "")[:3].ljust(3), meta),
        city,
        flag_mark(item.flags),
        title_text(item.title, terms, look.match),
        style=look.base + (look.read if item.read else look.unread),
        no_wrap=True,
        overflow="ellipsis",
    )
    room = width - text.cell_len - 4
    if snippet is not None and room >= SNIPPET_MIN:  # dim, not bold like an unread title
        style = Style(bold=False) + look.snippet
        text.append_text(snippet_text(snippet, room, style, look.match + Style(dim=False)))
    text.truncate(width, overflow="ellipsis", pad=True)
    if selected:
        text.stylize(look.selected)
    if is_cursor:
        text.stylize(look.cursor)
    return text


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


def title_text(title: str, terms: Sequence[str], match: Style) -> Text:
    """A row's title (feed text: a Text, never markup), the search terms in ``match``."""
    text = Text(title)
    for start, end in match_spans(title, terms) if terms else ():
        text.stylize(match, start, end)
    return text


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

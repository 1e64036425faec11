"""The story list: a Line-API widget that draws only the rows on screen.

It keeps the view's ordered story ids (ints only) and asks for the rows it is
about to draw, a page at a time (``RowsWanted``; the screen reads them in a
thread worker); loaded rows sit in a small LRU cache. 100,000 stories cost a
list of ints, not 100,000 widgets.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.model import Item
from tui.stamps import Clock
from tui.widgets.row_parts import LOOKS, RowLook, city_of, row_text
from tui.widgets.scroll_bars import SteadyScrollBars
from tui.widgets.snippet import Snippet, snippet_of

PAGE = 100
CACHE_ROWS = 3000
TIME_WIDTH = 5  # "HH:MM", "DD.MM"; wider when a row needs it ("DD.MM.YY")
PLACE_WIDTH = 12  # at most: the column is as wide as the places in the view, or gone
PLACE_ROOM = 56  # cells: a narrower list drops the place column to keep room for titles


class ItemList(SteadyScrollBars, ScrollView, can_focus=True):
    """The stories of the current view, newest first, with a cursor."""

    COMPONENT_CLASSES = {
        "item-list--cursor",
        "item-list--unread",
        "item-list--read",
        "item-list--marker",
        "item-list--meta",
        "item-list--match",
        "item-list--selected",
        "item-list--snippet",
    }

    DEFAULT_CSS = """
    ItemList { overflow-x: hidden; }
    ItemList > .item-list--cursor { background: $block-cursor-blurred-background; }
    ItemList:focus > .item-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    ItemList > .item-list--unread { text-style: bold; }
    ItemList > .item-list--read { color: $text-muted; }
    ItemList > .item-list--marker { color: $accent; }
    ItemList > .item-list--meta { color: $text-muted; }
    ItemList > .item-list--match { text-style: bold underline; color: $warning; }
    ItemList > .item-list--selected { background: $accent 25%; }
    ItemList > .item-list--snippet { text-style: dim; }
    """

    class Highlighted(Message):
        """The cursor is on a new story (or on none: ``item_id`` None)."""

        def __init__(self, item_id: int | None) -> None:
            super().__init__()
            self.item_id = item_id

    class RowsWanted(Message):
        """Rows about to be drawn are not loaded: read them and call ``rows_loaded``."""

        def __init__(
            self,
            item_list: ItemList,
            generation: int,
            page: int,
            ids: list[int],
            with_text: bool = False,
        ) -> None:
            super().__init__()
            self.item_list = item_list
            self.generation = generation
            self.page = page
            self.ids = ids
            # A search with words: read the lead and body too (fetch_items with_text).
            self.with_text = with_text

    class Selected(Message):
        """The user opened the story under the cursor (enter or a double click)."""

        def __init__(self, item_id: int) -> None:
            super().__init__()
            self.item_id = item_id

    def __init__(
        self,
        now: Callable[[], datetime],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._now = now
        self.ids: list[int] = []
        self.cursor = 0
        self._highlight: list[str] = []
        self._cache: OrderedDict[int, Item] = OrderedDict()
        self._snippets: dict[int, Snippet | None] = {}  # worked out once per loaded row
        # Rows as drawn, by story: (what the row was drawn for, the strip). A focus change
        # or a scroll draws the rows again from here; a changed row is dropped.
        self._drawn: dict[int, tuple[tuple[object, ...], Strip]] = {}
        self._look = RowLook()  # the styles of this repaint (render_lines)
        self._drawn_at: tuple[object, ...] = ()  # and the rest rows are drawn for
        self._pending: set[int] = set()
        self._stale: set[int] = set()  # loaded before the list was read again: drawn, re-read
        self._generation = 0
        self.clock = Clock()
        self._time_width = TIME_WIDTH
        self._place_width = 0
        self.selected: set[int] = set()  # stories marked with v: t, 1-9, r, s act on them

    def on_mount(self) -> None:
        config = getattr(self.app, "config", None)  # the reader's; a bare test app has none
        if config is not None:
            self.clock = config.clock

    # -- what the screen calls ------------------------------------------------

    @property
    def highlight(self) -> list[str]:
        """Search terms to mark in titles and snippets (folded, from ``highlight_terms``).

        With terms, rows also show a snippet of the lead or body around the
        first match; that text is only read when ``RowsWanted.with_text`` says so.
        """
        return self._highlight

    @highlight.setter
    def highlight(self, terms: Sequence[str]) -> None:
        self._highlight = list(terms)
        self._snippets.clear()
        self._drawn.clear()
        self.refresh()

    @property
    def current_id(self) -> int | None:
        """The id of the story under the cursor."""
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def cached(self, item_id: int) -> Item | None:
        """The loaded row for a story, if it is in the cache."""
        return self._cache.get(item_id)

    def set_ids(
        self,
        ids: Sequence[int],
        *,
        keep: int | None = None,
        reload: bool = True,
        rows: Sequence[Item] | None = None,
    ) -> None:
        """Show a new list of stories; the cursor stays on ``keep`` if it is still there.

        ``reload``: rows may have changed. The same view read again (``keep``) keeps its
        rows drawn while they are read again, and draws anew only those that changed.
        ``rows``: the view's first page, drawn at once. A list is taken, not copied.
        """
        before = self.current_id
        self._generation += 1
        self._pending.clear()
        if reload and keep is not None:
            self._stale = set(self._cache)
        elif reload:
            self._cache.clear()
            self._snippets.clear()
            self._drawn.clear()
            self._stale.clear()
            self._time_width, self._place_width = TIME_WIDTH, 0
        for item in rows or ():
            self._cache[item.id] = item
            self._forget(item.id)
        self._measure(rows or ())
        self.ids = ids if type(ids) is list else list(ids)
        if self.selected:  # a story gone from the view cannot stay selected
            self.selected.intersection_update(self.ids)
        index = 0
        if keep is not None:
            try:
                index = self.ids.index(keep)
            except ValueError:
                index = min(self.cursor, max(len(self.ids) - 1, 0))
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.virtual_size = Size(self.size.width, len(self.ids))
        self.cursor = index
        self.refresh()
        self._scroll_cursor_visible()
        if self.current_id != before or before is None:
            self.post_message(self.Highlighted(self.current_id))

    @property
    def selection(self) -> list[int]:
        """The selected stories still in the list, in list order."""
        if not self.selected:
            return []
        return [item_id for item_id in self.ids if item_id in self.selected]

    def toggle_selected(self, item_id: int) -> bool:
        """Select a story, or unselect it; returns whether it is selected now."""
        if item_id in self.selected:
            self.selected.discard(item_id)
        else:
            self.selected.add(item_id)
        self.refresh()
        return item_id in self.selected

    def select_all(self) -> int:
        """Select every story in the list; returns how many."""
        self.selected = set(self.ids)
        self.refresh()
        return len(self.selected)

    def clear_selection(self) -> bool:
        """Unselect everything; returns whether anything was selected."""
        had = bool(self.selected)
        self.selected = set()
        self.refresh()
        return had

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped) and tell the screen."""
        if not self.ids:
            return
        index = max(0, min(index, len(self.ids) - 1))
        if index == self.cursor:
            return
        old = self.cursor
        self.cursor = index
        self._refresh_row(old)
        self._refresh_row(index)
        self._scroll_cursor_visible()
        self.post_message(self.Highlighted(self.current_id))

    def move_by(self, delta: int) -> None:
        """Move the cursor ``delta`` rows."""
        self.move_to(self.cursor + delta)

    def update_item(self, item_id: int, **changes: Any) -> None:
        """Change a loaded row in place (read, starred...) and redraw it."""
        item = self._cache.get(item_id)
        if item is None:
            return
        for key, value in changes.items():
            setattr(item, key, value)
        self._forget(item_id)
        try:
            self._refresh_row(self.ids.index(item_id))
        except ValueError:
            pass

    def update_items(self, item_ids: Sequence[int], **changes: Any) -> None:
        """Change many loaded rows at once (mark all read) and redraw."""
        for item_id in set(item_ids).intersection(self._cache):
            item = self._cache[item_id]
            for key, value in changes.items():
                setattr(item, key, value)
            self._forget(item_id)
        self.refresh()

    # -- drawing -----------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """The styles are looked up once a repaint; rows drawn for the same are reused."""
        self._look = RowLook(self.rich_style, *(self._style(name) for name in LOOKS))
        minute = self._now().replace(second=0, microsecond=0)  # rows show "HH:MM" or a date
        rows_look = replace(self._look, cursor=Style())  # only the cursor's row shows focus
        self._drawn_at = (rows_look, self.clock, minute, self._time_width, self._place_width)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Draw one visible row, asking for its page if it is not loaded yet."""
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if index >= len(self.ids):
            return Strip.blank(width, self.rich_style)
        item = self._cache.get(self.ids[index])
        if item is None or item.id in self._stale:
            self._request(index // PAGE)
        if item is None:
            return Strip([Segment("  …".ljust(width), self.rich_style)], width)
        self._cache.move_to_end(item.id)
        cursor = self._look.cursor if index == self.cursor else None
        drawn_for = (self._drawn_at, width, cursor, item.id in self.selected)
        drawn = self._drawn.get(item.id)
        if drawn is not None and drawn[0] == drawn_for:
            return drawn[1]
        text = self._row_text(item, width, index == self.cursor)
        segments = list(text.render(self.app.console))
        strip = Strip(segments, width)  # no crop_extend: at its own width it kept itself
        self._drawn[item.id] = (drawn_for, strip)
        return strip

    def _forget(self, item_id: int) -> None:
        """A row changed or left the cache: its snippet and its drawing go."""
        self._snippets.pop(item_id, None)
        self._drawn.pop(item_id, None)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"item-list--{name}", partial=True)

    def _row_text(self, item: Item, width: int, is_cursor: bool) -> Text:
        place = self._place_width if width >= PLACE_ROOM else 0
        when = self.clock.list_time(item.published, self._now()).rjust(self._time_width)
        return row_text(item, self._look, width=width, when=when, place=place,
                        terms=self.highlight, snippet=self._snippet(item),
                        selected=item.id in self.selected, is_cursor=is_cursor)  # fmt: skip

    def _snippet(self, item: Item) -> Snippet | None:
        """The row's snippet: around the first match in the lead, else in the body."""
        if not self._highlight:
            return None
        if item.id not in self._snippets:
            self._snippets[item.id] = snippet_of(item.summary, self._highlight) or snippet_of(
                item.body, self._highlight
            )
        return self._snippets[item.id]

    def _measure(self, items: Sequence[Item]) -> None:
        """Widen the time and place columns to what these rows need (never narrow them
        within a view, so columns stay put while pages load)."""
        now = self._now()
        for item in items:
            self._time_width = max(self._time_width, len(self.clock.list_time(item.published, now)))
            self._place_width = max(self._place_width, min(len(city_of(item)), PLACE_WIDTH))

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_cursor_visible(self) -> None:
        top = self.scroll_offset.y
        height = max(self.scrollable_content_region.height, 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.ids))
        self._scroll_cursor_visible()

    # -- loading -----------------------------------------------------------

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        ids = self.ids[page * PAGE : (page + 1) * PAGE]
        with_text = bool(self._highlight)
        self.post_message(self.RowsWanted(self, self._generation, page, ids, with_text))

    def rows_loaded(self, generation: int, page: int, items: list[Item]) -> None:
        """The rows asked for with ``RowsWanted`` have been read: draw those that changed."""
        current, changed = generation == self._generation, False
        for item in items:
            if self._cache.get(item.id) != item:
                changed = True
                self._forget(item.id)
            if current:
                self._stale.discard(item.id)
            self._cache[item.id] = item
            self._cache.move_to_end(item.id)
        while len(self._cache) > CACHE_ROWS:
            gone = self._cache.popitem(last=False)[0]
            self._forget(gone)
            self._stale.discard(gone)
        if current:
            self._pending.discard(page)
            widths = (self._time_width, self._place_width)
            self._measure(items)
            if changed or widths != (self._time_width, self._place_width):
                self.refresh()

    # -- mouse -------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor; a double click opens the story."""
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self.ids):
            self.move_to(index)
            if event.chain >= 2:
                self.post_message(self.Selected(self.ids[index]))

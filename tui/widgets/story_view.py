"""The reader pane: one story, drawn with Rich objects built from plain text.

Feed text only ever goes into ``Text(...)``: a title like "[bold]x[/]" is shown
as those characters, never read as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, JustifyMethod, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual import events
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual, VisualType
from textual.widget import _RenderCache  # no public name; pinned Textual
from textual.widgets import Static

from store.aa.catalogue import is_rtl
from store.feeds import is_fetchable_url
from store.model import Item
from store.search.highlight import match_spans
from store.text import clean_line, strip_controls
from tui.controllers.pictures import PictureReader
from tui.plural import counted
from tui.stamps import Clock, flag_label, stamp_line
from tui.wording import NO_STORY

if TYPE_CHECKING:
    from tui.widgets.picture import Picture

_SUBHEAD_MAX = 90
MATCH_STYLE = "bold black on yellow"


def is_subhead(paragraph: str) -> bool:
    """A short line with no closing punctuation reads as a subhead."""
    text = paragraph.strip()
    return 0 < len(text) <= _SUBHEAD_MAX and "\n" not in text and text[-1] not in '.!?:;…"”»)'


FETCHING = "⋯ fetching the full story…"
FLAG_STYLES = {"breaking": "bold white on red", "update": "bold black on cyan"}


def render_story(
    item: Item,
    *,
    feed_title: str,
    now: datetime,
    clock: Clock,
    terms: Sequence[str] = (),
    fetching: bool = False,
) -> RenderableType:
    """The whole story: banner, flags, category and place, title, dateline, stamps, authors,
    tags, lead, the page's state (being read, or why it could not be), body, link."""
    justify: JustifyMethod = "right" if is_rtl(item.lang) else "left"

    def marked(text: str, style: str = "") -> Text:
        """Feed text as a Text (never markup), with the search terms marked."""
        result = Text(text, style=style, justify=justify)
        for start, end in match_spans(text, terms) if terms else ():
            result.stylize(MATCH_STYLE, start, end)
        return result

    parts: list[RenderableType] = []
    if item.is_updated:
        parts.append(_banner(item))
    where = " · ".join(x for x in (item.category or feed_title, item.location) if x)
    head = Text(justify=justify)
    for flag in item.flags:
        head.append(f" {flag_label(flag, item.lang)} ", style=FLAG_STYLES.get(flag, "reverse"))
        head.append(" ")
    head.append(where, style="dim")
    if head.plain.strip():
        parts.append(head)
    parts.append(marked(item.title or "(no title)", "bold"))
    if item.dateline:
        parts.append(Text(item.dateline, style="italic", justify=justify))
    stamps = stamp_line(item.published, item.updated, item.lang, now, clock)
    if stamps:
        parts.append(Text(stamps, style="dim", justify=justify))
    if item.authors:
        parts.append(Text(", ".join(item.authors), style="dim italic", justify=justify))
    if item.tags:
        parts.append(Text("  ".join(f"#{tag}" for tag in item.tags), style="cyan", justify=justify))
    if item.summary:
        parts.append(Padding(marked(item.summary, "bold"), (1, 0, 0, 0)))
    if fetching:
        parts.append(Padding(Text(FETCHING, style="dim italic", justify=justify), (1, 0, 0, 0)))
    elif item.full_text_error:
        reason = f"The full story could not be read: {clean_line(item.full_text_error)}"
        parts.append(Padding(Text(reason, style="dim italic", justify=justify), (1, 0, 0, 0)))
    parts += _paragraphs(item, marked)
    if item.link:
        parts.append(Padding(_link(item.link), (1, 0, 0, 0)))
    return Group(*parts)


def _paragraphs(item: Item, marked: Callable[[str, str], Text]) -> list[RenderableType]:
    """The body's paragraphs (subheads bold), leaving out the lead where the page repeats it."""
    body, lead = item.body.strip(), item.summary.strip()
    if not body or body == lead:
        return []
    parts: list[RenderableType] = []
    for paragraph in body.split("\n\n"):
        heading = paragraph.startswith("## ")  # store.pages.blocks.SUBHEAD
        paragraph = paragraph.removeprefix("## ")
        if paragraph.strip() == lead:
            continue  # pages often repeat the lead in the body; once is enough
        style = "bold underline" if heading or is_subhead(paragraph) else ""
        parts.append(Padding(marked(paragraph.strip(), style), (1, 0, 0, 0)))
    return parts


def _link(url: str) -> Text:
    """The story's link: clickable only when it is http(s)."""
    link = strip_controls(url)
    if not is_fetchable_url(link):
        return Text(link, style="dim")
    return Text(link, style=Style(color="blue", underline=True, link=link))


def _banner(item: Item) -> Text:
    if item.read:
        message = "Updated since you read it — press d to see what changed"
    else:
        message = "Updated — press d to see what changed"
    if item.revision_count:
        message += f" ({counted(item.revision_count, 'earlier version')})"
    return Text(f" ↻ {message} ", style="bold black on yellow")


class StoryText(Static):
    """The story's text, wrapped once per story, width and style.

    A ``Static`` wraps its whole text again at every repaint (a focus change, a
    scroll bar appearing) and once more to measure its height; this one keeps
    the wrapped lines of the last few stories shown (``KEPT``: ``k`` back to the
    story before draws it from here) until the width or the colours change. While
    text is being selected with the mouse it draws as a ``Static`` does.
    """

    KEPT = 8
    _content: object = None
    _wrapped: dict[tuple[object, ...], tuple[object, list[Strip]]]

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        self._content = content  # the same renderable again: the same lines
        super().update(content, layout=layout)

    def _lines(self, width: int) -> list[Strip]:
        if not hasattr(self, "_wrapped"):
            self._wrapped = {}
        content = self._content if self._content is not None else self.visual
        look = (width, self.visual_style, self.link_style, self.screen._selecting)
        key = (id(content), *look)
        kept = self._wrapped.get(key)
        if kept is None or kept[0] is not content:
            lines = Visual.to_strips(self, self.visual, width, None, self.visual_style)
            self._wrapped[key] = kept = (content, lines)
            while len(self._wrapped) > self.KEPT:
                del self._wrapped[next(iter(self._wrapped))]
        return kept[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.text_selection is not None or not width:
            return super().get_content_height(container, viewport, width)
        return len(self._lines(width))

    def _render_content(self) -> None:
        if self.text_selection is not None or not self.size.width:
            super()._render_content()
            return
        width, height = self.size
        self._render_cache = _RenderCache(self.size, self._lines(width)[:height])
        self._dirty_regions.clear()


class StoryView(VerticalScroll, can_focus=True):
    """The scrolling reader pane: the story's picture (when there is one), then its text.

    ``pictures`` (None with ``images = false``) brings the pictures; its answers
    come up to this pane, which shows one only if it is for the story shown now.
    """

    ALLOW_MAXIMIZE = True

    DEFAULT_CSS = """
    StoryView { padding: 0 1; scrollbar-gutter: stable; }  /* no rewrap when a bar appears */
    StoryView > Static { width: 1fr; }
    StoryView > #picture { height: auto; align-horizontal: center; }
    StoryView > #picture > Static { color: $text-muted; text-style: italic; margin: 0 0 1 0; }
    """

    def __init__(
        self,
        *,
        id: str | None = None,
        classes: str | None = None,
        pictures: PictureReader | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.item: Item | None = None
        self.pictures = pictures
        self.pictures_shown = pictures is not None
        # "No picture: why" stays mounted and is hidden or shown: mounting and removing
        # a line at every story would lay the screen out twice more.
        self._no_picture = Static("", id="no-picture")
        self._no_picture.display = False
        self._picture_slot = Vertical(self._no_picture, id="picture")
        self._picture_url: str | None = None  # the picture asked for (or shown) for self.item
        self.empty = NO_STORY  # what the empty pane says
        self.problem = ""  # said instead: why the list above is empty (a search's error)
        self._body = StoryText(self._empty_text())

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._picture_slot
        yield self._body
        if self.pictures is not None:
            yield self.pictures

    def show(self, item: Item | None, renderable: RenderableType | None = None) -> None:
        """Show a story (already rendered by ``render_story``), or the empty pane."""
        changed = item is None or self.item is None or item.id != self.item.id
        self.item = item
        if item is None or renderable is None:
            self._body.update(self._empty_text())
        else:
            self._body.update(renderable)
        if changed:
            self._clear_picture()
            self.scroll_home(animate=False)
        if item is not None and item.image != self._picture_url:
            self._want_picture()

    def say_when_empty(self, text: str) -> None:
        """What the pane says with no story in it (plain text, from us)."""
        self.empty = text
        if self.item is None:
            self._body.update(self._empty_text())

    def say_problem(self, text: str) -> None:
        """Why the list is empty (a search that cannot run, whole: the status line has
        room for its first words), said instead of ``empty``; "" when it is not."""
        if text != self.problem:
            self.problem = text
            if self.item is None:
                self._body.update(self._empty_text())

    def _empty_text(self) -> Text:
        if self.problem:
            return Text(self.problem, style="red")
        return Text(self.empty, style="dim")

    def _want_picture(self) -> None:
        """Ask for the picture of the story shown (again when the page gave a better one)."""
        item = self.item
        if item is None or self.pictures is None or not self.pictures_shown:
            return
        self._picture_url = item.image
        if item.image:
            self.pictures.wanted(item)

    def _clear_picture(self) -> None:
        self._picture_url = None
        self._no_picture.display = False
        pictures = self._picture_slot.query("Picture")  # by name: no textual-image import
        if pictures:  # removing nothing would still lay the screen out again
            pictures.remove()

    def on_picture_reader_shown(self, message: PictureReader.Shown) -> None:
        """A picture (or why there is none): shown only if it is the current story's."""
        message.stop()
        item = self.item
        if item is None or message.item_id != item.id or message.url != item.image:
            return  # a story the user has since left, or a picture the page replaced
        if not self.pictures_shown:
            return
        if message.path is None:
            if self._picture_slot.query("Picture"):
                return  # a better picture failed: the one shown stays
            self._no_picture.update(Text(f"No picture: {clean_line(message.reason or '')}"))
            self._no_picture.display = True
            return
        from tui.widgets.picture import Picture  # textual-image: only once a picture shows

        picture = Picture(message.path, url=message.url)
        self._fit(picture)
        self._no_picture.display = False
        self._picture_slot.query("Picture").remove()
        self._picture_slot.mount(picture)

    def _fit(self, picture: Picture) -> None:
        picture.fit_to(self.scrollable_content_region.width, self.scrollable_content_region.height)

    def on_resize(self, event: events.Resize) -> None:
        for picture in self._picture_slot.query("Picture"):  # by name: no textual-image import
            self._fit(picture)  # type: ignore[arg-type]

    def toggle_pictures(self) -> None:
        """Hide the pictures, or show them again (for this session), and say so."""
        if self.pictures is None:
            self.notify("Pictures are off in the config (images = false).", markup=False)
            return
        self.pictures_shown = not self.pictures_shown
        self._picture_slot.display = self.pictures_shown
        if self.pictures_shown and not self._shows_picture_or_why():
            self._picture_url = None
            self._want_picture()
        self.notify("Pictures shown." if self.pictures_shown else "Pictures hidden.", markup=False)

    def _shows_picture_or_why(self) -> bool:
        return self._no_picture.display or bool(self._picture_slot.query("Picture"))

    @property
    def at_end(self) -> bool:
        """Whether the story has been scrolled to its end."""
        return self.scroll_y >= self.max_scroll_y

"""The reader pane: one story, drawn with Rich objects built from plain text.

Feed text only ever goes into ``Text(...)``: a title like "[bold]x[/]" is shown
as those characters, never read as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.console import Group, JustifyMethod, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.aa.catalogue import is_rtl
from store.feeds import is_fetchable_url
from store.model import Item
from store.search.highlight import match_spans
from store.text import clean_line, strip_controls
from tui.plural import counted
from tui.stamps import Clock, flag_label, stamp_line

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


class StoryView(VerticalScroll, can_focus=True):
    """The scrolling reader pane."""

    ALLOW_MAXIMIZE = True

    DEFAULT_CSS = """
    StoryView { padding: 0 1; }
    StoryView > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.item: Item | None = None
        self._body = Static(Text("No story selected.", style="dim"))

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def show(self, item: Item | None, renderable: RenderableType | None = None) -> None:
        """Show a story (already rendered by ``render_story``), or the empty pane."""
        changed = item is None or self.item is None or item.id != self.item.id
        self.item = item
        if item is None or renderable is None:
            self._body.update(Text("No story selected.", style="dim"))
        else:
            self._body.update(renderable)
        if changed:
            self.scroll_home(animate=False)

    @property
    def at_end(self) -> bool:
        """Whether the story has been scrolled to its end."""
        return self.scroll_y >= self.max_scroll_y

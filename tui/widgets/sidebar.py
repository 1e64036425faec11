"""The sidebar: the views a reader picks from, each with its unread count.

Every row counts the same thing, unread stories, right-aligned in one column at
the sidebar's edge (none when there are none); a long name is cut with "…",
never the count.

Every entry is a query string for ``store.search.compiler``: "is:unread", "feed:3",
"tag:gazze", a saved search's own text. ``tui.controllers.sidebar_data.load_sidebar``
reads the counts (in a worker, with the worker's own connection); ``Sidebar.show``
draws them, keeping the cursor where it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from store.aa.catalogue import language_name
from tui.widgets.scroll_bars import SteadyScrollBars

STARRED = "is:starred"
BUILTIN_VIEWS: tuple[tuple[str, str], ...] = (
    ("All", ""),
    ("Unread", "is:unread"),
    ("Starred", STARRED),
    ("Updated", "is:updated"),
)


@dataclass
class View:
    """A named list of stories: a label and the query that selects them."""

    name: str
    query: str
    unread: int = 0
    error: str | None = None
    short: str = ""  # the name in the sidebar when the heading above says the rest
    paused: bool = False  # a feed a refresh of all leaves out


@dataclass
class SidebarData:
    """Everything the sidebar shows, read in one go."""

    views: list[View] = field(default_factory=list)
    # The user's folders first: folder -> its sub-folder ("" for none) -> feeds;
    filed: dict[str, dict[str, list[View]]] = field(default_factory=dict)
    # then the feeds in none: language -> category -> feeds.
    feeds: dict[str, dict[str, list[View]]] = field(default_factory=dict)
    tags: list[View] = field(default_factory=list)
    saved: list[View] = field(default_factory=list)
    # Sync accounts: each the view of its feeds, its last error shown like a feed's.
    accounts: list[View] = field(default_factory=list)

    def all_views(self) -> list[View]:
        """Every entry, in the order the sidebar shows them."""
        return self.views + self.feed_views() + self.tags + self.saved + self.accounts

    def error_of(self, query: str) -> str | None:
        """The error a feed's (or an account's) entry shows, for the view asking ``query``."""
        return next((v.error for v in self.all_views() if v.query == query and v.error), None)

    def feed_views(self) -> list[View]:
        """The feeds alone, in sidebar order (for [ and ])."""
        groups = (*self.filed.values(), *self.feeds.values())
        return [view for unders in groups for views in unders.values() for view in views]


def query_for_tag(name: str) -> str:
    """The query for one tag, quoted when the name has a space."""
    return f'tag:"{name}"' if " " in name else f"tag:{name}"


def entry_name(view: View) -> Text:
    """The name part of an entry's row, its mark before it (⚠ failing, ‖ paused;
    ``Sidebar.render_label`` adds the count)."""
    label = Text()
    if view.paused:
        label.append("‖ ", style="dim")
    if view.error:
        label.append("⚠ ", style="bold red")
    label.append(Text(view.short or view.name, style="dim" if view.paused else ""))
    # (feed titles are data, never markup)
    return label


def language_label(lang: str | None) -> str:
    """A language's own name ("Türkçe", "Français"), or its code."""
    return language_name(lang) if lang else "Other"


def shorten_names(views: list[View], language: str) -> None:
    """Drop the name part every feed of a language shares ("AA English · "), if any.

    A language with one feed drops it too when it names the language, which the
    heading above already says ("AA Español · Últimas noticias" -> "Últimas noticias").
    """
    if not views:
        return
    prefix = os.path.commonprefix([v.name for v in views])
    for separator in (" · ", " — ", " - ", ": "):
        cut = prefix.rfind(separator)
        if cut > 0:
            prefix = prefix[: cut + len(separator)]
            break
    else:
        return
    if len(views) == 1 and language.casefold() not in prefix.casefold():
        return
    for view in views:
        if len(view.name) > len(prefix):
            view.short = view.name[len(prefix) :]


class Sidebar(SteadyScrollBars, Tree[View]):
    """Views, feeds by language and category, tags and saved searches."""

    class ViewChosen(Message):
        """The user picked a view in the sidebar."""

        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    _building = False  # show() is adding nodes: the tree's caches go once, after

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("aanews", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.data_now = SidebarData()
        # The entries' nodes in ``SidebarData.all_views`` order (a saved search may ask
        # what a view asks: a query names no one entry).
        self._entry_nodes: list[TreeNode[View]] = []
        self._shape: list[tuple[str, ...]] = []

    def show(self, data: SidebarData) -> None:
        """Draw fresh counts; the tree is rebuilt only when its entries changed, and only
        the rows whose count or mark changed are drawn again."""
        self.data_now = data
        shape = [(v.name, v.query) for v in data.all_views()] + [
            (kind, heading, under, *(v.query for v in views))  # where each feed is listed
            for kind, groups in (("folder", data.filed), ("language", data.feeds))
            for heading, unders in groups.items()
            for under, views in unders.items()
        ]
        if shape == self._shape:
            # only the rows whose count or mark moved
            for view, node in zip(data.all_views(), self._entry_nodes, strict=True):
                if node.data == view:
                    continue
                named = node.data is not None and entry_name(node.data) == entry_name(view)
                node.data = view
                if named:  # the count alone (drawn from the data): this row's line again
                    node.refresh()
                else:  # set_label redraws later, a callback each: 200 a sync held a key
                    node.set_label(entry_name(view))
            return
        chosen_view = self.cursor_node.data if self.cursor_node else None
        chosen = (chosen_view.name, chosen_view.query) if chosen_view is not None else None
        self._shape = shape
        self._entry_nodes.clear()
        self.clear()
        self._building = True
        try:
            self._add_entries(data)
        finally:
            self._building = False
            super()._invalidate()
        again = next(
            (n for n in self._entry_nodes if n.data and (n.data.name, n.data.query) == chosen), None
        )
        if again is not None:
            self.move_cursor(again)

    def _invalidate(self) -> None:
        """Textual's Tree drops its caches and lays itself out at every node added (a
        millisecond each: 200 feeds a sync brings held a key ~200 ms); ``show`` adds its
        nodes first and drops them once."""
        if not self._building:
            super()._invalidate()

    def _add_entries(self, data: SidebarData) -> None:
        """The entries of ``data`` as the tree's nodes (the tree is empty)."""
        for view in data.views:
            self._add(self.root, view)
        if data.filed or data.feeds:
            feeds = self.root.add(Text("Feeds", style="bold"), expand=True)
            for kinds, folders in ((data.filed, True), (data.feeds, False)):
                for heading, unders in kinds.items():
                    top = feeds.add(Text(heading, style="bold"), expand=True)
                    for under, views in unders.items():
                        parent = top
                        # (a category of one feed is no heading; a sub-folder always is)
                        if under and (len(views) > 1 or folders):
                            parent = top.add(Text(under, style="italic"), expand=True)
                        for view in views:
                            self._add(parent, view)
        others = (("Tags", data.tags), ("Saved searches", data.saved), ("Accounts", data.accounts))
        for title, views in others:
            if views:
                group = self.root.add(Text(title, style="bold"), expand=True)
                for view in views:
                    self._add(group, view)

    def select_query(self, query: str) -> None:
        """Put the cursor on the entry for ``query``, if there is one: the one it is on if
        that asks it (a saved search asking what a view asks), else the first."""
        if self.cursor_node is not None and self.cursor_node.data is not None:
            if self.cursor_node.data.query == query:
                return
        node = next((n for n in self._entry_nodes if n.data and n.data.query == query), None)
        if node is not None:
            self.move_cursor(node)

    def _add(self, parent: TreeNode[View], view: View) -> None:
        self._entry_nodes.append(parent.add_leaf(entry_name(view), data=view))

    def render_label(self, node: TreeNode[View], base_style: Style, style: Style) -> Text:
        """An entry as name … count, the count right-aligned at the sidebar's edge."""
        label = super().render_label(node, base_style, style)
        view = node.data
        if view is None:
            return label
        count = f"{view.unread:,}" if view.unread else ""
        room = self.scrollable_content_region.width - self._indent(node) - 1  # off the border
        name_room = max(room - len(count) - (1 if count else 0), 1)
        label.truncate(name_room, overflow="ellipsis", pad=True)
        if count:
            label.append(" ")
            label.append(count, style=style + Style(bold=True))
        return label

    def get_label_width(self, node: TreeNode[View]) -> int:
        """Rows fit the sidebar whatever its width: it never scrolls sideways."""
        return 1

    def _indent(self, node: TreeNode[View]) -> int:
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        return depth * self.guide_depth

    def on_tree_node_selected(self, event: Tree.NodeSelected[View]) -> None:
        """Enter or a click on an entry opens its view."""
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ViewChosen(event.node.data))

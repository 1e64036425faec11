"""What changed in a story: the current version against any earlier one, word by word.

Insertions are green and underlined, deletions red and struck through. Feed
text only ever goes into ``rich.text.Text`` pieces, never into markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.db import open_db
from store.diff import Op, has_changes, story_diff
from store.items import get_item, revisions
from store.model import Item, Revision
from tui.screens.dialog import Dialog

INSERT_STYLE = "green underline"
DELETE_STYLE = "red strike"
FIELD_LABELS = {"title": "Title", "lead": "Lead", "body": "Body", "updated": "Update stamp"}


def diff_text(ops: list[Op]) -> Text:
    """One field's word diff as styled Text."""
    text = Text()
    for kind, piece in ops:
        style = INSERT_STYLE if kind == "insert" else DELETE_STYLE if kind == "delete" else ""
        text.append(piece, style=style)
    return text


def render_diff(item: Item, versions: list[Revision], index: int) -> RenderableType:
    """The story as it is now against earlier version ``index`` (0 is the oldest)."""
    if not versions:
        return Text("No earlier version of this story.", style="dim")
    old = versions[index]
    header = Text(
        f"Version {index + 1} of {len(versions)} (as seen until {old.seen_at}) → now",
        style="bold",
    )
    parts: list[RenderableType] = [
        header,
        Text("[ / ] or ← / → pick a version · esc closes", style="dim"),
    ]
    diffs = story_diff(old, item)
    for field_name, ops in diffs.items():
        if not has_changes(ops):
            continue
        parts.append(Text(""))
        parts.append(Text(FIELD_LABELS[field_name], style="bold cyan"))
        parts.append(diff_text(ops))
    if not any(has_changes(ops) for ops in diffs.values()):
        parts.append(Text("\nNo difference in title, lead, body or update stamp.", style="dim"))
    return Group(*parts)


class RevisionDiffScreen(Dialog[None]):
    """Current version of a story against an earlier one; escape closes."""

    DEFAULT_CSS = """
    RevisionDiffScreen > VerticalScroll { width: 90%; height: 90%; padding: 0 2; }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("left,left_square_bracket", "older", "Older version"),
        Binding("right,right_square_bracket", "newer", "Newer version"),
    ]

    def __init__(self, db_path: str | Path | None, item_id: int) -> None:
        super().__init__()
        self.db_path = db_path
        self.item_id = item_id
        self.item: Item | None = None
        self.versions: list[Revision] = []
        self.index = 0
        self._view = Static(Text("Loading…", style="dim"))

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "What changed"
            yield self._view

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="revision-diff")
    def _load(self) -> None:
        db = open_db(self.db_path)
        try:
            item = get_item(db, self.item_id)
            versions = revisions(db, self.item_id)
        finally:
            db.close()
        self.app.call_from_thread(self._loaded, item, versions)

    def _loaded(self, item: Item, versions: list[Revision]) -> None:
        self.item, self.versions = item, versions
        self.index = max(0, len(versions) - 1)  # the version just before the current one
        self._show()

    def _show(self) -> None:
        if self.item is not None:
            self._view.update(render_diff(self.item, self.versions, self.index))

    def action_older(self) -> None:
        """Compare with the version before the one shown."""
        if self.index > 0:
            self.index -= 1
            self._show()

    def action_newer(self) -> None:
        """Compare with the version after the one shown."""
        if self.index < len(self.versions) - 1:
            self.index += 1
            self._show()

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

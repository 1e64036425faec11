"""What changed in a story: the current version against any earlier one.

Inline, a rewritten sentence reads struck through (red), then the new one
(green, underlined); ``s`` puts the two versions side by side (old | new,
paragraph against paragraph) where the terminal is wide enough. The diff is
worked out in a thread worker (``store.diff`` caps its cost), so a long story
never holds up the screen; a failure becomes a notification. Feed text only
ever goes into ``rich.text.Text`` pieces, never into markup.
"""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.widgets import Static

from store import clock as store_clock
from store.db import open_db
from store.diff import Op, has_changes, story_diff
from store.items import get_item, revisions
from store.model import Item, Revision
from tui.screens.dialog import Dialog
from tui.stamps import reader_clock
from tui.workers import in_thread

INSERT_STYLE = "green underline"
DELETE_STYLE = "red strike"
FIELD_LABELS = {"title": "Title", "lead": "Lead", "body": "Body", "updated": "Update stamp"}
SIDE_BY_SIDE_MIN = 100  # terminal columns: two halves narrower than ~45 read badly
Diffs = dict[str, list[Op]]


def diff_text(ops: list[Op]) -> Text:
    """One field's diff as styled Text; a space between a struck run and the new one."""
    text = Text()
    last = ""
    for kind, piece in ops:
        if last == "delete" and kind == "insert" and not text.plain[-1:].isspace():
            if not piece[:1].isspace():
                text.append(" ")
        style = INSERT_STYLE if kind == "insert" else DELETE_STYLE if kind == "delete" else ""
        text.append(piece, style=style)
        last = kind
    return text


def side_rows(ops: list[Op]) -> list[tuple[Text, Text]]:
    """The diff as (old, new) rows, one per paragraph the two versions share a break after."""
    rows: list[tuple[Text, Text]] = [(Text(), Text())]
    for kind, piece in ops:
        chunks = piece.split("\n\n") if kind == "equal" else [piece]
        for number, chunk in enumerate(chunks):
            if number:
                rows.append((Text(), Text()))
            old, new = rows[-1]
            if kind != "insert":
                old.append(chunk, style=DELETE_STYLE if kind == "delete" else "")
            if kind != "delete":
                new.append(chunk, style=INSERT_STYLE if kind == "insert" else "")
    return [(old, new) for old, new in rows if old.plain.strip() or new.plain.strip()]


def side_table(ops: list[Op], old_label: str) -> Table:
    """Old on the left, now on the right, paragraph beside paragraph."""
    table = Table(box=box.MINIMAL, expand=True, header_style="dim", pad_edge=False)
    table.add_column(old_label, ratio=1)
    table.add_column("Now", ratio=1)
    for old, new in side_rows(ops):
        table.add_row(old, new)
    return table


def render_diff(
    versions: list[Revision],
    index: int,
    diffs: Diffs | None,
    *,
    seen: str = "",
    side_by_side: bool = False,
    note: str = "",
) -> RenderableType:
    """Earlier version ``index`` (0 is the oldest) against the story as it is now.

    ``diffs`` None: still being worked out. ``seen`` says until when that version
    was current, on the reader's clock; ``note`` is a line under the keys.
    """
    if not versions:
        return Text("No earlier version of this story.", style="dim")
    header = Text(f"Version {index + 1} of {len(versions)}", style="bold")
    if seen:
        header.append(f" (as seen until {seen})")
    header.append(" → now")
    parts: list[RenderableType] = [
        header,
        Text("[ / ] or ← / → pick a version · s side by side · esc closes", style="dim"),
    ]
    if note:
        parts.append(Text(note, style="yellow"))
    if diffs is None:
        parts.append(Text("\nWorking out what changed…", style="dim italic"))
        return Group(*parts)
    for field_name, ops in diffs.items():
        if not has_changes(ops):
            continue
        parts.append(Text(""))
        parts.append(Text(FIELD_LABELS[field_name], style="bold cyan"))
        if side_by_side:
            parts.append(side_table(ops, f"Version {index + 1}"))
        else:
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
        Binding("s", "side_by_side", "Side by side"),
    ]

    class Loaded(Message):
        """The story and its earlier versions have been read."""

        def __init__(self, item: Item, versions: list[Revision]) -> None:
            super().__init__()
            self.item = item
            self.versions = versions

    class Failed(Message):
        """Reading the story or working out its diff failed."""

        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    class Worked(Message):
        """The diff against version ``index`` is worked out."""

        def __init__(self, index: int, diffs: Diffs) -> None:
            super().__init__()
            self.index = index
            self.diffs = diffs

    def __init__(self, db_path: str | Path | None, item_id: int) -> None:
        super().__init__()
        self.db_path = db_path
        self.item_id = item_id
        self.item: Item | None = None
        self.versions: list[Revision] = []
        self.index = 0
        self.side_by_side = False
        self._diffs: dict[int, Diffs] = {}
        self._working: set[int] = set()  # versions whose diff a worker is on
        self._view = Static(Text("Loading…", style="dim"))

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "What changed"
            yield self._view

    def on_mount(self) -> None:
        self._load()

    @in_thread("revision-diff", exclusive=True)
    def _load(self) -> None:
        try:
            db = open_db(self.db_path)
            try:
                item = get_item(db, self.item_id)
                versions = revisions(db, self.item_id)
            finally:
                db.close()
        except Exception as error:
            self.post_message(self.Failed(error))
            raise  # and the App's one handler notifies
        self.post_message(self.Loaded(item, versions))

    def on_revision_diff_screen_loaded(self, message: Loaded) -> None:
        self.item, self.versions = message.item, message.versions
        self.index = max(0, len(self.versions) - 1)  # the version just before the current one
        self._show()

    @in_thread("revision-diff-work")
    def _work_out(self, item: Item, old: Revision, index: int) -> None:
        clock, now = reader_clock(self.app)
        try:
            diffs = story_diff(old, item, lambda moment: clock.stamp(moment, now))
        except Exception as error:
            self.post_message(self.Failed(error))
            raise  # and the App's one handler notifies
        self.post_message(self.Worked(index, diffs))

    def on_revision_diff_screen_worked(self, message: Worked) -> None:
        self._diffs[message.index] = message.diffs
        if message.index == self.index:
            self._show()

    def on_revision_diff_screen_failed(self, message: Failed) -> None:
        """A failure says so here (the App's failure handler notifies); the reader goes on."""
        error = message.error
        text = f"Could not show what changed: {type(error).__name__}: {error}"
        self._view.update(Text(text, style="red"))

    def on_resize(self, event: Resize) -> None:
        if self.side_by_side:
            self._show()

    def _show(self) -> None:
        if self.item is None:
            return
        diffs = self._diffs.get(self.index)
        if diffs is None and self.versions and self.index not in self._working:
            self._working.add(self.index)
            self._work_out(self.item, self.versions[self.index], self.index)
        side = self.side_by_side and self.size.width >= SIDE_BY_SIDE_MIN
        note = self._too_narrow() if self.side_by_side and not side else ""
        self._view.update(
            render_diff(
                self.versions, self.index, diffs, seen=self._seen(), side_by_side=side, note=note
            )
        )

    def _seen(self) -> str:
        if not self.versions:
            return ""
        moment = store_clock.from_iso(self.versions[self.index].seen_at)
        clock, now = reader_clock(self.app)
        return clock.stamp(moment, now) if moment else ""

    def _too_narrow(self) -> str:
        return (
            f"Side by side needs a terminal {SIDE_BY_SIDE_MIN} columns wide "
            f"(this one is {self.size.width}); showing the changes inline."
        )

    def action_side_by_side(self) -> None:
        """Old and new side by side, or back to one text with the changes marked."""
        self.side_by_side = not self.side_by_side
        if self.side_by_side and self.size.width < SIDE_BY_SIDE_MIN:
            self.notify(self._too_narrow(), markup=False)
        self._show()

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

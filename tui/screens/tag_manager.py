"""Every tag with its story and unread counts: rename, merge or delete one.

``r`` renames the highlighted tag (a name that is already a tag merges the
two), ``m`` merges it into another, ``d`` deletes it after asking. Reads and
writes run in thread workers with their own connection; a failure becomes a
notification (the App's one handler) and the list is read again. Tag names
are user data: they reach the screen as Text only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from sqlite_utils import Database
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from store.db import open_db
from store.tags import TagCount, delete_tag, list_tags, merge_tags, rename_tag
from store.text import fold
from tui.plural import counted
from tui.screens.confirm import ConfirmScreen
from tui.screens.dialog import Dialog
from tui.screens.name_prompt import NamePrompt
from tui.workers import in_thread

HINT = "r rename · m merge into another · d delete · esc closes"


def quoted(name: str) -> str:
    """A tag name in curly quotes, for questions and notifications (plain text)."""
    return f"“{name}”"


class TagManager(Dialog[None]):
    """The tag list; the caller refreshes its counts when this closes."""

    DEFAULT_CSS = """
    TagManager > Vertical { width: 80; max-height: 90%; }
    TagManager DataTable { height: auto; max-height: 70vh; }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("r", "rename", "Rename"),
        Binding("m", "merge", "Merge"),
        Binding("d", "delete", "Delete"),
    ]

    class Loaded(Message):
        """The tags with their counts; ``select`` the tag to put the cursor on."""

        def __init__(self, tags: list[TagCount], select: str | None) -> None:
            super().__init__()
            self.tags, self.select = tags, select

    class Changed(Message):
        """A write is done (``message`` says what it did; None: it failed)."""

        def __init__(self, message: str | None, select: str | None) -> None:
            super().__init__()
            self.message, self.select = message, select

    def __init__(self, db_path: str | Path | None) -> None:
        super().__init__()
        self.db_path = db_path
        self.tags: list[TagCount] = []
        self._table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
        self._status = Static(Text("Loading…", style="dim"))

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content("Tags")
            yield self._status
            yield self._table
            yield Static(Text(HINT), classes="hint")

    def on_mount(self) -> None:
        self._table.add_column(Text("Tag"), key="tag")
        self._table.add_column(Text("Stories", justify="right"), key="count")
        self._table.add_column(Text("Unread", justify="right"), key="unread")
        self._table.focus()
        self.load()

    @in_thread("tag-manager-read", exclusive=True)
    def load(self, select: str | None = None) -> None:
        """Read the tags with their counts; ``select`` keeps the cursor on that tag."""
        db = open_db(self.db_path)
        try:
            tags = list_tags(db)
        finally:
            db.close()
        self.post_message(self.Loaded(tags, select))

    def on_tag_manager_loaded(self, message: TagManager.Loaded) -> None:
        """Draw the tags, keeping the cursor on the tag it was on (or its line)."""
        tags, select = message.tags, message.select
        keep = select or (self.highlighted.name if self.highlighted else None)
        row = self._table.cursor_row
        self.tags = tags
        self._table.clear()
        for tag in tags:
            self._table.add_row(
                Text(tag.name),
                Text(f"{tag.count:,}", justify="right"),
                Text(f"{tag.unread:,}", justify="right"),
            )
        if not tags:
            self._status.update(Text("No tags yet: press t on a story to tag it.", style="dim"))
            return
        label = "1 tag" if len(tags) == 1 else f"{len(tags):,} tags"
        self._status.update(Text(label + " · ↑↓ to choose", style="dim"))
        folded = [fold(tag.name) for tag in tags]
        if keep and fold(keep) in folded:
            row = folded.index(fold(keep))  # else the tag went (deleted): same line
        self._table.move_cursor(row=min(row, len(tags) - 1))

    @property
    def highlighted(self) -> TagCount | None:
        """The tag under the cursor."""
        row = self._table.cursor_row
        return self.tags[row] if self.tags and 0 <= row < len(self.tags) else None

    def _others(self, tag: TagCount) -> list[str]:
        """The other tags, most used first (the order completion tries them in)."""
        others = [t for t in self.tags if fold(t.name) != fold(tag.name)]
        return [t.name for t in sorted(others, key=lambda t: -t.count)]

    def action_rename(self) -> None:
        """Ask a new name for the highlighted tag; an existing name merges the two."""
        tag = self.highlighted
        if tag is None:
            return
        others = self._others(tag)
        question = Text("Rename ").append(quoted(tag.name), style="bold").append(" to:")
        hint = "a name that is already a tag merges the two · enter renames · esc cancels"

        def done(name: str | None) -> None:
            if name is None or name == tag.name:
                return
            merging = fold(name) != fold(tag.name) and fold(name) in {fold(o) for o in others}
            message = (
                f"Merged {quoted(tag.name)} into {quoted(name)}."
                if merging
                else f"Renamed {quoted(tag.name)} to {quoted(name)}."
            )
            self.change(lambda db: rename_tag(db, tag.name, name), message, name)

        prompt = NamePrompt("Rename tag", question, value=tag.name, names=others, hint=hint)
        self.app.push_screen(prompt, done)

    def action_merge(self) -> None:
        """Move every story of the highlighted tag to another tag; the first one goes."""
        tag = self.highlighted
        if tag is None:
            return
        question = Text("Merge ").append(quoted(tag.name), style="bold").append(" into:")

        def check(name: str) -> str | None:
            return "Pick another tag to merge into." if fold(name) == fold(tag.name) else None

        def done(name: str | None) -> None:
            if name is not None:
                message = f"Merged {quoted(tag.name)} into {quoted(name)}."
                self.change(lambda db: merge_tags(db, [tag.name], name), message, name)

        prompt = NamePrompt(
            "Merge tag",
            question,
            names=self._others(tag),
            hint="tab completes · enter merges · esc cancels",
            check=check,
        )
        self.app.push_screen(prompt, done)

    def action_delete(self) -> None:
        """Remove the highlighted tag from every story and feed, after asking."""
        tag = self.highlighted
        if tag is None:
            return
        question = f"Delete the tag {quoted(tag.name)}? It comes off {counted(tag.count, 'story')}."

        def done(yes: bool | None) -> None:
            if yes:
                self.change(lambda db: delete_tag(db, tag.name), f"Deleted {quoted(tag.name)}.")

        self.app.push_screen(ConfirmScreen(question), done)

    @in_thread("tag-manager-write")
    def change(
        self, write: Callable[[Database], object], message: str, select: str | None = None
    ) -> None:
        """Run one write with its own connection, then say so and reload the list.

        A failed write (another window deleted the tag) is the App's to report;
        the list is read again all the same, to show the tags as they are.
        """
        done: str | None = None
        try:
            db = open_db(self.db_path)
            try:
                write(db)
                done = message
            finally:
                db.close()
        finally:
            self.post_message(self.Changed(done, select if done else None))

    def on_tag_manager_changed(self, message: TagManager.Changed) -> None:
        """Say what the write did, and show the tags as they are now."""
        if message.message:
            self.notify(message.message, timeout=3, markup=False)
        self.load(message.select)

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

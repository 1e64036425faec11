"""Every feed: add (a URL, the AA catalogue, a file), remove, rename, pause, file in folders,
tune (its own refresh interval, full text, story caps: ``s``).

Also the welcome screen: an empty database opens here, with a word on how to
begin. Reads and writes run in thread workers with their own connection; a
failure becomes a notification. Feed titles and folder names are data: they
reach the screen as Text only. Dismisses with the ids of the feeds added, for
the reader to fetch (with its progress bar).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from rich.text import Text
from sqlite_utils import Database
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from store.clock import from_iso
from store.db import open_db
from store.feeds import (
    changed_settings,
    display_title,
    edit_settings,
    list_feeds,
    list_folders,
    rename_feed,
    set_folder,
    set_paused,
)
from store.interchange.opml import import_subscriptions, read_subscriptions, subscribe
from store.model import Feed
from store.sync.accounts import account_feed_ids, list_accounts
from store.sync.subscriptions import remove_subscription
from store.sync.subscriptions import subscribe as subscribe_through
from store.text import display_url
from tui.plural import counted
from tui.screens.catalogue_picker import CataloguePicker
from tui.screens.confirm import ConfirmScreen
from tui.screens.dialog import Dialog
from tui.screens.feed_settings import FeedSettingsDialog
from tui.screens.name_prompt import NamePrompt
from tui.stamps import Clock, reader_clock
from tui.widgets.feed_table import FeedTable
from tui.wording import cut_at_word, describe_import, describe_settings, nothing_to_import

HINT = (  # two lines that fit 80 columns whole (leaving fetches the new feeds)
    "c AA catalogue · a add a URL · i import a file · A add via sync account\n"
    "d remove · r rename · p pause/resume · m folder · s settings · esc back"
)
WELCOME = (
    "Welcome to aanews. There are no feeds yet: press c to pick Anadolu Agency feeds "
    "by language and category, a to add any RSS/Atom URL, or i to import an OPML or "
    "newsboat urls file. Esc then fetches them."
)
Write = Callable[[Database], object]


class FeedManager(Dialog[list[int]]):
    """The feed list and what one can do to a feed."""

    DEFAULT_CSS = """
    FeedManager > Vertical { width: 110; max-height: 95%; }
    FeedManager DataTable { height: auto; max-height: 100%; }
    FeedManager #head { dock: top; height: auto; }
    FeedManager #foot { dock: bottom; height: auto; }
    FeedManager #welcome { margin: 1 0; }
    FeedManager #feed-detail { margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Back"),
        Binding("c", "catalogue", "Catalogue"),
        Binding("a", "add", "Add URL"),
        Binding("i", "import_file", "Import"),
        Binding("d", "remove", "Remove"),
        Binding("r", "rename", "Rename"),
        Binding("p", "pause", "Pause/resume"),
        Binding("m", "move", "Folder"),
        Binding("s", "settings", "Settings"),
        Binding("A", "add_synced", "Add through account"),
    ]

    def __init__(self, db_path: str | Path | None, *, welcome: bool = False) -> None:
        super().__init__()
        self.db_path = db_path
        self.welcome = welcome
        self.feeds: list[Feed] = []
        self.folders: list[str] = []
        self.accounts: dict[int, str] = {}  # sync accounts: id -> name
        self.owners: dict[int, int] = {}  # feed id -> the account it comes through
        self.added: list[int] = []
        self._table = FeedTable()
        self._status = Static(Text("Loading…", style="dim"))
        self._detail = Static(id="feed-detail")  # the feed under the cursor, whole

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content("Welcome" if self.welcome else "Feeds")
            with Vertical(id="head"):
                if self.welcome:
                    yield Static(Text(WELCOME), id="welcome")
                yield self._status
            yield self._table
            with Vertical(id="foot"):
                yield self._detail
                yield Static(Text(HINT), classes="hint")

    def on_mount(self) -> None:
        self._table.focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="feed-manager-read")
    def load(self, select: int | None = None) -> None:
        """Read the feeds and folders; ``select`` puts the cursor on that feed."""
        db = open_db(self.db_path)
        try:
            feeds, folders = list_feeds(db), [name for name, _, _ in list_folders(db)]
            accounts = {account.id: account.name for account in list_accounts(db)}
            owners = {f: a for a in accounts for f in account_feed_ids(db, a)}
        finally:
            db.close()
        self.app.call_from_thread(self._loaded, feeds, folders, select, (accounts, owners))

    def _loaded(
        self,
        feeds: list[Feed],
        folders: list[str],
        select: int | None,
        synced: tuple[dict[int, str], dict[int, int]],
    ) -> None:
        keep = select if select is not None else (self.current.id if self.current else None)
        row = self._table.cursor_row
        self.feeds, self.folders = feeds, folders
        self.accounts, self.owners = synced
        self._table.clear()
        for feed in feeds:
            state = "paused" if feed.paused else ""
            if feed.id in self.owners:
                state = (state + " via " + self.accounts[self.owners[feed.id]]).strip()
            if feed.last_error:
                state = (state + " ⚠ " + feed.last_error).strip()
            self._table.add_row(
                Text(str(feed.id)),
                Text(feed.folder or "—", style="" if feed.folder else "dim"),
                Text(display_title(feed)),
                Text(f"{feed.unread:,}/{feed.total:,}", justify="right"),
                Text(cut_at_word(state, 50), style="red" if feed.last_error else "dim"),
            )
        if not feeds:
            self._status.update(Text("No feeds yet.", style="dim"))
            return
        word = "feed" if len(feeds) == 1 else "feeds"
        self._status.update(Text(f"{len(feeds):,} {word} · ↑↓ to choose", style="dim"))
        ids = [feed.id for feed in feeds]
        if keep in ids:
            row = ids.index(keep)
        self._table.move_cursor(row=max(0, min(row, len(feeds) - 1)))
        self._show_detail()

    def on_data_table_row_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The feed under the cursor: its address and its whole state (the table's
        column has room for the state's first words only)."""
        feed = self.current
        self._detail.update(feed_detail(feed, *reader_clock(self.app)) if feed else "")

    @property
    def current(self) -> Feed | None:
        """The feed under the cursor."""
        row = self._table.cursor_row
        return self.feeds[row] if self.feeds and 0 <= row < len(self.feeds) else None

    def action_catalogue(self) -> None:
        """Pick AA feeds by language and category."""

        def done(refs: list[str] | None) -> None:
            if refs:
                self.change(lambda db: [subscribe(db, ref).id for ref in refs], "Subscribed")

        self.app.push_screen(CataloguePicker({feed.url for feed in self.feeds}), done)

    def action_add(self) -> None:
        """Subscribe to a URL (or an 'aa:tr/ekonomi' reference)."""

        known = {feed.id: display_title(feed) for feed in self.feeds}

        def add(db: Database, source: str) -> list[int] | Said:
            feed_id = subscribe(db, source).id
            if feed_id in known:  # its address was there: nothing new, and it says which
                return Said(f"Already subscribed: feed {feed_id} ({known[feed_id]})")
            return [feed_id]

        def done(source: str | None) -> None:
            if source:
                self.change(lambda db: add(db, source), "Subscribed")

        question = Text("The feed's address (http or https), or aa:LANG/CAT:")
        self.app.push_screen(NamePrompt("Add a feed", question, hint=_ENTER_ADDS), done)

    def action_import_file(self) -> None:
        """Import an OPML or newsboat urls file (folders and tags come along)."""

        def done(path: str | None) -> None:
            if path:
                self.change(lambda db: _import(db, path), "Imported")

        question = Text("The file to import (OPML, or newsboat's urls):")
        hint = "enter imports · esc cancels"
        self.app.push_screen(NamePrompt("Import feeds", question, hint=hint), done)

    def action_remove(self) -> None:
        """Unsubscribe after asking; starred and tagged stories stay."""
        feed = self.current
        if feed is None:
            return
        question = (
            f"Remove “{display_title(feed)}”? Its stories go, except starred and tagged "
            "ones and those other feeds carry."
        )
        said = f"Removed feed {feed.id}"
        if feed.id in self.owners:
            question += f" {self.accounts[self.owners[feed.id]]} unsubscribes at the next sync."
            said += "; its account's server unsubscribes at the next sync"

        def done(yes: bool | None) -> None:
            if yes:
                self.added = [i for i in self.added if i != feed.id]  # not to be fetched now
                self.change(lambda db: remove_subscription(db, feed.id), said)

        self.app.push_screen(ConfirmScreen(question), done)

    def action_add_synced(self) -> None:
        """Subscribe through a sync account (``aanews account subscribe``): the account of
        the feed under the cursor, or the only one; the server hears at the next sync."""
        feed = self.current
        account = self.owners.get(feed.id) if feed is not None else None
        if account is None and len(self.accounts) == 1:
            account = next(iter(self.accounts))
        if account is None:
            self.notify(
                "Put the cursor on a feed of the account to subscribe through."
                if self.accounts
                else "No sync account: aanews account add greader URL --user NAME adds one.",
                markup=False,
            )
            return
        name = self.accounts[account]

        def done(url: str | None) -> None:
            if url:
                word = f"Subscribed through {name}, sent at the next sync (R)"
                self.change(lambda db: [subscribe_through(db, account, url)], word)

        question = Text("The feed's address (http or https), for ").append(name, style="bold")
        self.app.push_screen(NamePrompt("Add through account", question, hint=_ENTER_ADDS), done)

    def action_rename(self) -> None:
        """Give the feed another name."""
        feed = self.current
        if feed is None:
            return

        def done(title: str | None) -> None:
            if title:
                self.change(lambda db: rename_feed(db, feed.id, title), "Renamed", feed.id)

        question = Text("Rename ").append(display_title(feed), style="bold").append(" to:")
        named = display_title(feed)  # the name it goes by (its own, or its channel's)
        self.app.push_screen(NamePrompt("Rename feed", question, value=named), done)

    def action_pause(self) -> None:
        """Pause the feed (refreshes leave it out) or resume it."""
        feed = self.current
        if feed is not None:
            word = "Resumed" if feed.paused else "Paused"
            self.change(lambda db: set_paused(db, feed.id, not feed.paused), word, feed.id)

    def action_move(self) -> None:
        """File the feed in a folder of yours ('-' takes it out of any)."""
        feed = self.current
        if feed is None:
            return

        def done(folder: str | None) -> None:
            if folder:
                name = "" if folder.strip() == "-" else folder
                self.change(lambda db: set_folder(db, feed.id, name), "Moved", feed.id)

        question = Text("Move ").append(display_title(feed), style="bold")
        question.append(" to the folder (a/b nests; - for none):")
        prompt = NamePrompt(
            "Folder", question, value=feed.folder, names=self.folders, hint=_TAB_COMPLETES
        )
        self.app.push_screen(prompt, done)

    def action_settings(self) -> None:
        """The feed's own refresh interval, full text and story caps (``aanews feeds set``)."""
        feed = self.current
        if feed is None:
            return

        def done(values: dict[str, str] | None) -> None:
            if values:
                own = changed_settings(feed.settings, values)
                word = f"Feed {feed.id}: {describe_settings(own)}"
                self.change(lambda db: edit_settings(db, feed.id, values), word, feed.id)

        self.app.push_screen(FeedSettingsDialog(display_title(feed), feed.settings), done)

    @work(thread=True, exit_on_error=False, group="feed-manager-write")
    def change(self, write: Write, message: str, select: int | None = None) -> None:
        """Run one write with its own connection, then say so and reload the list."""
        db = open_db(self.db_path)
        try:
            result = write(db)
        finally:
            db.close()
        if isinstance(result, Said):  # the write's own word for what it did
            message, added = result.message, result.added
        else:
            added = [i for i in result if isinstance(i, int)] if isinstance(result, list) else []
            if added:
                message = f"{message}: {len(added)} feed{'s' if len(added) != 1 else ''}"
        self.app.call_from_thread(self._changed, message, added, select)

    def _changed(self, message: str, added: list[int], select: int | None) -> None:
        self.added += [feed_id for feed_id in added if feed_id not in self.added]
        if added:  # (the hint has no room to say it)
            message += "; fetched when you go back (esc)"
        self.notify(message + ".", timeout=3, markup=False)
        self.load(added[-1] if added else select)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed read or write is a notification, not a crash."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error), severity="error", markup=False)

    def action_close(self) -> None:
        """Back to the reader, which fetches the feeds added."""
        self.dismiss(self.added)


_ENTER_ADDS = "enter adds · esc cancels"
_TAB_COMPLETES = "tab completes an existing folder · enter moves · esc cancels"


def feed_detail(feed: Feed, clock: Clock, now: datetime) -> Text:
    """Two lines: "feed 3 · its address", then its error (when, how many times) or when
    it was last fetched."""
    text = Text(f"feed {feed.id} · ", style="dim").append(display_url(feed.url))
    error_at, fetched = from_iso(feed.last_error_at), from_iso(feed.last_fetched)
    if feed.last_error:
        text.append(f"\n⚠ {feed.last_error}", style="red")
        times = f"{counted(feed.failures, 'failure')}, " if feed.failures else ""
        if error_at:
            text.append(f" ({times}last {clock.stamp(error_at, now)})", style="dim")
    elif fetched:
        text.append(f"\nfetched {clock.stamp(fetched, now)}", style="dim")
    else:
        text.append("\nnever fetched yet", style="dim")
    if feed.paused:
        text.append(" · paused (p resumes)", style="dim")
    return text


class Said(NamedTuple):
    """A write's own word for what it did (and the feeds it added), for ``change``."""

    message: str
    added: list[int] = []


def _import(db: Database, path: str) -> Said:
    """Import a subscription file: what it did in words, and the new feeds' ids
    (ValueError/OSError say why not)."""
    found = read_subscriptions(Path(path).expanduser().read_bytes())
    if not found.subscriptions:  # the command line's words
        return Said(f"{path}: {nothing_to_import(found)}")
    result = import_subscriptions(db, found)
    return Said(f"Imported: {describe_import(result)}", result.added)

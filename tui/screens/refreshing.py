"""Refreshing from the main screen: feeds in the background, and a story's own page.

A mixin of ``MainScreen``: ``R`` refreshes every feed, ``u`` the current one,
and an interval from the config does it on its own; the config's tag rules see
every new story. The fetching runs in a thread worker (``store.fetching.refresh`` runs
its own event loop there); progress comes back through ``call_from_thread``, so
moving through the list stays smooth.

A story shown in the reader for a moment (or opened with enter) gets its
article page read (``store.pages.fulltext``: politely, and not again within the hour),
then is drawn again in place. Never in ``--demo``, which stays off the network,
and not with ``full_text_on_open = false``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from rich.console import RenderableType
from sqlite_utils import Database
from textual import work
from textual.worker import WorkerCancelled, WorkerState, get_current_worker

from store.feeds import FeedError, is_fetchable_url
from store.items import fetch_items
from store.model import Item
from store.search.rules import RuleSet, compile_rules, rules_from_toml
from tui.screens.reader_parts import ReaderParts
from tui.widgets.story_view import read_story

if TYPE_CHECKING:
    from store.fetching.report import RefreshReport

_STDERR_SWAP = threading.Lock()
BACKGROUND_NICE = 10
# A story must stay in the reader this long before its page is asked for, so
# that walking down the list with j does not fetch every page it passes.
PAGE_DELAY = 0.5
PAGE_TIMEOUT = 15.0
PAGES_AT_ONCE = 2
T = TypeVar("T")


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    ``store.fetching.refresh`` parses in a process pool. Starting one hands
    ``sys.stderr.fileno()`` to the tracker, and inside a Textual app stderr is a
    capture object whose fileno is -1, which fails ("bad value(s) in
    fds_to_keep"). Started once with the terminal's stderr, the tracker is reused.
    """
    from multiprocessing import resource_tracker

    with _STDERR_SWAP:
        captured = sys.stderr
        try:
            sys.stderr = sys.__stderr__
            resource_tracker.ensure_running()
        finally:
            sys.stderr = captured


def in_background_thread(job: Callable[[], T], give_up: Callable[[], bool] | None = None) -> T:
    """Run ``job`` in a new thread of lower CPU priority and wait for it.

    On Linux a thread has its own nice value, and the processes it starts (the
    refresh's parser pool) inherit it: ingesting and parsing then yield the CPU
    to the screen. A fresh thread, because Textual reuses its worker threads
    and a raised nice value cannot be lowered again without privileges.
    ``give_up`` (polled) stops the waiting, not the job.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        if sys.platform.startswith("linux"):
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
            except OSError:
                pass
        try:
            outcome.append(job())
        except BaseException as error:  # handed to the waiting worker
            failure.append(error)

    thread = threading.Thread(target=run, name="aanews-refresh", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.1)
        if give_up is not None and give_up():
            # Quitting must not wait for a slow page; the daemon thread ends with the app.
            raise WorkerCancelled("given up")
    if failure:
        raise failure[0]
    return outcome[0]


class Refreshing(ReaderParts):
    """Background refresh: actions, the worker, and what happens after; story pages."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pages_busy: set[int] = set()  # stories whose page is being read

    def _offline(self) -> bool:
        """The demo never goes online."""
        return bool(getattr(self.app, "demo", False))

    def tag_rules(self) -> RuleSet | None:
        """The config's ``[[rules]]`` (checked when the config was read), for new stories."""
        if not self.config.rules:
            return None
        return compile_rules(rules_from_toml({"rules": self.config.rules})) or None

    def start_auto_refresh(self) -> None:
        """Refresh every feed every ``auto_refresh_minutes`` (0: never)."""
        minutes = self.config.auto_refresh_minutes
        if minutes > 0:
            self.set_interval(
                minutes * 60, partial(self.start_refresh, None, "all feeds", quiet=True)
            )

    def start_refresh(self, feed_ids: list[int] | None, what: str, *, quiet: bool = False) -> None:
        """Start a refresh unless one is running (a second would only fetch the same feeds)."""
        running = [
            w
            for w in self.workers
            if w.group == "refresh" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        if running:
            if not quiet:
                self.notify("A refresh is already running.", markup=False)
            return
        if self._offline():
            if not quiet:
                self.notify("The demo stays offline: nothing to refresh.", markup=False)
            return
        self.run_refresh(feed_ids, what)

    def action_refresh_all(self) -> None:
        """Refresh every feed in the background."""
        self.start_refresh(None, "all feeds")

    def action_refresh_feed(self) -> None:
        """Refresh the feed of the current view, or the current story's feeds."""
        if self.view.query.startswith("feed:") and self.view.query[5:].isdigit():
            self.start_refresh([int(self.view.query[5:])], self.view.name)
            return
        item = self.story.item
        if item is not None and item.feeds:
            self.start_refresh(list(item.feeds), "this story's feeds")
            return
        self.notify("Pick a feed (or a story) to refresh; R refreshes them all.", markup=False)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def run_refresh(self, feed_ids: list[int] | None, what: str) -> None:
        """Fetch and store feeds off the UI thread, reporting progress as it goes."""
        # httpx loads on the first refresh, not at start.
        from store.fetching.refresh import refresh_feeds

        start_resource_tracker()
        worker = get_current_worker()
        call = self.app.call_from_thread
        call(self.status.show_progress, 0, 0, what)

        def progress(done: int, total: int, title: str) -> None:
            if not worker.is_cancelled:
                call(self.status.show_progress, done, total, title)

        rules = self.tag_rules()
        try:
            report = in_background_thread(
                lambda: refresh_feeds(
                    self.db_path,
                    feed_ids,
                    on_progress=progress,
                    on_new_items=rules,
                    should_cancel=lambda: worker.is_cancelled,
                )
            )
        except FeedError as error:
            call(self._refresh_failed, str(error))
            return
        except BaseException:
            call(self.status.done)
            raise
        call(self._refreshed, report)

    def _refresh_failed(self, message: str) -> None:
        self.status.done()
        self.notify(message, severity="error", markup=False)

    def _refreshed(self, report: RefreshReport) -> None:
        """Counts and list catch up; each failed feed gets its own notification."""
        self.status.done()
        self.notify(report.summary(), title="Refresh", timeout=4, markup=False)
        for failure in report.failures:
            self.notify(
                f"{failure.title or failure.url}: {failure.error}",
                title="Feed failed",
                severity="error",
                timeout=8,
                markup=False,
            )
        self.load_sidebar()
        if report.new or report.updated:
            self.load_view(keep=self.items.current_id)

    # -- a story's article page ------------------------------------------------

    def page_wanted(self, item: Item, *, at_once: bool = False) -> None:
        """The reader shows ``item``: read its page soon (``at_once`` after enter)."""
        if self._offline() or not self.config.full_text_on_open:
            return
        if not item.link or not is_fetchable_url(item.link):
            return
        if at_once:
            self._page_due(item.id)
        else:
            self.set_timer(PAGE_DELAY, partial(self._page_due, item.id))

    def _page_due(self, item_id: int) -> None:
        if item_id != self.items.current_id or item_id in self._pages_busy:
            return
        if len(self._pages_busy) >= PAGES_AT_ONCE:
            return  # the user is moving faster than pages come; this one waits for a revisit
        self._pages_busy.add(item_id)
        self.read_page(item_id)

    @work(thread=True, group="page", exit_on_error=False)
    def read_page(self, item_id: int) -> None:
        """Read one story's article page (unless read lately), then draw the story again."""
        from store.pages.fulltext import pick_for_full_text, refresh_full_text  # loads httpx

        call = self.app.call_from_thread
        worker = get_current_worker()
        try:
            db = self.open_db()
            try:
                if not pick_for_full_text(db, [item_id]):
                    return  # read within the hour, and the feed has not changed it since
                item, renderable = self._draw(db, item_id, fetching=True)
            finally:
                db.close()
            call(self._page_shown, item, renderable, None)
            in_background_thread(
                lambda: refresh_full_text(self.db_path, [item_id], timeout=PAGE_TIMEOUT),
                give_up=lambda: worker.is_cancelled,
            )
            db = self.open_db()
            try:
                item, renderable = self._draw(db, item_id)
                rows = fetch_items(db, [item_id])
            finally:
                db.close()
            call(self._page_shown, item, renderable, rows[0] if rows else None)
        finally:
            if not worker.is_cancelled:  # cancelled: the app is closing
                call(self._page_done, item_id)

    def _page_done(self, item_id: int) -> None:
        self._pages_busy.discard(item_id)

    def _draw(
        self, db: Database, item_id: int, *, fetching: bool = False
    ) -> tuple[Item, RenderableType]:
        return read_story(
            db,
            item_id,
            now=self.now(),
            clock=self.config.clock,
            terms=self.terms,
            fetching=fetching,
        )

    def _page_shown(self, item: Item, renderable: RenderableType, row: Item | None) -> None:
        """Redraw the story in place (the scroll stays) and its list row."""
        if item.id == self.items.current_id:
            self.story.show(item, renderable)
        if row is not None:
            self.items.update_item(
                row.id,
                title=row.title,
                flags=row.flags,
                dateline=row.dateline,
                location=row.location,
                is_updated=row.is_updated,
            )

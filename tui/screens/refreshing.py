"""Refreshing feeds from the main screen: in the background, with a progress bar.

A mixin of ``MainScreen``: ``R`` refreshes every feed, ``u`` the current one,
and an interval from the config does it on its own. The fetching runs in a
thread worker (``store.refresh`` runs its own event loop there); progress comes
back through ``call_from_thread``, so moving through the list stays smooth.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.worker import WorkerState, get_current_worker

from store.feeds import FeedError
from tui.screens.reader_parts import ReaderParts

if TYPE_CHECKING:
    from store.refresh import RefreshReport

_STDERR_SWAP = threading.Lock()
BACKGROUND_NICE = 10
T = TypeVar("T")


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    ``store.refresh`` parses in a process pool. Starting one hands
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


def in_background_thread(job: Callable[[], T]) -> T:
    """Run ``job`` in a new thread of lower CPU priority and wait for it.

    On Linux a thread has its own nice value, and the processes it starts (the
    refresh's parser pool) inherit it: ingesting and parsing then yield the CPU
    to the screen. A fresh thread, because Textual reuses its worker threads
    and a raised nice value cannot be lowered again without privileges.
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
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


class Refreshing(ReaderParts):
    """Background refresh: actions, the worker, and what happens after."""

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
        from store.refresh import refresh_feeds  # httpx loads on the first refresh, not at start

        start_resource_tracker()
        worker = get_current_worker()
        call = self.app.call_from_thread
        call(self.status.show_progress, 0, 0, what)

        def progress(done: int, total: int, title: str) -> None:
            if not worker.is_cancelled:
                call(self.status.show_progress, done, total, title)

        try:
            report = in_background_thread(
                lambda: refresh_feeds(
                    self.db_path,
                    feed_ids,
                    on_progress=progress,
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

"""Refreshing feeds in the background: ``R`` every feed, ``u`` the current one, a timer.

The sync and the refresh each run in a process of their own at a lower CPU
priority (``tui.background``): their parsing and storing never hold the
interpreter lock the screen draws with. A thread worker here waits for them;
progress comes back as messages, at most four a second, that replace each
other.
The config's tag rules (compiled once) see every new story. After a refresh the
same process merges the search index's new segments. The demo never goes online.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import WorkerState, get_current_worker

from store.feeds import FeedError
from store.model import Item
from store.text import clean_line
from tui.background import in_background_process
from tui.config import Config
from tui.controllers import Controller
from tui.widgets.sidebar import View
from tui.wording import bound_labels
from tui.workers import in_thread

if TYPE_CHECKING:
    from store.fetching.report import RefreshReport
    from store.search.rules import RuleSet
    from store.sync.run import SyncReport

# Seconds between two progress messages: each redraws the status line (and lays the
# screen out again), which a key press would otherwise wait behind.
PROGRESS_EVERY = 0.25
FAILURES_SAID = 3  # feeds failing anew, one note each; more are counted in one


class Refresher(Controller):
    """Starts refreshes (one at a time) and reports on them."""

    class Progress(Message):
        """A refresh is on feed ``done`` of ``total``; a newer one replaces an unshown one."""

        def __init__(self, done: int, total: int, what: str) -> None:
            super().__init__()
            self.done, self.total, self.what = done, total, what

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Refresher.Progress)

    class Finished(Message):
        """The refresh is over; ``report`` says what it did (None: it failed or stopped),
        ``synced`` what the sync of each account did before it."""

        def __init__(
            self,
            report: RefreshReport | None,
            error: str | None = None,
            synced: list[SyncReport] | None = None,
        ) -> None:
            super().__init__()
            self.report, self.error, self.synced = report, error, synced or []

    def __init__(self, db_path: Path, config: Config, *, offline: bool) -> None:
        super().__init__(db_path)
        self.config = config
        self.offline = offline
        # Compiled once, when the config was read; not at every refresh.
        self.rules: RuleSet | None = config.rule_set

    def on_mount(self) -> None:
        minutes = self.config.auto_refresh_minutes
        if minutes > 0:
            self.set_interval(minutes * 60, lambda: self.start(None, "all feeds", quiet=True))

    @property
    def running(self) -> bool:
        """Whether a refresh is under way."""
        return any(
            worker.group == "refresh" and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.app.workers
        )

    def start(self, feed_ids: list[int] | None, what: str, *, quiet: bool = False) -> None:
        """Refresh ``feed_ids`` (None: all) unless one is running (it would fetch the same)."""
        if self.running:
            if not quiet:
                self.notify("A refresh is already running.", markup=False)
            return
        if self.offline:
            if not quiet:
                self.notify("The demo stays offline: nothing to refresh.", markup=False)
            return
        self.post_message(self.Progress(0, 0, what))
        self._run(feed_ids, what)

    def refresh_view(self, view: View, story: Item | None) -> None:
        """Refresh the feed a view shows, else the feeds of the story in the reader."""
        if view.query.startswith("feed:") and view.query[5:].isdigit():
            self.start([int(view.query[5:])], view.name)
        elif story is not None and story.feeds:
            self.start(list(story.feeds), "this story's feeds")
        else:
            self.notify("Pick a feed (or a story) to refresh; R refreshes them all.", markup=False)

    def on_refresher_finished(self, message: Refresher.Finished) -> None:
        """Say how it went: a summary, and each feed failing anew in its own note (the
        first few; one that failed the time before too was said then)."""
        report = message.report
        if report is None:
            if message.error:
                self.notify(message.error, severity="error", markup=False)
            return
        summary = report.summary()
        if report.failures:
            summary += f"; {bound_labels(self.app)['manage_feeds']} shows why"
        self.notify(summary, title="Refresh", timeout=4, markup=False)
        news = report.new_failures  # those failing the time before were said then
        for failure in news[:FAILURES_SAID]:
            self.notify(
                clean_line(f"{failure.title or failure.url}: {failure.error}"),
                title="Feed failed",
                severity="error",
                timeout=8,
                markup=False,
            )
        if len(news) > FAILURES_SAID:
            more = len(news) - FAILURES_SAID
            self.notify(f"{more:,} more failed too.", severity="error", timeout=8, markup=False)

    @in_thread("refresh", exclusive=True)
    def _run(self, feed_ids: list[int] | None, what: str) -> None:
        """Fetch and store feeds in a process of their own, reporting progress as it goes."""
        worker = get_current_worker()
        progress = self._progress_poster(lambda: worker.is_cancelled)

        def cancelled() -> bool:
            return worker.is_cancelled

        from store.sync.accounts import AccountError  # accounts: not for the first frame

        try:
            # R and the timer sync the accounts first (their feeds come only that way).
            synced = [] if feed_ids is not None else self._sync(cancelled)
            job = partial(refresh_job, self.db_path, feed_ids, self.rules)
            report = in_background_process(job, progress, cancelled)
        except (FeedError, AccountError) as error:
            self.post_message(self.Finished(None, str(error)))
            return
        except BaseException:
            self.post_message(self.Finished(None))
            raise
        self.post_message(self.Finished(report, synced=synced))

    def _progress_poster(self, cancelled: Callable[[], bool]) -> Callable[[int, int, str], None]:
        """A progress hook posting at most one message every ``PROGRESS_EVERY`` seconds
        (and the last feed's at once)."""
        last = [0.0]

        def progress(done: int, total: int, what: str) -> None:
            now = time.monotonic()
            if cancelled() or (now - last[0] < PROGRESS_EVERY and done != total):
                return
            last[0] = now
            self.post_message(self.Progress(done, total, what))

        return progress

    def _sync(self, cancelled: Callable[[], bool]) -> list[SyncReport]:
        """Every sync account, its progress on the status line; failures stay in the reports."""
        post = self._progress_poster(cancelled)

        def progress(done: int, total: int | None, name: str) -> None:
            post(done, total or 0, f"{name}: {done} stories")

        job = partial(sync_job, self.db_path, self.config, self.rules)
        return in_background_process(job, progress, cancelled)


def refresh_job(
    db_path: Path,
    feed_ids: list[int] | None,
    rules: RuleSet | None,
    progress: Callable[[int, int, str], None],
    cancelled: Callable[[], bool],
) -> RefreshReport:
    """A refresh, as the background process runs it; then the search index's new
    segments are merged (store/search/upkeep.py), before the screen reads it all again."""
    from store.fetching.refresh import refresh_feeds

    report = refresh_feeds(
        db_path, feed_ids, on_progress=progress, on_new_items=rules, should_cancel=cancelled
    )
    if not cancelled():
        from store.search.upkeep import REFRESH_MERGE_SECONDS, compact_file

        compact_file(db_path, cancelled, seconds=REFRESH_MERGE_SECONDS)
    return report


def sync_job(
    db_path: Path,
    config: Config,
    rules: RuleSet | None,
    progress: Callable[[int, int | None, str], None],
    cancelled: Callable[[], bool],
) -> list[SyncReport]:
    """Every account's sync, as the background process runs it (it stops when the reader
    does: ``cancelled`` goes unasked)."""
    from tui.accounts import sync_for_reader

    return sync_for_reader(db_path, config, on_progress=progress, on_new_items=rules)

"""Feeds' answers into the database: stories, "nothing changed", or a failure.

``Storing`` is the storing side of ``store.fetching.refresh``, on the thread that
stores: each feed as it arrives, and the feeds with nothing new that arrived
together in one transaction. Every write goes through ``store.db.writing`` (it
waits its turn).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from store.db import DatabaseBusy, as_database, busy_timeout, connection_of, writing
from store.feeds import Unchanged, record_failure, record_unchanged, record_unchanged_many
from store.fetching.http import FetchError, FetchResult
from store.fetching.report import FeedOutcome, RefreshReport
from store.fetching.targets import Target
from store.ingest import NewItemsHook, store_feed
from store.model import ParsedFeed
from store.text import clean_line, display_url, fold

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger(__name__)


# (feeds done, feeds in all, a feed still awaited: the first in order, else the last done)
ProgressHook = Callable[[int, int, str], None]


@dataclass
class Fetched:
    """One feed's answer on its way to the database."""

    target: Target
    result: FetchResult | None = None
    parsed: ParsedFeed | None = None
    digest: str | None = None
    error: FetchError | None = None
    placed: bool = False  # held a place in the refresh's backlog (new bytes, parsed)


@dataclass
class Storing:
    """The storing side of a refresh: each feed's answer written as it arrives, on the
    thread that called ``refresh_feeds`` (the one writer), with the report and hooks."""

    # A plain connection (``store.db.connect``) until a feed needs more than "nothing
    # new": then sqlite-utils (~0.1 s of imports) loads, and not before.
    db: Database | sqlite3.Connection
    report: RefreshReport
    total: int  # feeds in the refresh, for the progress hook
    deadline_at: float  # time.monotonic() when the whole run must end
    on_progress: ProgressHook | None = None
    on_new_items: NewItemsHook | None = None
    should_cancel: Callable[[], bool] = lambda: False
    waiting: dict[int, Target] = field(default_factory=dict)  # feeds not done yet, in order
    done: int = 0
    _progressed: set[int] = field(default_factory=set)  # feeds whose progress was told
    _database: Database | None = None
    _folds: FoldedAhead = field(default_factory=lambda: FoldedAhead())

    def __post_init__(self) -> None:
        # The search index trigger's fold, on this connection: a parse worker's first.
        connection_of(self.db).create_function("aanews_fold", 1, self._folds, deterministic=True)

    def database(self) -> Database | sqlite3.Connection:
        """What stories are written through: the plain connection, unless a hook takes
        sqlite-utils' Database (tag rules), made when first needed: the ~0.1 s of
        imports are then paid only by a refresh that runs rules on new stories."""
        if not isinstance(self.db, sqlite3.Connection) or self.on_new_items is None:
            return self.db
        if self._database is None:
            self._database = as_database(self.db)
        return self._database

    def cancelled(self) -> bool:
        """Whether the refresh was asked to stop (then it stops between feeds)."""
        if not self.report.cancelled and self.should_cancel():
            self.report.cancelled = True
        return self.report.cancelled

    def store_all(self, arrived: list[Fetched]) -> None:
        """Write the feeds that have arrived: those with nothing new together (one
        transaction), those with new documents together (another), the rest one by one.
        At most a refresh's backlog of feeds with a body arrives at once (16), beside
        304s and failures (one small row each), so a transaction stays short for
        another writer waiting its turn."""
        unchanged = [fetched for fetched in arrived if is_unchanged(fetched)]
        news = [fetched for fetched in arrived if fetched.parsed is not None and not fetched.error]
        if len(unchanged) > 1 and not self.cancelled():
            self._store_unchanged(unchanged)
        if len(news) > 1 and not self.cancelled():
            self._store_news(news)
        together = {
            id(fetched) for group in (unchanged, news) if len(group) > 1 for fetched in group
        }
        for fetched in arrived:
            if id(fetched) not in together and not self.cancelled():
                self._store(fetched)
            fetched.parsed = None  # its task keeps the answer to the end: not the stories

    def _store(self, fetched: Fetched) -> None:
        """Write one feed's outcome; a database that will not take it fails this feed alone.

        Each write waits its turn (another aanews may be writing), but never past
        the run's deadline.
        """
        self._wait_no_later_than_the_deadline()
        outcome = _outcome(fetched.target)
        try:
            if is_unchanged(fetched):  # as write_answer would, without sqlite-utils
                write_unchanged(self.db, [(fetched, outcome)])
            else:
                with self._folds.of(fetched.parsed):
                    write_answer(self.database(), fetched, outcome, self.report, self.on_new_items)
        except sqlite3.Error as error:
            why = fetched.error.reason if fetched.error is not None else None
            outcome.status = "failed"
            outcome.error = clean_line(
                f"{why} (not recorded: {error})" if why else f"not stored: {error}"
            )
        self._finish(outcome)

    def _store_unchanged(self, batch: list[Fetched]) -> None:
        """Feeds with nothing new, in one transaction; if it cannot be written, each fails."""
        self._wait_no_later_than_the_deadline()
        answers = [(fetched, _outcome(fetched.target)) for fetched in batch]
        try:
            write_unchanged(self.db, answers)
        except sqlite3.Error as error:
            for _, outcome in answers:
                outcome.status = "failed"
                outcome.error = clean_line(f"not stored: {error}")
        for _, outcome in answers:
            self._finish(outcome)

    def _store_news(self, batch: list[Fetched]) -> None:
        """Feeds with new documents, in one transaction: each feed in a savepoint of it
        (store_feed's), so a feed that cannot be stored still fails alone. One commit
        for the batch writes a shared page (an index's, the counts') once, not once per
        feed: a cold refresh writes half as much. Reported once committed; a batch that
        cannot be committed is stored again feed by feed."""
        self._wait_no_later_than_the_deadline()
        answers = [(fetched, _outcome(fetched.target)) for fetched in batch]
        stored = RefreshReport()
        reached: list[tuple[Fetched, FeedOutcome]] = []  # written, or tried
        try:
            db = self.database()
            with writing(db):
                for fetched, outcome in answers:
                    if reached and self.cancelled():
                        break  # what is written so far is committed; the rest is dropped
                    reached.append((fetched, outcome))
                    with self._folds.of(fetched.parsed):
                        write_answer(db, fetched, outcome, stored, self.on_new_items)
                    self._progress(outcome)
        except DatabaseBusy as error:  # another writer held on: none of them was written
            reached = answers
            for _, outcome in reached:
                outcome.status = "failed"
                outcome.error = clean_line(f"not stored: {error}")
        except sqlite3.Error:  # rolled back whole: one by one, what cannot be stored fails alone
            for fetched in batch:
                if not self.cancelled():
                    self._store(fetched)
            return
        else:
            self.report.new_ids.extend(stored.new_ids)
            self.report.updated_ids.extend(stored.updated_ids)
        for fetched in batch:
            fetched.parsed = None  # stored: let the stories go before the hooks run
        for _, outcome in reached:
            self._finish(outcome)

    def _wait_no_later_than_the_deadline(self) -> None:
        left = min(busy_timeout(), max(0.0, self.deadline_at - time.monotonic()))
        self.db.execute(f"PRAGMA busy_timeout = {int(left * 1000)}")

    def _finish(self, outcome: FeedOutcome) -> None:
        if outcome.status == "failed":
            log.warning("feed %d %s: %s", outcome.feed_id, outcome.url, outcome.error)
        elif outcome.cut_short:
            log.warning(
                "feed %d %s: %d new, %d updated; cut short: %s",
                *(outcome.feed_id, outcome.url, outcome.new, outcome.updated, outcome.cut_short),
            )
        else:
            log.info(
                "feed %d %s: %s, %d new, %d updated",
                *(outcome.feed_id, outcome.url, outcome.status, outcome.new, outcome.updated),
            )
        self.report.outcomes.append(outcome)
        self._progress(outcome)

    def _progress(self, outcome: FeedOutcome) -> None:
        """Tell the progress hook a feed is done, once a feed."""
        if outcome.feed_id in self._progressed:
            return
        self._progressed.add(outcome.feed_id)
        self.done += 1
        self.waiting.pop(outcome.feed_id, None)
        if self.on_progress is not None:
            awaited = next(iter(self.waiting.values()), None)
            named = _outcome(awaited).title if awaited is not None else outcome.title
            self.on_progress(self.done, self.total, named)


class FoldedAhead:
    """``aanews_fold`` for the refresh's connection: the folds a parse worker made for
    the feed being stored (``ParsedFeed.folded``, exactly ``fold``'s), else ``fold``."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def __call__(self, text: str | None) -> str:
        folded = self.texts.get(text) if text else None
        return fold(text) if folded is None else folded

    @contextmanager
    def of(self, parsed: ParsedFeed | None) -> Iterator[None]:
        self.texts = parsed.folded if parsed is not None else {}
        try:
            yield
        finally:
            self.texts = {}


def _outcome(target: Target) -> FeedOutcome:
    # What a report shows: cleaned, and a URL's user name and password masked.
    url = display_url(target.url)
    title = url if target.title == target.url else clean_line(target.title)
    return FeedOutcome(
        feed_id=target.id,
        title=title,
        url=url,
        status="unchanged",
        failing_before=target.failing,
    )


def write_answer(
    db: Database | sqlite3.Connection,
    fetched: Fetched,
    outcome: FeedOutcome,
    report: RefreshReport,
    on_new_items: NewItemsHook | None,
) -> None:
    """One feed's answer into the database: its stories in one transaction, the news that
    nothing changed, or its failure; ``outcome`` and ``report`` say what happened.
    """
    target, result = fetched.target, fetched.result
    if result is not None:
        outcome.http_status = result.status
        if result.moved_to and result.moved_to != target.url:
            moved_to = move_feed(db, target, result.moved_to)
            outcome.moved_to = display_url(moved_to) if moved_to else None
    if fetched.error is not None:
        error = fetched.error
        record_failure(
            db,
            target.id,
            error.reason,
            status=error.status,
            pause=error.pause,
            retry_after=error.retry_after,
        )
        outcome.status = "failed"
        outcome.error = error.reason
        outcome.http_status = error.status
    elif fetched.parsed is None:
        assert result is not None
        record_unchanged(
            db,
            target.id,
            status=result.status,
            etag=result.etag,
            last_modified=result.last_modified,
        )
    else:
        assert result is not None
        _store_stories(db, fetched, result, outcome, report, on_new_items)


def content_digest(body: bytes) -> str:
    """The digest that tells "same bytes as last time" without parsing them."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def is_unchanged(fetched: Fetched) -> bool:
    """A feed that answered "nothing new" (a 304, or the same bytes) from where it was."""
    result = fetched.result
    return (
        fetched.error is None
        and fetched.parsed is None
        and result is not None
        and not (result.moved_to and result.moved_to != fetched.target.url)
    )


def write_unchanged(
    db: Database | sqlite3.Connection, answers: list[tuple[Fetched, FeedOutcome]]
) -> None:
    """Many feeds' "nothing new" (``is_unchanged``) in one transaction: a refresh where
    most feeds answer 304 commits once per batch of answers, not once per feed."""
    checks = []
    for fetched, outcome in answers:
        result = fetched.result
        assert result is not None
        outcome.http_status = result.status
        checks.append(
            Unchanged(fetched.target.id, result.status, result.etag, result.last_modified)
        )
    record_unchanged_many(db, checks)


def _store_stories(
    db: Database | sqlite3.Connection,
    fetched: Fetched,
    result: FetchResult,
    outcome: FeedOutcome,
    report: RefreshReport,
    on_new_items: NewItemsHook | None,
) -> None:
    """A feed's new document: its stories in one transaction; a feed that cannot be
    stored fails alone (a busy database is not the feed's fault: that goes up)."""
    target = fetched.target
    assert fetched.parsed is not None
    try:
        stored = store_feed(
            db,
            target.id,
            fetched.parsed,
            etag=result.etag,
            last_modified=result.last_modified,
            content_hash=fetched.digest,
            status=result.status,
            on_new_items=on_new_items,
        )
    except DatabaseBusy:
        raise  # another writer, not this feed: nothing to record against it
    except Exception as error:  # noqa: BLE001 - any failure here is this feed's alone
        # store_feed rolled this feed back; the others carry on.
        kind = "" if isinstance(error, sqlite3.Error | ValueError) else f"{type(error).__name__}: "
        reason = clean_line(f"could not store the feed: {kind}{error}")
        record_failure(db, target.id, reason, status=result.status)
        outcome.status = "failed"
        outcome.error = reason
        return
    outcome.status = "new"
    if target.title == target.url and fetched.parsed.title:
        outcome.title = clean_line(fetched.parsed.title)  # a feed fetched for the first time
    outcome.new = stored.new
    outcome.updated = stored.updated
    outcome.problem = fetched.parsed.problem
    outcome.cut_short = fetched.parsed.error
    report.new_ids.extend(stored.new_ids)
    report.updated_ids.extend(stored.updated_ids)


def move_feed(db: Database | sqlite3.Connection, target: Target, new_url: str) -> str | None:
    """Follow a permanent redirect: the feed takes its new URL unless another has it
    (then that URL is returned, to be reported)."""
    with writing(db):
        taken = db.execute(
            "SELECT id FROM feeds WHERE url = ? AND id != ?", [new_url, target.id]
        ).fetchone()
        if taken:
            return new_url
        log.info("feed %d moved permanently to %s", target.id, display_url(new_url))
        db.execute("UPDATE feeds SET url = ? WHERE id = ?", [new_url, target.id])
    target.url = new_url
    return None

"""One feed's answer into the database: its stories, "nothing changed", or its failure.

Called by ``store.fetching.refresh`` for each feed in turn, on the thread that
stores; every write goes through ``store.db.writing`` (it waits its turn).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from sqlite_utils import Database

from store.db import DatabaseBusy, writing
from store.feeds import record_failure
from store.fetching.http import FetchError, FetchResult
from store.fetching.report import FeedOutcome, RefreshReport
from store.fetching.targets import Target
from store.ingest import NewItemsHook, record_unchanged, store_feed
from store.model import ParsedFeed
from store.text import clean_line, display_url

log = logging.getLogger(__name__)


@dataclass
class Fetched:
    """One feed's answer on its way to the database."""

    target: Target
    result: FetchResult | None = None
    parsed: ParsedFeed | None = None
    digest: str | None = None
    error: FetchError | None = None


def write_answer(
    db: Database,
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


def _store_stories(
    db: Database,
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
    report.new_ids.extend(stored.new_ids)
    report.updated_ids.extend(stored.updated_ids)


def move_feed(db: Database, target: Target, new_url: str) -> str | None:
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

"""Which feeds a refresh fetches: the ones named, or every feed of the user's that is due.

An all-feeds refresh leaves out paused feeds, feeds whose server asked to wait
(Retry-After), feeds with a refresh interval of their own that is not up yet,
and feeds that come through a sync account (their server brings their stories).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from store import clock
from store.db import in_chunks
from store.feeds import FeedError

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger(__name__)


@dataclass
class Target:
    """A feed to fetch, with the validators of its last answer."""

    id: int
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    lang: str | None = None
    failing: bool = False  # its last fetch failed (a new failure is news, the same one not)


def select_feeds(
    db: Database | sqlite3.Connection, feed_ids: Iterable[int] | None
) -> tuple[list[Target], list[tuple[int, str]]]:
    """The feeds to fetch, and the ones an all-feeds refresh leaves out (with why).

    A plain connection will do: a refresh picks its feeds before sqlite-utils loads."""
    columns = (
        "id, url, title, feed_title, etag, last_modified, content_hash, paused, retry_after, lang, "
        "account_id, failures"
    )
    skipped: list[tuple[int, str]] = []
    if feed_ids is not None:
        wanted = list(dict.fromkeys(int(i) for i in feed_ids))
        rows = {
            row[0]: row
            for chunk, marks in in_chunks(wanted)
            for row in db.execute(f"SELECT {columns} FROM feeds WHERE id IN ({marks})", chunk)
        }
        missing = [str(i) for i in wanted if i not in rows]
        if missing:
            raise FeedError(f"no feed with id {', '.join(missing)}")
        synced = [str(i) for i in wanted if rows[i][10] is not None]
        if synced:
            # Its stories come from its account's server: fetching it too would double them.
            named = ", ".join(synced)
            raise FeedError(
                f"feed {named} comes through a sync account: aanews sync (R in the reader)"
            )
        return [_target(rows[i]) for i in wanted], skipped
    now = clock.now()
    targets: list[Target] = []
    for row in db.execute(
        f"SELECT {columns}, refresh_minutes, last_fetched FROM feeds WHERE account_id IS NULL "
        "ORDER BY position, id"
    ):
        paused, retry_after = row[7], row[8]
        if paused:
            log.info("feed %d skipped: paused", row[0])
            skipped.append((row[0], "paused"))
            continue
        until = clock.from_iso(retry_after)
        if until is not None and until > now:
            log.info("feed %d skipped: the server asked to wait until %s", row[0], retry_after)
            skipped.append((row[0], f"server asked to wait until {retry_after}"))
            continue
        due = _next_due(row[-2], row[-1])
        if due is not None and due > now:
            skipped.append((row[0], f"refreshed every {row[-2]:,g} min; next after {due}"))
            continue
        targets.append(_target(row))
    return targets, skipped


def skip_kind(why: str) -> str:
    """What kind of reason ``select_feeds`` gave for leaving a feed out, in two words."""
    if why == "paused":
        return "paused"
    return "asked to wait" if why.startswith("server asked") else "not due yet"


def _next_due(every_minutes: float | None, last_fetched: str | None) -> datetime | None:
    """When a feed with its own refresh interval may be fetched again (None: now)."""
    last = clock.from_iso(last_fetched)
    if not every_minutes or last is None:
        return None
    return last + timedelta(minutes=every_minutes)


def _target(row: tuple) -> Target:
    feed_id, url, title, feed_title, etag, last_modified, content_hash = row[:7]
    return Target(
        id=feed_id,
        url=url,
        title=title or feed_title or url,
        etag=etag,
        last_modified=last_modified,
        content_hash=content_hash,
        lang=row[9],
        failing=bool(row[11]),
    )

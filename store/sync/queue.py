"""The changes made in aanews that a sync server has yet to hear, kept in order.

The marking and tagging functions (``store.items``, ``store.tags``) call
``queue_marks`` with the stories they changed; only stories an account carries
(``sync_items``) are queued, so a database without accounts pays one indexed
lookup. Subscribing and unsubscribing queue through ``queue_subscription``.
The queue is emptied by ``store.sync.push`` as the server says OK; a change
the server never took stays queued for the next sync.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from store import clock
from store.db import in_chunks, writing

if TYPE_CHECKING:
    from sqlite_utils import Database

# What a queued row asks the server to do; "tag"/"untag" carry the tag name.
MARK_ACTIONS = ("read", "unread", "star", "unstar", "tag", "untag")
SUBSCRIPTION_ACTIONS = ("subscribe", "unsubscribe")
# The state each action sets: a later change of the same state replaces an earlier one.
STATE_OF = {"read": "read", "unread": "read", "star": "star", "unstar": "star"}


@dataclass
class Change:
    """One queued change, oldest first."""

    id: int
    account_id: int
    action: str
    item_id: int | None
    remote_id: str | None  # the server's id of the story (16 hex) or stream ("feed/…")
    value: str | None  # a tag name, a feed URL, a folder


def queue_marks(
    db: Database, item_ids: Iterable[int], action: str, value: str | None = None
) -> int:
    """Queue ``action`` for every story of these that an account carries; returns how many."""
    if action not in MARK_ACTIONS:
        raise ValueError(f"not a mark: {action}")
    ids = list(item_ids)
    if not ids or not _any_account(db):
        return 0
    now = clock.now_iso()
    queued = 0
    for chunk, marks in in_chunks(ids):
        queued += db.execute(
            "INSERT INTO sync_queue (account_id, action, item_id, remote_id, value, queued_at) "
            f"SELECT account_id, ?, item_id, remote_id, ?, ? FROM sync_items "
            f"WHERE item_id IN ({marks})",
            [action, value, now, *chunk],
        ).rowcount
    return queued


def queue_subscription(
    db: Database, account_id: int, action: str, *, stream: str, value: str | None = None
) -> None:
    """Queue a subscribe (``value``: the feed URL) or an unsubscribe of ``stream``."""
    if action not in SUBSCRIPTION_ACTIONS:
        raise ValueError(f"not a subscription change: {action}")
    db.execute(
        "INSERT INTO sync_queue (account_id, action, item_id, remote_id, value, queued_at) "
        "VALUES (?, ?, NULL, ?, ?, ?)",
        [account_id, action, stream, value, clock.now_iso()],
    )


def pending(db: Database, account_id: int) -> list[Change]:
    """The account's queued changes, in the order they were made."""
    return [
        Change(*row)
        for row in db.execute(
            "SELECT id, account_id, action, item_id, remote_id, value FROM sync_queue "
            "WHERE account_id = ? ORDER BY id",
            [account_id],
        )
    ]


def count_pending(db: Database, account_id: int) -> int:
    """How many changes wait for the account's server."""
    row = db.execute("SELECT COUNT(*) FROM sync_queue WHERE account_id = ?", [account_id])
    return int(row.fetchone()[0])


def forget(db: Database, change_ids: Iterable[int]) -> None:
    """The server took these changes: they leave the queue."""
    ids = list(change_ids)
    with writing(db):
        for chunk, marks in in_chunks(ids):
            db.execute(f"DELETE FROM sync_queue WHERE id IN ({marks})", chunk)


def _any_account(db: Database) -> bool:
    return db.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

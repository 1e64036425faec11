"""Sync accounts in the database: who they are, and how their last sync went.

An account is a server address, a user name and the server's dialect
(``store.sync.quirks``). Its feeds are ordinary feeds with ``account_id``
set; its stories are ordinary stories, mapped to the server's ids in
``sync_items``. The password is never in the database (``store.sync.secrets``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from store import clock
from store.db import writing
from store.feeds import is_fetchable_url, remove_feed
from store.sync.quirks import SERVERS, guess_server
from store.text import clean_line, clean_url, display_url

if TYPE_CHECKING:
    from sqlite_utils import Database

_COLUMNS = (
    "id, kind, url, username, server, created_at, last_sync, last_error, last_error_at, cursor"
)


class AccountError(ValueError):
    """An account the user named cannot be added or found."""


@dataclass
class Account:
    """One sync account and its status."""

    id: int
    kind: str
    url: str
    user: str
    server: str
    created_at: str
    last_sync: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    # Newest crawl time (microseconds) seen on the server: the next pull starts there.
    cursor: int | None = None
    feeds: int = 0
    queued: int = 0

    @property
    def name(self) -> str:
        """How the account is shown: user@host."""
        return f"{self.user}@{self.url}"

    @property
    def status(self) -> str:
        """One word for lists: ok, failing or never (synced)."""
        if self.last_error and (
            self.last_sync is None or (self.last_error_at or "") >= self.last_sync
        ):
            return "failing"
        return "ok" if self.last_sync else "never"


def add_account(
    db: Database, url: str, user: str, *, server: str | None = None, kind: str = "greader"
) -> Account:
    """Add an account; the same address and user again is an AccountError."""
    url = clean_url(url).rstrip("/")
    user = clean_line(user)
    if not is_fetchable_url(url):
        raise AccountError(f"not an http(s) address: {display_url(url)!r}")
    if "@" in url.partition("://")[2].partition("/")[0]:
        # The password belongs in --password-file or the prompt, never in a URL we store.
        raise AccountError("the address has a user name or password in it: give it without")
    if not user:
        raise AccountError("an account needs a user name")
    server = server or guess_server(url)
    if server not in SERVERS:
        raise AccountError(f"unknown server kind {server!r} (known: {', '.join(SERVERS)})")
    if find_account(db, url, user) is not None:
        raise AccountError(f"there is already an account for {user} at {url}")
    with writing(db):
        cursor = db.execute(
            "INSERT INTO accounts (kind, url, username, server, created_at) VALUES (?, ?, ?, ?, ?)",
            [kind, url, user, server, clock.now_iso()],
        )
    return get_account(db, int(cursor.lastrowid or 0))


def find_account(db: Database, url: str, user: str) -> Account | None:
    """The account for this address and user, if there is one."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM accounts WHERE url = ? AND username = ?",
        [clean_url(url).rstrip("/"), user],
    ).fetchone()
    return _with_counts(db, Account(*row)) if row else None


def get_account(db: Database, account_id: int) -> Account:
    """One account by id, or AccountError."""
    row = db.execute(f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", [account_id]).fetchone()
    if row is None:
        raise AccountError(f"no account with id {account_id}")
    return _with_counts(db, Account(*row))


def has_accounts(db: Database | sqlite3.Connection) -> bool:
    """Whether any account is set up; a plain connection will do (``aanews fetch``
    asks before sqlite-utils is loaded)."""
    return db.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None


def list_accounts(db: Database) -> list[Account]:
    """Every account, oldest first, with its feed and queue counts."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY id").fetchall()
    return [_with_counts(db, Account(*row)) for row in rows]


def remove_account(db: Database, account_id: int) -> int:
    """Forget an account and its feeds; starred or tagged stories stay. Returns stories gone."""
    get_account(db, account_id)
    gone = 0
    with writing(db):
        for (feed_id,) in db.execute(
            "SELECT id FROM feeds WHERE account_id = ?", [account_id]
        ).fetchall():
            gone += remove_feed(db, feed_id)
        db.execute("DELETE FROM accounts WHERE id = ?", [account_id])
    return gone


def record_success(db: Database, account_id: int, *, cursor: int | None) -> None:
    """A sync went through: the time, the new cursor, no error."""
    with writing(db):
        db.execute(
            "UPDATE accounts SET last_sync = ?, last_error = NULL, last_error_at = NULL, "
            "cursor = COALESCE(?, cursor) WHERE id = ?",
            [clock.now_iso(), cursor, account_id],
        )


def record_error(db: Database, account_id: int, error: str) -> None:
    """A sync failed: the account says why; nothing else changes."""
    with writing(db):
        db.execute(
            "UPDATE accounts SET last_error = ?, last_error_at = ? WHERE id = ?",
            [clean_line(error), clock.now_iso(), account_id],
        )


def account_of_feed(db: Database, feed_id: int) -> tuple[int, str] | None:
    """(account id, the server's stream id) of an account's feed; None for a local feed."""
    row = db.execute(
        "SELECT account_id, remote_id FROM feeds WHERE id = ? AND account_id IS NOT NULL",
        [feed_id],
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def account_feed_ids(db: Database, account_id: int) -> list[int]:
    """The ids of an account's feeds, in the user's order."""
    return [
        int(row[0])
        for row in db.execute(
            "SELECT id FROM feeds WHERE account_id = ? ORDER BY position, id", [account_id]
        )
    ]


def _with_counts(db: Database, account: Account) -> Account:
    account.feeds = int(
        db.execute("SELECT COUNT(*) FROM feeds WHERE account_id = ?", [account.id]).fetchone()[0]
    )
    account.queued = int(
        db.execute("SELECT COUNT(*) FROM sync_queue WHERE account_id = ?", [account.id]).fetchone()[
            0
        ]
    )
    return account

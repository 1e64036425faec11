"""One sync of an account: push the queue, pull subscriptions, stories and states.

``sync_accounts`` opens its own connection (the reader calls it from a thread
worker, the CLI from ``aanews sync`` and ``aanews fetch``). Each account syncs
alone: one that fails keeps its stories and its queue, says why in
``accounts.last_error``, and the others carry on. The first sync of an
account reads every story the server has, a page at a time; later ones ask
only for stories crawled since the newest one seen (``accounts.cursor``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlite_utils import Database

from store.db import open_db
from store.ingest import NewItemsHook
from store.sync.accounts import Account, get_account, list_accounts, record_error, record_success
from store.sync.client import DEFAULT_TIMEOUT, GReaderClient, SyncError
from store.sync.push import push_changes
from store.sync.queue import count_pending
from store.sync.quirks import quirks_for
from store.sync.secrets import SecretError
from store.sync.states import page_states, pull_states
from store.sync.stories import is_new, read_story, store_page, story_pages
from store.sync.subscriptions import pull_subscriptions
from store.text import clean_line

# (stories so far, total or None when the server does not say, the account's name)
SyncProgress = Callable[[int, int | None, str], None]
PasswordFor = Callable[[Account], str]


@dataclass
class SyncReport:
    """What one account's sync did, or why it failed."""

    account_id: int
    name: str
    pushed: int = 0
    subscriptions: int = 0
    skipped: int = 0
    stories: int = 0
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    error: str | None = None


def sync_accounts(
    db_path: str | Path | None,
    account_ids: Iterable[int] | None = None,
    *,
    password_for: PasswordFor,
    timeout: float = DEFAULT_TIMEOUT,
    on_progress: SyncProgress | None = None,
    on_new_items: NewItemsHook | None = None,
) -> list[SyncReport]:
    """Sync the given accounts (default: all), one after another."""
    db = open_db(db_path)
    try:
        if account_ids is None:
            accounts = list_accounts(db)
        else:
            accounts = [get_account(db, int(i)) for i in account_ids]
        return [
            sync_account(
                db,
                account,
                password_for=password_for,
                timeout=timeout,
                on_progress=on_progress,
                on_new_items=on_new_items,
            )
            for account in accounts
        ]
    finally:
        db.close()


def sync_account(
    db: Database,
    account: Account,
    *,
    password_for: PasswordFor,
    timeout: float = DEFAULT_TIMEOUT,
    on_progress: SyncProgress | None = None,
    on_new_items: NewItemsHook | None = None,
) -> SyncReport:
    """Sync one account; a failure is recorded on it and in the report, never raised."""
    report = SyncReport(account.id, account.name)
    try:
        password = password_for(account)
        with GReaderClient(
            account.url, account.user, password, quirks_for(account.server), timeout=timeout
        ) as client:
            _sync(db, client, account, report, on_progress, on_new_items)
    except (SyncError, SecretError, sqlite3.Error) as error:
        report.error = str(error)
    except (httpx.HTTPError, ValueError, LookupError, RuntimeError) as error:
        # Not foreseen, but one account must not stop the others or the reader.
        report.error = f"{account.name}: {type(error).__name__}: {clean_line(str(error))[:200]}"
    if report.error is not None:
        record_error(db, account.id, report.error)
    return report


def check_login(account: Account, password: str, *, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Log in and list the subscriptions; returns how many. SyncError if that fails."""
    with GReaderClient(
        account.url, account.user, password, quirks_for(account.server), timeout=timeout
    ) as client:
        client.login()
        answer = client.get_json("subscription/list")
    listed = answer.get("subscriptions") if isinstance(answer, dict) else None
    if not isinstance(listed, list):
        raise SyncError(f"{account.name}: subscription/list did not list subscriptions")
    return len(listed)


def _sync(
    db: Database,
    client: GReaderClient,
    account: Account,
    report: SyncReport,
    on_progress: SyncProgress | None,
    on_new_items: NewItemsHook | None,
) -> None:
    client.login()
    _push(db, client, account, report)
    subs = pull_subscriptions(db, client, account.id)
    newest = account.cursor
    apply = page_states(account.id)
    for page in story_pages(client, account.cursor):
        read = (read_story(item, client.quirks, subs) for item in page)
        stories = [s for s in read if s is not None and is_new(s, account.cursor)]
        stored = store_page(
            db, account.id, stories, subs, on_new_items=on_new_items, apply_states=apply
        )
        report.stories += stored.stories
        report.new_ids.extend(stored.new_ids)
        report.updated_ids.extend(stored.updated_ids)
        if stored.newest is not None and (newest is None or stored.newest > newest):
            newest = stored.newest
        if on_progress is not None:
            on_progress(report.stories, None, account.name)
    pull_states(db, client, account.id, subs.folders)
    if count_pending(db, account.id):
        _push(db, client, account, report)  # tags the rules gave new stories
    record_success(db, account.id, cursor=newest)


def _push(db: Database, client: GReaderClient, account: Account, report: SyncReport) -> None:
    pushed = push_changes(db, client, account.id)
    report.pushed += pushed.marks + pushed.subscriptions
    report.subscriptions += pushed.subscriptions
    report.skipped += pushed.skipped

"""Sync accounts as the CLI and the reader see them: the config's [[accounts]], and passwords.

An ``[[accounts]]`` table in the config is the same as ``aanews account add``:
it is added to the database at the next sync. Its password comes from
``password_file`` or the variable named by ``password_env`` when given, else
from the password ``account add`` stored (keyring or ``secrets.json`` beside
the config file).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from store.db import open_db
from store.ingest import NewItemsHook
from store.sync.accounts import Account, AccountError, add_account, find_account, list_accounts
from store.sync.secrets import SecretError, load_password, read_password_file, secret_name
from tui.config import Config, default_config_path

if TYPE_CHECKING:
    from store.sync.run import SyncProgress, SyncReport

# The variable ``account add`` (and ``account test``) read a password from.
PASSWORD_ENV = "AANEWS_PASSWORD"


def secrets_folder(config_path: str | Path | None) -> Path:
    """Where stored passwords live: beside the config file."""
    path = Path(config_path).expanduser() if config_path else default_config_path()
    return path.parent


def add_config_accounts(db: Database, config: Config) -> None:
    """Every [[accounts]] table the database does not have yet, added."""
    for table in config.accounts:
        if find_account(db, table["url"], table["user"]) is None:
            try:
                add_account(db, table["url"], table["user"], server=table.get("server"))
            except AccountError as error:
                raise AccountError(f"[[accounts]] {table['url']}: {error}") from None


def password_resolver(config: Config, config_path: str | Path | None) -> Callable[[Account], str]:
    """The function that finds an account's password when a sync needs it."""
    folder = secrets_folder(config_path)

    def password_for(account: Account) -> str:
        for table in config.accounts:
            if table["user"] != account.user or table["url"].rstrip("/") != account.url:
                continue
            if table.get("password_file"):
                return read_password_file(table["password_file"])
            if table.get("password_env"):
                value = os.environ.get(table["password_env"], "")
                if not value:
                    raise SecretError(f"{account.name}: ${table['password_env']} is not set")
                return value
        return load_password(secret_name(account.user, account.url), folder)

    return password_for


def sync_for_reader(
    db_path: str | Path | None,
    config: Config,
    *,
    on_progress: SyncProgress | None = None,
    on_new_items: NewItemsHook | None = None,
) -> list[SyncReport]:
    """Sync every account (the config's added first), as the reader's refresh does.

    A failing account is in its report (and on the account), never raised.
    """
    from store.sync.run import sync_accounts  # httpx loads with the first sync

    db = open_db(db_path)
    try:
        add_config_accounts(db, config)
        if not list_accounts(db):
            return []
    finally:
        db.close()
    return sync_accounts(
        db_path,
        password_for=password_resolver(config, config.path),
        on_progress=on_progress,
        on_new_items=on_new_items,
    )

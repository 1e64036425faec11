"""``aanews account`` (add, list, remove, test) and ``aanews sync``: sync servers.

A password is read from ``--password-file``, else from ``$AANEWS_PASSWORD``,
else asked for (never echoed); never taken on the command line, never printed.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING

from store.shapes import account_json
from store.sync.accounts import AccountError, add_account, get_account, list_accounts
from store.sync.accounts import remove_account as drop_account
from store.sync.quirks import SERVERS
from store.sync.secrets import (
    SecretError,
    forget_password,
    read_password_file,
    secret_name,
    store_password,
)
from tui.accounts import (
    PASSWORD_ENV,
    add_config_accounts,
    password_resolver,
    secrets_folder,
)
from tui.commands import CommandError, need_database, open_store, print_json
from tui.commands.fetch import tag_rules
from tui.plural import counted

if TYPE_CHECKING:
    from sqlite_utils import Database

    from store.sync.run import SyncReport
    from tui.config import Config


ACCOUNT_MAKES_ONE = "`aanews account add` makes one"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``account`` and ``sync``."""
    account = subparsers.add_parser("account", help="sync accounts (FreshRSS, Miniflux, ...)")
    actions = account.add_subparsers(dest="account_command", metavar="ACTION")
    account.set_defaults(handler=_list)

    # No abbreviations: "--password SECRET" must not pass as --password-file (and be echoed).
    add = actions.add_parser(
        "add", help="add a Google Reader API account and check it", allow_abbrev=False
    )
    add.add_argument("kind", choices=["greader"], help="the API: greader (Google Reader API)")
    add.add_argument("url", metavar="URL", help="the API address, e.g. .../api/greader.php")
    add.add_argument("--user", required=True, metavar="NAME", help="the user name")
    add.add_argument(
        "--password-file",
        metavar="FILE",
        help=f"read the password from FILE's first line (else ${PASSWORD_ENV}, else a prompt)",
    )
    add.add_argument(
        "--server",
        choices=sorted(SERVERS),
        help="the server's dialect (default: guessed from the URL, else generic)",
    )
    add.add_argument(
        "--no-check", action="store_true", help="add it without logging in first (offline)"
    )
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="every account with its sync status")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    remove = actions.add_parser("remove", help="forget an account, its feeds and its password")
    remove.add_argument("account_id", type=int, metavar="ID")
    remove.set_defaults(handler=_remove)

    test = actions.add_parser("test", help="log in and count the subscriptions")
    test.add_argument("account_id", type=int, metavar="ID")
    test.set_defaults(handler=_test)

    subscribe = actions.add_parser(
        "subscribe", help="subscribe the account to a feed (the server hears at the next sync)"
    )
    subscribe.add_argument("account_id", type=int, metavar="ID")
    subscribe.add_argument("url", metavar="URL", help="the feed's http(s) address")
    subscribe.add_argument("--title", help="the name to show")
    subscribe.add_argument("--folder", metavar="NAME", help="the server folder to file it in")
    subscribe.set_defaults(handler=_subscribe)

    _register_sync(subparsers)


def _register_sync(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sync``."""
    sync = subparsers.add_parser(
        "sync",
        help="sync every account: send local changes, then fetch stories and states",
        description="Push read, starred and tag changes queued here, then pull subscriptions, "
        "new stories and read/starred/label states from each account's server.",
    )
    sync.add_argument(
        "--account", dest="account_ids", type=int, action="append", metavar="ID",
        help="sync only this account (repeatable)",
    )  # fmt: skip
    sync.add_argument("--json", action="store_true", help="print the reports as JSON")
    sync.set_defaults(handler=_sync)


def _add(args: argparse.Namespace) -> int:
    password = _password(args)
    db = open_store(args, create=True)
    try:
        account = add_account(db, args.url, args.user, server=args.server)
    except AccountError as error:
        raise CommandError(str(error)) from None
    if not args.no_check:
        from store.sync.client import SyncError
        from store.sync.run import check_login

        try:
            count = check_login(account, password)
        except SyncError as error:
            drop_account(db, account.id)
            raise CommandError(f"{error}; the account was not added") from None
        print(f"logged in: {counted(count, 'subscription')}")
    where = store_password(
        secret_name(account.user, account.url), password, secrets_folder(args.config)
    )
    print(f"added account {account.id} {account.name} ({account.server}); password kept in {where}")
    print("sync it with: aanews sync")
    return 0


def _password(args: argparse.Namespace) -> str:
    """The password from --password-file, $AANEWS_PASSWORD or a prompt; never echoed."""
    try:
        if args.password_file:
            return read_password_file(args.password_file)
    except SecretError as error:
        raise CommandError(str(error)) from None
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise CommandError(f"no password: give --password-file FILE or set ${PASSWORD_ENV}")
    password = getpass.getpass(f"Password for {args.user} at {args.url}: ")
    if not password:
        raise CommandError("no password given")
    return password


def _list(args: argparse.Namespace) -> int:
    config = _config(args)
    if not config.accounts:
        need_database(args, makes=ACCOUNT_MAKES_ONE)
    db = open_store(args, create=True)  # the config's are added to it
    _add_from_config(args, db, config)
    accounts = list_accounts(db)
    if getattr(args, "json", False):
        print_json([account_json(account) for account in accounts])
        return 0
    if not accounts:
        print("No accounts. Add one: aanews account add greader URL --user NAME")
        return 0
    for account in accounts:
        synced = account.last_sync or "never synced"
        print(
            f"{account.id}  {account.name}  [{account.server}]  {account.status}  "
            f"last sync {synced}  {counted(account.feeds, 'feed')}  "
            f"{counted(account.queued, 'change')} queued"
        )
        if account.last_error:
            print(f"   ERROR ({account.last_error_at}): {account.last_error}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    db = open_store(args)
    try:
        account = get_account(db, args.account_id)
        gone = drop_account(db, args.account_id)
    except AccountError as error:
        raise CommandError(str(error)) from None
    forget_password(secret_name(account.user, account.url), secrets_folder(args.config))
    print(f"removed account {account.id} {account.name}; {counted(gone, 'story')} deleted")
    return 0


def _test(args: argparse.Namespace) -> int:
    from store.sync.client import SyncError
    from store.sync.run import check_login

    db = open_store(args)
    config = _config(args)
    try:
        account = get_account(db, args.account_id)
        count = check_login(account, password_resolver(config, args.config)(account))
    except (AccountError, SecretError, SyncError) as error:
        raise CommandError(str(error)) from None
    print(f"ok: {account.name} has {counted(count, 'subscription')}")
    return 0


def _subscribe(args: argparse.Namespace) -> int:
    from store.feeds import FeedError
    from store.sync.subscriptions import subscribe

    db = open_store(args)
    try:
        account = get_account(db, args.account_id)
        feed_id = subscribe(db, account.id, args.url, title=args.title, folder=args.folder)
    except (AccountError, FeedError) as error:
        raise CommandError(str(error)) from None
    print(f"feed {feed_id}: subscribed through {account.name}; sent at the next sync")
    return 0


def _sync(args: argparse.Namespace) -> int:
    reports = sync_all(args, account_ids=args.account_ids, quiet=args.json)
    if args.json:
        print_json([asdict(report) for report in reports])
    if not reports and not args.json:
        print("No accounts to sync. Add one: aanews account add greader URL --user NAME")
    return 1 if any(report.error for report in reports) else 0


def sync_all(
    args: argparse.Namespace, *, account_ids: list[int] | None = None, quiet: bool = False
) -> list[SyncReport]:
    """Sync the accounts (config ones added first), a progress bar on a terminal; the
    summary lines printed unless ``quiet``. ``aanews fetch`` calls this too."""
    config = _config(args)
    if not config.accounts:
        need_database(args, "no account to sync", ACCOUNT_MAKES_ONE)
    db = open_store(args, create=True)  # a config's account brings the feeds
    try:
        _add_from_config(args, db, config)
        if account_ids is None and not list_accounts(db):
            return []
    finally:
        db.close()
    from store.sync.run import sync_accounts  # loaded only when there is an account

    with _progress(sys.stdout.isatty() and not quiet) as on_progress:
        try:
            reports = sync_accounts(
                args.db,
                account_ids,
                password_for=password_resolver(config, args.config),
                on_progress=on_progress,
                on_new_items=tag_rules(args),
            )
        except AccountError as error:
            raise CommandError(str(error)) from None
    for report in reports if not quiet else []:
        print(_summary(report), file=sys.stderr if report.error else sys.stdout)
    return reports


def _summary(report: SyncReport) -> str:
    """One line: 'account 1 alice@…: 12 new, 3 updated, 1 change sent'."""
    line = f"account {report.account_id} {report.name}: "
    if report.error:  # (an error names the account itself, as "alice@URL" or "alice at URL")
        user, _, url = report.name.rpartition("@")
        for named in (f"{report.name}: ", f"{user} at {url}: "):
            if report.error.startswith(named):
                return line + report.error.removeprefix(named)
        return line + report.error
    line += f"{len(report.new_ids):,} new, {len(report.updated_ids):,} updated, "
    line += f"{counted(report.pushed, 'change')} sent"
    if report.skipped:
        line += f", {report.skipped:,} the server cannot take"
    return line


def _config(args: argparse.Namespace) -> Config:
    from tui.config import ConfigError, load_config

    try:
        return load_config(args.config)
    except ConfigError as error:
        raise CommandError(str(error)) from None


def _add_from_config(args: argparse.Namespace, db: Database, config: Config | None = None) -> None:
    try:
        add_config_accounts(db, config or _config(args))
    except AccountError as error:
        raise CommandError(str(error)) from None


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[int, int | None, str], None] | None]:
    """A Rich progress line on a terminal: stories so far, per account."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn

    with Progress(
        TextColumn("Syncing"),
        BarColumn(),
        TextColumn("{task.completed} stories"),
        TextColumn("{task.fields[account]}", markup=False),  # server text is data
        transient=True,
    ) as progress:
        task = progress.add_task("sync", total=None, account="")

        def on_progress(done: int, total: int | None, name: str) -> None:
            progress.update(task, completed=done, total=total, account=name[:50])

        yield on_progress

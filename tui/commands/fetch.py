"""``aanews fetch``: refresh feeds from cron or a shell, with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING

from store import clock
from store.text import clean_line
from tui.commands import CommandError, need_database, open_store, print_json, terminal
from tui.plural import counted, figure

if TYPE_CHECKING:
    from store.fetching.report import RefreshReport
    from store.search.rules import RuleSet
    from store.sync.run import SyncReport
    from tui.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``fetch``."""
    fetch = subparsers.add_parser(
        "fetch",
        help="refresh feeds (exit 1 if any failed; the rest are still stored)",
        description="Download every active feed (or the ones named with --feed) and store "
        "new and updated stories. Paused feeds, and feeds whose server asked to wait, are "
        "skipped unless named with --feed.",
    )
    fetch.add_argument(
        "--feed",
        dest="feed_ids",
        type=int,
        action="append",
        metavar="ID",
        help="refresh only this feed (repeatable); refreshes it even if paused",
    )
    fetch.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="total seconds allowed per feed, connection to last byte (default 30)",
    )
    fetch.add_argument(
        "--deadline",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds the whole fetch may take (default 300): feeds that have not answered "
        "by then fail, each reported, and the rest are stored",
    )
    fetch.add_argument(
        "--concurrency",
        type=int,
        default=8,
        metavar="N",
        help="feeds fetched at once (default 8; at most 6 from one host)",
    )
    _full_text_options(fetch)
    fetch.add_argument("--json", action="store_true", help="print the report as JSON")
    fetch.set_defaults(handler=_fetch)


def _full_text_options(fetch: argparse.ArgumentParser) -> None:
    """``--full-text`` and what goes with it; ``--no-sync``."""
    fetch.add_argument(
        "--full-text",
        action="store_true",
        help="then read the article pages of new and updated stories, and re-read (with "
        "conditional requests) the pages of stories the feeds carry, to catch updates made "
        "only on the page",
    )
    fetch.add_argument(
        "--recheck-after",
        type=float,
        metavar="MIN",
        help="with --full-text: re-read a page only if it was last read MIN minutes ago or "
        "more (default 0: every page the feeds carry, 100 a pass at most)",
    )
    fetch.add_argument(
        "--no-sync",
        action="store_true",
        help="do not sync the accounts first (a fetch with --feed never does)",
    )


# The sane range of each number fetch takes: inf, NaN and 1e300 are refused in one line.
_MOST_TIMEOUT = 3600.0
_MOST_CONCURRENCY = 64
_MOST_RECHECK_MINUTES = 10 * 365 * 24 * 60.0


def _check_numbers(args: argparse.Namespace) -> None:
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= _MOST_TIMEOUT):
        raise CommandError(
            f"--timeout must be more than 0 and at most {figure(_MOST_TIMEOUT)} seconds", status=2
        )
    if not 0 < args.deadline <= 86400:  # False for NaN too
        raise CommandError("--deadline must be more than 0 seconds, at most a day", status=2)
    if not 1 <= args.concurrency <= _MOST_CONCURRENCY:
        raise CommandError(f"--concurrency must be from 1 to {_MOST_CONCURRENCY}", status=2)
    if args.recheck_after is None:  # (alone it tunes the pages of feeds whose full text is on)
        args.recheck_after = 0.0
    recheck = args.recheck_after
    if not (math.isfinite(recheck) and 0 <= recheck <= _MOST_RECHECK_MINUTES):
        most = counted(_MOST_RECHECK_MINUTES, "minute")
        raise CommandError(f"--recheck-after must be from 0 to {most} (ten years)", status=2)


def _fetch(args: argparse.Namespace) -> int:
    _check_numbers(args)
    from store.fetching.refresh import refresh_feeds  # httpx loads only for a fetch
    from store.fetching.workers import collecting_less

    config = _config(args)
    if not config.accounts or args.feed_ids or args.no_sync:  # else a sync brings feeds
        need_database(args, "no feeds to fetch")
    rules = config.rule_set  # compiled as the config was read
    started = clock.now_iso()
    synced = [] if args.feed_ids or args.no_sync else _sync_first(args, config)
    show_bar = sys.stdout.isatty() and not args.json
    # Stories by the thousand, few cycles: the collector runs less while they are made.
    with collecting_less(), _progress(show_bar) as on_progress:
        report = refresh_feeds(
            args.db,
            args.feed_ids,
            timeout=args.timeout,
            deadline=args.deadline,
            concurrency=args.concurrency,
            on_progress=on_progress,
            on_new_items=rules or None,
        )
    for done in synced:  # synced stories get their pages read like fetched ones
        report.new_ids.extend(done.new_ids)
        report.updated_ids.extend(done.updated_ids)
    full_text = _full_text(args, report, started)
    from store.search.upkeep import FETCH_PAST, compact_file

    compact_file(args.db, past=FETCH_PAST)  # cron may be the only one writing this file
    if args.json:
        print_json(
            {
                "outcomes": [asdict(outcome) for outcome in report.outcomes],
                "skipped": [{"feed_id": i, "reason": why} for i, why in report.skipped],
                "new_ids": report.new_ids,
                "updated_ids": report.updated_ids,
                "full_text": full_text,
                "sync": [asdict(done) for done in synced],
            }
        )
    else:
        print(report.summary())
        if full_text:
            print(full_text)
    _say_troubles(report)
    failed_sync = any(done.error for done in synced)
    return 1 if report.failures or failed_sync or (args.full_text and full_text is None) else 0


def _say_troubles(report: RefreshReport) -> None:
    """On stderr, a line a feed that failed, was cut short or could not follow its move."""
    for outcome in report.outcomes:
        where = clean_line(outcome.title)
        if where != outcome.url:
            where = f"{where} <{outcome.url}>"
        if outcome.status == "failed":
            print(f"feed {outcome.feed_id} {where}: {outcome.error}", file=sys.stderr)
        elif outcome.cut_short:  # read as far as it goes: said, though not a failure
            print(
                f"feed {outcome.feed_id} {where}: cut short: {outcome.cut_short} "
                "(the stories before it are stored)",
                file=sys.stderr,
            )
    for outcome in report.outcomes:
        if outcome.moved_to:
            print(
                f"feed {outcome.feed_id} moved permanently to {outcome.moved_to}, "
                "which another feed already has",
                file=sys.stderr,
            )


def _sync_first(args: argparse.Namespace, config: Config) -> list[SyncReport]:
    """The accounts' sync, before the feeds are fetched (nothing when there are none).

    Without an account (in the config or the database) the sync code is not even
    loaded: the first feed requests go out that much sooner.
    """
    if not config.accounts:
        from store.db import connect
        from store.sync.accounts import has_accounts

        conn = connect(args.db)  # sqlite-utils loads later, while the first requests are out
        try:
            if not has_accounts(conn):
                return []
        finally:
            conn.close()
    from tui.commands.account import sync_all

    return sync_all(args, quiet=args.json)


def tag_rules(args: argparse.Namespace) -> RuleSet | None:
    """The config's [[rules]], applied to new stories as they are stored."""
    return _config(args).rule_set  # compiled as the config was read


def _config(args: argparse.Namespace) -> Config:
    from tui.config import ConfigError, load_config

    try:
        return load_config(args.config)
    except ConfigError as error:
        raise CommandError(str(error)) from None


def _full_text(args: argparse.Namespace, report: RefreshReport, started: str) -> str | None:
    """Read the article pages this refresh calls for; the summary line, None if none.

    With --full-text: new and updated stories, plus stale pages of stories the
    feeds still carry (an update made only on the page shows up that way).
    Without: only the new and updated stories of feeds whose full text is on.
    """
    if not args.full_text and not (report.new_ids or report.updated_ids):
        return None  # no story to read a page for: not even the page code is loaded
    if not args.full_text and not _some_feed_reads_pages(args):
        return None  # no feed reads its pages: nor then (sqlite-utils, httpx: ~0.15 s)
    from store.pages.fulltext import pages_allowed, pages_to_recheck, refresh_full_text

    refreshed = [o.feed_id for o in report.outcomes if o.status != "failed"]
    db = open_store(args)
    try:
        if args.full_text:
            # Feeds answering 304 or the same bytes do not move last_seen: ask by feed.
            recheck = (
                pages_to_recheck(db, refreshed, stale_minutes=args.recheck_after)
                if refreshed
                else []
            )
            item_ids = list(dict.fromkeys(report.new_ids + report.updated_ids + recheck))
        else:
            item_ids = pages_allowed(db, report.new_ids + report.updated_ids, only_on=True)
    finally:
        db.close()
    if not args.full_text and not item_ids:
        return None
    pages = refresh_full_text(
        args.db, item_ids, timeout=args.timeout, since=started, stale_minutes=args.recheck_after
    )
    return pages.summary()


def _some_feed_reads_pages(args: argparse.Namespace) -> bool:
    from store.db import connect
    from store.feeds import some_feed_reads_pages

    conn = connect(args.db)
    try:
        return some_feed_reads_pages(conn)
    finally:
        conn.close()


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    """A Rich progress bar on a terminal; nothing when piped (cron gets one line)."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("Fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        # Feed titles are data: never read as markup.
        TextColumn("{task.fields[feed]}", markup=False),
        transient=True,
        # Redrawn from the callback, not by Rich's own thread: with no other thread
        # running, the refresh can fork its parse workers (store.fetching.workers).
        auto_refresh=False,
        # Its own escape codes go to the terminal itself; the feed names it shows are cleaned.
        console=Console(file=terminal(sys.stdout)),
    ) as progress:
        task = progress.add_task("fetch", total=None, feed="")
        progress.refresh()

        def on_progress(done: int, total: int, title: str) -> None:
            progress.update(task, completed=done, total=total, feed=clean_line(title)[:40])
            progress.refresh()

        yield on_progress

"""``aanews prune``: drop old read stories past their feeds' caps, then compact the file."""

from __future__ import annotations

import argparse

from store.feeds import setting_error
from store.retention import PruneReport, prune
from tui.commands import CommandError, open_store, print_json
from tui.plural import counted


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``prune``."""
    command = subparsers.add_parser(
        "prune", help="drop old read stories past the feeds' caps (never unread, starred, tagged)"
    )
    command.add_argument(
        "--dry-run", action="store_true", help="say how many stories would go; change nothing"
    )
    command.add_argument(
        "--max-stories",
        type=int,
        metavar="N",
        help="for feeds without their own cap: keep the N newest (default: config max_stories)",
    )
    command.add_argument(
        "--max-age-days",
        type=float,
        metavar="N",
        help="for feeds without their own cap: keep N days (default: config max_age_days)",
    )
    command.add_argument("--json", action="store_true", help="print JSON")
    command.set_defaults(handler=_prune)


def _prune(args: argparse.Namespace) -> int:
    from tui.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as error:
        raise CommandError(str(error)) from None
    max_stories = args.max_stories if args.max_stories is not None else config.max_stories
    max_age = args.max_age_days if args.max_age_days is not None else config.max_age_days
    for name, value in (("max_stories", max_stories), ("max_age_days", max_age)):
        # feeds set's ranges (NaN and inf are in none); "or 'off'" is feeds set's word
        problem = None if value is None else setting_error(name, value)
        if problem:
            raise CommandError("--" + problem.removesuffix(", or 'off'"), status=2)
    db = open_store(args)
    report = prune(db, max_stories=max_stories, max_age_days=max_age, dry_run=args.dry_run)
    if args.json:
        print_json(
            {
                "dry_run": report.dry_run,
                "deleted": len(report.deleted),
                "deleted_ids": report.deleted,
                "bytes_before": report.bytes_before,
                "bytes_after": report.bytes_after,
                "vacuumed": report.vacuumed,
                "index_steps": report.index_steps,
                "index_error": report.index_error,
            }
        )
    else:
        print(summary(report))
    return 0


def summary(report: PruneReport) -> str:
    """One line: '5 stories dropped; file compacted from 3.1 MiB to 1.2 MiB; ...'."""
    count = counted(len(report.deleted), "story")
    if report.dry_run:
        kept = "" if report.deleted else "unread, starred and tagged stories are always kept; "
        return f"{count} would be dropped ({kept}dry run: nothing changed)"
    text = f"{count} dropped"
    if report.vacuumed:
        text += f"; file compacted from {_size(report.bytes_before)} to {_size(report.bytes_after)}"
    elif report.vacuum_error:
        text += f"; not compacted ({report.vacuum_error})"
    if report.index_steps:
        text += f"; search index merged ({counted(report.index_steps, 'step')})"
    elif report.index_error:
        text += f"; search index not merged ({report.index_error})"
    return text


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):,.1f} MiB"

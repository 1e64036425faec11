"""``aanews prune``: drop old read stories past their feeds' caps, then compact the file."""

from __future__ import annotations

import argparse

from store.retention import prune
from tui.commands import CommandError, open_store, print_json


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
    if max_stories is not None and max_stories < 1:
        raise CommandError(f"--max-stories must be more than 0, not {max_stories}", status=2)
    if max_age is not None and max_age <= 0:
        raise CommandError(f"--max-age-days must be more than 0, not {max_age:g}", status=2)
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
        print(report.summary())
    return 0

"""``aanews check``: is the database file whole, and if not, how to get the stories back."""

from __future__ import annotations

import argparse
import sys

from store.integrity import MAX_PROBLEMS, check_database
from store.text import clean_line
from tui.commands import database_path, need_database
from tui.plural import counted


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``check``."""
    check = subparsers.add_parser(
        "check",
        help="check the database file (SQLite's integrity and foreign-key checks); "
        "exit 1 and say how to recover if it is damaged",
    )
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    need_database(args)  # no file is no damage: nothing to recover
    path = database_path(args)
    report = check_database(path)
    if report.ok:
        held = f"{counted(report.stories or 0, 'story')}, {counted(report.feeds or 0, 'feed')}"
        print(f"{path}: ok ({held})")
        return 0
    count = len(report.problems)
    print(f"aanews: {path} is damaged: {counted(count, 'problem')}", file=sys.stderr)
    for problem in report.problems[:MAX_PROBLEMS]:
        print(f"  {clean_line(problem)}", file=sys.stderr)
    if count > MAX_PROBLEMS:
        print(f"  ... and {count - MAX_PROBLEMS:,} more", file=sys.stderr)
    print("To recover:", file=sys.stderr)
    for step in report.recovery():
        print(f"  {step}", file=sys.stderr)
    return 1

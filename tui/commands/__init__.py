"""The CLI's subcommands, one module per group.

Each module has ``register(subparsers)``, which adds its parsers and sets
``handler`` on each: ``handler(args) -> int`` (the exit status). Handlers
raise ``CommandError`` for anything the user should read as one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlite_utils import Database

from store.db import open_db

COMMAND_MODULES = (
    "account", "check", "feeds", "fetch", "prune", "search", "searches", "show", "tags",
    "transfer",
)  # fmt: skip


class CommandError(Exception):
    """A problem to report to the user as one line, with a non-zero exit."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def open_store(args: argparse.Namespace) -> Database:
    """The database the user chose with --db or AANEWS_DB, else the default one."""
    return open_db(args.db)


def print_json(value: Any) -> None:
    """JSON for scripts: UTF-8 as is, indented, one document."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")

"""The CLI's subcommands, one module per group.

Each module has ``register(subparsers)``, which adds its parsers and sets
``handler`` on each: ``handler(args) -> int`` (the exit status). Handlers
raise ``CommandError`` for anything the user should read as one line.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from store.db import default_path, open_db
from store.text import strip_controls

if TYPE_CHECKING:
    from sqlite_utils import Database

COMMAND_MODULES = (
    "account", "check", "feeds", "fetch", "prune", "search", "searches", "serve", "show", "tags",
    "transfer",
)  # fmt: skip


class CommandError(Exception):
    """A problem to report to the user as one line, with a non-zero exit."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def database_path(args: argparse.Namespace) -> Path:
    """The database file the user chose with --db or AANEWS_DB, else the default one."""
    return Path(args.db).expanduser() if args.db else default_path()


def open_store(args: argparse.Namespace, *, create: bool = False) -> Database:
    """The database of ``database_path``; made there only for a command that brings
    feeds (``create``: feeds add, import, an account): any other says there is none."""
    if not create:
        need_database(args)
    return open_db(args.db)


MAKES_ONE = "`aanews feeds add URL` or `aanews import FILE` makes one"


def need_database(args: argparse.Namespace, nothing: str = "", makes: str = MAKES_ONE) -> None:
    """Refuse, in one line, a command that reads or changes what the database holds
    when there is no file: a mistyped --db must not leave an empty database behind.

    ``nothing`` says what the command then lacks ("no feeds to fetch"), ``makes`` what
    would make one.
    """
    path = database_path(args)
    if str(args.db) != ":memory:" and not path.exists():
        lacking = f": {nothing}" if nothing else ""
        raise CommandError(f"no database at {path}{lacking} ({makes})")


def print_json(value: Any) -> None:
    """JSON for scripts: UTF-8 as is, indented, one document; every string cleaned
    (a script that prints a field gets no escape sequence either)."""
    json.dump(_cleaned(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return value


class CleanOutput(io.TextIOBase):
    """stdout or stderr for the subcommands: everything written passes the one
    cleaning function (store.text.strip_controls), whatever printed it, so no
    escape sequence, C1 control or bidi override from a feed reaches the terminal."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` cleaned; returns its length as given."""
        self.stream.write(strip_controls(text))
        return len(text)

    def flush(self) -> None:
        """Flush the stream underneath."""
        self.stream.flush()

    def isatty(self) -> bool:
        """Whether the stream underneath is a terminal."""
        return self.stream.isatty()

    def fileno(self) -> int:
        """The stream underneath's file descriptor."""
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The stream underneath's encoding."""
        return getattr(self.stream, "encoding", "utf-8")


def terminal(stream: TextIO) -> TextIO:
    """The real stream under a CleanOutput: for the progress bar's own escape codes."""
    return stream.stream if isinstance(stream, CleanOutput) else stream


@contextmanager
def clean_output() -> Iterator[None]:
    """stdout and stderr as CleanOutput for the block, restored after it."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanOutput(saved[0]), CleanOutput(saved[1])  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved

"""``aanews import`` and ``aanews export``: subscriptions and stories in and out."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from store.interchange.backup import export_json, restore_json
from store.interchange.opml import (
    SubscriptionListError,
    export_opml,
    import_subscriptions,
    read_subscriptions,
)
from store.text import mask_credentials
from tui.commands import CommandError, open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``import`` and ``export``."""
    imp = subparsers.add_parser(
        "import",
        help="subscribe to the feeds of an OPML file or a newsboat urls file, "
        "or restore an `export --json`",
    )
    imp.add_argument(
        "file", metavar="FILE", help="OPML, newsboat's urls file or a JSON export ('-' = stdin)"
    )
    imp.set_defaults(handler=_import)

    exp = subparsers.add_parser("export", help="write the feeds (OPML) or everything (JSON)")
    fmt = exp.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--opml", action="store_true", help="OPML 2.0: feeds with their tags")
    fmt.add_argument(
        "--json", action="store_true", help="feeds and every story with read/starred/tags"
    )
    exp.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    exp.set_defaults(handler=_export)


def _import(args: argparse.Namespace) -> int:
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror or error}") from None
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        try:
            exported = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{args.file}: not valid JSON: {error}") from None
        if not isinstance(exported, dict) or "aanews_export" not in exported:
            raise CommandError(f"{args.file}: not an aanews JSON export")
        db = open_store(args)
        result = restore_json(db, exported)
    else:
        try:
            found = read_subscriptions(data)
        except SubscriptionListError as error:
            raise CommandError(f"{args.file}: {error}") from None
        db = open_store(args)
        result = import_subscriptions(db, found)
    for what, why in result.skipped:
        print(f"aanews: skipped {what}: {why}", file=sys.stderr)
    print(result.summary())
    return 0


def _export(args: argparse.Namespace) -> int:
    db = open_store(args)
    if args.opml:
        _write(args.output, lambda out: out.write(export_opml(db)))
    else:
        _write(args.output, lambda out: export_json(db, out))
    return 0


class _Masked:
    """stdout on a terminal: every URL's user name and password shown as ***."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(mask_credentials(text))

    def flush(self) -> None:
        self.stream.flush()


def _write(target: str | None, write: Callable[[TextIO], object]) -> None:
    """To stdout, or to a file that appears only once complete (an old backup survives)."""
    if not target:
        # A backup keeps feed passwords; a terminal shows them masked (see README).
        write(_Masked(sys.stdout) if sys.stdout.isatty() else sys.stdout)  # type: ignore[arg-type]
        return
    path = Path(target)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            write(out)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        if error.errno == errno.ENOSPC:
            raise CommandError(f"cannot write {target}: disk full") from None
        raise CommandError(f"cannot write {target}: {error.strerror or error}") from None

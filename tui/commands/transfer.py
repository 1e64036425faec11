"""``aanews import`` and ``aanews export``: subscriptions and stories in and out."""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable
from typing import BinaryIO, TextIO

from store.files import PRIVATE, writing_file
from store.interchange.backup import export_json
from store.interchange.backup_format import BackupFormatError, read_document
from store.interchange.opml import (
    ImportResult,
    SubscriptionListError,
    export_opml,
    import_subscriptions,
    read_subscriptions,
)
from store.interchange.restore import restore_records
from store.text import mask_credentials
from tui.commands import CommandError, open_store
from tui.wording import describe_import, nothing_to_import


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
        stream = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror or error}") from None
    with stream:
        try:
            result = _import_stream(args, stream)
        except OSError as error:
            raise CommandError(f"cannot read {args.file}: {error.strerror or error}") from None
    for what, why in result.skipped:
        print(f"aanews: skipped {what}: {why}", file=sys.stderr)
    print(describe_import(result))
    return 0


def _import_stream(args: argparse.Namespace, stream: BinaryIO) -> ImportResult:
    """A JSON export, read a record at a time; else a subscription list, read whole."""
    if stream.peek(4096).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):  # type: ignore[attr-defined]
        try:
            _, records = read_document(stream)
        except BackupFormatError as error:
            raise CommandError(f"{args.file}: {error}") from None
        db = open_store(args, create=True)
        try:
            return restore_records(db, records)
        except BackupFormatError as error:
            raise CommandError(
                f"{args.file}: {error}; the stories before it are stored "
                "(import the whole file again to complete it)"
            ) from None
    data = stream.read()
    try:
        found = read_subscriptions(data)
    except SubscriptionListError as error:
        raise CommandError(f"{args.file}: {error}") from None
    if not found.subscriptions:
        for what, why in found.skipped:
            print(f"aanews: skipped {what}: {why}", file=sys.stderr)
        raise CommandError(f"{args.file}: {nothing_to_import(found)}")
    return import_subscriptions(open_store(args, create=True), found)


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
    """To stdout, or through the file named (store.files: a link stays a link, an old
    backup survives a failed export, a new one is readable by the user alone)."""
    if not target:
        # A backup keeps feed passwords; a terminal shows them masked (see README).
        write(_Masked(sys.stdout) if sys.stdout.isatty() else sys.stdout)  # type: ignore[arg-type]
        return
    try:
        # OPML and JSON alike hold the feeds' URLs, passwords included: both 0600.
        with writing_file(target, mode=PRIVATE) as out:
            write(out)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise CommandError(f"cannot write {target}: disk full") from None
        raise CommandError(f"cannot write {target}: {error.strerror or error}") from None

"""``aanews serve``: the reader in a web browser (tui/serve.py), behind a token."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.commands import CommandError, database_path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``serve``."""
    serve = subparsers.add_parser(
        "serve",
        help="run the reader in a web page: prints a URL with a secret token; "
        "one reader per database (a new tab takes it over)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1: this machine only)",
    )
    serve.add_argument(
        "--port", type=int, default=0, help="the port (default: any free one, printed)"
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="serve the bundled sample stories, in a fresh temporary copy; no network",
    )
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from tui.app import reader_app
    from tui.config import ConfigError, load_config
    from tui.serve import ReaderServer, is_loopback, new_token, reader_command

    if not 0 <= args.port <= 65535:
        raise CommandError("--port must be from 0 (any free port) to 65535", status=2)
    demo = bool(getattr(args, "demo", False))
    if demo:
        from store.demo.database import demo_copy

        path = demo_copy()
    else:
        path = database_path(args).resolve()
    config = Path(args.config).expanduser().resolve() if args.config else None
    try:  # what the page's reader would refuse (config, database) is said here, once
        reader_app(path, load_config(config), demo=demo)
    except ConfigError as error:
        raise CommandError(str(error), status=2) from None
    if not is_loopback(args.host):
        print(
            f"aanews: warning: listening on {args.host}, not only this machine: "
            "anyone who can reach it and learns the URL can read and change your database",
            file=sys.stderr,
        )
    server = ReaderServer(reader_command(path, config, demo), args.host, args.port, new_token())
    server.run()
    if demo:
        print(f"aanews: the demo database is kept at {path}", file=sys.stderr)
    return 0

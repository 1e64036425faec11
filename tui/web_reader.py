"""The reader as ``aanews serve`` starts it for one browser session.

``python -m tui.web_reader --db PATH [--config PATH] [--demo]``: the server
builds this argument list itself (tui.serve.reader_command); textual-serve's
environment makes Textual draw to the web page instead of a terminal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Run the reader on the server's database; returns its exit status."""
    parser = argparse.ArgumentParser(prog="aanews-web-reader")
    parser.add_argument("--db", required=True)
    parser.add_argument("--config")
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args(argv)
    from tui.app import run_reader

    config = Path(args.config) if args.config else None
    return run_reader(Path(args.db), config_path=config, demo=args.demo)


if __name__ == "__main__":
    sys.exit(main())

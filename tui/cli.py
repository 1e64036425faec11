"""The ``aanews`` command: the reader, and subcommands for cron and scripts.

Subcommands never import Textual, so ``aanews fetch`` from cron starts fast.
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from store.text import clean_line
from tui.commands import COMMAND_MODULES, CommandError, clean_output, database_path

# Commands registered by a module of another name (tui.commands.COMMAND_MODULES);
# every other command is registered by the module of its own name.
_MODULE_OF = {"sync": "account", "tag": "tags", "untag": "tags", "import": "transfer",
              "export": "transfer"}  # fmt: skip
# Options before the command that take a value (so the value is not the command).
_VALUED = ("--db", "--config")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line; with ``argv``, only the subcommand it names (when it names one).

    Each command's module loads its own code, so ``aanews fetch`` need not load
    the account, export and search modules (~0.1 s of a start-up): help and a
    mistyped command still get the whole parser.
    """
    modules = _modules_for(argv)
    parser = argparse.ArgumentParser(
        prog="aanews",
        description="A keyboard-driven terminal newsreader for the Anadolu Agency wire "
        "and any RSS/Atom feed.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    _store_options(parser, os.environ.get("AANEWS_DB") or None, None)
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="say what is going on (feeds fetched, skipped, failed; migrations) on stderr; "
        "AANEWS_DEBUG=1 says more",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="the reader, or the command, on bundled sample stories in a fresh temporary copy "
        "(never your own database); no network",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(f"tui.commands.{name}").register(subparsers)
    for sub in _subcommand_parsers(parser):  # also after the command: aanews fetch --db X
        _store_options(sub, argparse.SUPPRESS, argparse.SUPPRESS)
    return parser


def _modules_for(argv: list[str] | None) -> tuple[str, ...]:
    """The command modules a command line needs: the named command's, else all."""
    words = iter(argv or ())
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif word.startswith("-"):
            if word in ("-h", "--help"):
                break
        else:
            module = _MODULE_OF.get(word, word)
            return (module,) if module in COMMAND_MODULES else COMMAND_MODULES
    return COMMAND_MODULES


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)  # type: ignore[arg-type]

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"aanews {_version()}")
        parser.exit()


SHARED_OPTIONS = ("--db", "--config")


def _store_options(parser: argparse.ArgumentParser, db: object, config: object) -> None:
    """--db and --config; a subcommand's copies leave the values given before it alone."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=db,
        help="the database file (default: $AANEWS_DB, else the user data directory)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=config,
        help="the config file (default: config.toml in the user config directory)",
    )


def _subcommand_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every subcommand's parser, nested ones (feeds add) included."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += [sub, *_subcommand_parsers(sub)]
    return found


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aanews")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    with clean_output():
        args = parser.parse_args(argv)
    if args.command is None:  # the reader owns the terminal; it shows only cleaned text
        _set_up_logging(args)
        return _run(args, lambda: _open_reader(args))
    with clean_output():
        _set_up_logging(args)
        status = _run(args, lambda: _command(args))
    if argv is None:  # the process ends with the command (tests pass argv and go on)
        _before_exit()
    return status


def _before_exit() -> None:
    """Spare the process's teardown the garbage collector's passes over every object.

    Python ends by freeing each module's objects, collecting cycles several times
    over all of them: ~60 ms of CPU after a fetch, as much as the fetch's own
    storing. Frozen (``gc.freeze``), they are freed as before, without those
    passes; the atexit hooks and every flush and close still run.
    """
    gc.freeze()


def _run(args: argparse.Namespace, command: Callable[[], int]) -> int:
    """Run the reader or a subcommand: every failure becomes one line and an exit status."""
    try:
        status = command()
        if args.command is not None:
            sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return status
    except BrokenPipeError:
        return _reader_went_away()
    except CommandError as error:
        print(f"aanews: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print("aanews: interrupted", file=sys.stderr)
        return 130
    except (sqlite3.Error, OSError, ValueError, LookupError, RuntimeError) as error:
        if os.environ.get("AANEWS_DEBUG"):
            raise
        print(f"aanews: {_in_one_line(error)}", file=sys.stderr)
        return 1


def _reader_went_away() -> int:
    """``aanews search … | head``: the reader of stdout has gone; stop quietly.

    stdout points to /dev/null from here on, so nothing fails again at exit.
    The status is the shell's for a pipe closed early (128 + SIGPIPE).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141


def _in_one_line(error: BaseException) -> str:
    """What went wrong, for a person: a full disk says so, whichever layer noticed it."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == 13 or (isinstance(error, OSError) and error.errno == errno.ENOSPC):
        return "disk full: nothing more could be written (free some space and try again)"
    return str(error)


class _CleanRecord(logging.Filter):
    """Log lines carry server text (reasons, URLs): they pass the one cleaning function."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = clean_line(record.getMessage())
        record.args = None
        return True


def _set_up_logging(args: argparse.Namespace) -> None:
    """store/ logs; only the command line decides whether and where it shows."""
    debug = bool(os.environ.get("AANEWS_DEBUG"))
    if not (debug or getattr(args, "verbose", False)):
        return
    if args.command is None:
        # The reader owns the terminal: its log goes to a file beside the database.
        target = database_path(args)
        target.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(target.with_suffix(".log"), "a", "utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("aanews: %(message)s"))
    handler.addFilter(_CleanRecord())
    root = logging.getLogger("store")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)


# The commands that go online, which the demo never does (its stories are bundled).
_ONLINE = ("fetch", "sync", "account")


def _command(args: argparse.Namespace) -> int:
    """A subcommand; with --demo, on a fresh demo copy, never the user's database."""
    if not args.demo or args.command == "serve":  # serve makes its copy after its own checks
        return int(args.handler(args) or 0)
    if args.command in _ONLINE:
        raise CommandError(
            f"the demo stays offline: {args.command} does not run on it (its stories are bundled)"
        )
    path = _demo_copy()
    args.db = str(path)
    try:
        return int(args.handler(args) or 0)
    finally:
        _demo_kept(path)


def _open_reader(args: argparse.Namespace) -> int:
    from tui.app import run_reader  # Textual loads only for the screen

    config = Path(args.config) if args.config else None
    if args.demo:
        path = _demo_copy()
        status = run_reader(path, config_path=config, demo=True)
        _demo_kept(path)
        return status
    return run_reader(args.db, config_path=config)


def _demo_copy() -> Path:
    """A fresh demo database (the reader's and a subcommand's), old copies cleared."""
    from store.demo.database import demo_copy

    return demo_copy()


def _demo_kept(path: Path) -> None:
    print(
        f"aanews: the demo database is kept at {path} (open it again with: aanews --db {path})",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())

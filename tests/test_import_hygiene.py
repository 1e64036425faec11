"""store/ is everything below the screen: it must never pull in Textual or Rich."""

from __future__ import annotations

import argparse
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import store
from store.db import open_db


def store_modules() -> list[str]:
    return sorted(module.name for module in pkgutil.walk_packages(store.__path__, prefix="store."))


WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # what textual-serve sets


def test_store_has_modules() -> None:
    assert "store.db" in store_modules()


def test_store_imports_neither_textual_nor_rich() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {store_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_cli_subcommands_start_without_textual() -> None:
    """`aanews fetch` from cron should not pay for loading the screen."""
    code = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "build_parser()\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_fetch_checks_the_config_s_keys_without_textual(tmp_path: Path) -> None:
    """The [keys] table is checked as the reader checks it, and Textual stays unloaded."""
    config = tmp_path / "config.toml"
    config.write_text('[keys]\ntoggle_star = "f"\nhelp = "?"\n', encoding="utf-8")
    open_db(tmp_path / "a.db").close()  # a database without feeds: fetch has nothing to do
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('textual' in sys.modules))\n"
        "from tui.cli import main\n"
        f"sys.argv = ['aanews', '--db', {str(tmp_path / 'a.db')!r}, '--config', "
        f"{str(config)!r}, 'fetch', '--no-sync']\n"
        "sys.exit(main())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip().splitlines()[-1]) == (0, "False")


def test_cli_commands_start_without_the_http_stack() -> None:
    """`aanews search` or `show` never talks to a server: it should not load httpx (~0.1 s)."""
    code = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "build_parser()\n"
        "print(sorted(m for m in sys.modules if m in ('httpx', 'httpcore', 'h2', 'anyio')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_command_loads_only_its_own_module() -> None:
    """`aanews fetch` from cron does not load the account, export or search commands."""
    code = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "build_parser(['--db', 'x.db', 'fetch', '--json'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('tui.commands.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['tui.commands.fetch']"


def test_a_fetch_without_accounts_loads_no_sync_code_and_no_plugins(tmp_path: Path) -> None:
    """`aanews fetch` from cron, no account: the sync code is not loaded, and no installed
    package is searched for sqlite-utils plugins (they never run on our database)."""
    code = (
        "import atexit, sys\n"
        "watched = ('importlib.metadata', 'tui.commands.account', 'store.sync.run')\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules if m in watched)))\n"
        "from tui.cli import main\n"
        f"sys.argv = ['aanews', '--db', {str(tmp_path / 'a.db')!r}, "
        f"'--config', {str(tmp_path / 'empty.toml')!r}, 'fetch']\n"
        "sys.exit(main())\n"
    )
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    from store.db import open_db

    open_db(tmp_path / "a.db").close()  # a database with no feed yet
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_fetch_sends_its_first_request_before_loading_what_it_needs_later(
    tmp_path: Path,
) -> None:
    """lxml loads while the first requests are out, not before them, zoneinfo (a named
    time zone's) not at all, and sqlite-utils (~0.1 s of imports) not at all: stories
    are stored through the refresh's plain connection, and no feed reads its pages."""
    from store.db import open_db
    from store.feeds import add_feed
    from tests.local_server import Response, local_server
    from tests.two_writers import rss

    path = tmp_path / "a.db"
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    code = (
        "import sys\n"
        "seen = []\n"
        "def look(event, args):\n"
        "    if event == 'socket.connect' and not seen:\n"
        "        watched = ('sqlite_utils', 'lxml.etree', 'zoneinfo')\n"
        "        seen.append(sorted(m for m in watched if m in sys.modules))\n"
        "sys.addaudithook(look)\n"
        "from tui.cli import main\n"
        f"status = main(['--db', {str(path)!r}, '--config', {str(tmp_path / 'empty.toml')!r}, "
        "'fetch'])\n"
        "print(status, seen, 'sqlite_utils' in sys.modules)\n"
    )
    with local_server(
        lambda request: Response(rss("f", 3), content_type="application/rss+xml")
    ) as server:
        db = open_db(path)
        add_feed(db, server.url_for("/f"))
        db.close()
        runs = [
            subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            for _ in range(2)
        ]
    # The first fetch stores stories, the second finds the same bytes: neither loads it.
    said = [run.stdout.strip().splitlines()[-1] for run in runs]
    assert said == ["0 [[]] False", "0 [[]] False"]
    db = open_db(path)
    assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 3
    assert db.execute("SELECT last_status, failures FROM feeds").fetchone() == (200, 0)
    db.close()


def _subcommand_names(parser: argparse.ArgumentParser) -> list[str]:
    return [
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]


def test_every_command_is_found_by_its_name_alone() -> None:
    from tui.cli import build_parser

    names = _subcommand_names(build_parser())
    assert {"fetch", "sync", "import", "export", "tag", "tags"} <= set(names)
    for name in names:
        assert name in _subcommand_names(build_parser([name])), name


def test_only_the_reader_asks_the_terminal_what_pictures_it_can_show() -> None:
    """textual-image writes queries to the terminal as it is imported: never in a CLI
    command, nor on importing the reader; only ``run_reader`` (and a shown picture)."""
    code = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "build_parser()\n"
        "import tui.app\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual_image', 'PIL')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(("driver", "drawn"), [("", "text"), (WEB_DRIVER, "half-blocks")])
def test_off_a_terminal_pictures_are_text_blocks_but_half_blocks_in_a_browser(
    driver: str, drawn: str
) -> None:
    """No terminal (a pipe): textual-image asks nothing; under aanews serve (Textual's
    web driver) the browser's terminal draws half-blocks."""
    code = "import tui.widgets.picture as p\nprint(p.protocol_name())\n"
    env = {**os.environ, "TEXTUAL_DRIVER": driver}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == drawn


def test_the_reader_starts_without_what_its_first_frame_does_not_show() -> None:
    """The launch to the first drawn list pays only for the list's screen: the feed
    manager, the diff and tag screens, the import module and the sync accounts'
    passwords load when first asked for."""
    code = (
        "import sys\n"
        "import tui.app\n"
        "later = ('tui.screens.feed_manager', 'tui.screens.revision_diff', 'store.diff',\n"
        "         'tui.screens.tag_manager', 'store.interchange.opml', 'tui.accounts')\n"
        "print(sorted(m for m in later if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

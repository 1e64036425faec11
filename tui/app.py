"""The reader's App: config, theme and keys in, the main screen up, failures out.

Thin on purpose: the screens and widgets do the work (worker failures become
notifications in ``MainScreen.on_worker_state_changed``). ``run_reader`` is what
``aanews`` (no subcommand) calls.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen

from store.db import default_path, open_db
from tui import keys
from tui.config import Config, ConfigError, load_config
from tui.screens.main import MainScreen

SWITCH_INTERVAL = 0.001


def local_now() -> datetime:
    """The current time in the machine's time zone."""
    return datetime.now().astimezone()


class ReaderApp(App[int]):
    """aanews: the Anadolu Agency wire (and any feed) in a terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "aanews"

    def __init__(
        self,
        db_path: Path,
        config: Config | None = None,
        *,
        demo: bool = False,
        now: Callable[[], datetime] = local_now,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.config = config or Config()
        self.demo = demo
        self.now = now
        self.key_overrides = keys.keymap(self.config.keys)
        if demo:
            self.title = "aanews (demo)"

    def on_mount(self) -> None:
        # A refresh ingests in a worker thread; hand the GIL back to the screen
        # every millisecond (Python's default is 5) so keys answer while it runs.
        sys.setswitchinterval(SWITCH_INTERVAL)
        if self.config.theme:
            self.theme = self.config.theme
        self.set_keymap(self.key_overrides)
        self.push_screen(MainScreen(self.db_path, self.config, self.now))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every reader action next to Textual's own commands."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for key in keys.KEYS:
                shown = keys.key_label(self.key_overrides.get(key.action, key.keys))
                yield SystemCommand(
                    key.description, f"key: {shown}", partial(screen.run_action, key.action)
                )


def run_reader(
    db_path: str | Path | None, config_path: Path | None = None, demo: bool = False
) -> int:
    """Open the reader on ``db_path`` (default database if None); returns the exit status."""
    try:
        config = load_config(config_path, known_actions=set(keys.ACTIONS))
    except ConfigError as error:
        print(f"aanews: {error}", file=sys.stderr)
        return 2
    path = Path(db_path) if db_path is not None else default_path()
    open_db(path).close()  # create and migrate before any worker opens it
    app = ReaderApp(path, config, demo=demo)
    if config.theme and config.theme not in app.available_themes:
        names = ", ".join(sorted(app.available_themes))
        print(
            f"aanews: {config.path}: theme: unknown theme {config.theme!r} (one of: {names})",
            file=sys.stderr,
        )
        return 2
    result = app.run()
    return int(result or 0)

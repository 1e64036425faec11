"""The reader's App: config, theme and keys in, the main screen up, failures out.

Thin on purpose: the screens and widgets do the work. Every worker belongs to
the App (``tui.workers``), so the App's one ``on_worker_state_changed`` turns any
failure on any screen into a notification. ``reader_app`` is the one way to
build the reader — for ``aanews`` (``run_reader``), the tests and the screenshots.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker

from store.db import default_path, open_db
from tui import keys
from tui.config import Config, ConfigError, load_config
from tui.controllers.stories import PAGE_DELAY
from tui.screens.main import MainScreen
from tui.strips import untangle_strips
from tui.widgets.search_box import SEARCH_DELAY
from tui.widgets.viewer import STORY_DELAY
from tui.workers import report_failure

SWITCH_INTERVAL = 0.001


def local_now() -> datetime:
    """The current time in the machine's time zone."""
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Delays:
    """Pauses that keep the screen calm: before a search runs, before a story is read.

    Tests set them to 0 (at once) so that they wait for nothing; the dwell
    before a story counts as read is the config's ``dwell_seconds``.
    """

    search: float = SEARCH_DELAY  # a pause in typing
    story: float = STORY_DELAY  # held-down j redraws the list, not every story
    page: float = PAGE_DELAY  # walking down the list does not fetch every page it passes


class ReaderApp(App[int]):
    """aanews: the Anadolu Agency wire (and any feed) in a terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "aanews"
    BINDINGS = keys.bindings(keys.APP)

    def __init__(
        self,
        db_path: Path,
        config: Config | None = None,
        *,
        demo: bool = False,
        now: Callable[[], datetime] = local_now,
        delays: Delays | None = None,
    ) -> None:
        super().__init__()
        untangle_strips()  # drawn lines freed when dropped, not by the collector's passes
        self.db_path = db_path
        self.config = config or Config()
        self.demo = demo
        self.now = now
        self.delays = delays or Delays()
        # The keys as bound now (preset and [keys] over the defaults), for help and palette.
        self.key_overrides = keys.keymap(self.config.key_preset, self.config.keys)
        self._frozen = False  # see launched()
        if demo:
            self.title = "aanews (demo)"

    def on_mount(self) -> None:
        # A refresh ingests in a worker thread; hand the GIL back to the screen
        # every millisecond (Python's default is 5) so keys answer while it runs.
        sys.setswitchinterval(SWITCH_INTERVAL)
        if self.config.theme:
            self.theme = self.config.theme
        self.set_keymap(self.key_overrides)
        main = MainScreen(
            self.db_path,
            self.config,
            self.now,
            offline=self.demo,
            search_delay=self.delays.search,
            story_delay=self.delays.story,
            page_delay=self.delays.page,
        )
        self.push_screen(main)

    def launched(self) -> None:
        """The first view is in: what the launch made is kept out of the collector's way.

        A full pass of Python's cyclic garbage collector over the reader at 500,000
        stories (its modules, widgets, caches and ids) takes ~60 ms, and one ran every
        minute or so: the key pressed meanwhile waited for it. Frozen (``gc.freeze``),
        those objects are still freed when no longer used, and a pass looks only at what
        came after them. Once per run; the app's end gives them back to the collector.
        """
        if not self._frozen:
            self._frozen = True
            gc.freeze()

    def on_unmount(self) -> None:
        if self._frozen:
            gc.unfreeze()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's failure, on every screen, ends here as a notification."""
        report_failure(self, event)

    async def action_quit(self) -> None:
        """Leave the reader, from anywhere."""
        self.exit(0)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every reader action next to Textual's own commands."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            targets: dict[str, Screen[object] | Widget | App[int]] = {
                keys.SCREEN: screen,
                keys.PANES: screen.panes,
                keys.APP: self,
            }
            for key in keys.KEYS:
                shown = keys.bound_label(key, self.key_overrides)
                run = partial(targets[key.part].run_action, key.action)
                yield SystemCommand(key.description, f"key: {shown}", run)


def reader_app(
    db_path: Path,
    config: Config | None = None,
    *,
    demo: bool = False,
    now: Callable[[], datetime] = local_now,
    delays: Delays | None = None,
) -> ReaderApp:
    """The reader on ``db_path`` (created and migrated here, before any worker opens it).

    ``now`` fixes the clock and ``delays`` the pauses the screen waits for
    (tests and screenshots set both). Raises ``ConfigError`` for a theme
    Textual does not know.
    """
    open_db(db_path).close()
    app = ReaderApp(db_path, config, demo=demo, now=now, delays=delays)
    theme = app.config.theme
    if theme and theme not in app.available_themes:
        names = ", ".join(sorted(app.available_themes))
        where = f"{app.config.path}: " if app.config.path else ""
        raise ConfigError(f"{where}theme: unknown theme {theme!r} (one of: {names})")
    return app


def demo_defaults(config: Config) -> Config:
    """The demo's quick tags, so 1-9 do something out of the box; the user's own win."""
    if config.quick_tags:
        return config
    from store.demo.database import QUICK_TAGS

    return replace(config, quick_tags=list(QUICK_TAGS))


def run_reader(
    db_path: str | Path | None, config_path: Path | None = None, demo: bool = False
) -> int:
    """Open the reader on ``db_path`` (default database if None); returns the exit status."""
    try:
        config = load_config(config_path)
        if demo:
            config = demo_defaults(config)
        path = Path(db_path) if db_path is not None else default_path()
        app = reader_app(path, config, demo=demo)
    except ConfigError as error:
        print(f"aanews: {error}", file=sys.stderr)
        return 2
    if config.images:
        # textual-image asks the terminal what it can show (Kitty, Sixel): now,
        # before Textual reads the terminal's answers as keys.
        from tui.widgets.picture import detect_terminal

        detect_terminal()
    result = app.run()
    return int(result or 0)

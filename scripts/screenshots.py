"""Regenerate the README's screenshots from the deterministic demo database.

    uv run python scripts/screenshots.py [--out screenshots]

Each SVG is the reader as ``aanews --demo`` shows it, with the demo's fixed
clock, so re-running it only changes the files when the screen changed; the
welcome screen is the reader on an empty database, as a first run opens.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import textual_image.renderable as drawn  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input  # noqa: E402

from store.db import open_db  # noqa: E402
from store.demo.database import FIXED_NOW, fixture_db  # noqa: E402
from tui.app import Delays, reader_app  # noqa: E402
from tui.config import Config  # noqa: E402
from tui.widgets.item_list import ItemList  # noqa: E402

Step = Callable[[Pilot], Awaitable[None]]

# No terminal here, so textual-image chose text blocks; pictures are drawn as most
# terminals (and tmux) show them: half-blocks. (Before textual_image.widget is imported.)
drawn.Image = drawn.HalfcellImage  # type: ignore[misc]


async def settle(pilot: Pilot) -> None:
    """Every worker done, the screen caught up (the delays are 0: nothing waits on a timer)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def main_screen(pilot: Pilot) -> None:
    """The reader as it opens."""


def _move_to_newest(pilot: Pilot, where: str) -> None:
    """Put the list's cursor on the newest story matching the SQL condition ``where``."""
    app = pilot.app
    db = open_db(app.db_path)  # type: ignore[attr-defined]
    row = db.execute(f"SELECT id FROM items WHERE {where} ORDER BY published_ts DESC").fetchone()
    db.close()
    items = app.screen.query_one(ItemList)
    if row is not None and row[0] in items.ids:
        items.move_to(items.ids.index(row[0]))


async def updated_story(pilot: Pilot) -> None:
    """A story that changed after it was read: the banner says so."""
    _move_to_newest(pilot, "is_updated = 1 AND read = 1")


async def picture(pilot: Pilot) -> None:
    """A story with its picture above it (one of the demo's bundled pictures)."""
    _move_to_newest(pilot, "image LIKE '%/aanews-demo/%'")


async def search(pilot: Pilot) -> None:
    """Live search results as you type."""
    await pilot.press("slash", *"gazze", "enter")


async def help_screen(pilot: Pilot) -> None:
    """Every key."""
    await pilot.press("question_mark")


async def feed_manager(pilot: Pilot) -> None:
    """F: every feed, and what one can do to it."""
    await pilot.press("F")


# name: (what to do, the terminal's size, on the demo database (else an empty one))
SHOTS: dict[str, tuple[Step, tuple[int, int], bool]] = {
    "main": (main_screen, (160, 48), True),
    "updated-story": (updated_story, (160, 48), True),
    "search": (search, (160, 48), True),
    "help": (help_screen, (160, 48), True),
    "narrow": (main_screen, (80, 24), True),
    "feed-manager": (feed_manager, (160, 48), True),
    "welcome": (main_screen, (160, 48), False),
    "picture": (picture, (160, 48), True),
    "picture-narrow": (picture, (80, 24), True),
}


async def shoot(
    name: str, step: Step, size: tuple[int, int], db_path: Path, out: Path, demo: bool
) -> Path:
    """One screenshot on a fresh copy of the demo database (or an empty one)."""
    config = Config(dwell_seconds=3600)
    app = reader_app(db_path, config, demo=demo, now=lambda: FIXED_NOW, delays=Delays(0, 0, 0))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for screen in app.screen_stack:  # the welcome screen may be over the reader already
            for field in screen.query(Input):
                field.cursor_blink = False
        await settle(pilot)
        await step(pilot)
        await settle(pilot)
        return Path(app.save_screenshot(f"{name}.svg", path=str(out)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (step, size, demo) in SHOTS.items():
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "demo.db"
            if demo:
                fixture_db(db_path)
            print(asyncio.run(shoot(name, step, size, db_path, args.out, demo)))


if __name__ == "__main__":
    main()

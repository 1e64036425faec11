"""In the reader: the welcome screen, F, and y / u / | / w on a story."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from app_factory import build_fixture_db, make_app, notifications, screen_text, settle
from waiting import pilot_wait_for

from store.db import open_db
from store.feeds import add_feed, record_failure
from tui.config import Config
from tui.screens.feed_manager import FeedManager
from tui.screens.links import LinksScreen
from tui.screens.name_prompt import NamePrompt

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def recorder(out: Path, what: str) -> list[str]:
    """A command that writes its last argument (or its stdin) to ``out``: no shell."""
    if what == "arg":
        code = f"import sys; open({str(out)!r}, 'w').write(sys.argv[-1])"
    else:
        code = f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"
    return [sys.executable, "-c", code]


async def test_an_empty_database_opens_on_the_welcome_screen(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FeedManager) and app.screen.welcome
        assert "no feeds yet" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, FeedManager)
        # the screen behind it says where the feeds are added, not only that nothing is
        assert "No feeds yet. F adds one" in screen_text(app) and "? lists every key" in (
            " ".join(screen_text(app).split())
        )
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, FeedManager) and not app.screen.welcome


async def test_a_database_with_feeds_opens_on_the_stories(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, FeedManager)


async def test_feeds_that_gave_no_story_say_so_where_the_story_would_be(
    tmp_path: Path,
) -> None:
    """Feeds whose fetch failed, no story at all: the reader pane says how many feeds
    had a problem and where to see why, not only that no story is selected."""
    path = tmp_path / "f.db"
    db = open_db(path)
    for n in (1, 2):
        feed = add_feed(db, f"http://127.0.0.1:9/{n}.xml")
        record_failure(db, feed.id, "connection refused by 127.0.0.1")
    db.close()
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = " ".join(screen_text(app).split())
        assert "No story selected. 2 feeds had a problem at the last refresh: F lists them" in (
            shown
        )
        await pilot.press("F")
        await settle(pilot)
        assert "connection refused" in screen_text(app)


async def test_links_copy_pipe_and_save(tmp_path: Path) -> None:
    opened, piped = tmp_path / "opened.txt", tmp_path / "piped.txt"
    config = Config(
        dwell_seconds=3600,
        browser=recorder(opened, "arg"),
        pipe_command=recorder(piped, "stdin"),
    )
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    link = db.execute(
        "SELECT link FROM items ORDER BY published_ts DESC, id DESC LIMIT 1"
    ).fetchone()[0]
    db.close()
    app = make_app(path, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == link
        assert any(note.title == link for note in notifications(app))
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen) and "1  " + link in screen_text(app)
        await pilot.press("1")
        await pilot_wait_for(
            pilot, lambda: opened.exists() and opened.read_text() == link, what="the browser"
        )
        await settle(pilot)
        await pilot.press("vertical_line")
        await settle(pilot)
        assert piped.read_text(encoding="utf-8").startswith("# Ankara'da yoğun kar")
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, NamePrompt)
        await pilot.press("ctrl+u")  # NamePrompt selects the default: replace it
        target = Path.home() / "saved.md"  # the test's own home (conftest)
        await pilot.press(*"~/saved.md", "enter")
        await settle(pilot)
        assert target.read_text(encoding="utf-8").startswith("# Ankara'da yoğun kar")
        await pilot.press("w")
        await settle(pilot)
        await pilot.press(*"~/saved.md", "enter")  # exists: the prompt says so, stays
        await settle(pilot)
        assert isinstance(app.screen, NamePrompt) and "exists" in screen_text(app)


async def test_pipe_without_a_command_says_how_to_set_one(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("vertical_line")
        await settle(pilot)
        assert any("pipe_command" in note.message for note in notifications(app))

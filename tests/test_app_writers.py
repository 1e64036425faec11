"""The reader beside other writers: it sees their stories, and its own marks wait their turn."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from app_factory import build_fixture_db, make_app, notifications, screen_text, settle
from waiting import pilot_wait_for

from store.db import open_db
from store.ingest import revise_item
from tests.two_writers import ROOT, lock_held
from tui.config import Config
from tui.screens.revision_diff import RevisionDiffScreen
from tui.widgets.item_list import ItemList
from tui.widgets.story_view import StoryView

pytestmark = pytest.mark.anyio

# Another process stores a feed of new stories, the way a cron fetch would.
_STORE_ELSEWHERE = """
import sys
from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.parsing.feed import parse_feed
from tests.two_writers import rss
db = open_db(sys.argv[1])
feed = add_feed(db, "http://127.0.0.1:9/cron", title="Cron")
store_feed(db, feed.id, parse_feed(rss("cron", 3, start=0), url=feed.url))
db.close()
"""


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def _flag(path: Path, item_id: int, column: str) -> bool:
    """One of a story's marks (``starred``, ``is_updated``) as the file has it now."""
    db = open_db(path)
    try:
        (value,) = db.execute(f"SELECT {column} FROM items WHERE id = ?", [item_id]).fetchone()
        return bool(value)
    finally:
        db.close()


def _stories_in_status(app: object) -> int:
    match = re.search(r"([\d,]+) stor(?:y|ies) ·", screen_text(app))  # type: ignore[arg-type]
    return int(match[1].replace(",", "")) if match else -1


async def test_stories_another_process_stores_appear_and_the_cursor_stays(
    tmp_path: Path,
) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=3600))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("j")
        await settle(pilot)
        cursor, before = items.current_id, _stories_in_status(app)
        assert cursor is not None and before > 0
        subprocess.run([sys.executable, "-c", _STORE_ELSEWHERE, str(path)], cwd=ROOT, check=True)
        await pilot_wait_for(
            pilot,
            lambda: _stories_in_status(app) == before + 3,
            what="the status line to count 3 more",
        )
        await pilot_wait_for(pilot, lambda: "cron story" in screen_text(app), what="the new rows")
        assert items.current_id == cursor  # the cursor stayed on its story
        # and the sidebar lists the feed (it is redrawn after the list, maybe a frame later)
        await pilot_wait_for(pilot, lambda: "Cron" in screen_text(app), what="the feed listed")


# Another process reads one story and stores new ones (a sync, a cron fetch).
_READ_AND_STORE = """
import sys
from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import set_read
from store.parsing.feed import parse_feed
from tests.two_writers import rss
db = open_db(sys.argv[1])
set_read(db, [int(sys.argv[2])])
feed = add_feed(db, "http://127.0.0.1:9/cron", title="Cron")
store_feed(db, feed.id, parse_feed(rss("cron", 3, start=0), url=feed.url))
db.close()
"""


async def test_the_list_read_again_keeps_its_rows_drawn_and_shows_what_changed(
    tmp_path: Path,
) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=3600))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("j")
        await settle(pilot)
        cursor = items.current_id
        shown = items.ids[:10]
        unread = next(i for i in shown if i != cursor and not items.cached(i).read)  # type: ignore[union-attr]
        title = items.cached(unread).title  # type: ignore[union-attr]
        # Read again with nothing changed: no row goes blank ("…") while it is re-read.
        items.set_ids(list(items.ids), keep=cursor)
        assert "…" not in screen_text(app) and title in screen_text(app)
        await settle(pilot)
        before = _stories_in_status(app)
        subprocess.run(
            [sys.executable, "-c", _READ_AND_STORE, str(path), str(unread)], cwd=ROOT, check=True
        )
        await pilot_wait_for(
            pilot, lambda: _stories_in_status(app) == before + 3, what="3 more stories"
        )
        await pilot_wait_for(
            pilot,
            lambda: items.cached(unread) is not None and items.cached(unread).read,  # type: ignore[union-attr]
            what="the story read elsewhere to show read",
        )
        assert items.current_id == cursor  # the cursor stayed on its story
        await pilot_wait_for(pilot, lambda: "cron story" in screen_text(app), what="the new rows")


# Another process revises one story (a cron fetch finding it updated).
_REVISE = """
import sys
from store.db import open_db
from store.ingest import revise_item
db = open_db(sys.argv[1])
revise_item(db, int(sys.argv[2]), title="Revised: the title changed", now="2026-03-12T15:00:00Z")
db.close()
"""


async def test_the_story_in_view_shows_its_new_version_when_another_writer_revises_it(
    tmp_path: Path,
) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=3600))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("j")
        await settle(pilot)
        shown = items.current_id
        assert shown is not None
        subprocess.run([sys.executable, "-c", _REVISE, str(path), str(shown)], cwd=ROOT, check=True)
        story = app.screen.query_one(StoryView)
        await pilot_wait_for(
            pilot,
            lambda: story.item is not None and story.item.title.startswith("Revised"),
            what="the reader to show the new version",
        )
        assert items.current_id == shown
        await pilot.press("d")  # and what changed is there to see
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, RevisionDiffScreen))


async def test_the_reader_s_own_marks_coming_back_leave_the_story_as_drawn(
    tmp_path: Path,
) -> None:
    """The watch sees the reader's own writes too: the dwell reading an updated story must
    not take its banner away while it is read (it goes when the cursor leaves)."""
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    first = db.execute("SELECT id FROM items ORDER BY published_ts DESC LIMIT 1").fetchone()[0]
    db.execute("UPDATE items SET read = 1 WHERE id = ?", [first])
    db.conn.commit()
    revise_item(db, first, title="Revised before the reader opened", now="2026-03-12T15:00:00Z")
    db.close()
    app = make_app(path, Config(dwell_seconds=0.05))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(ItemList).current_id == first
        assert "Updated since you read it" in screen_text(app)
        await pilot.press("b", "b")  # a key: the dwell counts, and marks the update read
        await pilot_wait_for(
            pilot, lambda: not _flag(path, first, "is_updated"), what="the update read"
        )
        app.screen.viewer.story_again()  # type: ignore[attr-defined]  # as the watch does
        await settle(pilot)
        assert "Updated since you read it" in screen_text(app)
        await pilot.press("d")  # the changes seen: the banner goes, as the ↻ did
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, RevisionDiffScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RevisionDiffScreen)
        assert "Updated since you read it" not in screen_text(app)
        assert "Revised before the reader opened" in screen_text(app)


async def test_a_star_that_cannot_be_stored_goes_back_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AANEWS_BUSY_TIMEOUT", "0.3")
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=3600))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        first = items.current_id
        assert first is not None
        with lock_held(path):  # another process writes, for longer than a mark waits
            await pilot.press("s")
            await pilot_wait_for(
                pilot,
                lambda: any("Not saved" in note.message for note in notifications(app)),
                what="the failure to be shown",
            )
            row = items.cached(first)
            assert row is not None and not row.starred  # the screen went back
        note = next(note for note in notifications(app) if "Not saved" in note.message)
        assert "database is busy (another aanews is writing)" in note.message
        assert note.severity == "error"
    assert not _flag(path, first, "starred")


async def test_a_star_pressed_while_another_writes_is_stored_when_the_lock_frees(
    tmp_path: Path,
) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=3600))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        first = app.screen.query_one(ItemList).current_id
        assert first is not None
        with lock_held(path, seconds=1.0):
            await pilot.press("s")
        await pilot_wait_for(
            pilot, lambda: _flag(path, first, "starred"), what="the star to be stored"
        )
        assert not any("Not saved" in note.message for note in notifications(app))

"""The reader driven with keys (Pilot): what the user sees and what the database keeps."""

from __future__ import annotations

import gc
from datetime import timedelta
from pathlib import Path

import pytest
from app_factory import (
    NOW,
    build_fixture_db,
    make_app,
    notifications,
    screen_text,
    settle,
    unread_in,
)
from sqlite_utils import Database
from textual.containers import VerticalScroll
from waiting import pilot_wait_for

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from tui.config import Config
from tui.keys import KEYS
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def _flags(path: Path, item_id: int) -> tuple[int, int]:
    db = open_db(path)
    try:
        read, starred = db.execute(
            "SELECT read, starred FROM items WHERE id = ?", [item_id]
        ).fetchone()
    finally:
        db.close()
    return read, starred


async def test_the_list_shows_stories_newest_first_with_the_first_one_open(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        lines = text.splitlines()
        first = next(i for i, line in enumerate(lines) if "Ankara'da yoğun kar" in line)
        second = next(i for i, line in enumerate(lines) if "UN Security Council" in line)
        assert first < second
        assert "14:40" in lines[first]  # today: HH:MM in the clock's zone
        assert "AA / Ankara" in text  # the reader shows the first story's dateline
        assert "Yayınlanma 12.03.2026 14:40" in text  # in the story's language, on the same clock
        assert "13 stories · 10 unread" in text


async def test_the_launch_stays_out_of_the_collectors_passes_while_the_reader_runs(
    tmp_path: Path,
) -> None:
    # A full pass over a reader of 500,000 stories held a key ~60 ms (BENCHMARKS.md, keys).
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "13 stories · 10 unread" in screen_text(app)
        assert gc.get_freeze_count() > 0
        await pilot.press("j")
        await settle(pilot)
    assert gc.get_freeze_count() == 0  # given back when the reader ends


async def test_open_marks_read_after_the_dwell_and_not_before(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=5))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("j", "j", "j")  # passing over stories does not read them
        await settle(pilot)
        passed = items.ids[1:3]
        current = items.current_id
        assert current is not None
        assert _flags(path, current)[0] == 0
        await pilot_wait_for(pilot, lambda: _flags(path, current)[0] == 1)
        assert [_flags(path, i)[0] for i in passed] == [0, 0]


async def test_star_and_toggle_read_write_to_the_database_and_the_row(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=30))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        first = items.current_id
        assert first is not None
        await pilot.press("s")
        await settle(pilot)
        assert _flags(path, first) == (0, 1)
        row = next(line for line in screen_text(app).splitlines() if "Ankara'da" in line)
        assert "★" in row
        await pilot.press("r")
        await settle(pilot)
        assert _flags(path, first) == (1, 1)
        await pilot.press("r", "s")
        await settle(pilot)
        assert _flags(path, first) == (0, 0)


@pytest.mark.parametrize("piece", [5000, 2])  # the ids looked at a piece at a time
async def test_next_unread_skips_read_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    monkeypatch.setattr("tui.controllers.views.SEEK_PIECE", piece)
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=30))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("G")  # the oldest story (unread), then back up
        await pilot.press("p")
        await settle(pilot)
        db = open_db(path)
        read, title = db.execute(
            "SELECT read, title FROM items WHERE id = ?", [items.current_id]
        ).fetchone()
        db.close()
        assert read == 0
        # Between the oldest story and the one found, every story is read.
        assert items.cursor < len(items.ids) - 2
        for item_id in items.ids[items.cursor + 1 : -1]:
            assert _flags(path, item_id)[0] == 1
        assert title in screen_text(app)


def _add_many(db: Database, count: int) -> None:
    feed = add_feed(db, "https://example.test/many.xml", title="Many")
    entries = [
        Entry(
            key=f"guid:{n}", title=f"Story number {n}", published=NOW - timedelta(days=3, minutes=n)
        )
        for n in range(count)
    ]
    store_feed(db, feed.id, ParsedFeed(entries=entries))


async def test_mark_all_read_asks_first_above_fifty(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    _add_many(db, 60)
    db.close()
    before = unread_in(path)
    app = make_app(path, Config(dwell_seconds=30))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark all 73 stories" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert unread_in(path) == before
        await pilot.press("A", "y")
        await settle(pilot)
        assert unread_in(path) == 0
        assert "0 unread" in screen_text(app)


async def test_help_lists_every_key(tmp_path: Path) -> None:
    config = Config(keys={"toggle_star": ["z"]})  # a key no other action has
    app = make_app(build_fixture_db(tmp_path / "f.db"), config)
    async with app.run_test(size=(120, 70)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key in KEYS:
            assert key.description in text
        star_line = next(line for line in text.splitlines() if "Toggle star" in line)
        assert " z " in star_line  # the rebinding from the config is what help shows
        await pilot.press("escape")
        await pilot.press("z")  # and the rebound key works
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        assert _flags(app.db_path, items.ids[0])[1] == 1


async def test_help_goes_to_its_ends_with_the_lists_keys(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(80, 24)) as pilot:  # the table is longer than the screen
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        await pilot.press("G")
        await pilot_wait_for(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        assert "Help: every key" not in screen_text(app)  # the first row out of view
        await pilot.press("g")
        await pilot_wait_for(pilot, lambda: scroll.scroll_y == 0)
        assert "Help: every key" in screen_text(app)


async def test_search_shows_results_as_you_type_and_errors_in_one_line(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("slash", *"crete")
        await settle(pilot)
        text = screen_text(app)
        assert len(items.ids) == 1
        assert "Séisme de magnitude 5,4" in text
        assert "Search: crete" in text
        await pilot.press("space", *"is:bogus")
        await settle(pilot)
        assert "is:bogus — use one of" in screen_text(app)
        await pilot.press("ctrl+u", "escape")  # emptied and closed: back to where we were
        await settle(pilot)
        assert len(items.ids) == 13
        assert app.focused is items


async def test_a_search_that_cannot_run_says_why_whole_where_the_story_would_be(
    tmp_path: Path,
) -> None:
    """At 80 columns the status line has room for an error's first words; the reader
    pane under the emptied list says it whole, until the search can run again."""
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"published:>2099")
        await settle(pilot)
        pane = " ".join(str(app.screen.query_one("#story StoryText").render()).split())
        assert pane.startswith("This search cannot run: unknown filter published:>2099")
        assert pane.endswith("before:, sort:")  # every known filter named
        assert not app.screen.query_one(ItemList).ids
        await pilot.press("ctrl+u", *"crete")
        await settle(pilot)
        assert len(app.screen.query_one(ItemList).ids) == 1
        assert "cannot run" not in screen_text(app)


async def test_a_failing_worker_becomes_a_notification(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        path.unlink()  # the database vanishes under the reader
        (tmp_path / "f.db-wal").unlink(missing_ok=True)
        path.mkdir()  # and something that is not a database takes its place
        await pilot.press("j")
        await settle(pilot)
        notes = [n for n in notifications(app) if n.severity == "error"]
        assert notes and "Something failed" in notes[0].title
        assert app.is_running


async def test_a_story_updated_since_it_was_read_says_so_and_d_shows_the_change(
    tmp_path: Path,
) -> None:
    from tui.screens.revision_diff import RevisionDiffScreen

    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "Updated since you read it" not in screen_text(app)
        await pilot.press(*"j" * 9)
        await settle(pilot)
        text = screen_text(app)
        assert "Séisme de magnitude 5,4" in text
        assert "Updated since you read it — press d to see what changed" in text
        assert "Mis à jour 12.03.2026 11:30, 3 heures plus tard" in text  # French, on the UTC clock
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, RevisionDiffScreen)
        assert "5,2" in screen_text(app)  # the earlier magnitude, in the diff
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(app)  # the change seen: the ↻ and the banner go together
        assert "Updated since you read it" not in text
        row = next(line for line in text.splitlines() if "Séisme de magnitude 5,4" in line)
        assert "↻" not in row
        assert "Mis à jour 12.03.2026 11:30" in text  # the reader still shows the story
        db = open_db(app.db_path)
        updated = db.execute("SELECT COUNT(*) FROM items WHERE is_updated = 1").fetchone()[0]
        db.close()
        assert updated == 0


async def test_mouse_click_selects_and_double_click_opens(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.click(ItemList, offset=(20, 4))
        await settle(pilot)
        assert items.cursor == 4
        assert app.screen.query_one("#story").item.id == items.ids[4]
        await pilot.double_click(ItemList, offset=(20, 2))
        await settle(pilot)
        assert items.cursor == 2
        assert app.focused is app.screen.query_one("#story")


async def test_space_pages_the_story_then_moves_to_the_nextunread_in(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    feed = add_feed(db, "https://example.test/long.xml", title="Long")
    body = "\n\n".join(f"Paragraph {n} of a long story, with enough words." for n in range(60))
    store_feed(
        db,
        feed.id,
        ParsedFeed(entries=[Entry(key="guid:long", title="Long story", body=body, published=NOW)]),
    )
    db.close()
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        story = app.screen.query_one("#story")
        assert story.item.title == "Long story"
        await pilot.press("space")
        await settle(pilot)
        assert story.scroll_y > 0 and items.cursor == 0
        for _ in range(20):
            if story.at_end:
                break
            await pilot.press("space")
            await settle(pilot)
        assert story.at_end and items.cursor == 0
        long = items.ids[0]
        assert _flags(path, long)[0] == 0  # paged quicker than the dwell (an hour here)
        await pilot.press("space")
        await settle(pilot)
        assert items.cursor == 1  # the next story, which is unread
        assert _flags(path, items.ids[1])[0] == 0
        assert _flags(path, long)[0] == 1  # read to its end: read
        row = next(line for line in screen_text(app).splitlines() if "Long story" in line)
        assert "●" not in row


async def test_brackets_step_through_feeds_and_b_hides_the_sidebar(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "AA العربية — أخبار  2 stories" in screen_text(app)
        assert len(items.ids) == 2
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "AA English — World  4 stories · 3 unread" in screen_text(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert "AA العربية — أخبار  2 stories" in screen_text(app)  # the first: no wrapping
        assert "This is the first feed." in [note.message for note in notifications(app)]
        sidebar = app.screen.query_one("#sidebar")
        assert sidebar.display
        await pilot.press("b")
        await settle(pilot)
        assert not sidebar.display
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#story")


async def test_arabic_stories_are_right_aligned(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")  # the Arabic story from Ankara
        await settle(pilot)
        line = next(line for line in screen_text(app).splitlines() if "وذكرت مصادر" in line)
        assert line.rstrip().endswith("الإقليمية.")
        assert line.index("وذكرت") > 60  # pushed to the right of the pane


async def test_the_command_palette_lists_every_action(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {key.description for key in KEYS} <= titles


async def test_searching_on_a_wide_screen_keeps_the_list_and_the_reader(tmp_path: Path) -> None:
    """Side by side (from 180 columns), the search box goes above both panes."""
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gaza")
        await settle(pilot)
        items, story = app.screen.query_one("#items"), app.screen.query_one("#story")
        assert items.size.width > 40 and story.size.width > 40
        assert "Gaza" in screen_text(app)


async def test_keys_leave_no_drawn_line_for_the_collector(tmp_path: Path) -> None:
    """A drawn line (Textual's ``Strip``) that kept itself in its own cache lived on
    till a pass of Python's cyclic collector: at 500,000 stories a full pass every ~2 s
    while keys were pressed, and the key waited for it (BENCHMARKS.md, keys)."""
    from textual.strip import Strip

    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items, story = app.screen.query_one(ItemList), app.screen.query_one("#story")
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what a pass finds is kept for us to look at
        try:
            for key in ("j", "k", "j", "enter", "space", "escape", "k"):
                await pilot.press(key)
                await settle(pilot)
            gc.collect()
            left = sum(isinstance(thing, Strip) for thing in gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert items.cursor == 1 and story.item.id == items.ids[1]  # the keys did their work
    assert left == 0


async def test_a_look_for_the_next_unread_story_never_writes_the_list_out_as_text(
    tmp_path: Path,
) -> None:
    """n (and space at a story's end) hands the list's ids to a worker. Textual describes
    a worker by the repr of its call, made on the screen's thread: at 500,000 stories
    that text held space ~95 ms before it could answer (BENCHMARKS.md, keys)."""

    class Ids(list[int]):
        written = 0

        def __repr__(self) -> str:
            Ids.written += 1
            return super().__repr__()

    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        items.ids = Ids(items.ids)
        first = items.current_id
        await pilot.press("n")
        await pilot_wait_for(pilot, lambda: items.current_id != first, what="the next unread")
        assert _flags(path, items.current_id)[0] == 0  # an unread story
        assert Ids.written == 0


async def test_next_unread_still_moves_when_the_list_was_read_again_meanwhile(
    tmp_path: Path,
) -> None:
    """n (and space at a story's end) asks a worker for the next unread story; a refresh
    or another writer may have the list read again before it answers. The answer still
    moves the cursor (it used to be dropped: the key did nothing)."""
    from tui.controllers.views import ViewReader
    from tui.widgets.viewer import Viewer

    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        searched = items.ids
        target = searched[3]
        items.set_ids(list(searched), keep=items.current_id)  # read again, the same stories
        assert items.ids is not searched and items.current_id != target
        app.screen.query_one(Viewer).post_message(ViewReader.UnreadFound(target, searched, False))
        await settle(pilot)
        assert items.current_id == target

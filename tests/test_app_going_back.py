"""Going back a level, reading only what was seen, undoing marks: the keys a switcher expects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_factory import build_fixture_db, make_app, notifications, screen_text, settle, unread_in
from textual.widgets import Input
from waiting import pilot_wait_for

from store.db import open_db
from store.items import set_read
from store.search.compiler import search_ids
from tui.config import Config
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def _read(path: Path, item_id: int) -> int:
    db = open_db(path)
    try:
        return int(db.execute("SELECT read FROM items WHERE id = ?", [item_id]).fetchone()[0])
    finally:
        db.close()


async def test_q_leaves_the_full_screen_story_then_quits(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: enter opens full-screen
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.maximized is not None
        assert " q Back " in screen_text(app)  # the footer says what q does here
        await pilot.press("q")
        await settle(pilot)
        assert app.screen.maximized is None and app.is_running
        assert " q Quit " in screen_text(app)
        assert app.focused is app.screen.query_one(ItemList)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_value == 0 and not app.is_running


async def test_q_closes_a_dialog_and_Q_quits_from_it(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.is_running
        for opens in ("question_mark", "F", "T"):  # help, the feeds, the tags
            await pilot.press(opens)
            await settle(pilot)
            assert not isinstance(app.screen, MainScreen)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("t")  # a field typed in takes its letters first
        await settle(pilot)
        await pilot.press("Q")
        await settle(pilot)
        assert app.is_running and app.screen.query_one(Input).value == "Q"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        await pilot.press("Q")
        await pilot_wait_for(pilot, lambda: app.return_value == 0, what="Q to quit")


async def test_esc_or_q_after_a_search_returns_to_the_view_before(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("right_square_bracket")  # a feed: the view before the search
        await settle(pilot)
        feed_ids = list(items.ids)
        await pilot.press("slash", *"crete", "enter")
        await settle(pilot)
        assert len(items.ids) == 1 and "Search: crete" in screen_text(app)
        assert " q Back " in screen_text(app)
        await pilot.press("escape")  # from the list: back to the feed
        await settle(pilot)
        assert items.ids == feed_ids and "Search: crete" not in screen_text(app)
        assert " q Quit " in screen_text(app)  # the footer follows: q quits here
        await pilot.press("slash", *"crete", "escape")  # esc in the box: to the results
        await settle(pilot)
        assert len(items.ids) == 1 and app.focused is items
        await pilot.press("q")  # q from the results: back to the feed too, not quitting
        await settle(pilot)
        assert items.ids == feed_ids and app.is_running


async def test_a_bad_query_clears_the_old_results(tmp_path: Path) -> None:
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("slash", *"crete")
        await settle(pilot)
        assert len(items.ids) == 1
        await pilot.press(*" is:bogus")
        await settle(pilot)
        text = screen_text(app)
        assert "is:bogus — use one of" in text
        assert items.ids == [] and "Séisme de magnitude" not in text


async def test_p_on_the_top_unread_row_goes_on_from_the_bottom(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        assert items.cursor == 0 and _read(path, items.ids[0]) == 0
        await pilot.press("p")
        await settle(pilot)
        assert items.cursor > 0
        assert _read(path, items.current_id) == 0  # type: ignore[arg-type]
        for item_id in items.ids[items.cursor + 1 :]:  # the last unread one
            assert _read(path, item_id) == 1
        assert "No other unread story in this view." not in [
            note.message for note in notifications(app)
        ]


async def test_the_first_story_is_not_read_before_a_key(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=0.05))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        first = app.screen.query_one(ItemList).current_id
        assert first is not None
        marker = app.screen.marker  # type: ignore[attr-defined]
        await settle(pilot)
        assert marker.counting is None  # shown, but nobody pressed a key
        assert _read(path, first) == 0
        await pilot.press("b")  # any key: the reading begins
        await pilot_wait_for(pilot, lambda: _read(path, first) == 1)


async def test_a_story_under_a_dialog_is_not_read(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=0.3))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("j", "question_mark")  # the help covers the story at once
        await settle(pilot)
        current = items.current_id
        assert current is not None and isinstance(app.screen, HelpScreen)
        marker = app.screen_stack[-2].marker  # type: ignore[attr-defined]
        assert marker.counting is None  # covered: the dwell does not count
        assert _read(path, current) == 0
        await pilot.press("escape")
        await pilot_wait_for(pilot, lambda: _read(path, current) == 1)


async def test_results_passed_over_while_typing_a_search_are_not_read(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=0.05))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await pilot.press("slash", *"brazil")
        await pilot_wait_for(pilot, lambda: len(items.ids) == 1, what="the search's result")
        found = items.current_id
        assert found is not None
        marker = app.screen.marker  # type: ignore[attr-defined]
        await settle(pilot)
        assert marker.counting is None and _read(path, found) == 0  # typing, not reading
        await pilot.press("enter")  # on to the results: the story in view counts now
        await pilot_wait_for(pilot, lambda: _read(path, found) == 1)


async def test_U_undoes_mark_all_read_and_then_redoes_it(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    before = unread_in(path)
    app = make_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert unread_in(path) == 0
        assert f"Marked {before} stories read." in [n.message for n in notifications(app)]
        await pilot.press("U")
        await settle(pilot)
        assert unread_in(path) == before  # just those: the ones read before stay read
        assert f"Undone: Marked {before} stories unread." in [n.message for n in notifications(app)]
        assert f"{before} unread" in screen_text(app)
        await pilot.press("U")  # again: redo
        await settle(pilot)
        assert unread_in(path) == 0
        assert f"Redone: Marked {before} stories read." in [n.message for n in notifications(app)]


async def test_U_after_the_stories_were_marked_again_says_there_is_nothing_to_undo(
    tmp_path: Path,
) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        db = open_db(path)
        set_read(db, search_ids(db, ""), False)  # another window marks every story unread
        db.close()
        await pilot.press("U")
        await settle(pilot)
        notes = [n.message for n in notifications(app)]
        assert notes[-1] == "Nothing to undo: those stories are unread already."


async def test_the_newsboat_keys_answer(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path, Config(dwell_seconds=3600, key_preset="newsboat"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        first = items.current_id
        assert first is not None
        await pilot.press("N")  # newsboat's toggle read
        await settle(pilot)
        assert _read(path, first) == 1
        await pilot.press("ctrl+n")  # the first feed with unread stories
        await settle(pilot)
        assert "AA العربية — أخبار  2 stories" in screen_text(app)
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        assert "Keys (newsboat keys)" in text
        assert re.search(r"\bN\s+Toggle read", text)  # help shows the keys as bound now


async def test_l_hides_read_stories_and_C_reads_everything_undoably(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    unread = unread_in(path)
    app = make_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        assert len(items.ids) == 13
        await pilot.press("j", "j", "j")  # an unread story past the first: the user's place
        await settle(pilot)
        place = items.current_id
        assert place is not None and place != items.ids[0] and _read(path, place) == 0
        await pilot.press("l")
        await settle(pilot)
        assert len(items.ids) == unread and "All · unread only" in screen_text(app)
        assert items.current_id == place  # still there: the cursor stays on it
        await pilot.press("l")
        await settle(pilot)
        assert len(items.ids) == 13 and items.current_id == place
        await pilot.press("C", "y")
        await settle(pilot)
        assert unread_in(path) == 0
        await pilot.press("U")
        await settle(pilot)
        assert unread_in(path) == unread

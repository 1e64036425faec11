"""Tagging and selections from the keyboard (Pilot): what the database keeps, what shows."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from app_factory import NOW, build_fixture_db, make_app, notifications, screen_text, settle
from textual.pilot import Pilot

from store.db import open_db
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from store.search.saved import list_saved
from store.tags import item_tags, list_tags, tag_items
from tui.app import ReaderApp
from tui.config import Config
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.save_search import SaveSearch
from tui.screens.tag_manager import TagManager
from tui.screens.tag_prompt import TagPrompt

pytestmark = pytest.mark.anyio

QUICK = Config(dwell_seconds=3600, quick_tags=["Spor", "Gazze"])


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A fresh fixture database."""
    return build_fixture_db(tmp_path / "fixture.db")


def _tags(path: Path, item_id: int) -> list[str]:
    db = open_db(path)
    try:
        return item_tags(db, item_id)
    finally:
        db.close()


def _read(path: Path, ids: list[int]) -> list[int]:
    db = open_db(path)
    try:
        return [db.execute("SELECT read FROM items WHERE id = ?", [i]).fetchone()[0] for i in ids]
    finally:
        db.close()


def _main(app: ReaderApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def _notes(app: ReaderApp) -> list[str]:
    return [str(note.message) for note in notifications(app)]


async def _select(pilot: Pilot, count: int) -> list[int]:
    """Select ``count`` stories from the top with v; returns their ids."""
    main = _main(pilot.app)  # type: ignore[arg-type]
    ids = main.items.ids[:count]
    await pilot.press(*["v"] * count)
    await settle(pilot)
    assert main.items.selection == ids
    return ids


async def test_t_adds_two_tags_then_removes_one(path: Path) -> None:
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        current = _main(app).items.current_id
        assert current is not None
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagPrompt)
        await pilot.press(*"gazze, israil", "enter")
        await settle(pilot)
        assert _tags(path, current) == ["gazze", "israil"]
        assert "#gazze  #israil" in screen_text(app)  # the story shows them at once
        assert "gazze added to 1 story; israil added to 1 story." in _notes(app)
        assert "#israil" in screen_text(app)  # and the sidebar lists the new tags
        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"-isr", "tab", "enter")  # completion takes the story's own tag
        await settle(pilot)
        assert _tags(path, current) == ["gazze"]
        assert "israil removed from 1 story." in _notes(app)


async def test_escape_in_the_prompt_changes_nothing(path: Path) -> None:
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        current = _main(app).items.current_id
        assert current is not None
        await pilot.press("t", *"spor", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert _tags(path, current) == []


async def test_a_quick_tag_toggles_on_a_selection_of_three(path: Path) -> None:
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ids = await _select(pilot, 3)
        assert screen_text(app).count("✓") == 3  # the mark column
        await pilot.press("1")
        await settle(pilot)
        assert [_tags(path, i) for i in ids] == [["Spor"]] * 3
        assert "Spor added to 3 stories." in _notes(app)
        assert _tags(path, _main(app).items.ids[3]) == []  # the cursor's story: not selected
        await pilot.press("1")  # every selected story has it: off again
        await settle(pilot)
        assert [_tags(path, i) for i in ids] == [[]] * 3
        await pilot.press("escape")
        await settle(pilot)
        assert _main(app).items.selection == []
        assert "✓" not in screen_text(app)


async def test_a_quick_tag_not_configured_says_so(path: Path) -> None:
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        current = _main(app).items.current_id
        assert current is not None
        await pilot.press("9")
        await settle(pilot)
        assert any("Quick tag 9 is not set" in note for note in _notes(app))
        assert _tags(path, current) == []
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Toggle quick tag 1 (config quick_tags): Spor" in text
        assert "Toggle quick tag 3 (config quick_tags): not set" in text


async def test_v_selected_stories_marked_read_with_r(path: Path) -> None:
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        main = _main(app)
        ids = await _select(pilot, 3)
        assert _read(path, ids) == [0, 0, 0]
        cursor_story = main.items.current_id
        assert cursor_story is not None and cursor_story not in ids
        await pilot.press("r")
        await settle(pilot)
        assert _read(path, ids) == [1, 1, 1]
        assert _read(path, [cursor_story]) == [0]
        assert "Marked 3 stories read." in _notes(app)
        await pilot.press("v")  # the cursor's story joins; one unread left: all read
        await pilot.press("r")
        await settle(pilot)
        assert _read(path, [*ids, cursor_story]) == [1, 1, 1, 1]


async def test_undo_puts_back_exactly_what_a_tag_change_did(path: Path) -> None:
    db = open_db(path)
    first = db.execute("SELECT id FROM items ORDER BY published_ts DESC LIMIT 1").fetchone()[0]
    tag_items(db, [first], ["Gazze"])  # already there: the quick tag must not remove it by undo
    db.close()
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ids = await _select(pilot, 2)
        assert ids[0] == first
        await pilot.press("2")  # Gazze: missing on the second only -> added there
        await settle(pilot)
        assert [_tags(path, i) for i in ids] == [["Gazze"], ["Gazze"]]
        await pilot.press("U")
        await settle(pilot)
        assert [_tags(path, i) for i in ids] == [["Gazze"], []]
        assert "Undone: Gazze removed from 1 story." in _notes(app)
        await pilot.press("ctrl+z")  # again: redo
        await settle(pilot)
        assert [_tags(path, i) for i in ids] == [["Gazze"], ["Gazze"]]
        assert "Redone: Gazze added to 1 story." in _notes(app)
        await pilot.press("U")  # and again: undone once more
        await settle(pilot)
        assert [_tags(path, i) for i in ids] == [["Gazze"], []]
        assert _notes(app).count("Undone: Gazze removed from 1 story.") == 2


async def test_undo_after_the_tag_manager_changed_those_tags_says_so(path: Path) -> None:
    db = open_db(path)
    other = db.execute("SELECT id FROM items ORDER BY published_ts LIMIT 1").fetchone()[0]
    tag_items(db, [other], ["gaza"])
    db.close()
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        current = _main(app).items.current_id
        assert current is not None and current != other
        await pilot.press("t", *'mytag "new york"', "enter")
        await settle(pilot)
        assert _tags(path, current) == ["mytag", "new york"]
        await pilot.press("T")
        await settle(pilot)
        manager = app.screen
        assert isinstance(manager, TagManager)
        manager._table.move_cursor(row=[t.name for t in manager.tags].index("mytag"))
        await pilot.press("m", *"gaza", "enter")
        await settle(pilot)
        manager._table.move_cursor(row=[t.name for t in manager.tags].index("new york"))
        await pilot.press("d", "y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert _tags(path, current) == ["gaza"]
        nothing = "Nothing to undo: those tags were changed since in the tag manager."
        await pilot.press("U")
        await settle(pilot)
        assert _tags(path, current) == ["gaza"]  # the merged tag stays
        assert _notes(app)[-1] == nothing  # not a fake "Undone"
        await pilot.press("U")
        await settle(pilot)
        assert _notes(app)[-1] == nothing  # the same answer, not "No tag change to undo."


async def test_undo_with_nothing_to_undo_says_so(path: Path) -> None:
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        assert "No tag change to undo." in _notes(app)


async def test_S_saves_the_search_and_the_sidebar_shows_it(path: Path) -> None:
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")  # All: every story, nothing to save
        await settle(pilot)
        assert not isinstance(app.screen, SaveSearch)
        assert "All lists every story: search (/), then save the search with S." in _notes(app)
        await pilot.press("slash", *"gaza", "enter")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, SaveSearch)
        await pilot.press(*"Gaza watch", "enter")
        await settle(pilot)
        db = open_db(path)
        saved = [(s.name, s.query, s.unread) for s in list_saved(db)]
        db.close()
        assert saved == [("Gaza watch", "gaza", 1)]
        text = screen_text(app)
        assert "Saved searches" in text
        assert re.search(r"Gaza watch +1 ", text)


async def test_select_all_over_fifty_asks_before_a_quick_tag(path: Path) -> None:
    db = open_db(path)
    feed = db.execute("SELECT id FROM feeds ORDER BY id LIMIT 1").fetchone()[0]
    entries = [
        Entry(key=f"guid:{n}", title=f"Story {n}", published=NOW - timedelta(days=3, minutes=n))
        for n in range(60)
    ]
    store_feed(db, feed, ParsedFeed(entries=entries))
    total = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    db.close()
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        assert len(_main(app).items.selection) == total
        assert f"Selected {total} stories: t, 1-9, r, s act on them; esc clears." in _notes(app)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        db = open_db(path)
        assert list_tags(db) == []
        db.close()
        await pilot.press("1", "y")
        await settle(pilot)
        db = open_db(path)
        assert [(t.name, t.count) for t in list_tags(db)] == [("Spor", total)]
        db.close()


async def test_T_rename_onto_another_tag_merges_them(path: Path) -> None:
    db = open_db(path)
    ids = [row[0] for row in db.execute("SELECT id FROM items ORDER BY id LIMIT 3")]
    tag_items(db, ids[:2], ["gaza"])
    tag_items(db, ids[2:], ["Gazze"])
    db.close()
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "#gaza" in screen_text(app)
        await pilot.press("T")
        await settle(pilot)
        assert isinstance(app.screen, TagManager)
        manager = app.screen
        row = [t.name for t in manager.tags].index("gaza")
        manager._table.move_cursor(row=row)
        await pilot.press("r", *["backspace"] * 4, *"Gazze", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        db = open_db(path)
        tags = [(t.name, t.count) for t in list_tags(db)]
        db.close()
        assert tags == [("Gazze", 3)]
        text = screen_text(app)
        assert "#Gazze" in text and "#gaza" not in text  # the sidebar reloaded


async def test_a_tag_in_the_sidebar_shows_its_stories(path: Path) -> None:
    app = make_app(path, QUICK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        main = _main(app)
        ids = await _select(pilot, 2)
        await pilot.press("t", *"kış", "enter")
        await settle(pilot)
        main.sidebar.focus()
        main.sidebar.select_query("tag:kış")
        await pilot.press("enter")
        await settle(pilot)
        assert main.view.query == "tag:kış"
        assert main.items.ids == ids
        assert main.items.selection == []  # a new view starts with nothing selected

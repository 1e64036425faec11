"""Keyboard tagging: the tag prompt, the tag manager, saving a search, undo and quick tags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from app_factory import build_fixture_db, notifications, record_notifications, screen_text, settle
from sqlite_utils import Database
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker

from store.db import open_db
from store.items import set_read
from store.search.saved import list_saved, save_search
from store.tags import (
    TagEdit,
    apply_tag_edit,
    delete_tag,
    item_tags,
    list_tags,
    tag_items,
    toggle_tag,
)
from store.tags import undo_tag_change as undo
from tui.screens.confirm import ConfirmScreen
from tui.screens.name_prompt import NamePrompt
from tui.screens.save_search import SaveSearch
from tui.screens.tag_manager import TagManager
from tui.screens.tag_prompt import TagPrompt
from tui.tag_actions import complete_last_word, parse_tag_edit
from tui.wording import describe_tag_change
from tui.workers import report_failure

pytestmark = pytest.mark.anyio

UNSET = object()


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


class Host(App[None]):
    """Pushes one screen and keeps what it dismissed with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.pushed = screen
        self.result: object = UNSET
        record_notifications(self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)  # the reader's one failure handler

    def on_mount(self) -> None:
        self.push_screen(self.pushed, self._done)

    def _done(self, value: object) -> None:
        self.result = value


def _ids(db: Database) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM items ORDER BY id")]


def _snapshot(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every tag row and every (story, tag) pair, as they are now."""
    tags = db.execute("SELECT id, name, folded FROM tags ORDER BY id").fetchall()
    pairs = db.execute("SELECT item_id, tag_id FROM item_tags ORDER BY 1, 2").fetchall()
    return tags, pairs


@pytest.fixture
def fixture_path(tmp_path: Path) -> Path:
    """The app tests' fixture database: 13 stories in four languages."""
    return build_fixture_db(tmp_path / "fixture.db")


# --- reading the prompt --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "add", "remove"),
    [
        ("gazze israil", ["gazze", "israil"], []),
        ("gazze, israil,spor", ["gazze", "israil", "spor"], []),
        ("gazze -spor", ["gazze"], ["spor"]),
        ('"new york" -"Latin America" x', ["new york", "x"], ["Latin America"]),
        ("spor -spor", [], ["spor"]),  # the last mention wins
        ("Gazze gazze GAZZE", ["GAZZE"], []),  # one tag, however it is spelt
        ('"unclosed quote', ["unclosed quote"], []),
        (" , - ", [], []),
    ],
)
def test_the_prompt_reads_several_tags_removals_and_quoted_names(
    typed: str, add: list[str], remove: list[str]
) -> None:
    assert parse_tag_edit(typed) == TagEdit(add=add, remove=remove)


@pytest.mark.parametrize(
    ("typed", "completed"),
    [
        ("gaz", "Gazze"),
        ("isr", "İsrail"),  # dotted capital I folds to i
        ("spor ISR", "spor İsrail"),  # only the last word completes
        ("-gaz", "-Gazze"),
        ("new", '"New York"'),  # a name with a space comes back quoted
        ('x -"new y', 'x -"New York"'),
        ("gaz ", None),  # nothing after the last separator
        ("qqq", None),
        ("Gazze", None),  # already whole
    ],
)
def test_the_last_word_completes_to_an_existing_tag(typed: str, completed: str | None) -> None:
    assert complete_last_word(typed, ["Gazze", "İsrail", "New York"]) == completed


# --- the tag prompt on screen --------------------------------------------------------


async def test_tab_and_right_complete_the_last_word_and_enter_gives_the_edit() -> None:
    app = Host(TagPrompt(["Gazze", "İsrail", "Spor"], [], 1))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"gaz")
        await pilot.pause()
        await pilot.press("tab")
        assert app.screen.query_one(Input).value == "Gazze "
        await pilot.press(*"isr")
        await pilot.pause()
        await pilot.press("right")
        assert app.screen.query_one(Input).value == "Gazze İsrail"
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == TagEdit(add=["Gazze", "İsrail"], remove=[])


async def test_a_removal_completes_from_the_storys_own_tags_first() -> None:
    app = Host(TagPrompt(["Spain", "Sport"], ["Sport"], 1))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"sp")
        await pilot.pause()
        await pilot.press("tab")
        assert app.screen.query_one(Input).value == "Spain "  # adding: a tag it lacks
        await pilot.press(*"-sp")
        await pilot.pause()
        await pilot.press("tab", "enter")
        await pilot.pause()
    assert app.result == TagEdit(add=["Spain"], remove=["Sport"])


async def test_escape_or_an_empty_prompt_changes_nothing() -> None:
    for keys in (["g", "a", "z", "escape"], ["enter"]):
        app = Host(TagPrompt(["Gazze"], [], 1))
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
        assert app.result is None


async def test_the_prompt_shows_the_story_count_and_markup_looking_tags_literally() -> None:
    app = Host(TagPrompt(["[bold]x"], ["[bold]x", "[red]"], 3))
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        await pilot.press(*"gazze -[red]")
        await pilot.pause()
        text = screen_text(app)
    assert "3 selected stories" in text
    assert "[bold]x · [red]" in text
    assert "+gazze −[red]" in text


async def test_a_prompted_edit_adds_and_removes_tags_in_the_database(fixture_path: Path) -> None:
    db = open_db(fixture_path)
    first, second = _ids(db)[:2]
    tag_items(db, [first], ["Spor"])
    app = Host(TagPrompt([t.name for t in list_tags(db)], item_tags(db, first), 2))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*'"new york", gazze -spor')
        await pilot.press("enter")
        await pilot.pause()
    assert isinstance(app.result, TagEdit)
    record = apply_tag_edit(db, [first, second], app.result)
    assert item_tags(db, first) == ["gazze", "new york"]
    assert item_tags(db, second) == ["gazze", "new york"]
    assert record.removed == [(first, "Spor")]
    assert describe_tag_change(record) == (
        "new york added to 2 stories; gazze added to 2 stories; Spor removed from 1 story."
    )
    db.close()


# --- undo and quick tags -------------------------------------------------------------


def test_undo_puts_back_exactly_what_was_there(fixture_path: Path) -> None:
    db = open_db(fixture_path)
    a, b, c = _ids(db)[:3]
    tag_items(db, [a], ["Gazze", "Spor"])
    tag_items(db, [c], ["Spor"])
    before = _snapshot(db)
    record = apply_tag_edit(db, [a, b], parse_tag_edit("gazze Yeni -spor"))
    # Only what really changed is recorded, with the names as stored.
    assert sorted(record.added) == sorted([(b, "Gazze"), (a, "Yeni"), (b, "Yeni")])
    assert record.removed == [(a, "Spor")]
    assert record.created == ["Yeni"]
    assert item_tags(db, c) == ["Spor"]
    undo(db, record)
    assert _snapshot(db) == before  # and the new tag "Yeni" is gone again
    db.close()


def test_quick_tag_adds_where_missing_then_removes_from_all(fixture_path: Path) -> None:
    db = open_db(fixture_path)
    a, b = _ids(db)[:2]
    tag_items(db, [a], ["Spor"])
    first = toggle_tag(db, [a, b], "spor")  # b lacks it: add to b only
    assert first.added == [(b, "Spor")] and not first.removed
    assert item_tags(db, a) == item_tags(db, b) == ["Spor"]
    second = toggle_tag(db, [a, b], "SPOR")  # all have it: remove from all
    assert sorted(second.removed) == [(a, "Spor"), (b, "Spor")]
    assert item_tags(db, a) == item_tags(db, b) == []
    undo(db, second)
    assert item_tags(db, a) == item_tags(db, b) == ["Spor"]
    fresh = toggle_tag(db, [a], "Ekonomi")
    assert fresh.created == ["Ekonomi"]
    undo(db, fresh)
    assert "Ekonomi" not in [t for (_, t, _) in _snapshot(db)[0]]
    db.close()


# --- the tag manager -----------------------------------------------------------------


def _tagged(path: Path) -> list[int]:
    db = open_db(path)
    ids = _ids(db)
    tag_items(db, ids[:3], ["Gazze"])
    tag_items(db, ids[2:4], ["gaza"])
    tag_items(db, ids[5:6], ["[bold]x"])
    set_read(db, ids[:1], True)  # so stories and unread differ
    db.close()
    return ids


def _tags(path: Path) -> dict[str, int]:
    db = open_db(path)
    try:
        return {t.name: t.count for t in list_tags(db)}
    finally:
        db.close()


async def test_the_manager_lists_tags_with_counts_and_markup_literally(fixture_path: Path) -> None:
    _tagged(fixture_path)
    db = open_db(fixture_path)
    expected = {t.name: t for t in list_tags(db)}
    db.close()
    app = Host(TagManager(fixture_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    for name in ("Gazze", "gaza", "[bold]x"):
        tag = expected[name]
        assert re.search(rf"{re.escape(name)}\s+{tag.count}\s+{tag.unread}\b", text), name
    assert (expected["Gazze"].count, expected["Gazze"].unread) == (3, 2)
    assert app.result is None


async def _highlight(app: Host, pilot: Any, name: str) -> None:
    manager = app.screen
    assert isinstance(manager, TagManager)
    while manager.highlighted is not None and manager.highlighted.name != name:
        await pilot.press("down")


async def test_rename_onto_an_existing_tag_merges_them(fixture_path: Path) -> None:
    _tagged(fixture_path)
    app = Host(TagManager(fixture_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _highlight(app, pilot, "gaza")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, NamePrompt)
        assert "merges the two" in screen_text(app)
        await pilot.press("ctrl+u", *"Gazze", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TagManager)
        notes = [str(n.message) for n in notifications(app)]
    assert notes == ["Merged “gaza” into “Gazze”."]
    assert _tags(fixture_path) == {"Gazze": 4, "[bold]x": 1}


async def test_rename_to_a_new_name_keeps_the_stories(fixture_path: Path) -> None:
    _tagged(fixture_path)
    app = Host(TagManager(fixture_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _highlight(app, pilot, "[bold]x")
        await pilot.press("r", *"Gündem", "enter")  # typing replaces the old name
        await settle(pilot)
        assert "Gündem" in screen_text(app)
    assert _tags(fixture_path) == {"gaza": 2, "Gazze": 3, "Gündem": 1}


async def test_merge_completes_the_target_and_refuses_itself(fixture_path: Path) -> None:
    _tagged(fixture_path)
    app = Host(TagManager(fixture_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _highlight(app, pilot, "Gazze")
        await pilot.press("m", *"gazze", "enter")  # into itself: refused
        await pilot.pause()
        assert isinstance(app.screen, NamePrompt)
        assert "Pick another tag" in screen_text(app)
        await pilot.press("ctrl+u", *"ga")
        await pilot.pause()
        await pilot.press("tab")
        assert app.screen.query_one(Input).value == "gaza"
        await pilot.press("enter")
        await settle(pilot)
    assert _tags(fixture_path) == {"gaza": 4, "[bold]x": 1}


async def test_delete_asks_first_and_no_keeps_the_tag(fixture_path: Path) -> None:
    _tagged(fixture_path)
    app = Host(TagManager(fixture_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _highlight(app, pilot, "Gazze")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete the tag “Gazze”? It comes off 3 stories." in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert _tags(fixture_path)["Gazze"] == 3
        await pilot.press("d", "y")
        await settle(pilot)
        assert "Gazze" not in screen_text(app)
    assert _tags(fixture_path) == {"gaza": 2, "[bold]x": 1}


async def test_a_failed_change_is_a_notification_and_the_list_catches_up(
    fixture_path: Path,
) -> None:
    _tagged(fixture_path)
    app = Host(TagManager(fixture_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _highlight(app, pilot, "gaza")
        db = open_db(fixture_path)
        delete_tag(db, "gaza")  # another window got there first
        db.close()
        await pilot.press("d", "y")
        await settle(pilot)
        assert isinstance(app.screen, TagManager)
        errors = [str(n.message) for n in notifications(app) if n.severity == "error"]
        text = screen_text(app)
    assert errors == ["no tag called 'gaza'"]
    assert not re.search(r"gaza\s+2", text)


# --- saving a search -----------------------------------------------------------------


async def test_save_search_shows_the_query_and_needs_a_name(fixture_path: Path) -> None:
    query = "tag:[bold]x is:unread"
    app = Host(SaveSearch(query))
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        assert "Save the search tag:[bold]x is:unread as:" in screen_text(app)
        await pilot.press("enter")  # empty: refused
        await pilot.pause()
        assert "A name is needed." in screen_text(app)
        assert app.result is UNSET
        await pilot.press(*"  Gazze  ", "enter")
        await pilot.pause()
    assert app.result == "Gazze"
    db = open_db(fixture_path)
    save_search(db, "Gazze", query)
    assert [(s.name, s.query) for s in list_saved(db, counts=False)] == [("Gazze", query)]
    db.close()

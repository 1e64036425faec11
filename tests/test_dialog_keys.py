"""The story list's moving keys in every dialog with a list: j/k move, g/G go to the ends
(help, the feed manager, the tag manager, a story's links, the AA catalogue), while a
dialog's own letters keep their actions and a text field keeps its letters."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_factory import build_fixture_db, screen_text, settle
from test_feed_manager import Host
from textual.containers import VerticalScroll
from textual.widgets import Input
from waiting import pilot_wait_for

from store.aa.catalogue import catalogue, language_name, languages
from store.db import open_db
from store.feeds import add_feed
from store.tags import list_tags, tag_items
from tui.screens.catalogue_picker import CataloguePicker
from tui.screens.feed_manager import FeedManager
from tui.screens.help import HelpScreen
from tui.screens.links import LinksScreen
from tui.screens.name_prompt import NamePrompt
from tui.screens.tag_manager import TagManager

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def detail(app: Host) -> str:
    """The feed manager's line on the feed under the cursor."""
    return str(app.screen.query_one("#feed-detail").render())


async def test_j_k_g_G_move_the_feed_manager_s_cursor(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    db = open_db(path)
    ids = [add_feed(db, f"https://f{n}.test/rss", title=f"Feed {n}").id for n in range(5)]
    db.close()
    app = Host(FeedManager(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        assert detail(app).startswith(f"feed {ids[2]} ·")  # the third feed
        await pilot.press("k")
        await settle(pilot)
        assert detail(app).startswith(f"feed {ids[1]} ·")
        await pilot.press("G")
        await settle(pilot)
        assert detail(app).startswith(f"feed {ids[-1]} ·")
        await pilot.press("g")
        await settle(pilot)
        assert detail(app).startswith(f"feed {ids[0]} ·")
        assert isinstance(app.screen, FeedManager)  # no letter opened anything else


async def test_j_j_r_in_the_tag_manager_renames_the_third_tag(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "fixture.db")
    db = open_db(path)
    story = db.execute("SELECT id FROM items LIMIT 1").fetchone()[0]
    tag_items(db, [story], ["alpha", "beta", "gamma", "delta"])
    third = list_tags(db)[2].name  # as the manager lists them
    db.close()
    app = Host(TagManager(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "r")
        await settle(pilot)
        assert isinstance(app.screen, NamePrompt)
        assert f"Rename “{third}” to:" in screen_text(app)
        # the prompt's field takes j, k, g and G as letters
        await pilot.press("ctrl+u", *"jkgG")
        assert app.screen.query_one(Input).value == "jkgG"
        await pilot.press("enter")
        await settle(pilot)
    db = open_db(path)
    names = {tag.name for tag in list_tags(db)}
    db.close()
    assert "jkgG" in names and third not in names


async def test_j_and_G_choose_a_link() -> None:
    links = ["https://one.test/", "https://two.test/", "https://three.test/"]
    app = Host(LinksScreen(links))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
    assert app.result == links[1]
    app = Host(LinksScreen(links))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("G", "k", "enter")
        await settle(pilot)
    assert app.result == links[1]


async def test_j_moves_in_the_catalogue_s_languages_and_feeds() -> None:
    second = languages()[1]
    app = Host(CataloguePicker(set()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the second language: its feeds show
        await settle(pilot)
        assert language_name(second) in screen_text(app)
        await pilot.press("right", "j", "space", "enter")  # its second feed ticked
        await settle(pilot)
    assert app.result == [catalogue(second)[1].ref]


async def test_j_k_scroll_help_and_its_last_line_says_they_move_in_dialogs() -> None:
    app = Host(HelpScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 1 and scroll.scroll_y == 0
        await pilot.press("j", "j")
        await pilot_wait_for(pilot, lambda: scroll.scroll_y == 2)
        await pilot.press("k")
        await pilot_wait_for(pilot, lambda: scroll.scroll_y == 1)
        await pilot.press("G")
        await pilot_wait_for(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        assert "j k g G move in the dialogs too" in screen_text(app)


async def test_a_keymap_that_moves_down_onto_n_leaves_a_dialog_s_own_n_alone() -> None:
    """A [keys] table binding the list's down to n (a Colemak user's) must not take n
    from a dialog that answers it: the question's n still says no."""
    from tui.screens.confirm import ConfirmScreen

    app = Host(ConfirmScreen("Remove it?"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_keymap({"down": "n", "next_unread": "j"})
        await settle(pilot)
        await pilot.press("n")
        await pilot_wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert app.result is False

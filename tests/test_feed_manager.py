"""The feed manager (also the welcome screen) and the AA catalogue picker, by keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_factory import notifications, record_notifications, screen_text, settle
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Select

from store.db import open_db
from store.feeds import add_feed, display_title, get_feed, list_feeds, record_failure
from store.ingest import store_feed
from store.items import set_starred
from store.model import Entry, Feed, FeedSettings, ParsedFeed
from tui.screens.catalogue_picker import CataloguePicker
from tui.screens.feed_manager import FeedManager
from tui.screens.feed_settings import FeedSettingsDialog

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


class Host(App[None]):
    """Pushes one screen and keeps what it dismissed with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.pushed = screen
        self.result: object = None

    def on_mount(self) -> None:
        self.push_screen(self.pushed, self._done)

    def _done(self, value: object) -> None:
        self.result = value


def list_feeds_of(path: Path) -> list[Feed]:
    db = open_db(path)
    try:
        return list_feeds(db)
    finally:
        db.close()


def feeds_of(path: Path) -> list[tuple[int, str, str, bool]]:
    db = open_db(path)
    try:
        return [(f.id, f.title, f.folder, f.paused) for f in list_feeds(db)]
    finally:
        db.close()


async def test_welcome_subscribes_from_the_catalogue_by_language(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    open_db(path).close()
    app = Host(FeedManager(path, welcome=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "There are no feeds yet" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CataloguePicker)
        assert "Türkçe (tr)" in screen_text(app)
        await pilot.press("down")  # the second edition (English)
        await settle(pilot)
        await pilot.press("right", "space", "down", "space")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedManager)
        await pilot.press("escape")
        await settle(pilot)
    titles = [title for _, title, _, _ in feeds_of(path)]
    assert len(titles) == 2 and all(title.startswith("AA English · ") for title in titles)
    assert app.result == [feed_id for feed_id, *_ in feeds_of(path)]


async def test_add_rename_move_pause_and_remove(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    db = open_db(path)
    kept = add_feed(db, "https://kept.test/rss", title="Kept")
    story = store_feed(db, kept.id, ParsedFeed(entries=[Entry(key="guid:1", title="star")]))
    set_starred(db, story.item_ids)
    db.close()
    app = Host(FeedManager(path))
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.press(*"file:///etc/passwd", "enter")
        await settle(pilot)
        assert len(feeds_of(path)) == 1  # refused: said in a notification
        await pilot.press("a")
        await pilot.press(*"https://new.test/rss", "enter")
        await settle(pilot)
        assert [url_id for url_id, *_ in feeds_of(path)] == [kept.id, kept.id + 1]
        await pilot.press("a", *"https://kept.test/rss", "enter")  # there already: says so
        await settle(pilot)
        assert f"Already subscribed: feed {kept.id} (Kept)." in [
            n.message for n in notifications(app)
        ]
        assert len(feeds_of(path)) == 2
        await pilot.press("r")  # the new feed is under the cursor; the prompt holds its name
        await settle(pilot)
        new = next(f for f in list_feeds_of(path) if f.id == kept.id + 1)
        assert app.screen.query_one(Input).value == display_title(new) != ""
        await pilot.press("ctrl+u", *"Yeni", "enter")
        await settle(pilot)
        await pilot.press("m", *"Haber/Dünya", "enter")
        await settle(pilot)
        assert notifications(app)[-1].message.startswith("Moved")
        await pilot.press("p")
        await settle(pilot)
        assert feeds_of(path)[1][1:] == ("Yeni", "Haber/Dünya", True)
        assert "Haber/Dünya" in screen_text(app) and "paused" in screen_text(app)
        await pilot.press("up", "d")
        await settle(pilot)
        assert "starred and tagged" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("a", *"https://gone.test/rss", "enter")  # added, then removed
        await settle(pilot)
        assert "gone.test" in screen_text(app)
        await pilot.press("d", "y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert [title for _, title, _, _ in feeds_of(path)] == ["Yeni"]
    db = open_db(path)
    assert db.execute("SELECT title FROM items").fetchall() == [("star",)]  # starred stays
    db.close()
    assert app.result == [kept.id + 1]


async def test_import_a_file_keeps_its_folders(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    open_db(path).close()
    opml = Path.home() / "subs.opml"  # the test's own home (conftest): typed as ~/subs.opml
    opml.write_text(
        '<opml version="2.0"><body><outline text="Tech">'
        '<outline text="One" xmlUrl="https://one.test/rss"/></outline>'
        '<outline text="Local" xmlUrl="file:///etc/passwd"/></body></opml>',
        encoding="utf-8",
    )
    app = Host(FeedManager(path, welcome=True))
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i", *"~/missing.opml", "enter")
        await settle(pilot)
        assert feeds_of(path) == []
        await pilot.press("i", *"~/subs.opml", "enter")
        await settle(pilot)
        assert "One" in screen_text(app) and "Tech" in screen_text(app)
        # what was left out is said, as the command line says it
        said = notifications(app)[-1].message
        assert said == (
            "Imported: 1 feed added, 0 already there, 1 skipped (1 not http(s)); "
            "fetched when you go back (esc)."  # the hint has no room to say so
        )
    assert [(title, folder) for _, title, folder, _ in feeds_of(path)] == [("One", "Tech")]


async def test_a_feed_s_own_settings_from_the_screen(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    db = open_db(path)
    feed = add_feed(db, "https://tuned.test/rss", title="Tuned")
    db.close()

    def settings() -> FeedSettings:
        db = open_db(path)
        try:
            return get_feed(db, feed.id).settings
        finally:
            db.close()

    app = Host(FeedManager(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "s settings" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, FeedSettingsDialog)
        assert "Tuned" in screen_text(app)
        await pilot.press(*"30", "tab", *"-5", "enter")  # the same rule as feeds set
        await settle(pilot)
        assert "Keep its newest stories (prune): must be a whole number from 1" in screen_text(app)
        assert settings() == FeedSettings()  # nothing saved
        await pilot.press("ctrl+u", *"500", "tab", *"off", "tab", "enter", "down", "down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#full_text", Select).value == "off"
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedManager)
        assert settings() == FeedSettings(30, False, 500, None)
        await pilot.press("s")  # the dialog opens on what is stored; esc changes nothing
        await settle(pilot)
        assert app.screen.query_one("#max_stories", Input).value == "500"
        await pilot.press("ctrl+u", *"7", "escape")
        await settle(pilot)
    assert settings() == FeedSettings(30, False, 500, None)


async def test_the_feed_under_the_cursor_shows_its_whole_error_and_address(
    tmp_path: Path,
) -> None:
    """At 80 columns the State column has room for an error's first words; the line
    under the table says it whole, with the feed's address and how often it failed."""
    path = tmp_path / "f.db"
    db = open_db(path)
    ok = add_feed(db, "https://user:secret@ok.test/rss", title="Fine")
    store_feed(db, ok.id, ParsedFeed(entries=[Entry(key="guid:1", title="one")]))
    bad = add_feed(db, "https://bad.test/feed.xml", title="Broken")
    why = "HTTP 404 File not found: no feed at this address, nor at its old one"
    for _ in range(3):
        record_failure(db, bad.id, why, status=404)
    db.close()
    app = Host(FeedManager(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        detail = str(app.screen.query_one("#feed-detail").render())
        assert f"feed {ok.id} · https://***@ok.test/rss" in detail  # the password masked
        assert "secret" not in detail and "fetched " in detail
        await pilot.press("down")
        await settle(pilot)
        detail = " ".join(str(app.screen.query_one("#feed-detail").render()).split())
        assert f"feed {bad.id} · https://bad.test/feed.xml" in detail
        assert f"⚠ {why} (3 failures in a row, last " in detail


async def test_the_whole_dialog_fits_80x24_with_many_feeds(tmp_path: Path) -> None:
    """The table scrolls to leave room for the detail of the feed under the cursor and
    the whole key hint (its last words: how to leave), inside the dialog's border."""
    path = tmp_path / "f.db"
    db = open_db(path)
    ids = [add_feed(db, f"https://f{n}.test/rss", title=f"Feed {n}").id for n in range(25)]
    record_failure(db, ids[-1], "HTTP 503 Service Unavailable: try again later", status=503)
    db.close()
    app = Host(FeedManager(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for last in (False, True):  # the first feed, then the last (failing: one line more)
            lines = screen_text(app).splitlines()
            hint_end = next(i for i, line in enumerate(lines) if "s settings · esc back" in line)
            assert "▄▄▄▄" in lines[hint_end + 1]  # the border right under it
            assert any("c AA catalogue" in line for line in lines[:hint_end])
            assert any(f"feed {ids[-1] if last else ids[0]} · https://" in x for x in lines)
            await pilot.press("G")
            await settle(pilot)
        assert any("Service Unavailable" in line for line in lines)
        assert any(f"Feed {len(ids) - 1} " in line for line in lines)  # scrolled to it


async def test_the_state_column_cuts_a_long_error_after_a_word(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    db = open_db(path)
    bad = add_feed(db, "https://bad.test/feed.xml", title="Broken")
    record_failure(
        db, bad.id, "HTTP 404 File not found: no feed at this address, nor at its old one"
    )
    db.close()
    app = Host(FeedManager(path))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        row = next(line for line in screen_text(app).splitlines() if "Broken" in line)
    assert "⚠ HTTP 404 File not found: no feed at this…" in row and "addres" not in row


async def test_importing_a_file_without_feeds_says_nothing_was_imported(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    open_db(path).close()
    (Path.home() / "garbage").write_text("garbage\n", encoding="utf-8")
    app = Host(FeedManager(path))
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert "enter imports · esc cancels" in screen_text(app)
        await pilot.press(*"~/garbage", "enter")
        await settle(pilot)
        # the command line's words (aanews import ~/garbage)
        assert notifications(app)[-1].message == (
            "~/garbage: no feed to import in this file (1 line skipped); nothing imported."
        )
    assert feeds_of(path) == []

"""The sidebar counts unread stories on every row, right-aligned, never cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_factory import build_fixture_db, make_app, screen_text, settle
from sqlite_utils import Database

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import set_read
from store.model import Entry, ParsedFeed
from store.tags import tag_items
from tui.controllers.sidebar_data import load_sidebar
from tui.widgets.sidebar import View, _shorten

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def test_a_language_with_one_feed_drops_the_part_its_heading_says() -> None:
    views = [View("AA Español · Últimas noticias", "feed:1")]
    _shorten(views, "Español")
    assert views[0].short == "Últimas noticias"
    assert views[0].name == "AA Español · Últimas noticias"  # the list's title keeps it all
    other = [View("Hacker News: Front Page", "feed:2")]
    _shorten(other, "English")  # the prefix does not name the language: kept whole
    assert other[0].short == ""


def test_every_row_counts_unread(db: Database) -> None:
    feed = add_feed(db, "https://example.org/feed", title="Example")
    entries = [Entry(key=f"guid:{n}", guid=str(n), title=f"Story {n}") for n in range(3)]
    ids = store_feed(db, feed.id, ParsedFeed(entries=entries)).item_ids
    db.execute("UPDATE items SET starred = 1")
    db.conn.commit()
    set_read(db, ids[:2], True)
    tag_items(db, ids[:2], ["done"])
    data = load_sidebar(db)
    by_name = {view.name: view.unread for view in data.views + data.tags}
    assert by_name["Starred"] == 1  # three starred, one of them unread
    assert by_name["#done"] == 0


def long_title_db(path: Path) -> Path:
    build_fixture_db(path)
    db = open_db(path)
    feed = add_feed(
        db,
        "https://www.aa.com.tr/es/rss/default?cat=guncel",
        title="AA Español · Últimas noticias de la agencia desde Ankara",
        lang="es",
    )
    entries = [Entry(key=f"guid:es{n}", guid=f"es{n}", title=f"Noticia {n}") for n in range(17)]
    store_feed(db, feed.id, ParsedFeed(entries=entries))
    db.close()
    return path


async def test_a_long_feed_title_is_cut_and_its_count_stays(tmp_path: Path) -> None:
    app = make_app(long_title_db(tmp_path / "f.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")  # the sidebar, hidden by default below 100 columns
        await settle(pilot)
        lines = screen_text(app).splitlines()
        sidebar = app.screen.query_one("#sidebar")
        width = sidebar.size.width
        row = next(line[:width] for line in lines if "Últimas" in line[:width])
        assert row.rstrip().endswith(" 17") and "…" in row
        # the counts form one column, ending where the sidebar's rows end
        counted = [line[:width].rstrip() for line in lines if line[:width].rstrip()[-1:].isdigit()]
        assert len(counted) >= 5 and len({len(line) for line in counted}) == 1
        # the list beside it keeps room for its titles
        assert any("Noticia 16" in line[width:] for line in lines)

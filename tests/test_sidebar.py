"""The sidebar counts unread stories on every row, right-aligned, never cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_factory import build_fixture_db, make_app, screen_text, settle
from sqlite_utils import Database
from textual.widgets.tree import TreeNode

from store.db import open_db
from store.feeds import add_feed, record_failure, set_folder, set_paused
from store.ingest import store_feed
from store.items import set_read
from store.model import Entry, ParsedFeed
from store.search.saved import save_search
from store.tags import tag_items
from tui.controllers.sidebar_data import load_sidebar
from tui.widgets.sidebar import View, entry_name, shorten_names

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def test_a_language_with_one_feed_drops_the_part_its_heading_says() -> None:
    views = [View("AA Español · Últimas noticias", "feed:1")]
    shorten_names(views, "Español")
    assert views[0].short == "Últimas noticias"
    assert views[0].name == "AA Español · Últimas noticias"  # the list's title keeps it all
    other = [View("Hacker News: Front Page", "feed:2")]
    shorten_names(other, "English")  # the prefix does not name the language: kept whole
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
    assert by_name["Starred"] == 3  # every starred story, read or not (one is unread)
    assert by_name["#done"] == 0


def test_a_paused_feed_is_marked_as_one(db: Database) -> None:
    feed = add_feed(db, "https://example.org/feed", title="Example")
    set_paused(db, feed.id, True)
    (view,) = load_sidebar(db).feed_views()
    assert entry_name(view).plain == "‖ Example"
    record_failure(db, feed.id, "HTTP 404 Not Found")  # paused and failing: both said
    (view,) = load_sidebar(db).feed_views()
    assert entry_name(view).plain == "‖ ⚠ Example"
    set_paused(db, feed.id, False)
    (view,) = load_sidebar(db).feed_views()
    assert entry_name(view).plain == "⚠ Example"


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


async def test_feeds_that_arrive_together_all_show_and_the_cursor_keeps_its_entry(
    tmp_path: Path,
) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    app = make_app(path)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one("#sidebar")
        sidebar.select_query("is:starred")  # type: ignore[attr-defined]
        sidebar.action_select_cursor()  # type: ignore[attr-defined]
        await settle(pilot)
        assert app.screen.sub_title == "Starred"
        db = open_db(path)
        for n in range(12):  # a sync brings its account's feeds in one go
            feed = add_feed(db, f"http://127.0.0.1:9/new{n}", title=f"Arrived {n:02d}", lang="ca")
            guids = [f"new{n}-{k}" for k in range(n + 1)]
            entries = [Entry(key=f"guid:{g}", guid=g, title="x") for g in guids]
            store_feed(db, feed.id, ParsedFeed(entries=entries))
        db.close()
        app.screen.viewer.load_counts()  # type: ignore[attr-defined]
        await settle(pilot)
        width = sidebar.size.width
        rows = [line[:width].rstrip() for line in screen_text(app).splitlines()]
        for n in range(12):  # each under its language, with its own count
            assert any(f"Arrived {n:02d}" in row and row.endswith(f" {n + 1}") for row in rows), n
        assert sidebar.cursor_node.data.query == "is:starred"  # type: ignore[attr-defined]


async def test_a_saved_search_asking_what_a_view_asks_is_an_entry_of_its_own(
    tmp_path: Path,
) -> None:
    """ "Updated" and a saved search of "is:updated": choosing one keeps the cursor on it,
    and each row keeps its own name and count."""
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    save_search(db, "Updated stories", "is:updated")
    db.close()
    app = make_app(path)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one("#sidebar")
        for name in ("Updated", "Updated stories", "Updated"):
            node = _entry_named(sidebar.root, name)  # type: ignore[attr-defined]
            sidebar.move_cursor(node)  # type: ignore[attr-defined]
            sidebar.action_select_cursor()  # type: ignore[attr-defined]
            await settle(pilot)
            assert app.screen.sub_title == name
            app.screen.viewer.load_counts()  # type: ignore[attr-defined]
            await settle(pilot)
            assert sidebar.cursor_node.data.name == name  # type: ignore[attr-defined]
        for name in ("Updated", "Updated stories"):  # each row still its own
            assert _entry_named(sidebar.root, name).data.name == name  # type: ignore[attr-defined]


def _entry_named(node: TreeNode[View], name: str) -> TreeNode[View]:
    """The sidebar's entry of that name, anywhere in its tree."""
    found = [n for n in _entries(node) if n.data is not None and n.data.name == name]
    assert len(found) == 1, f"{len(found)} entries named {name!r}"
    return found[0]


def _entries(node: TreeNode[View]) -> list[TreeNode[View]]:
    return [node] + [e for child in node.children for e in _entries(child)]


async def test_feeds_filed_in_folders_are_listed_under_them(tmp_path: Path) -> None:
    """A feed of the user's "News/World" is under News, then World (even alone there);
    moved to another folder, it is listed there; the others stay by language."""
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    world = add_feed(db, "https://world.example/rss", title="World desk", folder="News/World")
    add_feed(db, "https://tech.example/rss", title="Gadgets", folder="Tech")
    add_feed(db, "https://blog.example/rss", title="My blog", folder="English")
    db.close()
    app = make_app(path)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot)
        root = app.screen.query_one("#sidebar").root  # type: ignore[attr-defined]
        assert _headings_over(root, "World desk") == ["Feeds", "News", "World"]
        assert _headings_over(root, "Gadgets") == ["Feeds", "Tech"]
        # a folder named as a language is the folder's heading, not that language's
        assert _headings_over(root, "My blog") == ["Feeds", "English"]
        assert _headings_over(root, "AA English — World") == ["Feeds", "English"]
        mine, theirs = (_entry_named(root, n).parent for n in ("My blog", "AA English — World"))
        assert mine is not theirs and len(mine.children) == 1  # type: ignore[union-attr]
        text = screen_text(app)
        assert text.index("News") < text.index("Türkçe")  # the user's folders first
        db = open_db(path)
        set_folder(db, world.id, "Tech/World")
        db.close()
        app.screen.viewer.load_counts()  # type: ignore[attr-defined]
        await settle(pilot)
        root = app.screen.query_one("#sidebar").root  # type: ignore[attr-defined]
        assert _headings_over(root, "World desk") == ["Feeds", "Tech", "World"]


def _headings_over(root: TreeNode[View], name: str) -> list[str]:
    """The headings above the entry of that name, from the top down."""
    node, headings = _entry_named(root, name).parent, []
    while node is not None and node is not root:
        headings.append(str(node.label))
        node = node.parent
    return headings[::-1]


async def test_a_failing_feed_s_view_says_why_in_the_status_line(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")  # its "AA English — All" failed: HTTP 404
    app = make_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one("#sidebar")
        sidebar.move_cursor(_entry_named(sidebar.root, "AA English — All"))  # type: ignore[attr-defined]
        sidebar.action_select_cursor()  # type: ignore[attr-defined]
        await settle(pilot)
        status = next(line for line in screen_text(app).splitlines() if "stories ·" in line)
        assert "AA English — All" in status and "⚠ HTTP 404 Not Found" in status
        await pilot.press("left_square_bracket")  # the feed before it: nothing to warn of
        await settle(pilot)
        status = next(line for line in screen_text(app).splitlines() if "unread" in line)
        assert "AA English — All" not in status and "⚠" not in status

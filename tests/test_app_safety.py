"""Feed text is data: no markup, no escapes, no links but http(s) opened."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from app_factory import NOW, build_fixture_db, make_app, notifications, screen_text, settle
from waiting import pilot_wait_for

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from store.parsing.feed import parse_feed
from tui.config import Config
from tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def _ingest_crafted(path: Path, pattern: str) -> list[str]:
    """Parse and store our hostile feeds the way a refresh would; returns their titles."""
    db = open_db(path)
    titles = []
    for name in sorted((Path(__file__).parent / "fixtures" / "feeds").glob(pattern)):
        feed = add_feed(db, f"https://example.test/{name.stem}.xml", title=name.stem)
        parsed = parse_feed(name.read_bytes(), url=feed.url)
        for entry in parsed.entries:
            entry.published = NOW  # the crafted files carry no dates
        titles += [e.title for e in parsed.entries]
        store_feed(db, feed.id, parsed)
    db.close()
    return titles


async def test_crafted_markup_titles_are_shown_literally(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    titles = _ingest_crafted(path, "markup_*.xml")
    assert "[link=https://evil.test/phish]Your bank[/link]" in titles
    db = open_db(path)
    feed = add_feed(db, "https://example.test/rich.xml", title="[bold]Feed[/bold]")
    rich_title = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"
    store_feed(db, feed.id, ParsedFeed(entries=[Entry(key="guid:x", title=rich_title)]))
    db.close()
    titles.append(rich_title)
    app = make_app(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for title in titles:
            assert title in text  # in the list, as typed
        assert "[bold]Feed[/bold]" in text  # the sidebar too
        story = app.screen.query_one("#story")
        for _ in titles:  # and each in the reader
            await settle(pilot)
            assert story.item.title in screen_text(app).split("▔")[-1]
            await pilot.press("j")


async def test_no_control_character_reaches_the_screen(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    titles = _ingest_crafted(path, "esc_*.xml")
    assert any("Copy me" in title for title in titles)
    app = make_app(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert "Copy me" in screen_text(app)  # the text stays, the escapes go
        for _ in titles:
            await pilot.press("j")
            await settle(pilot)
            text = screen_text(app)
            bad = [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]
            assert bad == []
            assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in text)


async def test_o_opens_the_link_as_one_argument_and_refuses_other_schemes(tmp_path: Path) -> None:
    import sys

    record = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(
        "import sys, pathlib\npathlib.Path(sys.argv[1]).write_text('\\n'.join(sys.argv[2:]))\n"
    )
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    feed = add_feed(db, "https://example.test/x.xml", title="X")
    bad = "file:///etc/passwd; rm -rf ~"
    old = NOW - timedelta(days=30)  # the oldest story: last in the list
    store_feed(
        db,
        feed.id,
        ParsedFeed(entries=[Entry(key="guid:bad", title="Bad", link=bad, published=old)]),
    )
    db.close()
    config = Config(dwell_seconds=3600, browser=[sys.executable, str(script), str(record)])
    app = make_app(path, config)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        first = app.screen.query_one("#story").item
        await pilot.press("o")
        await pilot_wait_for(pilot, lambda: record.exists() and record.read_text())
        assert record.read_text() == first.link  # one argument, exactly the link
        record.unlink()
        await pilot.press("G")
        await settle(pilot)
        assert items.cached(items.current_id).link == bad
        await pilot.press("o")
        await settle(pilot)
        assert not record.exists()
        assert any("only http(s) links" in str(n.message) for n in notifications(app))

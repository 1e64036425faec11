"""The list's time and place columns: as wide as the rows in view need, no wider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from app_factory import NOW, make_app, screen_text, settle

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from tui.config import Config

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def blog_db(path: Path) -> Path:
    """A feed that is not AA's: no places, one story from an earlier year."""
    db = open_db(path)
    feed = add_feed(db, "https://blog.example.org/feed", title="A blog")
    entries = [
        Entry(key="guid:new", title="Fresh post", guid="new", published=NOW - timedelta(hours=1)),
        Entry(
            key="guid:old",
            title="Post from long ago",
            guid="old",
            published=datetime(2024, 5, 9, 12, 0, tzinfo=UTC),
        ),
    ]
    store_feed(db, feed.id, ParsedFeed(entries=entries))
    db.close()
    return path


async def test_no_blank_place_column_and_old_rows_read_day_month_year(tmp_path: Path) -> None:
    app = make_app(blog_db(tmp_path / "blog.db"), Config(dwell_seconds=3600))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
    fresh = next(line for line in lines if "Fresh post" in line)
    old = next(line for line in lines if "Post from long ago" in line)
    assert "09.05.24" in old
    # time (as wide as "DD.MM.YY"), a space, the language column, then the title at once
    assert fresh.index("Fresh post") == old.index("Post from long ago")
    assert fresh.index("Fresh post") - fresh.index("14:00") == len("14:00 ") + len("lng")

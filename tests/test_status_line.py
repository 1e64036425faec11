"""The status line: a refresh's progress shows in place, and goes when it ends."""

from __future__ import annotations

from typing import Any

import pytest
from app_factory import screen_text
from textual.app import App, ComposeResult

from tui.widgets.status_line import StatusLine


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


class _OneLine(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")


def _status_row(app: App[Any]) -> str:
    return next(line for line in screen_text(app).splitlines() if line.strip())


@pytest.mark.anyio
async def test_progress_shows_the_feed_and_the_share_done_then_goes() -> None:
    app = _OneLine()
    async with app.run_test(size=(80, 3)) as pilot:
        status = app.query_one(StatusLine)
        status.show_view("All", 314, 136)
        await pilot.pause()
        assert "314 stories · 136 unread" in _status_row(app)

        status.show_progress(3, 10, "Anadolu Ajansı - Güncel, a title far too long for the box")
        await pilot.pause()
        row = _status_row(app)
        assert "Refreshing 3/10 Anadolu" in row and "…" in row  # cut, and says so
        assert row.rstrip().endswith("30%") and "━" in row

        status.show_progress(10, 10, "AA English")
        await pilot.pause()
        assert _status_row(app).rstrip().endswith("100%")
        assert "Refreshing 10/10 AA English" in _status_row(app)

        status.done()
        await pilot.pause()
        row = _status_row(app)
        assert "Refreshing" not in row and "%" not in row
        assert "314 stories · 136 unread" in row

"""Snapshots of the main screens, all from the one app factory over the fixture database.

Update them after an intended change with ``uv run pytest tests/test_snapshots.py
--snapshot-update -n 0`` and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_factory import fixture_app, settle
from textual.pilot import Pilot
from textual.widgets import Input


def _before(*keys: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        pilot.app.screen.query_one(Input).cursor_blink = False
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (140, 40), (200, 60)])
def test_main_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(fixture_app(tmp_path), terminal_size=size, run_before=_before())


def test_a_story_updated_since_it_was_read(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keys = ["j"] * 9  # the Crete earthquake story, read and then changed
    assert snap_compare(fixture_app(tmp_path), terminal_size=(140, 40), run_before=_before(*keys))


def test_search_results(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keys = ["slash", *"gaza", "enter"]
    assert snap_compare(fixture_app(tmp_path), terminal_size=(140, 40), run_before=_before(*keys))


def test_help_screen(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        fixture_app(tmp_path), terminal_size=(140, 40), run_before=_before("question_mark")
    )


def test_help_screen_with_the_newsboat_keys(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tui.config import Config

    config = Config(dwell_seconds=3600, key_preset="newsboat")
    assert snap_compare(
        fixture_app(tmp_path, config), terminal_size=(140, 60), run_before=_before("question_mark")
    )

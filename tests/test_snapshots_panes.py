"""Snapshots of the diff view (a rewritten lead, inline and side by side) and the sidebar.

Built from the one app factory over the fixture database. Update them after an
intended change with ``uv run pytest tests/test_snapshots_panes.py --snapshot-update -n 0``
and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

from app_factory import NOW, build_fixture_db, make_app, settle
from textual.pilot import Pilot
from textual.widgets import Input

from store import clock
from store.db import open_db
from store.ingest import revise_item
from tui.app import ReaderApp

LEAD_OLD = "Diplomats said the talks would continue into the evening. No vote is planned."
LEAD_NEW = (
    "Diplomats said the talks would go on late into the night. A vote on the ceasefire "
    "text is now expected on Friday, after members asked for more time."
)


def rewritten_lead_app(tmp_path: Path) -> ReaderApp:
    """The fixture with the UN story's lead rewritten once it had two sentences."""
    path = build_fixture_db(tmp_path / "fixture.db")
    db = open_db(path)
    item_id = int(db.execute("SELECT id FROM items WHERE title LIKE 'UN Security%'").fetchone()[0])
    revise_item(db, item_id, summary=LEAD_OLD, now=clock.to_iso(NOW) or "")
    revise_item(db, item_id, summary=LEAD_NEW, now=clock.to_iso(NOW) or "")
    db.close()
    return make_app(path)


def _before(*keys: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        pilot.app.screen.query_one(Input).cursor_blink = False
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_diff_of_a_rewritten_lead_inline(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = rewritten_lead_app(tmp_path)
    assert snap_compare(app, terminal_size=(140, 40), run_before=_before("j", "d"))


def test_diff_of_a_rewritten_lead_side_by_side(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = rewritten_lead_app(tmp_path)
    assert snap_compare(app, terminal_size=(140, 40), run_before=_before("j", "d", "s"))


def test_sidebar_at_80_columns(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(build_fixture_db(tmp_path / "fixture.db"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_before("b"))

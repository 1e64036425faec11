"""Word diffs between story versions, and the screen that shows them."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.app import App
from textual.worker import Worker

from store.db import open_db
from store.diff import SIZE_CAP, has_changes, line_diff, story_diff, text_diff, word_diff
from store.ingest import save_revision
from store.model import Item, Revision
from tests.app_factory import notifications, record_notifications, screen_text, settle
from tests.waiting import pilot_wait_for
from tui.screens.revision_diff import (
    DELETE_STYLE,
    INSERT_STYLE,
    RevisionDiffScreen,
    diff_text,
    render_diff,
    side_rows,
)
from tui.workers import report_failure

IST = timezone(timedelta(hours=3))


def old_text(ops: list[tuple[str, str]]) -> str:
    return "".join(text for kind, text in ops if kind != "insert")


def new_text(ops: list[tuple[str, str]]) -> str:
    return "".join(text for kind, text in ops if kind != "delete")


def test_word_diff_marks_whole_words_and_rebuilds_both_texts() -> None:
    old = "Des pluies record inondent le sud."
    new = "Des pluies diluviennes inondent le sud et l'ouest."
    ops = text_diff(old, new)
    assert ("delete", "record") in ops
    assert ("insert", "diluviennes") in ops
    assert old_text(ops) == old and new_text(ops) == new


def test_paragraph_breaks_survive_a_diff() -> None:
    old = "Premier paragraphe.\n\nDeuxième paragraphe."
    new = "Premier paragraphe.\n\nUn paragraphe ajouté.\n\nDeuxième paragraphe."
    ops = text_diff(old, new)
    assert [kind for kind, _ in ops] == ["equal", "insert", "equal"]
    assert "Un paragraphe ajouté" in ops[1][1]
    assert new_text(ops) == new


def test_identical_texts_have_no_changes() -> None:
    assert not has_changes(text_diff("aynı metin", "aynı metin"))
    assert text_diff("", "") == []


LEAD_OLD = "Teams continue to work to reopen the roads. Schools are closed in the city."
LEAD_NEW = (
    "Snow removal teams continue to work around the roads. Officials said on Tuesday that "
    "every school in the province would stay shut until Friday."
)


def test_a_rewritten_lead_keeps_its_spaces_and_reads_old_then_new() -> None:
    ops = text_diff(LEAD_OLD, LEAD_NEW)
    assert old_text(ops) == LEAD_OLD and new_text(ops) == LEAD_NEW
    # the sentence rewritten: struck whole, the new one after it, no words interleaved
    assert ("delete", "Schools are closed in the city.") in ops
    assert ops[-1][0] == "insert" and ops[-1][1].startswith("Officials said on Tuesday")
    # the sentence changed a little: its words, neighbouring changes as one run
    assert ("delete", "to reopen") in ops and ("insert", "around") in ops
    shown = diff_text(ops).plain
    assert "Teams Snow removal teams continue to work to reopen around the roads." in shown
    assert "TeamsSnow" not in shown and "toaround" not in shown and "reopenthe" not in shown


def test_side_by_side_rows_pair_paragraphs() -> None:
    old = "Same start.\n\nOld middle paragraph here.\n\nSame end."
    new = "Same start.\n\nA wholly different middle.\n\nSame end."
    rows = side_rows(text_diff(old, new))
    assert [(a.plain, b.plain) for a, b in rows] == [
        ("Same start.", "Same start."),
        ("Old middle paragraph here.", "A wholly different middle."),
        ("Same end.", "Same end."),
    ]


def test_huge_texts_fall_back_to_whole_lines() -> None:
    old = "\n".join(f"Line {n} of a very long story." for n in range(8000))
    new = old.replace("Line 4000 of", "Line four thousand of")
    assert len(old) + len(new) > SIZE_CAP
    ops = text_diff(old, new)
    assert ops == line_diff(old, new)
    assert ("delete", "Line 4000 of a very long story.\n") in ops
    assert old_text(ops) == old and new_text(ops) == new


def test_story_diff_covers_title_lead_body_and_update_stamp() -> None:
    revision = Revision(
        id=1,
        item_id=7,
        seen_at="2026-11-26T10:00:00+00:00",
        title="Kar yağışı başladı",
        summary="Kent beyaza büründü.",
        body="Okullar açık.",
        updated=datetime(2026, 11, 26, 9, 0, tzinfo=IST),
    )
    item = Item(
        id=7,
        key="aa:1",
        title="Kar yağışı etkili oldu",
        summary="Kent beyaza büründü.",
        body="Okullar tatil.",
        updated=datetime(2026, 11, 27, 9, 0, tzinfo=IST),
    )
    diff = story_diff(revision, item)
    assert set(diff) == {"title", "lead", "body", "updated"}
    assert not has_changes(diff["lead"])
    assert ("insert", "etkili oldu") in diff["title"]
    assert ("delete", "açık") in diff["body"]
    assert new_text(diff["updated"]) == "2026-11-27T09:00:00+03:00"  # ISO unless told
    shown = story_diff(revision, item, lambda moment: f"{moment:%d.%m.%Y %H:%M}")
    assert new_text(shown["updated"]) == "27.11.2026 09:00"


def test_screen_text_styles_changes_and_never_reads_markup() -> None:
    text = diff_text(word_diff("[bold]eski[/]", "[bold]yeni[/]"))
    assert text.plain == "[bold]eski yeni[/]"
    styles = {str(span.style) for span in text.spans}
    assert {INSERT_STYLE, DELETE_STYLE} <= styles
    assert "[bold]" in text.plain  # shown as characters, not as bold


def test_render_diff_without_revisions_says_so() -> None:
    assert "No earlier version" in str(render_diff([], 0, None))


def story_with_two_earlier_versions(path: Path) -> int:
    db = open_db(path)
    db.execute(
        "INSERT INTO items (key, title, summary, body, published_ts, first_seen, last_seen) "
        "VALUES ('aa:1', 'Birinci başlık', 'Spot', 'Gövde bir.', 0, 'x', 'x')"
    )
    item_id = int(db.execute("SELECT id FROM items").fetchone()[0])
    for seen, title in (
        ("2026-11-26T10:00:00+00:00", "İkinci başlık"),
        ("2026-11-26T11:00:00+00:00", "Üçüncü başlık"),
    ):
        save_revision(db, item_id, seen)
        db.execute("UPDATE items SET title = ? WHERE id = ?", [title, item_id])
    db.conn.commit()
    db.close()
    return item_id


class DiffHost(App[None]):
    """Shows one diff screen, with the reader's one failure handler; keeps its notes."""

    def __init__(self, screen: RevisionDiffScreen) -> None:
        super().__init__()
        self.diff_screen = screen
        record_notifications(self)

    def on_mount(self) -> None:
        self.push_screen(self.diff_screen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_screen_pages_through_versions_and_closes(tmp_path: Path, anyio_backend: str) -> None:
    path = tmp_path / "d.db"
    item_id = story_with_two_earlier_versions(path)

    app = DiffHost(RevisionDiffScreen(path, item_id))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RevisionDiffScreen)
        text = screen_text(app)
        assert "Version 2 of 2" in text and "İkinci" in text and "Üçüncü" in text
        await pilot.press("left_square_bracket")
        await settle(pilot)
        text = screen_text(app)
        assert "Version 1 of 2" in text and "Birinci" in text
        await pilot.press("right")
        await settle(pilot)
        assert "Version 2 of 2" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RevisionDiffScreen)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_diff_is_worked_out_off_the_screen_and_its_failure_is_told(
    tmp_path: Path, anyio_backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.db"
    item_id = story_with_two_earlier_versions(path)
    release = threading.Event()

    def slow_then_broken(*args: object, **kwargs: object) -> None:
        release.wait(timeout=30)
        raise ValueError("the diff broke")

    monkeypatch.setattr("tui.screens.revision_diff.story_diff", slow_then_broken)

    app = DiffHost(RevisionDiffScreen(path, item_id))
    async with app.run_test(size=(100, 30)) as pilot:
        # The story is read; its diff is still being worked out.
        await pilot_wait_for(pilot, lambda: "Working out what changed" in screen_text(app))
        await pilot.press("s")  # keys still answer while the worker runs
        assert app.screen.side_by_side  # type: ignore[attr-defined]
        release.set()
        await settle(pilot)
        assert "Could not show what changed: ValueError: the diff broke" in screen_text(app)
        notes = [n.message for n in notifications(app)]
        assert any("the diff broke" in note for note in notes)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RevisionDiffScreen)

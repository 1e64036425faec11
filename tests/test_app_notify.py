"""Notify rules in the reader: a toast for new matching stories, the bell when the
terminal is not focused, the config's notify command; once per story, never for
the stories there at start, feed text shown as text.

Textual keeps no public list of the notifications it shows: the tests read them
where they all go (``App.notify``, recorded by ``app_factory``) and, for the title
drawn as text, from the toast on screen (``run_test(notifications=True)``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from app_factory import build_fixture_db, make_app, notifications, settle
from pytest_httpserver import HTTPServer
from textual import events
from waiting import pilot_wait_for

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from tui.app import ReaderApp
from tui.config import Config

pytestmark = pytest.mark.anyio

HOSTILE = "[bold]Breaking[/] [@click=app.quit]quit[/] news"


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def _rss(titles: list[str]) -> str:
    items = "".join(
        f"<item><title>{title}</title><guid>story-{n}</guid>"
        f"<pubDate>Thu, 12 Mar 2026 14:{n % 60:02d} +0000</pubDate></item>"
        for n, title in enumerate(titles)
    )
    channel = f"<channel><title>Local</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def _serve(server: HTTPServer, titles: list[str]) -> None:
    server.clear()
    server.expect_request("/feed.xml").respond_with_data(
        _rss(titles), content_type="application/rss+xml"
    )


def _reader(tmp_path: Path, server: HTTPServer, **settings: object) -> ReaderApp:
    """The fixture database (its feeds paused: only the local one is fetched) and a
    rule that notifies of stories with "breaking" in them."""
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    db.execute("UPDATE feeds SET paused = 1")
    add_feed(db, server.url_for("/feed.xml"), title="Local")
    db.close()
    rules = [
        {"query": "breaking", "tags": ["Breaking"], "notify": True},
        {"query": "gaza OR gazze", "notify": True},  # the fixture's stories: there at start
    ]
    return make_app(path, Config(dwell_seconds=3600, rules=rules, **settings))  # type: ignore[arg-type]


def _alerts(app: ReaderApp) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in notifications(app) if " match" in n.title]


def _toasts(app: ReaderApp) -> str:
    """The text of the toasts on screen, as drawn (Textual's Toast widget, by its name)."""
    return "\n".join(toast.render().plain for toast in app.screen.query("Toast"))


def _count_bells(app: ReaderApp) -> list[int]:
    rung: list[int] = []
    app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
    return rung


async def test_a_new_matching_story_shows_a_toast_with_its_title_as_text(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    _serve(httpserver, [HOSTILE, "Weather is fine"])
    app = _reader(tmp_path, httpserver)
    bells = _count_bells(app)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        assert _alerts(app) == []  # the Gaza stories were there before
        await pilot.press("R")
        await pilot_wait_for(pilot, lambda: _alerts(app), what="the alert")
        assert _alerts(app) == [("New story matches 'Breaking'", HOSTILE)]
        # Shown as it is written, never as markup (no bold, no link to quit).
        await pilot_wait_for(pilot, lambda: HOSTILE in _toasts(app), what="the toast drawn")
        assert app.is_running
        assert bells == []  # the terminal has focus: no bell
        # The same stories again: no second alert.
        await pilot.press("R")
        await settle(pilot)
        assert len(_alerts(app)) == 1


async def test_many_matches_are_one_toast_and_the_command_runs_once(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    titles = [f"Story {n}: breaking news from the coast" for n in range(12)]
    _serve(httpserver, titles)
    said = tmp_path / "argv.txt"
    script = tmp_path / "notify.py"
    script.write_text(
        "import sys, pathlib\n"
        f"pathlib.Path({str(said)!r}).open('a').write(repr(sys.argv[1:]) + '\\n')\n"
    )
    app = _reader(tmp_path, httpserver, notify_command=[sys.executable, str(script), "aanews"])
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot_wait_for(pilot, lambda: _alerts(app), what="the alert")
        [(title, message)] = _alerts(app)
        assert title == "12 new stories match 'Breaking'"
        lines = message.splitlines()
        assert len(lines) == 4 and lines[-1] == "… and 9 more"
        assert all(line.startswith("• Story ") for line in lines[:3])
        first = lines[0][2:]
        await pilot_wait_for(pilot, said.exists, what="the notify command")
        await settle(pilot)
    assert said.read_text().splitlines() == [
        repr(["aanews", f"12 new stories match 'Breaking': {first}"])
    ]


async def test_another_process_s_stories_alert_and_ring_the_bell_only_when_unfocused(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    app = _reader(tmp_path, httpserver)
    bells = _count_bells(app)

    def store_elsewhere(title: str, key: str) -> None:
        db = open_db(app.db_path)  # a connection of its own, as a cron fetch would have
        feed = add_feed(db, f"http://127.0.0.1:9/{key}", title="Cron")
        store_feed(db, feed.id, ParsedFeed(entries=[Entry(key=f"guid:{key}", title=title)]))
        db.close()

    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.post_message(events.AppBlur())  # the user went to another window
        await pilot_wait_for(pilot, lambda: not app.app_focus)
        store_elsewhere("Quake: breaking news", "one")
        await pilot_wait_for(pilot, lambda: _alerts(app), what="the alert")
        assert _alerts(app) == [("New story matches 'Breaking'", "Quake: breaking news")]
        assert bells == [1]
        app.post_message(events.AppFocus())
        await pilot_wait_for(pilot, lambda: app.app_focus)
        store_elsewhere("Flood: breaking news", "two")
        await pilot_wait_for(pilot, lambda: len(_alerts(app)) == 2, what="the second alert")
        assert bells == [1]  # focused: the toast alone


async def test_a_missing_notify_program_is_said_once(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    _serve(httpserver, ["One breaking story"])
    app = _reader(tmp_path, httpserver, notify_command=[str(tmp_path / "no-such-notifier")])

    def warnings() -> list[str]:
        return [n.message for n in notifications(app) if n.severity == "warning"]

    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot_wait_for(pilot, warnings, what="the warning")
        _serve(httpserver, ["One breaking story", "Two breaking stories"])
        await pilot.press("R")
        await pilot_wait_for(pilot, lambda: len(_alerts(app)) == 2, what="the second alert")
        await settle(pilot)
    [warning] = warnings()
    assert "no-such-notifier" in warning and "no program" in warning


async def test_a_short_note_takes_one_line_over_the_status_line_not_the_story(
    tmp_path: Path,
) -> None:
    """At 80 x 24 a note ("Starred.") is one line at the status line's right end: the
    story's last lines stay readable while it shows."""
    app = make_app(build_fixture_db(tmp_path / "f.db"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s")
        await pilot_wait_for(pilot, lambda: "Starred." in _toasts(app), what="the note")
        (toast,) = app.screen.query("Toast")
        status = app.screen.query_one("StatusLine")
        assert toast.region.height == 1
        assert toast.region.y == status.region.y
        counts = app.screen.query_one("#status-view").render()
        assert "unread" in str(counts)
        assert len(str(counts)) + 1 < toast.region.x  # the view's counts stay shown

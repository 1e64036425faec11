"""Refreshing from the reader: in the background, per feed, on a timer; never online."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from app_factory import build_fixture_db, make_app, notifications, screen_text, settle
from local_server import Request, Response, start_server, stop_server
from waiting import pilot_wait_for

from store.db import open_db
from store.feeds import add_feed
from tui.config import Config
from tui.widgets.item_list import ItemList

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


class _GatedFeeds:
    """A feed server on 127.0.0.1 that answers only once the test opens the gate.

    One feed is good, one is gone (404). Holding the answers back keeps the
    refresh running for as long as the test presses keys, however slow the machine.
    """

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.rss = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local</title>'
            + "".join(
                f"<item><title>Fresh story {n}</title><guid>fresh-{n}</guid>"
                f"<pubDate>Thu, 12 Mar 2026 14:5{n} +0000</pubDate></item>"
                for n in range(3)
            )
            + "</channel></rss>"
        ).encode()
        self.server = start_server(self._answer)
        self.url = f"http://127.0.0.1:{self.server.port}"

    def _answer(self, request: Request) -> Response:
        self.gate.wait(timeout=20)
        if request.path == "/good.xml":
            return Response(self.rss, content_type="application/rss+xml")
        return Response(b"not found", status=404)

    def close(self) -> None:
        self.gate.set()
        stop_server(self.server)


async def test_refresh_runs_in_the_background_while_moving(tmp_path: Path) -> None:
    path = build_fixture_db(tmp_path / "f.db")
    server = _GatedFeeds()
    db = open_db(path)
    db.execute("UPDATE feeds SET paused = 1")  # only the local feeds are fetched
    good = add_feed(db, f"{server.url}/good.xml", title="Local good")
    gone = add_feed(db, f"{server.url}/gone.xml", title="Local gone")
    db.close()
    app = make_app(path, Config(dwell_seconds=30))
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            items = app.screen.query_one(ItemList)
            await pilot.press("R")
            await pilot.pause()
            status = app.screen.query_one("#status")
            assert status.has_class("-busy")
            story = app.screen.query_one("#story")
            for key in "jjjk":  # the list and the reader answer while the fetch is on
                before = items.cursor
                await pilot.press(key)
                await pilot.pause()
                assert items.cursor == before + (1 if key == "j" else -1)
                # The story follows (its worker, not the refresh).
                await pilot_wait_for(
                    pilot, lambda: story.item is not None and story.item.id == items.current_id
                )
            assert status.has_class("-busy"), [str(n.message) for n in notifications(app)]
            server.gate.set()
            await settle(pilot)
            text = screen_text(app)
            assert "Fresh story 2" in text
            assert "⚠ Local gone" in text  # the failed feed is marked in the sidebar
            notes = [str(n.message) for n in notifications(app)]
            assert any("Local gone" in note and "404" in note for note in notes)
            assert not app.screen.query_one("#status").has_class("-busy")
    finally:
        server.close()
    db = open_db(path)
    assert db.execute("SELECT failures FROM feeds WHERE id = ?", [gone.id]).fetchone()[0] == 1
    assert (
        db.execute("SELECT COUNT(*) FROM item_feeds WHERE feed_id = ?", [good.id]).fetchone()[0]
        == 3
    )
    db.close()


async def test_a_feed_failing_again_is_counted_in_the_summary_not_said_again(
    tmp_path: Path,
) -> None:
    """Each refresh says a feed's failure once, when it starts failing; after that the
    summary counts it and says where to see why (at 80 x 24 a note per broken feed at
    every R covered the story)."""
    path = build_fixture_db(tmp_path / "f.db")
    server = _GatedFeeds()
    server.gate.set()
    db = open_db(path)
    db.execute("UPDATE feeds SET paused = 1")  # only the local feeds are fetched
    add_feed(db, f"{server.url}/good.xml", title="Local good")
    gone = [add_feed(db, f"{server.url}/gone{n}.xml", title=f"Gone {n}") for n in range(5)]
    db.close()
    app = make_app(path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for _ in range(2):
                said = len(notifications(app))
                await pilot.press("R")
                await pilot_wait_for(
                    pilot,
                    lambda n=said: any(note.title == "Refresh" for note in notifications(app)[n:]),
                    what="the refresh's summary",
                )
                await settle(pilot)
                notes = notifications(app)[said:]
                summary = next(str(n.message) for n in notes if n.title == "Refresh")
                assert "5 failed" in summary and summary.endswith("; F shows why")
                failed = [str(n.message) for n in notes if n.title == "Feed failed"]
                if _ == 0:  # the first three by name, the rest counted
                    assert len(failed) == 3 and all("404" in note for note in failed)
                    assert "2 more failed too." in [str(n.message) for n in notes]
                else:  # failing as before: not said again
                    assert failed == [] and len(notes) == 1
    finally:
        server.close()
    db = open_db(path)
    ids = [feed.id for feed in gone]
    marks = ", ".join("?" * len(ids))
    failures = db.execute(f"SELECT failures FROM feeds WHERE id IN ({marks})", ids).fetchall()
    assert failures == [(2,)] * 5
    db.close()


async def test_ctrl_r_refreshes_only_the_current_feed_and_auto_refresh_runs_alone(
    tmp_path: Path,
) -> None:
    from tui.widgets.sidebar import View

    path = build_fixture_db(tmp_path / "f.db")
    server = _GatedFeeds()
    server.gate.set()
    db = open_db(path)
    db.execute("UPDATE feeds SET paused = 1")  # only the local feeds are fetched
    good = add_feed(db, f"{server.url}/good.xml", title="Local good")
    gone = add_feed(db, f"{server.url}/gone.xml", title="Local gone")
    db.close()

    def fetched(feed_id: int) -> str | None:
        db = open_db(path)
        try:
            return db.execute("SELECT last_fetched FROM feeds WHERE id = ?", [feed_id]).fetchone()[
                0
            ]
        finally:
            db.close()

    try:
        app = make_app(path)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            app.screen.viewer.show_view(View("Local good", f"feed:{good.id}"))
            await settle(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert fetched(good.id) is not None
            assert _flags_failures(path, gone.id) == 0  # the other feed was left alone
            assert "Fresh story 1" in screen_text(app)
        app = make_app(path, Config(dwell_seconds=3600, auto_refresh_minutes=0.005))
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            # Every 0.3 s, with no key pressed.
            await pilot_wait_for(pilot, lambda: _flags_failures(path, gone.id) >= 1)
    finally:
        server.close()


def _stories_in_status(app: object) -> int:
    match = re.search(r"([\d,]+) stor(?:y|ies) ·", screen_text(app))  # type: ignore[arg-type]
    return int(match[1].replace(",", "")) if match else -1


def _flags_failures(path: Path, feed_id: int) -> int:
    db = open_db(path)
    try:
        return int(db.execute("SELECT failures FROM feeds WHERE id = ?", [feed_id]).fetchone()[0])
    finally:
        db.close()


async def test_during_a_refresh_other_writers_wait_for_its_end_and_counts_are_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watch for other writers also sees the reader's own refresh writing. While the
    refresh runs, what it sees waits: the sidebar is not counted again at every look
    (on a large database that kept the keys waiting); the end of the refresh reads the
    counts and the list once, with the other writer's stories."""
    from store.ingest import store_feed
    from store.parsing.feed import parse_feed
    from tests.two_writers import rss
    from tui.controllers import watcher
    from tui.controllers.views import ViewReader

    monkeypatch.setattr(watcher, "WATCH_SECONDS", 0.05)
    counted: list[object] = []
    count = ViewReader.count
    monkeypatch.setattr(
        ViewReader, "count", lambda reader, view: counted.append(view) or count(reader, view)
    )
    path = build_fixture_db(tmp_path / "f.db")
    server = _GatedFeeds()
    db = open_db(path)
    db.execute("UPDATE feeds SET paused = 1")  # only the local feed is fetched
    add_feed(db, f"{server.url}/good.xml", title="Local good")
    db.close()
    app = make_app(path)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            watch = app.screen.query_one(watcher.Watcher)
            listed = _stories_in_status(app)
            await pilot.press("R")
            await pilot_wait_for(pilot, lambda: watch.busy, what="the refresh to start")
            before = len(counted)
            db = open_db(path)  # a cron fetch stores stories meanwhile
            cron = add_feed(db, "http://127.0.0.1:9/cron", title="Cron")
            store_feed(db, cron.id, parse_feed(rss("cron", 3), url=cron.url))
            db.close()
            await pilot_wait_for(pilot, lambda: watch.holding, what="the watch to see it")
            await pilot.pause()
            assert len(counted) == before
            assert _stories_in_status(app) == listed
            server.gate.set()
            # The refresh's end: its stories and the cron's listed, the watch let go.
            await pilot_wait_for(
                pilot,
                lambda: (
                    _stories_in_status(app) == listed + 3 + 3
                    and not watch.busy
                    and not watch.holding
                ),
                what="the refresh's and the cron's stories",
            )
            await settle(pilot)
            assert "Fresh story 2" in screen_text(app)
            assert len(counted) == before + 1
    finally:
        server.close()


async def test_a_refresh_of_many_feeds_parses_in_processes_away_from_the_screen(
    tmp_path: Path,
) -> None:
    """Eight feeds or more are parsed by worker processes, started by the refresh's own
    process (the reader's screen keeps its interpreter to itself); every story arrives."""
    from store.fetching.workers import PROCESS_POOL_MIN_FEEDS

    path = build_fixture_db(tmp_path / "f.db")
    server = _GatedFeeds()
    server.gate.set()
    db = open_db(path)
    db.execute("UPDATE feeds SET paused = 1")
    feeds = [
        add_feed(db, f"{server.url}/good.xml?copy={n}", title=f"Copy {n}")
        for n in range(PROCESS_POOL_MIN_FEEDS)
    ]
    db.close()
    app = make_app(path)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await pilot_wait_for(pilot, lambda: "Refreshing" in screen_text(app))
            await pilot_wait_for(
                pilot,
                lambda: any("refreshed" in str(n.message) for n in notifications(app)),
                timeout=60,
                what="the refresh's summary",
            )
            await settle(pilot)
            notes = [str(n.message) for n in notifications(app)]
            assert any(f"{len(feeds)} refreshed" in note for note in notes), notes
    finally:
        server.close()
    db = open_db(path)
    for feed in feeds:
        stored = db.execute("SELECT COUNT(*) FROM item_feeds WHERE feed_id = ?", [feed.id])
        assert stored.fetchone()[0] == 3
    db.close()


async def test_after_a_refresh_the_reader_merges_the_search_index(tmp_path: Path) -> None:
    from store.ingest import store_feed
    from store.model import Entry, ParsedFeed
    from store.search.upkeep import index_segments

    path = build_fixture_db(tmp_path / "f.db")
    server = _GatedFeeds()
    server.gate.set()
    db = open_db(path)
    db.execute("UPDATE feeds SET paused = 1")  # only the local feed is fetched
    add_feed(db, f"{server.url}/good.xml", title="Local good")
    for n in range(30):  # stored feed by feed, as refreshes store them: a segment each
        feed = add_feed(db, f"https://example.org/{n}.xml", title=f"Old {n}")
        entries = [Entry(key=f"guid:old-{n}-{k}", title=f"old story {n} {k}") for k in range(4)]
        store_feed(db, feed.id, ParsedFeed(title=f"Old {n}", entries=entries))
    db.execute("UPDATE feeds SET paused = 1 WHERE url LIKE 'https://example.org/%'")
    before = index_segments(db)
    db.close()

    def segments() -> int:
        db = open_db(path)
        try:
            return index_segments(db)
        finally:
            db.close()

    app = make_app(path, Config())
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await pilot_wait_for(
                pilot, lambda: segments() < before, timeout=30, what="the index's segments merged"
            )
    finally:
        server.close()
    db = open_db(path)
    from store.search.compiler import search_ids

    assert len(search_ids(db, "old story")) == 120 and len(search_ids(db, "fresh")) == 3
    db.close()

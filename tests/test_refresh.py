"""refresh_feeds and ``aanews fetch`` against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import re
import socket
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from types import ModuleType

import feedgen
import pytest
from pytest_httpserver import HTTPServer
from sqlite_utils import Database

from store.feeds import FeedError, add_feed, get_feed
from store.fetching.refresh import refresh_feeds
from store.fetching.workers import PROCESS_POOL_MIN_FEEDS, parse_executor, parse_job
from store.items import set_read, set_starred
from store.tags import item_tags, tag_items
from tui.cli import main

ETAG = '"abc"'
LAST_MODIFIED = "Tue, 24 Nov 2026 10:00:00 GMT"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    """tests/feedgen.py: AA-shaped RSS, a pure function of (seed, feed, items)."""
    return feedgen


def rss(gen: ModuleType, feed: int = 0, items: int = 10, shift: int = 0) -> bytes:
    return gen.render_rss(1, feed, items, shift).encode("utf-8")


def db_path(db: Database) -> str:
    return str(db.conn.execute("PRAGMA database_list").fetchone()[2])


def keys_of(db: Database, feed_id: int) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            "SELECT i.key FROM items i JOIN item_feeds f ON f.item_id = i.id "
            "WHERE f.feed_id = ? ORDER BY i.key",
            [feed_id],
        )
    ]


def test_first_fetch_stores_stories_and_the_second_gets_a_304(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    body = rss(gen, items=12)
    feed = add_feed(db, httpserver.url_for("/f0.xml"))
    httpserver.expect_ordered_request("/f0.xml").respond_with_data(
        body, headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
    )
    httpserver.expect_ordered_request("/f0.xml").respond_with_data("", status=304)

    first = refresh_feeds(db_path(db))
    assert [(o.status, o.new) for o in first.outcomes] == [("new", 12)]
    assert len(first.new_ids) == 12

    second = refresh_feeds(db_path(db))
    assert [(o.status, o.new, o.http_status) for o in second.outcomes] == [("unchanged", 0, 304)]
    assert second.new_ids == [] and second.updated_ids == []
    assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 12
    conditional, _ = httpserver.log[1]
    assert conditional.headers["If-None-Match"] == ETAG
    assert conditional.headers["If-Modified-Since"] == LAST_MODIFIED
    assert get_feed(db, feed.id).last_status == 304


def test_same_bytes_again_parse_nothing(
    db: Database, httpserver: HTTPServer, gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_feed(db, httpserver.url_for("/f0.xml"))
    httpserver.expect_request("/f0.xml").respond_with_data(rss(gen))
    assert refresh_feeds(db_path(db)).count("new") == 1

    def no_parsing(*args: object) -> None:
        raise AssertionError("unchanged bytes were parsed again")

    monkeypatch.setattr("store.fetching.workers.parse_job", no_parsing)
    monkeypatch.setenv("AANEWS_PARSE_IN", "inline")
    report = refresh_feeds(db_path(db))
    assert [(o.status, o.http_status) for o in report.outcomes] == [("unchanged", 200)]


def test_a_broken_feed_fails_alone_and_keeps_its_stories_and_user_state(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    good = add_feed(db, httpserver.url_for("/good.xml"), title="Good")
    flaky = add_feed(db, httpserver.url_for("/flaky.xml"), title="Flaky")
    httpserver.expect_ordered_request("/flaky.xml").respond_with_data(rss(gen, feed=1))
    first = refresh_feeds(db_path(db), [flaky.id])
    kept = first.new_ids
    set_read(db, kept[:3])
    set_starred(db, kept[:1])
    tag_items(db, kept[1:2], ["keep"])

    httpserver.clear()
    httpserver.expect_request("/good.xml").respond_with_data(rss(gen, feed=0, items=5))
    httpserver.expect_request("/flaky.xml").respond_with_data(
        b"<html><body>We are down</body></html>", content_type="text/html"
    )
    report = refresh_feeds(db_path(db))

    outcomes = {o.feed_id: o for o in report.outcomes}
    assert outcomes[good.id].status == "new" and outcomes[good.id].new == 5
    assert outcomes[flaky.id].status == "failed"
    assert outcomes[flaky.id].error.startswith("not a feed")
    stored = get_feed(db, flaky.id)
    assert stored.last_error == outcomes[flaky.id].error and stored.failures == 1
    assert get_feed(db, good.id).last_error is None
    assert len(keys_of(db, flaky.id)) == 10
    assert (
        db.execute(f"SELECT COUNT(*) FROM items WHERE read = 1 AND id IN {tuple(kept)}").fetchone()[
            0
        ]
        == 3
    )
    assert db.execute("SELECT starred FROM items WHERE id = ?", [kept[0]]).fetchone()[0] == 1
    assert item_tags(db, kept[1]) == ["keep"]


def test_many_feeds_are_parsed_in_worker_processes_each_on_its_own(
    db: Database, httpserver: HTTPServer, gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AANEWS_PARSE_IN", raising=False)
    for number in range(10):
        add_feed(db, httpserver.url_for(f"/f{number}.xml"))
        body = rss(gen, feed=number, items=5) if number != 7 else b'{"json": "not a feed"}'
        httpserver.expect_request(f"/f{number}.xml").respond_with_data(body)
    report = refresh_feeds(db_path(db))
    assert report.count("new") == 9 and report.new == 45
    [failed] = report.failures
    assert failed.url.endswith("/f7.xml") and failed.error.startswith("not a feed")


def _refuse_to_start() -> None:
    raise RuntimeError("this worker cannot start")


def test_parsing_carries_on_in_a_thread_when_worker_processes_die(
    db: Database, httpserver: HTTPServer, gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Spawned, not forked: a fork copies locks the server's threads may hold (logging's),
    # and the worker, which logs its failure to start, could then wait forever.
    broken = ProcessPoolExecutor(
        max_workers=1, mp_context=get_context("spawn"), initializer=_refuse_to_start
    )
    monkeypatch.setattr("store.fetching.refresh.parse_executor", lambda feeds, **_: broken)
    for number in range(3):
        add_feed(db, httpserver.url_for(f"/f{number}.xml"))
        httpserver.expect_request(f"/f{number}.xml").respond_with_data(rss(gen, feed=number))
    report = refresh_feeds(db_path(db))
    assert report.count("new") == 3 and report.new == 30


def test_successive_snapshots_leave_the_union_of_their_stories(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    feed = add_feed(db, httpserver.url_for("/f0.xml"))
    for shift in (0, 3, 7):
        httpserver.clear()
        httpserver.expect_request("/f0.xml").respond_with_data(rss(gen, items=10, shift=shift))
        report = refresh_feeds(db_path(db))
        assert report.count("new") == 1
        assert report.new == (10 if shift == 0 else 3 if shift == 3 else 4)
    keys = keys_of(db, feed.id)
    assert len(keys) == 17 == len(set(keys))


def test_404_and_500_mark_only_their_feed(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    ok = add_feed(db, httpserver.url_for("/ok.xml"))
    missing = add_feed(db, httpserver.url_for("/missing.xml"))
    broken = add_feed(db, httpserver.url_for("/broken.xml"))
    httpserver.expect_request("/ok.xml").respond_with_data(rss(gen))
    httpserver.expect_request("/missing.xml").respond_with_data("no", status=404)
    httpserver.expect_request("/broken.xml").respond_with_data("no", status=500)
    report = refresh_feeds(db_path(db))
    assert report.count("new") == 1 and report.count("failed") == 2
    assert get_feed(db, missing.id).last_status == 404
    assert "HTTP 500" in (get_feed(db, broken.id).last_error or "")
    assert not get_feed(db, missing.id).paused
    assert get_feed(db, ok.id).failures == 0


def test_410_pauses_the_feed_until_asked_for_by_id(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    gone = add_feed(db, httpserver.url_for("/gone.xml"))
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=410)
    assert refresh_feeds(db_path(db)).count("failed") == 1
    assert get_feed(db, gone.id).paused

    report = refresh_feeds(db_path(db))
    assert report.outcomes == [] and report.skipped == [(gone.id, "paused")]
    assert report.summary().endswith("(1 skipped: 1 paused)")  # the one line says why
    assert len(httpserver.log) == 1

    refresh_feeds(db_path(db), [gone.id])
    assert len(httpserver.log) == 2


def test_429_retry_after_is_respected(db: Database, httpserver: HTTPServer) -> None:
    busy = add_feed(db, httpserver.url_for("/busy.xml"))
    httpserver.expect_request("/busy.xml").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    first = refresh_feeds(db_path(db))
    assert "retry after" in (first.outcomes[0].error or "")
    assert db.execute("SELECT retry_after FROM feeds").fetchone()[0] is not None

    later = refresh_feeds(db_path(db))
    assert later.outcomes == [] and later.skipped[0][0] == busy.id
    assert later.summary().endswith("(1 skipped: 1 asked to wait)")
    assert len(httpserver.log) == 1
    refresh_feeds(db_path(db), [busy.id])
    assert len(httpserver.log) == 2


def test_a_permanent_redirect_updates_the_feed_url(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    feed = add_feed(db, httpserver.url_for("/old.xml"))
    httpserver.expect_request("/old.xml").respond_with_data(
        "", status=301, headers={"Location": "/new.xml"}
    )
    httpserver.expect_request("/new.xml").respond_with_data(rss(gen))
    report = refresh_feeds(db_path(db))
    assert report.count("new") == 1 and report.outcomes[0].moved_to is None
    assert get_feed(db, feed.id).url == httpserver.url_for("/new.xml")


def test_a_permanent_redirect_to_a_url_another_feed_has_is_only_recorded(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    old = add_feed(db, httpserver.url_for("/old.xml"))
    add_feed(db, httpserver.url_for("/new.xml"))
    httpserver.expect_request("/old.xml").respond_with_data(
        "", status=308, headers={"Location": "/new.xml"}
    )
    httpserver.expect_request("/new.xml").respond_with_data(rss(gen))
    report = refresh_feeds(db_path(db), [old.id])
    assert report.outcomes[0].moved_to == httpserver.url_for("/new.xml")
    assert get_feed(db, old.id).url == httpserver.url_for("/old.xml")


def test_unknown_feed_ids_are_refused_before_fetching(db: Database) -> None:
    with pytest.raises(FeedError, match="no feed with id 99"):
        refresh_feeds(db_path(db), [99])


def test_progress_is_reported_per_feed_and_cancel_stops_between_feeds(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    for number in range(4):
        add_feed(db, httpserver.url_for(f"/f{number}.xml"), title=f"Feed {number}")
        httpserver.expect_request(f"/f{number}.xml").respond_with_data(rss(gen, feed=number))
    calls: list[tuple[int, int, str]] = []
    report = refresh_feeds(
        db_path(db),
        concurrency=1,
        on_progress=lambda done, total, title: calls.append((done, total, title)),
        should_cancel=lambda: len(calls) >= 2,
    )
    assert report.cancelled and len(report.outcomes) == 2
    assert [(done, total) for done, total, _ in calls] == [(1, 4), (2, 4)]
    assert {title for _, _, title in calls} <= {f"Feed {n}" for n in range(4)}


def test_progress_names_a_feed_still_awaited_not_the_one_just_done(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    """The bar's words ("Refreshing 2/3 Slow") name what the refresh waits for: the
    slow feed, while the quick ones finish; the last step names the last one done."""
    from werkzeug import Request, Response

    gate = threading.Event()

    def slow(_request: Request) -> Response:
        gate.wait(timeout=20)
        return Response(rss(gen, feed=9), content_type="application/rss+xml")

    add_feed(db, httpserver.url_for("/slow.xml"), title="Slow")
    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    for number in range(2):
        add_feed(db, httpserver.url_for(f"/f{number}.xml"), title=f"Quick {number}")
        httpserver.expect_request(f"/f{number}.xml").respond_with_data(rss(gen, feed=number))
    calls: list[tuple[int, str]] = []

    def progress(done: int, _total: int, title: str) -> None:
        calls.append((done, title))
        if done == 2:
            gate.set()

    report = refresh_feeds(db_path(db), on_progress=progress)
    gate.set()
    assert report.count("new") == 3
    assert calls == [(1, "Slow"), (2, "Slow"), (3, "Slow")]


def test_new_items_hook_sees_the_new_ids(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    add_feed(db, httpserver.url_for("/f0.xml"))
    httpserver.expect_request("/f0.xml").respond_with_data(rss(gen, items=4))
    seen: list[int] = []
    report = refresh_feeds(db_path(db), on_new_items=lambda _db, ids: seen.extend(ids))
    assert sorted(seen) == sorted(report.new_ids) and len(seen) == 4


# --- the command line ---------------------------------------------------------------


def test_fetch_command_prints_one_line_and_exits_0(
    db: Database, httpserver: HTTPServer, gen: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(2):
        add_feed(db, httpserver.url_for(f"/f{number}.xml"))
        httpserver.expect_request(f"/f{number}.xml").respond_with_data(rss(gen, feed=number))
    assert main(["--db", db_path(db), "fetch"]) == 0
    out, err = capsys.readouterr()
    assert out == "2 feeds: 2 refreshed, 0 unchanged, 0 failed; 20 new, 0 updated stories\n"
    assert err == ""


def test_fetch_command_lists_failures_and_exits_1(
    db: Database, httpserver: HTTPServer, gen: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    add_feed(db, httpserver.url_for("/ok.xml"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/feed"
    dead = add_feed(db, closed, title="Dead [bold]feed[/]")
    httpserver.expect_request("/ok.xml").respond_with_data(rss(gen))
    assert main(["--db", db_path(db), "fetch", "--timeout", "5"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("2 feeds: 1 refreshed, 0 unchanged, 1 failed; 10 new")
    assert err == (
        f"feed {dead.id} Dead [bold]feed[/] <{closed}>: connection refused by 127.0.0.1\n"
    )
    assert len(keys_of(db, 1)) == 10


def test_fetch_command_refreshes_only_the_named_feed(
    db: Database, httpserver: HTTPServer, gen: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    add_feed(db, httpserver.url_for("/a.xml"))
    second = add_feed(db, httpserver.url_for("/b.xml"))
    httpserver.expect_request("/b.xml").respond_with_data(rss(gen))
    assert main(["--db", db_path(db), "fetch", "--feed", str(second.id)]) == 0
    assert capsys.readouterr().out.startswith("1 feed: 1 refreshed")
    assert [request.path for request, _ in httpserver.log] == ["/b.xml"]
    assert main(["--db", db_path(db), "fetch", "--feed", "42"]) == 1
    assert "no feed with id 42" in capsys.readouterr().err


def test_fetch_command_applies_the_configs_tag_rules_to_new_stories(
    db: Database, httpserver: HTTPServer, gen: ModuleType, tmp_path: Path
) -> None:
    add_feed(db, httpserver.url_for("/f0.xml"))
    httpserver.expect_request("/f0.xml").respond_with_data(rss(gen, items=10))
    config = tmp_path / "config.toml"
    config.write_text('[[rules]]\nquery = "title:nothing-here OR dateline:nowhere"\n', "utf-8")
    assert main(["--db", db_path(db), "--config", str(config), "fetch"]) == 1
    assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0

    first_item = rss(gen, items=10).decode().split("<item>")[1]
    first_title = first_item.split("<title>")[1].split("</title>")[0]
    word = max(re.findall(r"[A-Za-z]{5,}", first_title), key=len)
    config.write_text(f'[[rules]]\nquery = "{word}"\ntags = ["auto"]\n', "utf-8")
    assert main(["--db", db_path(db), "--config", str(config), "fetch"]) == 0
    tagged = [
        f"{title} {summary}".lower()
        for title, summary in db.execute(
            "SELECT i.title, i.summary FROM items i JOIN item_tags it ON it.item_id = i.id "
            "JOIN tags t ON t.id = it.tag_id WHERE t.name = 'auto'"
        )
    ]
    assert tagged and all(word.lower() in text for text in tagged)


def test_fetch_command_with_full_text_reads_the_new_stories_pages(
    db: Database, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (Path(__file__).parent / "fixtures" / "pages" / "classic-fr.html").read_text("utf-8")
    link = httpserver.url_for("/fr/monde/story/1234567")
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>1234567</guid><link>{link}</link><title>Story</title>"
        "<description>Lead</description></item></channel></rss>"
    )
    add_feed(db, httpserver.url_for("/feed.xml"))
    httpserver.expect_request("/feed.xml").respond_with_data(feed)
    httpserver.expect_request("/fr/monde/story/1234567").respond_with_data(
        page, content_type="text/html; charset=utf-8"
    )
    assert main(["--db", db_path(db), "fetch", "--full-text"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("1 feed: 1 refreshed") and out[1].startswith("full text: 1 read")
    body = db.execute("SELECT body FROM items").fetchone()[0]
    assert len(body) > 100


def test_with_no_other_thread_parse_workers_are_forked(
    gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's case (one thread): workers fork at once and parse like the thread would."""
    monkeypatch.delenv("AANEWS_PARSE_IN", raising=False)
    monkeypatch.setattr("threading.active_count", lambda: 1)
    pool = parse_executor(PROCESS_POOL_MIN_FEEDS)
    assert isinstance(pool, ProcessPoolExecutor)
    try:
        parsed = pool.submit(parse_job, rss(gen, items=3), "http://127.0.0.1/f.xml").result(60)
    finally:
        pool.shutdown()
    assert not isinstance(parsed, str) and len(parsed.entries) == 3
    assert parse_job(b"", "http://127.0.0.1/f.xml").startswith("not a feed")


def test_hooks_run_in_the_callers_thread_and_a_fetching_bug_reaches_it(
    db: Database, httpserver: HTTPServer, gen: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fetching runs on its own thread; storing, progress and hooks stay with the caller."""
    for number in range(3):
        add_feed(db, httpserver.url_for(f"/f{number}.xml"))
        httpserver.expect_request(f"/f{number}.xml").respond_with_data(rss(gen, feed=number))
    threads: set[int] = set()
    report = refresh_feeds(
        db_path(db),
        on_progress=lambda *_: threads.add(threading.get_ident()),
        on_new_items=lambda hook_db, ids: threads.add(threading.get_ident()),
    )
    assert report.count("new") == 3 and threads == {threading.get_ident()}

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug while fetching")

    monkeypatch.setattr("store.fetching.refresh.fetch_feed", broken)
    with pytest.raises(RuntimeError, match="a bug while fetching"):
        refresh_feeds(db_path(db))
    assert all(thread.name != "aanews-fetch" for thread in threading.enumerate())


def test_a_feed_with_its_own_interval_waits_its_turn(
    db: Database, httpserver: HTTPServer, gen: ModuleType
) -> None:
    from store.feeds import set_settings
    from store.model import FeedSettings

    slow = add_feed(db, httpserver.url_for("/slow.xml"))
    fast = add_feed(db, httpserver.url_for("/fast.xml"))
    httpserver.expect_request("/slow.xml").respond_with_data(rss(gen, feed=0))
    httpserver.expect_request("/fast.xml").respond_with_data(rss(gen, feed=1))
    set_settings(db, slow.id, FeedSettings(refresh_minutes=60))
    refresh_feeds(db_path(db))
    again = refresh_feeds(db_path(db))
    assert [feed_id for feed_id, _why in again.skipped] == [slow.id]
    assert "every 60 min;" in again.skipped[0][1]
    assert [o.feed_id for o in again.outcomes] == [fast.id]
    named = refresh_feeds(db_path(db), [slow.id])  # asked for by id: fetched anyway
    assert [o.feed_id for o in named.outcomes] == [slow.id]


def test_the_search_index_holds_the_same_folded_text_however_the_feed_was_parsed(
    db: Database, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parse worker folds the stories' texts for the index (ParsedFeed.folded); the
    index then holds exactly what the storing thread's own fold gives, and a search
    without accents or capitals finds the story."""
    from store.search.compiler import search_ids
    from store.text import fold

    title = "İSTANBUL'da Şırnak ve Çanakkale için sécurité toplantısı"
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>urn:1</guid><title>{title}</title>"
        "<description>Ilık ve ışıklı bir gün; Ğ harfi, Öğle.</description>"
        "<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
        "<item><guid>urn:2</guid><title>Plain ASCII title</title></item></channel></rss>"
    ).encode()
    feed = add_feed(db, httpserver.url_for("/tr.xml"))
    httpserver.expect_request("/tr.xml").respond_with_data(body)
    parsed = parse_job(body, httpserver.url_for("/tr.xml"))
    assert not isinstance(parsed, str) and parsed.folded[title] == fold(title)
    for mode in ("process", "thread"):
        monkeypatch.setenv("AANEWS_PARSE_IN", mode)
        db.execute("DELETE FROM items")
        db.execute("UPDATE feeds SET content_hash = NULL")
        report = refresh_feeds(db_path(db), [feed.id])
        assert report.new == 2 and not report.failures
        rows = db.execute(
            "SELECT i.title, i.summary, f.title, f.summary FROM items i "
            "JOIN items_fts f ON f.rowid = i.id ORDER BY i.id"
        ).fetchall()
        assert [(fold(a), fold(b)) for a, b, _, _ in rows] == [(c, d) for _, _, c, d in rows]
        assert rows[0][2].startswith("istanbul'da sirnak ve canakkale icin securite")
        [turkish] = [row[0] for row in db.execute("SELECT id FROM items WHERE title = ?", [title])]
        assert search_ids(db, "istanbul sirnak isikli") == [turkish]

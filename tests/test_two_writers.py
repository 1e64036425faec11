"""Two processes on one database: every writer waits its turn, and nothing is lost.

Another process holds the write lock (tests/two_writers.py); the writes made
meanwhile land once it commits, or, when it holds on longer than a writer may
wait, fail with one clear line each (a fetch reports them feed by feed).
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest

from store.db import DatabaseBusy, connect, open_db, writing
from store.feeds import (
    Unchanged,
    add_feed,
    get_feed,
    list_feeds,
    record_failure,
    record_unchanged,
    record_unchanged_many,
    remove_feed,
    rename_feed,
)
from store.ingest import store_feed
from store.items import fetch_items, mark_opened, set_read, set_starred
from store.parsing.feed import parse_feed
from store.search.rules import Rule, compile_rules
from store.search.saved import list_saved, save_search
from store.tags import item_tags, list_tags, tag_items, tag_query, toggle_tag
from tests.two_writers import cli, lock_held, rss, serving


def _feeds_named(stderr: str, reason: str) -> set[int]:
    """The ids of the feeds that stderr reports with ``reason``, one line each."""
    return {
        int(match[1])
        for line in stderr.splitlines()
        if reason in line and (match := re.search(r"\bfeed (\d+) ", line))
    }


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "aanews.db"


def test_every_writer_waits_for_another_process_and_lands(path: Path, tmp_path: Path) -> None:
    db = open_db(path)
    feed = add_feed(db, "http://127.0.0.1:9/one", title="One")
    first = store_feed(db, feed.id, parse_feed(rss("one", 3), url=feed.url)).new_ids
    rules = compile_rules([Rule(query="story", tags=["ruled"])])
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline type="rss" xmlUrl="http://127.0.0.1:9/opml"/>'
        "</body></opml>"
    )
    with lock_held(path, seconds=1.5):
        # Each of these begins while another process holds the write lock.
        stored = store_feed(
            db, feed.id, parse_feed(rss("one", 3, start=3), url=feed.url), on_new_items=rules
        )
        record_unchanged(db, feed.id, status=304)
        set_starred(db, first[:1])
        set_read(db, first[1:2])
        mark_opened(db, first[2])
        found = tag_query(db, "story", ["queried"])
        tag_items(db, first[:1], ["direct"])
        toggle_tag(db, first[1:2], "quick")
        other = add_feed(db, "http://127.0.0.1:9/two", title="Two")
        rename_feed(db, other.id, "Second")
        record_failure(db, other.id, "refused")
        save_search(db, "Stories", "story")
        # And another process writes too: the CLI's import of an OPML file.
        imported = cli("--db", str(path), "import", str(opml))
        assert imported.wait(timeout=60) == 0, imported.stderr.read() if imported.stderr else ""
    assert stored.new == 3
    items = {item.id: item for item in fetch_items(db, first + stored.new_ids)}
    assert items[first[0]].starred and items[first[1]].read and items[first[2]].read
    assert found == 6
    assert {"queried", "direct"} <= set(item_tags(db, first[0]))
    assert "quick" in item_tags(db, first[1])
    assert all("ruled" in item_tags(db, i) for i in stored.new_ids)
    titles = {f.url: f.title for f in list_feeds(db)}
    assert titles["http://127.0.0.1:9/two"] == "Second"
    assert "http://127.0.0.1:9/opml" in titles
    assert [s.name for s in list_saved(db)] == ["Stories"]
    assert remove_feed(db, other.id) == 0
    db.close()


def test_a_writer_waits_bounded_then_says_the_database_is_busy(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AANEWS_BUSY_TIMEOUT", "0.3")
    db = open_db(path)
    feed = add_feed(db, "http://127.0.0.1:9/one")
    ids = store_feed(db, feed.id, parse_feed(rss("one", 2), url=feed.url)).new_ids
    with lock_held(path):
        started = time.monotonic()
        busy = r"database is busy \(another aanews is writing\); waited"
        with pytest.raises(sqlite3.OperationalError, match=busy):
            tag_items(db, ids, ["late"])
        assert time.monotonic() - started >= 0.3  # it did wait its turn first
    assert tag_items(db, ids, ["late"]) == 2  # and once the lock is free, it lands
    assert [t.name for t in list_tags(db)] == ["late"]
    db.close()


def test_a_plain_connection_writes_in_turn_and_a_failed_nested_write_is_undone_alone(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``writing`` on store.db.connect's connection (a refresh with nothing new): it waits
    its turn as a Database's does, and a nested write that fails takes only itself back."""
    monkeypatch.setenv("AANEWS_BUSY_TIMEOUT", "0.3")
    db = open_db(path)
    first, second = (add_feed(db, f"http://127.0.0.1:9/{n}").id for n in ("one", "two"))
    db.close()
    conn = connect(path)
    with lock_held(path), pytest.raises(DatabaseBusy):
        record_unchanged_many(conn, [Unchanged(first, 304)])
    with writing(conn):
        record_unchanged_many(conn, [Unchanged(first, 304, etag='"kept"')])
        with pytest.raises(sqlite3.IntegrityError), writing(conn):
            record_unchanged_many(conn, [Unchanged(second, 304)])
            conn.execute("INSERT INTO feeds (id, url) VALUES (?, 'http://127.0.0.1:9/x')", [first])
    conn.close()
    db = open_db(path)
    assert (get_feed(db, first).last_status, get_feed(db, first).etag) == (304, '"kept"')
    assert get_feed(db, second).last_status is None  # its nested write was undone
    db.close()


def test_fetch_with_the_lock_held_too_long_reports_each_feed_and_stores_later(
    path: Path,
) -> None:
    db = open_db(path)
    with serving() as feeds:
        for name in ("a", "b", "c"):
            feeds.documents[name] = rss(name, 2)
            add_feed(db, feeds.url(name))
        with lock_held(path):
            fetch = cli("--db", str(path), "fetch", env={"AANEWS_BUSY_TIMEOUT": "0.5"})
            out, err = fetch.communicate(timeout=60)
        assert fetch.returncode == 1
        assert "3 feeds: 0 refreshed, 0 unchanged, 3 failed" in out
        assert _feeds_named(err, "database is busy (another aanews is writing)") == {1, 2, 3}
        assert "locked" not in err
        again = cli("--db", str(path), "fetch")
        out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert "3 refreshed" in out
    assert sum(f.total for f in list_feeds(db)) == 6
    db.close()


def test_two_fetches_at_once_store_every_feed(path: Path) -> None:
    db = open_db(path)
    with serving() as feeds:
        for n in range(50):
            feeds.documents[f"f{n}"] = rss(f"f{n}", 30)
            add_feed(db, feeds.url(f"f{n}"))
        runs = [cli("--db", str(path), "fetch", "--json") for _ in range(2)]
        results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in results]
    assert all(f.total == 30 and f.last_error is None for f in list_feeds(db))
    db.close()


def test_a_whole_fetch_ends_by_its_deadline_each_silent_feed_reported(path: Path) -> None:
    db = open_db(path)
    with serving() as feeds:
        feeds.hang.set()  # a host that never answers
        for n in range(50):
            add_feed(db, feeds.url(f"f{n}"))
        started = time.monotonic()
        fetch = cli("--db", str(path), "fetch", "--timeout", "5", "--deadline", "1")
        out, err = fetch.communicate(timeout=120)
        took = time.monotonic() - started
    assert fetch.returncode == 1
    assert "50 feeds: 0 refreshed, 0 unchanged, 50 failed" in out
    assert _feeds_named(err, "no answer before the fetch's deadline") == set(range(1, 51))
    assert took < 5, f"the fetch took {took:.1f} s, past its 1 s deadline"
    assert all(f.last_error and "deadline" in f.last_error for f in list_feeds(db))
    db.close()

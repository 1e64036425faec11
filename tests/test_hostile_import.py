"""A JSON backup is input: import refuses what it should, record by record, in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.db import open_db
from store.interchange.records import RecordError, feed_record, story_record
from store.items import fetch_items
from tui.cli import main
from tui.stamps import Clock


def restore(tmp_path: Path, capsys: pytest.CaptureFixture[str], items: list, feeds=()) -> tuple:
    dump = tmp_path / "backup.json"
    dump.write_text(json.dumps({"aanews_export": 1, "feeds": list(feeds), "items": items}))
    db_path = tmp_path / "a.db"
    status = main(["--db", str(db_path), "import", str(dump)])
    out, err = capsys.readouterr()
    db = open_db(db_path)
    rows = db.execute(
        "SELECT key, read, starred, link, published FROM items ORDER BY key"
    ).fetchall()
    db.close()
    return status, out, err, rows


def test_strings_are_not_booleans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err, rows = restore(
        tmp_path,
        capsys,
        [{"key": "aa:1", "read": "false"}, {"key": "aa:2", "read": False, "starred": True}],
    )
    assert status == 0
    assert "skipped story aa:1: read: expected true or false, got the string 'false'" in err
    assert rows == [("aa:2", 0, 1, None, None)]


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", " JavaScript:x"]
)
def test_only_http_links_are_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str
) -> None:
    _status, _out, err, rows = restore(tmp_path, capsys, [{"key": "aa:1", "link": link}])
    assert rows == []
    assert "skipped story aa:1: link: only http(s) links are restored" in err
    with pytest.raises(RecordError, match="image"):
        story_record({"key": "aa:1", "image": link})


@pytest.mark.parametrize(
    "when",
    ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2999-01-01T00:00:00+00:00"],
)
def test_dates_out_of_range_are_refused_and_never_reach_the_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    _status, _out, err, rows = restore(
        tmp_path,
        capsys,
        [{"key": "aa:1", "published": when}, {"key": "aa:2", "first_seen": when}],
    )
    assert rows == []
    assert "skipped story aa:1: published:" in err and "out of range" in err
    assert "skipped story aa:2: first_seen:" in err


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"key": "aa:1", "published": 5}, "published"),
        ({"key": "aa:1", "authors": 5}, "authors"),
        ({"key": "aa:1", "authors": "Ali"}, "authors"),
        ({"key": "aa:1", "title": ["x"]}, "title"),
        ({"key": "aa:1", "summary": {"a": 1}}, "summary"),
        ({"key": 7}, "key"),
        ({"key": "aa:1", "revisions": [{"seen_at": 3}]}, "seen_at"),
        ({"key": "aa:1", "feeds": [True]}, "feeds"),
        ({"key": "aa:1", "published": "yesterday"}, "published"),
    ],
)
def test_type_errors_name_the_field(record: dict, field: str) -> None:
    with pytest.raises(RecordError, match=field):
        story_record(record)


def test_feeds_with_odd_fields_are_skipped_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = [
        {"id": 1, "url": "http://a.test/feed", "title": 5},
        {"id": 2, "url": "file:///etc/passwd"},
        {"id": 3, "url": "http://b.test/feed", "title": "B\x1b]0;pwned\x07", "lang": "\x1bc"},
    ]
    status, out, err, _rows = restore(tmp_path, capsys, [], feeds)
    assert status == 0
    assert "skipped feed http://a.test/feed: title: expected a string, got a number" in err
    assert "skipped feed file:///etc/passwd: url: not http(s)" in err
    assert out.startswith("1 feed added")
    db = open_db(tmp_path / "a.db")
    assert db.execute("SELECT title, lang FROM feeds").fetchall() == [("B", None)]
    db.close()
    assert feed_record({"url": "http://c.test/\u202efdp.exe"}).url == "http://c.test/fdp.exe"


def test_an_extreme_date_already_stored_reads_as_no_date(db) -> None:
    """Rows written before dates were checked: the list shows no time, never crashes."""
    from datetime import datetime

    now = datetime.fromisoformat("2026-01-01T12:00:00+03:00")
    for number, stamp in enumerate(("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00")):
        db.execute(
            "INSERT INTO items (key, title, published, published_ts, first_seen, last_seen) "
            "VALUES (?, 'x', ?, 0, '2026-01-01', '2026-01-01')",
            [f"aa:{number}", stamp],
        )
        item_id = db.execute("SELECT id FROM items WHERE key = ?", [f"aa:{number}"]).fetchone()[0]
        (item,) = fetch_items(db, [item_id])
        assert item.published is None
        assert Clock().list_time(item.published, now) == ""

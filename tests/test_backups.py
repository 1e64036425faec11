"""Backups that are backups: a damaged file is found and explained, read-only and full disks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from store.db import open_db
from store.feeds import add_feed, list_feeds
from store.ingest import store_feed
from store.interchange.backup_format import BackupFormatError, read_document
from store.interchange.restore import restore_records
from store.items import set_starred
from store.parsing.feed import parse_feed
from store.search.saved import list_saved, save_search
from store.tags import ensure_tag, tag_items, tag_names
from tests.two_writers import cli, rss
from tui.cli import main


def _filled(path: Path, stories: int = 300) -> list[int]:
    db = open_db(path)
    feed = add_feed(db, "http://127.0.0.1:9/one", title="One")
    ids = store_feed(db, feed.id, parse_feed(rss("one", stories), url=feed.url)).new_ids
    db.close()  # the last connection: the WAL is checkpointed into the file
    return ids


def _damage(path: Path, index: str = "items_newest") -> None:
    """Overwrite the middle of one index page, as a bad sector or a stray write would."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [index]).fetchone()[0]
    conn.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size + 8)
        file.write(b"\xff" * (page_size // 2))


def test_check_says_a_whole_database_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "aanews.db"
    _filled(path)
    assert main(["--db", str(path), "check"]) == 0
    assert "ok (300 stories, 1 feed)" in capsys.readouterr().out


def test_check_finds_a_damaged_page_and_says_how_to_recover(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "aanews.db"
    _filled(path)
    _damage(path)
    assert main(["--db", str(path), "check"]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err
    assert "export --json -o rescue.json" in err
    assert ".recover" in err


def test_a_read_only_file_opens_for_reading_and_writes_say_read_only(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "aanews.db"
    ids = _filled(path, stories=3)
    path.chmod(0o444)
    assert main(["--db", str(path), "search", "story"]) == 0
    assert "one story 2" in capsys.readouterr().out
    assert main(["--db", str(path), "show", str(ids[0])]) == 0
    assert "one story 0" in capsys.readouterr().out
    assert main(["--db", str(path), "feeds", "list"]) == 0
    assert "One" in capsys.readouterr().out
    assert main(["--db", str(path), "tag", str(ids[0]), "kept"]) == 1
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err
    path.chmod(0o644)
    db = open_db(path)
    assert db.execute("SELECT COUNT(*) FROM item_tags").fetchone()[0] == 0
    db.close()


def test_a_full_disk_says_disk_full_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "aanews.db"
    _filled(path, stories=3)
    import store.db

    prepare = store.db._prepare

    def no_room_left(db: object) -> None:
        prepare(db)  # type: ignore[arg-type]
        pages = db.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[attr-defined]
        db.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    monkeypatch.setattr(store.db, "_prepare", no_room_left)
    stories = tmp_path / "more.json"
    big = [{"key": f"guid:k{n}", "title": "t", "body": "x" * 2000} for n in range(200)]
    stories.write_text(json.dumps({"aanews_export": 1, "feeds": [], "items": big}))
    assert main(["--db", str(path), "import", str(stories)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("aanews: disk full") and err.count("\n") == 1, err


def test_a_closed_pipe_ends_search_quietly(tmp_path: Path) -> None:
    path = tmp_path / "aanews.db"
    _filled(path, stories=3000)  # more than a pipe holds: the writer meets the closed end
    search = cli("--db", str(path), "search", "story", "--limit", "3000")
    assert search.stdout is not None and search.stderr is not None
    search.stdout.readline()
    search.stdout.close()  # `| head -1`
    err = search.stderr.read()
    assert search.wait(timeout=60) == 141
    assert err == ""


def test_export_json_is_everything_one_record_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "aanews.db"
    ids = _filled(path, stories=3)
    db = open_db(path)
    save_search(db, "Mine", "tag:mine")
    tag_items(db, ids[:1], ["mine"])
    set_starred(db, ids[1:2])
    db.execute("UPDATE feeds SET paused = 1")
    db.execute(
        "UPDATE items SET page_sig = 'sig', page_etag = '\"e1\"', full_text_at = ? WHERE id = ?",
        ["2026-11-30T10:00:00+00:00", ids[2]],
    )
    db.close()
    out = tmp_path / "backup.json"
    assert main(["--db", str(path), "export", "--json", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    whole = json.loads("\n".join(lines))  # one JSON document
    assert whole["aanews_export"] == 2
    assert [s["name"] for s in whole["saved_searches"]] == ["Mine"]
    assert [t["name"] for t in whole["tags"]] == ["mine"]
    assert whole["feeds"][0]["paused"] is True and whole["feeds"][0]["position"] == 1
    stories = {story["id"]: story for story in whole["items"]}
    assert stories[ids[0]]["tags"] == ["mine"] and stories[ids[1]]["starred"] is True
    assert stories[ids[2]]["page_etag"] == '"e1"' and stories[ids[2]]["page_sig"] == "sig"
    # and one record per line: each story is a line of its own
    assert sum(1 for line in lines if line.startswith('{"id": ') and '"key":' in line) == 3


def _everything(path: Path) -> list[int]:
    ids = _filled(path, stories=5)
    db = open_db(path)
    save_search(db, "Mine", "tag:mine")
    tag_items(db, ids[:1], ["mine"])
    ensure_tag(db, "unused yet")
    set_starred(db, ids[1:2])
    db.execute("UPDATE feeds SET paused = 1")
    db.execute(
        "UPDATE items SET page_sig = 'sig', page_etag = '\"e1\"', full_text_at = ? WHERE id = ?",
        ["2026-11-30T10:00:00+00:00", ids[2]],
    )
    db.close()
    return ids


def _state(path: Path) -> dict[str, object]:
    db = open_db(path)
    try:
        return {
            "saved": [s.name for s in list_saved(db, counts=False)],
            "tags": sorted(tag_names(db).values()),
            "paused": [f.paused for f in list_feeds(db)],
            "items": db.execute(
                "SELECT key, title, starred, page_sig, page_etag, full_text_at FROM items "
                "ORDER BY key"
            ).fetchall(),
            "tagged": db.execute("SELECT COUNT(*) FROM item_tags").fetchone()[0],
        }
    finally:
        db.close()


def test_import_of_an_export_brings_everything_back(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    source, target, dump = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "backup.json"
    _everything(source)
    assert main(["--db", str(source), "export", "--json", "-o", str(dump)]) == 0
    assert main(["--db", str(target), "import", str(dump)]) == 0
    capsys.readouterr()
    assert _state(target) == _state(source)


def test_a_cut_short_export_keeps_the_batches_before_the_break(tmp_path: Path) -> None:
    source, target, dump = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "backup.json"
    _everything(source)
    assert main(["--db", str(source), "export", "--json", "-o", str(dump)]) == 0
    lines = dump.read_bytes().splitlines(keepends=True)
    cut = next(n for n, line in enumerate(lines) if line.startswith(b'"items"')) + 4
    (tmp_path / "cut.json").write_bytes(b"".join(lines[:cut]) + b'{"id": 4, "key": "gui')
    db = open_db(target)
    with (tmp_path / "cut.json").open("rb") as stream:
        _, records = read_document(stream)
        with pytest.raises(BackupFormatError, match="line"):
            restore_records(db, records, batch=2)
    # two batches of two were committed before the broken line; the rest waits
    assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2
    with dump.open("rb") as stream:
        restore_records(db, read_document(stream)[1], batch=2)
    db.close()
    assert _state(target) == _state(source)

"""The demo database: fresh every time, several languages, updated stories, a failing feed."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.db import open_db
from store.demo.database import FIXED_NOW, build_demo, demo_copy, fixture_db
from store.feeds import list_feeds
from store.items import get_item, revisions


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path = fixture_db(tmp_path_factory.mktemp("demo") / "demo.db")
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def scalar(conn: sqlite3.Connection, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0])


def test_several_hundred_stories_in_at_least_four_languages(demo: sqlite3.Connection) -> None:
    assert scalar(demo, "SELECT COUNT(*) FROM items") >= 300
    languages = dict(demo.execute("SELECT lang, COUNT(*) FROM items GROUP BY lang").fetchall())
    assert {"tr", "en", "fr", "ar"} <= set(languages)
    assert min(languages.values()) >= 30
    # Every story is an AA story: numeric id, aa.com.tr link, AA-style image.
    assert scalar(demo, "SELECT COUNT(*) FROM items WHERE key NOT GLOB 'aa:[0-9]*'") == 0
    assert (
        scalar(demo, "SELECT COUNT(*) FROM items WHERE link NOT LIKE 'https://www.aa.com.tr/%'")
        == 0
    )
    assert (
        scalar(demo, "SELECT COUNT(*) FROM items WHERE image NOT LIKE '%/thumbs_b_c_%.jpg?v=%'")
        == 0
    )


def test_stories_look_like_the_wire(demo: sqlite3.Connection) -> None:
    assert scalar(demo, "SELECT COUNT(*) FROM items WHERE published NOT LIKE '%+03:00'") == 0
    now = FIXED_NOW.timestamp()
    assert scalar(demo, f"SELECT COUNT(*) FROM items WHERE published_ts > {now}") == 0
    assert scalar(demo, f"SELECT COUNT(*) FROM items WHERE published_ts > {now - 86400}") >= 20
    assert scalar(demo, "SELECT MIN(published_ts) FROM items") < now - 8 * 86400
    assert (
        scalar(
            demo, "SELECT COUNT(*) FROM items WHERE body LIKE '%' || char(10) || char(10) || '%'"
        )
        >= 150
    )
    assert scalar(demo, "SELECT COUNT(*) FROM items WHERE updated > published") >= 20
    datelines = {row[0] for row in demo.execute("SELECT DISTINCT dateline FROM items")}
    assert {"AA / Bagdad", "AA / Ankara", "أنقرة / الأناضول"} <= datelines
    assert any(d.startswith("LEFKOSHA") or d.startswith("Lefkosha") for d in datelines)
    # One story in several category feeds, as AA does.
    assert (
        scalar(
            demo,
            "SELECT COUNT(*) FROM (SELECT item_id FROM item_feeds GROUP BY item_id "
            "HAVING COUNT(*) > 1)",
        )
        >= 100
    )
    # Some user state: read, starred and tagged stories.
    assert scalar(demo, "SELECT COUNT(*) FROM items WHERE read = 1") >= 50
    assert scalar(demo, "SELECT COUNT(*) FROM items WHERE starred = 1") >= 3
    assert scalar(demo, "SELECT COUNT(DISTINCT item_id) FROM item_tags") >= 5


def test_updated_stories_keep_their_earlier_versions(
    demo: sqlite3.Connection, tmp_path: Path
) -> None:
    per_item = demo.execute(
        "SELECT i.id, i.lang, COUNT(*) FROM revisions r JOIN items i ON i.id = r.item_id "
        "GROUP BY i.id"
    ).fetchall()
    assert len(per_item) >= 6
    assert len({lang for _id, lang, _n in per_item}) >= 4
    twice = [item_id for item_id, _lang, count in per_item if count >= 2]
    assert twice
    db = open_db(demo.execute("PRAGMA database_list").fetchone()[2])
    item = get_item(db, twice[0])
    earlier = revisions(db, item.id)
    assert item.is_updated and item.read  # read, then updated: "updated since you read it"
    assert len({item.title, *(r.title for r in earlier)}) == 3
    assert "update" in item.flags and item.body
    db.close()


def test_the_feeds_are_the_catalogue_feeds_and_one_fails(demo: sqlite3.Connection) -> None:
    db = open_db(demo.execute("PRAGMA database_list").fetchone()[2])
    feeds = list_feeds(db)
    db.close()
    titles = {feed.title for feed in feeds}
    assert {"AA Türkçe · Ekonomi", "AA English · Energy", "AA Français · Afrique"} <= titles
    failing = [feed for feed in feeds if feed.last_error]
    assert [(f.url, f.last_status) for f in failing] == [
        ("https://www.aa.com.tr/en/rss/default?cat=all", 404)
    ]
    assert all(feed.total > 0 for feed in feeds if not feed.last_error)


def test_fixed_now_gives_the_same_database(tmp_path: Path, demo: sqlite3.Connection) -> None:
    other = sqlite3.connect(fixture_db(tmp_path / "again.db"))
    sql = (
        "SELECT id, key, title, summary, body, published, updated, read, starred, is_updated, "
        "first_seen, changed_at FROM items ORDER BY id"
    )
    assert other.execute(sql).fetchall() == demo.execute(sql).fetchall()
    rsql = "SELECT item_id, seen_at, title FROM revisions ORDER BY id"
    assert other.execute(rsql).fetchall() == demo.execute(rsql).fetchall()
    other.close()


def test_another_now_moves_the_stories_with_it(tmp_path: Path) -> None:
    later = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    conn = sqlite3.connect(build_demo(tmp_path / "later.db", now=later))
    newest = conn.execute("SELECT MAX(published_ts) FROM items").fetchone()[0]
    conn.close()
    assert later.timestamp() - 86400 < newest <= later.timestamp()


def test_demo_copy_is_fresh_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first, second = demo_copy(), demo_copy()
    assert first != second and first.parent != second.parent
    assert first.parent.parent == tmp_path
    conn = sqlite3.connect(first)
    conn.execute("UPDATE items SET read = 1")
    conn.commit()
    conn.close()
    conn = sqlite3.connect(second)
    assert scalar(conn, "SELECT COUNT(*) FROM items WHERE read = 0") > 0
    conn.close()


def test_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    existing = tmp_path / "mine.db"
    existing.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        build_demo(existing)
    assert existing.read_bytes() == b"precious"

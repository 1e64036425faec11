"""``aanews import`` and ``aanews export``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import set_read, set_starred
from store.model import Entry, ParsedFeed
from store.tags import tag_items
from tui.cli import main

IST = timezone(timedelta(hours=3))


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    status = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_import_200_plain_urls_then_again(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    urls = tmp_path / "urls"
    urls.write_text("".join(f"http://127.0.0.1:8000/feed_{n}.xml\n" for n in range(200)))
    db = tmp_path / "a.db"
    assert run(capsys, db, "import", str(urls))[1] == "200 feeds added, 0 already there\n"
    assert run(capsys, db, "import", str(urls))[1] == "0 feeds added, 200 already there\n"
    assert len(json.loads(run(capsys, db, "feeds", "list", "--json")[1])) == 200


def test_import_reports_what_it_skipped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    urls = tmp_path / "urls"
    urls.write_text('http://a.test/ "~A" x\nquery:Unread:unread = "yes"\ngopher://old.test/\n')
    status, out, err = run(capsys, tmp_path / "a.db", "import", str(urls))
    assert status == 0
    assert out == "1 feeds added, 0 already there, 2 skipped (1 query feeds, 1 not http(s))\n"
    assert "line 2: query feeds" in err and "line 3: not http(s)" in err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"<opml><body><outline", "not a well-formed OPML document"),
        (b"<html><body>hi</body></html>", "not an OPML document"),
    ],
)
def test_import_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, needle: str
) -> None:
    bad = tmp_path / "subs.opml"
    bad.write_bytes(content)
    status, out, err = run(capsys, tmp_path / "a.db", "import", str(bad))
    assert status == 1 and out == "" and needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_import_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, tmp_path / "a.db", "import", str(tmp_path / "nope"))
    assert status == 1 and err.startswith("aanews: cannot read") and err.count("\n") == 1


def test_opml_export_then_import_through_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = tmp_path / "first.db"
    run(capsys, first, "feeds", "add", "aa:en/world", "--tag", "news", "--tag", "world")
    run(capsys, first, "feeds", "add", "https://b.test/rss?a=1&b=2", "--title", "B & co")
    out_file = tmp_path / "subs.opml"
    assert run(capsys, first, "export", "--opml", "-o", str(out_file)) == (0, "", "")
    second = tmp_path / "second.db"
    assert run(capsys, second, "import", str(out_file))[1].startswith("2 feeds added")

    def shape(db: Path) -> list[tuple[str, str, list[str]]]:
        feeds = json.loads(run(capsys, db, "feeds", "list", "--json")[1])
        return [(f["url"], f["title"], f["tags"]) for f in feeds]

    assert shape(second) == shape(first)
    assert shape(first)[0] == (
        "https://www.aa.com.tr/en/rss/default?cat=world",
        "AA English · World",
        ["news", "world"],
    )


def test_json_export_has_feeds_stories_and_user_state(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "a.db"
    db = open_db(path)
    feed = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=guncel", tags=["aa"])
    when = datetime(2026, 11, 26, 10, 5, tzinfo=IST)
    store_feed(
        db,
        feed.id,
        ParsedFeed(
            entries=[
                Entry(key="aa:1", guid="1", title="Bir", summary="Spot", published=when),
                Entry(key="aa:2", guid="2", title="İki", published=when),
            ]
        ),
    )
    store_feed(
        db, feed.id, ParsedFeed(entries=[Entry(key="aa:1", title="Bir (2)", published=when)])
    )
    set_read(db, [1])
    set_starred(db, [2])
    tag_items(db, [2], ["önemli"])
    db.close()
    status, out, _ = run(capsys, path, "export", "--json")
    assert status == 0
    data = json.loads(out)
    (exported_feed,) = data["feeds"]
    assert exported_feed["url"] == feed.url and exported_feed["tags"] == ["aa"]
    stories = {story["key"]: story for story in data["items"]}
    assert set(stories) == {"aa:1", "aa:2"}
    one, two = stories["aa:1"], stories["aa:2"]
    assert (one["title"], one["read"], one["starred"]) == ("Bir (2)", True, False)
    assert [r["title"] for r in one["revisions"]] == ["Bir"]
    assert (two["read"], two["starred"], two["tags"]) == (False, True, ["önemli"])
    assert two["published"] == "2026-11-26T10:05:00+03:00" and two["feeds"] == [feed.id]


def test_export_needs_a_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(tmp_path / "a.db"), "export"])
    assert exit_info.value.code == 2
    assert "one of the arguments --opml --json is required" in capsys.readouterr().err


def test_json_export_restores_into_a_fresh_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from store.demo import fixture_db

    source = fixture_db(tmp_path / "demo.db")
    dump = tmp_path / "all.json"
    assert run(capsys, source, "export", "--json", "-o", str(dump))[0] == 0
    target = tmp_path / "restored.db"
    status, out, _ = run(capsys, target, "import", str(dump))
    assert status == 0 and out.startswith("23 feeds added, 0 already there, 314 stories restored")

    def stories(path: Path) -> list[tuple]:
        db = open_db(path)
        rows = db.execute(
            "SELECT key, title, summary, body, published, updated, dateline, read, starred, "
            "is_updated, (SELECT group_concat(t.name) FROM item_tags it JOIN tags t "
            "ON t.id = it.tag_id WHERE it.item_id = items.id), "
            "(SELECT group_concat(title, '|') FROM revisions r WHERE r.item_id = items.id), "
            "(SELECT COUNT(*) FROM item_feeds f WHERE f.item_id = items.id) "
            "FROM items ORDER BY key"
        ).fetchall()
        db.close()
        return rows

    assert stories(target) == stories(source)
    again = run(capsys, target, "import", str(dump))[1]
    assert again.startswith("0 feeds added, 23 already there")


def test_a_json_file_that_is_not_an_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "x.json"
    other.write_text('{"feeds": []}')
    status, _, err = run(capsys, tmp_path / "a.db", "import", str(other))
    assert status == 1 and "not an aanews JSON export" in err
    other.write_text("{not json")
    status, _, err = run(capsys, tmp_path / "a.db", "import", str(other))
    assert status == 1 and "not valid JSON" in err and err.count("\n") == 1

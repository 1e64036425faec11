"""``aanews import`` and ``aanews export``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import mark_opened, set_read, set_starred
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
    assert out == "1 feed added, 0 already there, 2 skipped (1 query feeds, 1 not http(s))\n"
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
    from store.demo.database import fixture_db

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


# Restoring an export adds what is missing and takes nothing away.

WORLD = "https://www.aa.com.tr/en/rss/default?cat=world"
BLOG = "https://blog.test/feed.xml"


def aa_story(number: int, title: str, **fields: object) -> Entry:
    return Entry(
        key=f"aa:{number}",
        guid=str(number),
        link=f"https://www.aa.com.tr/en/world/story/{number}",
        title=title,
        summary=f"Lead of {title}.",
        published=datetime(2026, 11, 26, 9, number % 60, tzinfo=IST),
        **fields,  # type: ignore[arg-type]
    )


def user_view(path: Path) -> list[tuple]:
    """What a user sees of every story: text, state, tags, feeds and earlier versions."""
    db = open_db(path)
    rows = db.execute(
        "SELECT key, title, summary, body, read, starred, hidden, is_updated, "
        "(SELECT group_concat(t.name, ',') FROM (SELECT t.name FROM item_tags it "
        "JOIN tags t ON t.id = it.tag_id WHERE it.item_id = items.id ORDER BY t.folded) t), "
        "(SELECT group_concat(seen_at || ' ' || title, '|') FROM "
        "(SELECT seen_at, title FROM revisions r WHERE r.item_id = items.id ORDER BY r.id)), "
        "(SELECT group_concat(f.url) FROM item_feeds i JOIN feeds f ON f.id = i.feed_id "
        "WHERE i.item_id = items.id) FROM items ORDER BY key"
    ).fetchall()
    db.close()
    return rows


@pytest.fixture
def reader(tmp_path: Path) -> Path:
    """A database with one AA feed: an updated story, one starred, one read and tagged."""
    path = tmp_path / "reader.db"
    db = open_db(path)
    feed = add_feed(db, WORLD)
    store_feed(db, feed.id, ParsedFeed(entries=[aa_story(n, f"Story {n}") for n in range(1, 5)]))
    store_feed(db, feed.id, ParsedFeed(entries=[aa_story(1, "Story 1, updated")]))
    set_starred(db, [2])
    set_read(db, [3])
    tag_items(db, [3], ["summit"])
    db.close()
    return path


def test_importing_an_old_export_keeps_everything_done_since(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, reader: Path
) -> None:
    dump = tmp_path / "monday.json"
    assert run(capsys, reader, "export", "--json", "-o", str(dump))[0] == 0
    # After the export the user goes on reading: opens the updated story, stars,
    # reads and tags others; a new version of a story arrives.
    db = open_db(reader)
    mark_opened(db, 1)
    set_starred(db, [3, 4])
    set_read(db, [2, 4])
    tag_items(db, [2, 3], ["later"])
    feed_id = db.execute("SELECT id FROM feeds").fetchone()[0]
    store_feed(db, feed_id, ParsedFeed(entries=[aa_story(4, "Story 4, updated")]))
    db.close()
    before = user_view(reader)

    status, out, err = run(capsys, reader, "import", str(dump))

    assert (status, err) == (0, "")
    assert out == "0 feeds added, 1 already there, 4 stories restored\n"
    assert user_view(reader) == before
    assert run(capsys, reader, "search", "is:starred", "--count")[1] == "3\n"


def test_an_export_from_elsewhere_adds_its_stars_and_tags(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, reader: Path
) -> None:
    dump = tmp_path / "laptop.json"
    run(capsys, reader, "export", "--json", "-o", str(dump))
    # The same feed fetched on another machine, where the user read story 4 only.
    other = tmp_path / "desktop.db"
    db = open_db(other)
    feed = add_feed(db, WORLD)
    store_feed(db, feed.id, ParsedFeed(entries=[aa_story(n, f"Story {n}") for n in range(1, 5)]))
    set_read(db, [4])
    tag_items(db, [3], ["mine"])
    db.close()

    assert run(capsys, other, "import", str(dump))[0] == 0

    state = {row[0]: (row[1], row[4], row[5], row[8]) for row in user_view(other)}
    assert state == {
        "aa:1": ("Story 1", 0, 0, None),  # this machine's text stays; no versions replayed
        "aa:2": ("Story 2", 0, 1, None),
        "aa:3": ("Story 3", 1, 0, "mine,summit"),
        "aa:4": ("Story 4", 1, 0, None),
    }
    db = open_db(other)
    assert db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 0
    db.close()


def test_a_restore_into_a_new_database_keeps_versions_with_their_dates(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    reader: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from store import clock

    dump = tmp_path / "all.json"
    run(capsys, reader, "export", "--json", "-o", str(dump))
    next_week = clock.now() + timedelta(days=7)
    monkeypatch.setattr(clock, "now", lambda: next_week)
    fresh = tmp_path / "fresh.db"
    assert run(capsys, fresh, "import", str(dump))[1].startswith("1 feed added")
    assert user_view(fresh) == user_view(reader)
    assert "updated since read" in run(capsys, fresh, "show", "1")[1]


def test_the_feed_sending_a_restored_story_again_is_not_an_update(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from store.pages.article import Article
    from store.pages.fulltext import store_article

    path = tmp_path / "a.db"
    db = open_db(path)
    feed = add_feed(db, WORLD)
    store_feed(db, feed.id, ParsedFeed(entries=[aa_story(7, "Seven")]))
    # The full text came from the story's page: the feed never sends a body.
    store_article(db, 1, Article(layout="classic", title="Seven", paragraphs=["Body text."]))
    db.close()
    dump = tmp_path / "all.json"
    run(capsys, path, "export", "--json", "-o", str(dump))
    fresh = tmp_path / "fresh.db"
    run(capsys, fresh, "import", str(dump))

    db = open_db(fresh)
    again = store_feed(db, 1, ParsedFeed(entries=[aa_story(7, "Seven")]))
    db.close()
    assert (again.updated, again.seen) == (0, 1)
    ((body, is_updated, versions),) = [(r[3], r[7], r[9]) for r in user_view(fresh)]
    assert (body, is_updated, versions) == ("Body text.", 0, None)


def test_stories_kept_after_their_feed_went_come_back_and_stay_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "a.db"
    db = open_db(path)
    blog = add_feed(db, BLOG)
    store_feed(
        db,
        blog.id,
        ParsedFeed(
            entries=[
                Entry(key="guid:post-1", guid="post-1", title="Kept post"),
                Entry(key="guid:post-2", guid="post-2", title="Gone post"),
            ]
        ),
    )
    set_starred(db, [1])
    run(capsys, path, "feeds", "remove", str(blog.id))
    db.close()
    dump = tmp_path / "all.json"
    run(capsys, path, "export", "--json", "-o", str(dump))
    fresh = tmp_path / "fresh.db"

    assert run(capsys, fresh, "import", str(dump))[1] == (
        "0 feeds added, 0 already there, 1 story restored\n"
    )
    run(capsys, fresh, "import", str(dump))  # twice: still one story

    assert user_view(fresh) == user_view(path)
    (story,) = json.loads(run(capsys, fresh, "search", "is:starred", "--json")[1])
    assert (story["title"], story["starred"], story["feeds"]) == ("Kept post", True, [])


def test_a_story_a_rule_hid_stays_hidden_after_a_restore(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from store.search.rules import Rule, compile_rules

    path = tmp_path / "a.db"
    db = open_db(path)
    feed = add_feed(db, WORLD)
    hide_football = compile_rules([Rule(query="football", hide=True)])
    store_feed(
        db,
        feed.id,
        ParsedFeed(entries=[aa_story(1, "Football results"), aa_story(2, "Summit opens")]),
        on_new_items=hide_football,
    )
    db.close()
    dump = tmp_path / "all.json"
    run(capsys, path, "export", "--json", "-o", str(dump))
    assert [s["hidden"] for s in json.loads(dump.read_text())["items"]] == [True, False]
    fresh = tmp_path / "fresh.db"
    run(capsys, fresh, "import", str(dump))

    shown = json.loads(run(capsys, fresh, "search", "summit OR football", "--json")[1])
    assert [story["title"] for story in shown] == ["Summit opens"]
    assert run(capsys, fresh, "search", "is:hidden", "--count")[1] == "1\n"


def test_an_export_from_before_hidden_was_exported_still_restores(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, reader: Path
) -> None:
    data = json.loads(run(capsys, reader, "export", "--json")[1])
    for story in data["items"]:
        for newer in ("hidden", "keywords", "feed_sig"):
            del story[newer]
    dump = tmp_path / "old.json"
    dump.write_text(json.dumps(data))
    fresh = tmp_path / "fresh.db"
    assert run(capsys, fresh, "import", str(dump))[0] == 0
    assert user_view(fresh) == user_view(reader)


def test_broken_story_records_are_skipped_and_said_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dump = tmp_path / "odd.json"
    dump.write_text(
        json.dumps(
            {
                "aanews_export": 1,
                "feeds": "none",
                "items": [
                    "not a story",
                    {"title": "no key"},
                    {"key": "aa:5", "title": "Fine\x1b[31m", "tags": ["x", ","]},
                    {"key": "aa:6", "revisions": [1]},
                    {"key": "aa:7", "feeds": [[1]]},
                    {"key": "aa:8", "feeds": 3, "tags": "x", "revisions": {}},
                ],
            }
        )
    )
    path = tmp_path / "a.db"
    status, out, err = run(capsys, path, "import", str(dump))
    assert status == 0
    assert err.splitlines() == [
        "aanews: skipped story #1: a story must be a JSON object",
        "aanews: skipped story #2: key: a story needs its key",
        "aanews: skipped story aa:6: revisions[1]: expected an object, got a number",
        "aanews: skipped story aa:7: feeds: expected a list of numbers, got a list",
        "aanews: skipped story aa:8: tags: expected a list of strings, got the string 'x'",
    ]
    assert out.startswith("0 feeds added, 0 already there, 1 story restored, 5 skipped")
    stories = [(row[0], row[1], row[8]) for row in user_view(path)]
    assert stories == [("aa:5", "Fine", "x")]


def _searches(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, tuple[str, int]]:
    listed = json.loads(run(capsys, path, "searches", "list", "--json")[1])
    return {search["name"]: (search["query"], search["total"]) for search in listed}


def test_a_restored_saved_search_names_its_feed_by_the_id_it_has_now(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "source.db"
    db = open_db(source)
    gone = add_feed(db, "https://gone.test/feed.xml")
    kept = add_feed(db, BLOG)
    world = add_feed(db, WORLD)
    store_feed(db, world.id, ParsedFeed(entries=[aa_story(n, f"Story {n}") for n in (1, 2, 3)]))
    store_feed(db, kept.id, ParsedFeed(entries=[Entry(key="guid:b1", guid="b1", title="Blog")]))
    db.close()
    run(capsys, source, "feeds", "remove", str(gone.id))  # ids 2 and 3 are left
    run(capsys, source, "searches", "save", "World", f"feed:{world.id} OR feed:{kept.id}")
    run(capsys, source, "searches", "save", "Gone", f'feed:{gone.id} OR "feed:{world.id}"')
    run(capsys, source, "searches", "save", "Titled", f'feed:" {world.id}"')  # a title, not N
    expected = _searches(capsys, source)
    assert expected["World"][1] == 4
    dump = tmp_path / "b.json"
    assert run(capsys, source, "export", "--json", "-o", str(dump))[0] == 0

    fresh = tmp_path / "new.db"  # an empty database: the feeds are 1 and 2 here
    assert run(capsys, fresh, "import", str(dump))[0] == 0
    assert _searches(capsys, fresh) == {
        "World": ("feed:2 OR feed:1", 4),  # the same feeds, by their numbers here
        "Gone": ('feed:0 OR "feed:3"', 0),  # a feed the backup lacks names none; a phrase stays
        "Titled": ('feed:" 3"', 0),  # a feed named by its title: as the parser reads it
    }

    busy = tmp_path / "busy.db"  # a database with feeds of its own: 2 and 3 are others
    db = open_db(busy)
    add_feed(db, BLOG)  # already there, as feed 1
    for name in ("one", "two"):
        other = add_feed(db, f"https://{name}.test/feed.xml")
        entry = Entry(key=f"guid:{name}", guid=name, title=name)
        store_feed(db, other.id, ParsedFeed(entries=[entry]))
    db.close()
    assert run(capsys, busy, "import", str(dump))[0] == 0
    assert _searches(capsys, busy)["World"] == ("feed:4 OR feed:1", 4)


def test_a_backup_naming_a_feed_with_a_capital_host_finds_it_subscribed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mine.db"
    run(capsys, path, "feeds", "add", BLOG, "--title", "Mine")
    backup = {
        "aanews_export": 2,
        "feeds": [{"id": 7, "url": "HTTPS://Blog.TEST/feed.xml", "title": "Theirs", "tags": []}],
        "saved_searches": [{"name": "Blog", "query": "feed:7"}],
        "items": [],
    }
    (tmp_path / "b.json").write_text(json.dumps(backup), encoding="utf-8")
    status, out, _ = run(capsys, path, "import", str(tmp_path / "b.json"))
    assert status == 0 and out.startswith("0 feeds added, 1 already there")
    assert [f["title"] for f in json.loads(run(capsys, path, "feeds", "list", "--json")[1])] == [
        "Mine"
    ]
    assert _searches(capsys, path) == {"Blog": ("feed:1", 0)}

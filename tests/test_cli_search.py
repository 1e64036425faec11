"""``aanews search``, ``tag``, ``untag`` and ``tags`` from the shell."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import get_item
from store.model import Entry, ParsedFeed
from tui.cli import main

IST = timezone(timedelta(hours=3))
JSON_KEYS = {
    "id",
    "guid",
    "link",
    "title",
    "summary",
    "published",
    "updated",
    "lang",
    "image",
    "dateline",
    "tags",
    "feeds",
    "read",
    "starred",
}


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    """A database with three stories (ids 1, 2, 3, oldest first)."""
    path = tmp_path / "news.db"
    db = open_db(path)
    feed = add_feed(db, "https://www.aa.com.tr/fr/rss/default?cat=monde", lang="fr")
    store_feed(
        db,
        feed.id,
        ParsedFeed(
            entries=[
                Entry(
                    key=f"aa:{n}",
                    title=title,
                    summary="Le point.",
                    lang="fr",
                    dateline=place,
                    link=f"https://www.aa.com.tr/fr/monde/x/{n}",
                    published=datetime(2024, 5, n, 9, 30, tzinfo=IST),
                )
                for n, title, place in [
                    (1, "Séisme en Turquie", "Ankara"),
                    (2, "Sécurité à Gaza", "Gaza"),
                    (3, "Été chaud à Paris", None),
                ]
            ]
        ),
    )
    db.close()
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_search_prints_one_line_per_story_newest_first(
    db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "--db", db_path, "search", "seisme OR securite")
    assert status == 0
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["2", "1"]
    assert lines[0].split("\t")[1:] == [
        "2024-05-02 09:30 (+03:00)",
        "fr",
        "Gaza",
        "Sécurité à Gaza",
    ]


def test_search_count_limit_and_json(db_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", db_path, "search", "", "--count")[1] == "3\n"
    assert run(capsys, "--db", db_path, "search", "ete", "--count")[1] == "1\n"
    _, out, _ = run(capsys, "--db", db_path, "search", "lang:fr", "--json", "--limit", "2")
    stories = json.loads(out)
    assert [s["id"] for s in stories] == [3, 2]
    assert all(set(s) == JSON_KEYS for s in stories)
    assert stories[1]["published"] == "2024-05-02T09:30:00+03:00"


def test_bad_query_is_one_line_and_exit_2(db_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--db", db_path, "search", "colour:red")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "unknown filter colour:red" in err
    assert run(capsys, "--db", db_path, "tag", "--query", '"open', "x")[0] == 2


def test_tag_untag_and_bulk_tag(db_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", db_path, "tag", "2", "Gazze", "Orta Doğu")[0] == 0
    assert run(capsys, "--db", db_path, "untag", "2", "orta dogu")[0] == 0
    status, out, _ = run(capsys, "--db", db_path, "tag", "--query", "seisme OR ete", "Özel")
    assert status == 0 and out == "tagged 2 stories Özel\n"
    db = open_db(db_path)
    assert [get_item(db, n).tags for n in (1, 2, 3)] == [["Özel"], ["Gazze"], ["Özel"]]
    status, _, err = run(capsys, "--db", db_path, "tag", "99", "x")
    assert status == 1 and "no story with id 99" in err


def test_tags_list_rename_delete(db_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", db_path, "tag", "--query", "", "Haber")
    run(capsys, "--db", db_path, "tag", "1", "Deprem")
    _, out, _ = run(capsys, "--db", db_path, "tags", "--json")
    assert json.loads(out) == [
        {"name": "Deprem", "count": 1, "unread": 1},
        {"name": "Haber", "count": 3, "unread": 3},
    ]
    assert run(capsys, "--db", db_path, "tags", "rename", "deprem", "Haber")[0] == 0
    assert run(capsys, "--db", db_path, "tags")[1] == "Haber\t3\t3\n"
    assert run(capsys, "--db", db_path, "tags", "delete", "haber")[1] == (
        "removed 'haber' from 3 stories\n"
    )
    status, _, err = run(capsys, "--db", db_path, "tags", "delete", "haber")
    assert status == 1 and err == "aanews: no tag called 'haber'\n"


def test_deleting_a_feeds_tag_says_the_stories_and_the_feed_it_came_off(
    db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = "https://www.aa.com.tr/fr/rss/default?cat=monde"
    assert run(capsys, "--db", db_path, "feeds", "add", feed, "--tag", "Feed Tag")[0] == 0
    run(capsys, "--db", db_path, "tag", "1", "Feed Tag")  # its own tag too: counted once
    assert run(capsys, "--db", db_path, "tags")[1] == "Feed Tag\t3\t3\n"
    assert run(capsys, "--db", db_path, "search", 'tag:"feed tag"', "--count")[1] == "3\n"
    assert run(capsys, "--db", db_path, "tags", "delete", "feed tag")[1] == (
        "removed 'feed tag' from 3 stories and 1 feed\n"
    )
    assert run(capsys, "--db", db_path, "search", 'tag:"feed tag"', "--count")[1] == "0\n"
    _, out, _ = run(capsys, "--db", db_path, "feeds", "list", "--json")
    assert json.loads(out)[0]["tags"] == []

"""``aanews show ID``: one story as text and as JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from local_server import Response, local_server

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import set_starred
from store.model import Entry, ParsedFeed
from store.tags import tag_items
from tui.cli import main

IST = timezone(timedelta(hours=3))


def version(title: str, summary: str, body: str = "", updated: datetime | None = None) -> Entry:
    return Entry(
        key="aa:3741290",
        guid="3741290",
        link="https://www.aa.com.tr/fr/monde/irak-poste-frontiere/3741290",
        title=title,
        summary=summary,
        body=body,
        published=datetime(2026, 11, 25, 9, 30, tzinfo=IST),
        updated=updated,
        lang="fr",
        dateline="AA / Bagdad",
        location="Irak",
        category="Monde",
        authors=["Karim Haddad"],
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    db_path = tmp_path / "show.db"
    db = open_db(db_path)
    feed = add_feed(db, "https://www.aa.com.tr/fr/rss/default?cat=guncel")
    store_feed(db, feed.id, ParsedFeed(entries=[version("Irak : nouveau poste", "Premier lead.")]))
    store_feed(
        db,
        feed.id,
        ParsedFeed(
            entries=[
                version(
                    "Irak : le poste ouvert aux camions",
                    "Deuxième lead.",
                    "Premier paragraphe.\n\nUn corridor commercial\n\nDernier paragraphe.",
                    datetime(2026, 11, 26, 8, 0, tzinfo=IST),
                )
            ]
        ),
    )
    set_starred(db, [1])
    tag_items(db, [1], ["irak"])
    db.close()
    return db_path


def test_show_as_text(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    assert main(["--db", str(path), "show", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Irak : le poste ouvert aux camions"
    assert lines[1] == "AA / Bagdad · Irak"
    assert lines[2].startswith("25.11.2026 09:30 (+03:00) - updated 26.11.2026 08:00 (+03:00)")
    assert "1 earlier version" in lines[2]
    assert "#irak" in lines[4] and "(starred)" in lines[4]
    assert "Deuxième lead." in lines and "Un corridor commercial" in lines
    assert lines[-1] == "https://www.aa.com.tr/fr/monde/irak-poste-frontiere/3741290"


def test_show_as_json_with_revisions(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    assert main(["--db", str(path), "show", "1", "--json"]) == 0
    story = json.loads(capsys.readouterr().out)
    expected = {
        "id", "guid", "link", "title", "summary", "published", "updated", "lang", "image",
        "dateline", "tags", "feeds", "read", "starred", "body", "location", "category",
        "authors", "flags", "keywords", "is_updated", "hidden", "revisions",
    }  # fmt: skip
    assert set(story) == expected
    assert story["published"] == "2026-11-25T09:30:00+03:00"
    assert story["updated"] == "2026-11-26T08:00:00+03:00"
    assert (story["location"], story["authors"], story["is_updated"]) == (
        "Irak",
        ["Karim Haddad"],
        True,
    )
    (old,) = story["revisions"]
    assert set(old) == {"seen_at", "title", "summary", "body", "updated"}
    assert (old["title"], old["summary"], old["updated"]) == (
        "Irak : nouveau poste",
        "Premier lead.",
        None,
    )
    assert story["tags"] == ["irak"] and story["starred"] is True
    assert story["hidden"] is False and story["keywords"] == []


def test_unknown_story_is_one_line(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    assert main(["--db", str(path), "show", "42"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "aanews: no story with id 42\n"


def test_an_items_own_category_is_shown_and_found_by_cat(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = (Path(__file__).parent / "fixtures" / "feeds" / "cat_rss_categories.xml").read_bytes()
    db = str(tmp_path / "cat.db")

    def cli(*argv: str) -> str:
        assert main(["--db", db, *argv]) == 0
        return capsys.readouterr().out

    with local_server(lambda request: Response(feed, content_type="application/rss+xml")) as web:
        cli("feeds", "add", web.url_for("/f.xml"))
        cli("fetch")
    categories = {}
    for story in json.loads(cli("search", "", "--json")):
        categories[story["title"]] = json.loads(cli("show", str(story["id"]), "--json"))["category"]
    assert categories == {
        "Markets calm": "Economy",
        "Vote counted": "Politics",  # the first of three
        "No section": None,
        "Bidi section": "Spor & Sağlık",  # cleaned like a title
        "Subject": "Culture",
    }
    assert cli("search", "cat:economy", "--count").strip() == "1"
    assert cli("search", "cat:politics", "--count").strip() == "1"
    assert cli("search", "cat:elections", "--count").strip() == "0"

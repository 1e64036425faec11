"""``aanews feeds``: list, add, remove, rename, catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.db import open_db
from store.feeds import add_feed, record_failure
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from tui.cli import main


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    status = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "feeds.db"


def test_add_list_rename_remove(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    status, out, _ = run(capsys, path, "feeds", "add", "https://a.test/rss", "--tag", "tech")
    assert status == 0 and out.strip().isdigit()
    feed_id = out.strip()
    assert run(capsys, path, "feeds", "rename", feed_id, "My feed")[0] == 0
    status, out, _ = run(capsys, path, "feeds", "list", "--json")
    (feed,) = json.loads(out)
    assert set(feed) == {
        "id", "url", "title", "lang", "category", "tags", "unread", "total", "last_fetched",
        "last_status", "last_error", "last_error_at", "failures", "paused", "folder", "settings",
    }  # fmt: skip
    assert (feed["title"], feed["tags"], feed["total"]) == ("My feed", ["tech"], 0)
    status, out, _ = run(capsys, path, "feeds", "remove", feed_id)
    assert status == 0 and "removed feed" in out
    assert json.loads(run(capsys, path, "feeds", "list", "--json")[1]) == []


def test_add_from_the_aa_catalogue(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    status, out, _ = run(capsys, path, "feeds", "add", "aa:tr/ekonomi")
    assert status == 0
    (feed,) = json.loads(run(capsys, path, "feeds", "list", "--json")[1])
    assert feed["id"] == int(out)
    assert feed["title"] == "AA Türkçe · Ekonomi"
    assert feed["url"] == "https://www.aa.com.tr/tr/rss/default?cat=ekonomi"
    assert (feed["lang"], feed["category"]) == ("tr", "ekonomi")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["feeds", "add", "file:///etc/passwd"], "only http:// and https://"),
        (["feeds", "add", "javascript:alert(1)"], "only http:// and https://"),
        (["feeds", "add", "not a url"], "not an http(s) URL: 'not a url' (only"),  # as typed
        (["feeds", "add", "aa:tr/nonesuch"], "tr has: guncel"),
        (["feeds", "add", "aa:xx/guncel"], "no AA edition"),
        (["feeds", "remove", "99"], "no feed with id 99"),
        (["feeds", "rename", "99", "x"], "no feed with id 99"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], path: Path, argv: list[str], needle: str
) -> None:
    open_db(path).close()  # a database without feed 99
    status, out, err = run(capsys, path, *argv)
    assert status == 1 and out == ""
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_failing_feed_shows_its_error(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    db = open_db(path)
    good = add_feed(db, "https://www.aa.com.tr/en/rss/default?cat=guncel", title="AA English")
    bad = add_feed(db, "https://www.aa.com.tr/en/rss/default?cat=all", title="Stale")
    store_feed(db, good.id, ParsedFeed(entries=[Entry(key="aa:1", title="One")]))
    record_failure(db, bad.id, "HTTP 404 Not Found", status=404)
    db.close()
    status, out, _ = run(capsys, path, "feeds", "list")
    assert status == 0
    lines = out.splitlines()
    assert "AA English" in lines[0] and "1/1 unread" in lines[0]
    assert "Stale" in lines[1] and "never fetched successfully" in lines[1]
    assert lines[2].strip().startswith("ERROR: HTTP 404 Not Found (")  # the status said once
    listed = json.loads(run(capsys, path, "feeds", "list", "--json")[1])
    assert listed[1]["last_error"] == "HTTP 404 Not Found" and listed[1]["failures"] == 1


def test_catalogue_marks_subscribed_and_unconfirmed(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    run(capsys, path, "feeds", "add", "aa:tr/guncel")
    status, out, _ = run(capsys, path, "feeds", "catalogue", "--lang", "tr", "--json")
    entries = {entry["ref"]: entry for entry in json.loads(out)}
    assert status == 0 and entries["aa:tr/guncel"]["subscribed"] is True
    assert entries["aa:tr/ekonomi"]["subscribed"] is False
    text = run(capsys, path, "feeds", "catalogue", "--lang", "tr")[1]
    assert "Türkçe (tr)" in text
    assert any("aa:tr/guncel" in line and "subscribed as 1" in line for line in text.splitlines())
    unconfirmed = [ref for ref, entry in entries.items() if not entry["confirmed"]]
    for ref in entries:
        (line,) = [line for line in text.splitlines() if f"{ref} " in line]
        assert ("unconfirmed" in line) == (ref in unconfirmed)
    status, _, err = run(capsys, path, "feeds", "catalogue", "--lang", "zz")
    assert status == 1 and "no AA feeds" in err


def test_pause_folder_and_settings(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    feed_id = run(capsys, path, "feeds", "add", "https://a.test/rss", "--folder", "News/World")[1]
    feed_id = feed_id.strip()
    assert run(capsys, path, "feeds", "pause", feed_id)[1].strip().endswith("paused")
    status, out, _ = run(capsys, path, "feeds", "folder", feed_id, "Sport")
    assert (status, out) == (0, f"feed {feed_id} in folder Sport\n")
    status, out, _ = run(
        capsys, path, "feeds", "set", feed_id, "--max-stories", "50", "--full-text", "off",
        "--refresh-minutes", "30",
    )  # fmt: skip
    assert status == 0
    assert out.strip().endswith("refreshed every 30 min, full text off, keeps 50 stories")
    (feed,) = json.loads(run(capsys, path, "feeds", "list", "--json")[1])
    assert (feed["folder"], feed["paused"]) == ("Sport", True)
    assert feed["settings"] == {
        "refresh_minutes": 30, "full_text": False, "max_stories": 50, "max_age_days": None,
    }  # fmt: skip
    listing = run(capsys, path, "feeds", "list")[1]
    assert "folder: Sport" in listing and "PAUSED" in listing and "keeps 50 stories" in listing
    run(capsys, path, "feeds", "resume", feed_id)
    run(capsys, path, "feeds", "folder", feed_id, "")
    run(capsys, path, "feeds", "set", feed_id, "--max-stories", "off", "--full-text", "default")
    (feed,) = json.loads(run(capsys, path, "feeds", "list", "--json")[1])
    assert (feed["folder"], feed["paused"], feed["settings"]["max_stories"]) == ("", False, None)
    assert feed["settings"]["refresh_minutes"] == 30
    status, _, err = run(capsys, path, "feeds", "set", feed_id, "--max-stories", "-3")
    assert status == 2 and "--max-stories: must be a whole number from 1 to 10,000,000" in err


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--refresh-minutes", "1e9", "--refresh-minutes: must be from 1 to 527,040 minutes"),
        ("--refresh-minutes", "nan", "--refresh-minutes: must be from 1"),
        ("--max-age-days", "1e6", "--max-age-days: must be from 0.001 to 36,600 days"),
        ("--max-stories", "10.5", "--max-stories: must be a whole number from 1 to 10,000,000"),
        ("--max-stories", "inf", "--max-stories: must be a whole number"),
    ],
)
def test_feeds_set_refuses_silly_values_as_bad_usage(
    capsys: pytest.CaptureFixture[str], path: Path, option: str, value: str, words: str
) -> None:
    feed_id = run(capsys, path, "feeds", "add", "https://a.test/rss")[1].strip()
    status, out, err = run(capsys, path, "feeds", "set", feed_id, option, value)
    assert (status, out) == (2, "")  # as argparse's refusals: bad usage
    assert err.startswith(f"aanews: {words}") and "e+" not in err
    (feed,) = json.loads(run(capsys, path, "feeds", "list", "--json")[1])
    assert set(feed["settings"].values()) == {None}  # nothing stored


def test_a_setting_stored_before_its_range_was_checked_does_not_block_another(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    """A feed whose refresh interval was set to a million minutes by an older aanews can
    still have its full text turned on: only the setting changed is checked."""
    feed_id = run(capsys, path, "feeds", "add", "https://a.test/rss")[1].strip()
    db = open_db(path)
    with db.atomic():
        db.execute("UPDATE feeds SET refresh_minutes = 1000000 WHERE id = ?", [int(feed_id)])
    db.close()
    status, out, err = run(capsys, path, "feeds", "set", feed_id, "--full-text", "on")
    assert (status, err) == (0, "") and "full text on" in out
    status, _, err = run(capsys, path, "feeds", "set", feed_id, "--refresh-minutes", "2e6")
    assert status == 2 and "--refresh-minutes: must be from 1" in err  # a new one is checked


def test_feeds_set_and_remove_count_in_words(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    feed_id = run(capsys, path, "feeds", "add", "https://a.test/rss")[1].strip()
    status, out, _ = run(
        capsys, path, "feeds", "set", feed_id, "--refresh-minutes", "1440",
        "--max-stories", "1", "--max-age-days", "1",
    )  # fmt: skip
    assert (status, out) == (
        0,
        f"feed {feed_id}: refreshed every 1,440 min, keeps 1 story, keeps 1 day\n",
    )
    out = run(
        capsys, path, "feeds", "set", feed_id, "--max-stories", "12000", "--max-age-days", "0.5"
    )[1]
    assert out.endswith("keeps 12,000 stories, keeps 0.5 days\n")
    db = open_db(path)
    store_feed(db, int(feed_id), ParsedFeed(entries=[Entry(key="guid:1", title="One")]))
    db.close()
    out = run(capsys, path, "feeds", "remove", feed_id)[1]
    assert out == f"removed feed {feed_id} (https://a.test/rss); 1 story deleted\n"


def test_a_feed_typed_with_its_scheme_and_host_in_capitals_is_already_subscribed(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    status, out, _ = run(capsys, path, "feeds", "add", "aa:tr/ekonomi")
    feed_id = out.strip()
    shouted = "HTTPS://WWW.AA.COM.TR/tr/rss/default?cat=ekonomi"
    status, out, err = run(capsys, path, "feeds", "add", shouted)
    assert (status, out.strip()) == (0, feed_id)
    assert f"already subscribed: feed {feed_id} (AA Türkçe · Ekonomi)" in err
    # the path and the query keep their case: they can name another feed
    status, out, err = run(capsys, path, "feeds", "add", "HTTP://Example.ORG/Feed.xml?Cat=A")
    assert status == 0 and "already" not in err
    urls = [feed["url"] for feed in json.loads(run(capsys, path, "feeds", "list", "--json")[1])]
    assert urls == [
        "https://www.aa.com.tr/tr/rss/default?cat=ekonomi",
        "http://example.org/Feed.xml?Cat=A",
    ]


def test_a_feed_stored_before_hosts_were_lowercased_is_found_as_it_was_typed(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    db = open_db(path)
    db.execute(  # as an older aanews stored it
        "INSERT INTO feeds (url, title, position, created_at) VALUES (?, 'Old', 1, '')",
        ["HTTPS://Old.Example/feed"],
    )
    db.conn.commit()
    db.close()
    status, out, err = run(capsys, path, "feeds", "add", "HTTPS://Old.Example/feed")
    assert (status, out.strip()) == (0, "1") and "already subscribed: feed 1 (Old)" in err

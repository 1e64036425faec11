"""Server differences on recorded answers (tests/fixtures/greader/): ids, titles, stories."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from store.sync.quirks import SERVERS, guess_server, quirks_for
from store.sync.secrets import load_password, store_password
from store.sync.stories import read_story
from store.sync.subscriptions import AccountFeed, Subscriptions
from tui.config import ConfigError, parse_config

FIXTURES = Path(__file__).parent / "fixtures" / "greader"


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def subs(*streams: str, folders: set[str] | None = None) -> Subscriptions:
    found = Subscriptions(folders=folders or set())
    for number, stream in enumerate(streams, start=1):
        found.feeds[stream] = AccountFeed(number, f"http://127.0.0.1/feed{number}.xml")
    return found


def test_freshrss_decimal_and_long_form_ids_are_one_id() -> None:
    freshrss = quirks_for("freshrss")
    long_form = [
        freshrss.item_key(i["id"]) for i in recorded("freshrss-stream-contents.json")["items"]
    ]
    short = [freshrss.item_key(r["id"]) for r in recorded("freshrss-items-ids.json")["itemRefs"]]
    assert long_form == short[:2] == ["0006618f15ced3d0", "0006618f15ced3cf"]
    assert (
        freshrss.item_ref("0006618f15ced3d0") == "tag:google.com,2005:reader/item/0006618f15ced3d0"
    )


@pytest.mark.parametrize(
    ("server", "raw", "key"),
    [
        ("generic", "-1", "ffffffffffffffff"),  # Google's short form is signed
        ("generic", "1234", "00000000000004d2"),
        ("generic", "tag:google.com,2005:reader/item/4d2", "00000000000004d2"),
        ("theoldreader", "00157a17b192950b65be3791", "00157a17b192950b65be3791"),
        ("theoldreader", "1234", "1234"),  # an ObjectId, not a number
        ("generic", "tag:google.com,2005:reader/item/not-hex", None),
        ("generic", "", None),
        ("generic", None, None),
        ("generic", "tag:google.com,2005:reader/item/" + "f" * 40, None),
    ],
)
def test_item_ids_in_every_form(server: str, raw: object, key: str | None) -> None:
    assert quirks_for(server).item_key(raw) == key


def test_a_freshrss_story_reads_like_the_feed_it_came_from() -> None:
    item = recorded("freshrss-stream-contents.json")["items"][0]
    story = read_story(item, quirks_for("freshrss"), subs("feed/3", folders={"World"}))
    assert story is not None
    assert story.entry.title == "Pêche & Assemblée énergie"  # FreshRSS sent "＆"
    assert story.entry.key == "aa:2100004"  # AA identity from the link
    assert story.entry.published is not None
    assert story.entry.published.isoformat() == "2024-01-01T06:28:17+03:00"  # Istanbul time
    assert story.entry.summary.startswith("Tunisie entraîneur")
    assert (story.read, story.starred, story.labels) == (True, True, {"Foo"})  # World: a folder
    assert story.crawled == 1796117034357712  # microseconds


def test_other_servers_keep_fullwidth_marks_in_titles() -> None:
    item = recorded("freshrss-stream-contents.json")["items"][0]
    story = read_story(item, quirks_for("generic"), subs("feed/3"))
    assert story is not None and "＆" in story.entry.title


def test_a_miniflux_story_with_its_text_in_content_and_user_numbered_labels() -> None:
    item = recorded("miniflux-items-contents.json")["items"][0]
    story = read_story(item, quirks_for("miniflux"), subs("feed/12"))
    assert story is not None
    assert story.key == "00000000000004d2"
    assert story.entry.key == "aa:3009"
    assert story.entry.summary == "Bütçe görüşmeleri sürüyor."
    assert (story.read, story.starred, story.labels) == (True, False, {"Haberler"})


def test_a_story_of_an_unknown_feed_or_without_an_id_is_skipped() -> None:
    item = recorded("freshrss-stream-contents.json")["items"][0]
    assert read_story(item, quirks_for("freshrss"), subs("feed/99")) is None
    assert read_story({**item, "id": "garbage!"}, quirks_for("freshrss"), subs("feed/3")) is None
    assert read_story("not a story", quirks_for("freshrss"), subs("feed/3")) is None


def test_the_server_is_guessed_from_its_address() -> None:
    assert guess_server("https://rss.example.org/api/greader.php") == "freshrss"
    assert guess_server("https://www.inoreader.com") == "inoreader"
    assert guess_server("https://theoldreader.com/") == "theoldreader"
    assert guess_server("https://miniflux.example.org") == "generic"
    assert set(SERVERS) >= {"freshrss", "miniflux", "inoreader", "theoldreader", "bazqux"}


def test_a_password_file_is_readable_by_its_owner_alone(tmp_path: Path, db: Database) -> None:
    where = store_password("alice@https://rss.example.org", "s3cret-pässword", tmp_path)
    path = tmp_path / "secrets.json"
    assert where == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_password("alice@https://rss.example.org", tmp_path) == "s3cret-pässword"
    dump = "\n".join(db.iterdump())
    assert "s3cret" not in dump


def test_accounts_in_the_config_are_checked() -> None:
    config = parse_config({"accounts": [{"url": "https://r.example.org", "user": "alice"}]})
    assert config.accounts[0]["user"] == "alice"
    with pytest.raises(ConfigError, match="accounts #1: user is missing"):
        parse_config({"accounts": [{"url": "https://r.example.org"}]})
    with pytest.raises(ConfigError, match="unknown key 'password'"):
        parse_config({"accounts": [{"url": "https://r", "user": "a", "password": "x"}]})

"""The sync round trip against a real FreshRSS (../shared/freshrss, PHP).

Feeds are served on 127.0.0.1; aanews subscribes the account to them, FreshRSS
fetches them ($FRESHRSS_ACTUALIZE), and aanews databases sync: stories,
folders, read, starred and labels both ways, FreshRSS's own API as the judge.
Without PHP or ../shared these tests skip with one line (CI fails instead).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REQUIRE_SHARED, need_shared
from freshrss_server import NEEDS, FeedServer, FreshRSS

from store.db import open_db
from store.items import set_read, set_starred
from store.tags import tag_items
from tui.cli import main

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"


def _skip_without_freshrss() -> None:
    """Skip (fail in CI) without ../shared/freshrss or without PHP, in one line."""
    need_shared("freshrss/start.sh")
    if shutil.which("php") is None:
        why = f"PHP is missing for the FreshRSS tests: {NEEDS}"
        if REQUIRE_SHARED:
            pytest.fail(f"{why} (AANEWS_REQUIRE_SHARED is set)")
        pytest.skip(why)


def _rss(category: str, stories: list[tuple[int, str]]) -> bytes:
    """An AA-shaped feed: numeric guids, aa.com.tr links, Istanbul times."""
    items = "".join(
        f'<item><guid isPermaLink="false">{story}</guid>'
        f"<link>https://www.aa.com.tr/tr/{category}/haber/{story}</link>"
        f"<title>{title}</title><description>{title}: ayrıntılar.</description>"
        f"<pubDate>Mon, 30 Nov 2026 {8 + n:02d}:15:00 +0300</pubDate></item>"
        for n, (story, title) in enumerate(stories)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Anadolu Ajansı - {category}</title><link>https://www.aa.com.tr/tr</link>"
        f"{items}</channel></rss>"
    ).encode()


GUNCEL = [(3001, "Ankara &amp; İzmir'de seçim"), (3002, "Merkez Bankası faiz kararı")]
DUNYA = [(3001, "Ankara &amp; İzmir'de seçim"), (3101, "Gazze'de ateşkes görüşmesi")]


class World:
    """The FreshRSS, the feeds it reads, and how to run aanews against it."""

    def __init__(self, root: Path, server: FreshRSS, feeds: FeedServer) -> None:
        self.root = root
        self.server = server
        self.feeds = feeds
        self.config = root / "config.toml"
        self.config.write_text("")
        self.password_file = root / "password"
        self.password_file.write_text(server.password + "\n")

    def aanews(self, db: Path, *args: str) -> int:
        return main(["--db", str(db), "--config", str(self.config), *args])

    def new_database(self, name: str) -> Path:
        """A database with the account added and synced once."""
        db = self.root / f"{name}.db"
        assert self.add_account(db) == 0
        assert self.aanews(db, "sync") == 0
        return db

    def add_account(self, db: Path, password_file: Path | None = None) -> int:
        return self.aanews(
            db, "account", "add", "greader", self.server.api_url, "--user", self.server.user,
            "--password-file", str(password_file or self.password_file),
        )  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    _skip_without_freshrss()
    root = tmp_path_factory.mktemp("freshrss")
    feeds = FeedServer()
    feeds.documents["/tr/rss/default?cat=guncel"] = _rss("guncel", GUNCEL)
    feeds.documents["/tr/rss/default?cat=dunya"] = _rss("dunya", DUNYA)
    server = FreshRSS(root)
    try:
        server.start()
        here = World(root, server, feeds)
        setup = root / "setup.db"
        assert here.add_account(setup) == 0
        for category, folder in (("guncel", "Gündem"), ("dunya", "Dünya")):
            url = feeds.url(f"/tr/rss/default?cat={category}")
            assert here.aanews(setup, "account", "subscribe", "1", url, "--folder", folder) == 0
        assert here.aanews(setup, "sync") == 0  # the subscriptions go to FreshRSS
        server.actualize()
        yield here
    finally:
        server.kill()
        feeds.close()


def _story(db_path: Path, story: int) -> dict:
    db = open_db(db_path)
    try:
        row = db.execute(
            "SELECT id, title, published, read, starred FROM items WHERE key = ?", [f"aa:{story}"]
        ).fetchone()
        assert row, f"aa:{story} is not in {db_path.name}"
        feeds = [
            r[0] for r in db.execute("SELECT feed_id FROM item_feeds WHERE item_id = ?", [row[0]])
        ]
        tags = [
            r[0]
            for r in db.execute(
                "SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id WHERE item_id = ?",
                [row[0]],
            )
        ]
        remote = [
            int(r[0], 16)
            for r in db.execute("SELECT remote_id FROM sync_items WHERE item_id = ?", [row[0]])
        ]
        return {
            "id": row[0], "title": row[1], "published": row[2], "read": bool(row[3]),
            "starred": bool(row[4]), "feeds": feeds, "tags": tags, "remote": remote,
        }  # fmt: skip
    finally:
        db.close()


def test_a_new_database_gets_the_feeds_folders_and_stories(world: World, tmp_path: Path) -> None:
    db_path = world.new_database("first")
    db = open_db(db_path)
    folders = dict(db.execute("SELECT feed_title, folder FROM feeds"))
    db.close()
    assert folders == {"Anadolu Ajansı - guncel": "Gündem", "Anadolu Ajansı - dunya": "Dünya"}
    shared = _story(db_path, 3001)
    # One AA story in two feeds is one story: FreshRSS has it twice, aanews once.
    assert len(shared["feeds"]) == 2 and len(shared["remote"]) == 2
    assert shared["title"] == "Ankara & İzmir'de seçim"  # FreshRSS sends "＆"
    assert shared["published"] == "2026-11-30T08:15:00+03:00"  # AA's time, Istanbul's offset
    assert not shared["read"]


def test_a_story_fetched_directly_and_synced_is_one_story_without_a_revision(
    world: World,
) -> None:
    db_path = world.new_database("direct")
    direct = world.feeds.url("/tr/rss/default?cat=guncel&direct=1")
    world.feeds.documents["/tr/rss/default?cat=guncel&direct=1"] = _rss("guncel", GUNCEL)
    assert world.aanews(db_path, "feeds", "add", direct) == 0
    assert world.aanews(db_path, "fetch") == 0  # syncs first, then fetches the local feed
    story = _story(db_path, 3001)
    assert len(story["feeds"]) == 3
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM items WHERE is_updated = 1").fetchone()[0] == 0
    db.close()


def test_star_tag_and_read_reach_freshrss_and_a_second_database(world: World) -> None:
    one = world.new_database("one")
    db = open_db(one)
    starred, tagged, read = (_story(one, n)["id"] for n in (3002, 3101, 3001))
    set_starred(db, [starred])
    tag_items(db, [tagged], ["Seçim 2026"])
    set_read(db, [read])
    db.close()
    assert world.aanews(one, "sync") == 0
    with world.server.api() as api:
        assert set(_story(one, 3002)["remote"]) <= api.ids(STARRED)
        assert set(_story(one, 3101)["remote"]) <= api.ids("user/-/label/Seçim 2026")
        assert not set(_story(one, 3001)["remote"]) & api.ids(READING_LIST, xt=READ)
    two = world.new_database("two")
    assert _story(two, 3002)["starred"]
    assert "Seçim 2026" in _story(two, 3101)["tags"]
    assert _story(two, 3001)["read"]


def test_marks_made_in_freshrss_come_back(world: World) -> None:
    db_path = world.new_database("back")
    target = _story(db_path, 3101)
    refs = [("i", f"tag:google.com,2005:reader/item/{r:016x}") for r in target["remote"]]
    with world.server.api() as api:
        api.edit("edit-tag", [*refs, ("a", STARRED)])
        api.edit("edit-tag", [*refs, ("a", READ)])
        api.edit("edit-tag", [*refs, ("a", "user/-/label/Arşiv")])
    assert world.aanews(db_path, "sync") == 0
    back = _story(db_path, 3101)
    assert back["starred"] and back["read"] and "Arşiv" in back["tags"]
    with world.server.api() as api:
        api.edit("edit-tag", [*refs, ("r", "user/-/label/Arşiv")])
        api.edit("edit-tag", [*refs, ("r", READ)])
    assert world.aanews(db_path, "sync") == 0
    back = _story(db_path, 3101)
    assert "Arşiv" not in back["tags"] and not back["read"]


def test_a_local_change_made_since_the_last_sync_wins(world: World) -> None:
    db_path = world.new_database("conflict")
    story = _story(db_path, 3002)
    refs = [("i", f"tag:google.com,2005:reader/item/{r:016x}") for r in story["remote"]]
    db = open_db(db_path)
    set_read(db, [story["id"]], True)
    set_read(db, [story["id"]], False)  # read, then unread again: unread is what counts
    db.close()
    with world.server.api() as api:
        api.edit("edit-tag", [*refs, ("a", READ)])  # the phone read it meanwhile
        api.edit("edit-tag", [*refs, ("a", STARRED)])  # and starred it: another state
    assert world.aanews(db_path, "sync") == 0
    after = _story(db_path, 3002)
    assert not after["read"]  # the local change since the last sync won
    assert after["starred"]  # the server's change to the other state came through
    with world.server.api() as api:
        assert set(story["remote"]) <= api.ids(READING_LIST, xt=READ)


def test_changes_made_while_freshrss_is_down_go_out_when_it_is_back(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = world.new_database("offline")
    story = _story(db_path, 3101)
    world.server.stop()
    try:
        db = open_db(db_path)
        set_starred(db, [story["id"]], not story["starred"])
        db.close()
        capsys.readouterr()
        assert world.aanews(db_path, "sync") == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "connection refused" in err
        assert world.aanews(db_path, "account", "list", "--json") == 0
        [account] = json.loads(capsys.readouterr().out)
        assert account["status"] == "failing" and account["queued"] == 1
    finally:
        world.server.restart()
    assert _story(db_path, 3101)["starred"] is not story["starred"]  # kept here meanwhile
    assert world.aanews(db_path, "sync") == 0
    with world.server.api() as api:
        on_server = set(story["remote"]) <= api.ids(STARRED)
    assert on_server is not story["starred"]
    capsys.readouterr()
    assert world.aanews(db_path, "account", "list", "--json") == 0
    [account] = json.loads(capsys.readouterr().out)
    assert account["status"] == "ok" and account["queued"] == 0


def test_a_later_sync_asks_only_for_what_freshrss_fetched_since(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    guncel = "/tr/rss/default?cat=guncel"
    world.feeds.documents[guncel] = _rss("guncel", [*GUNCEL, (3003, "Köprü açıldı")])
    world.server.actualize()
    db_path = world.new_database("incremental")
    world.feeds.documents[guncel] = _rss(
        "guncel", [*GUNCEL, (3003, "Köprü açıldı"), (3004, "Yeni haber: tünel")]
    )
    world.server.actualize()
    capsys.readouterr()
    assert world.aanews(db_path, "sync", "--json") == 0
    [report] = json.loads(capsys.readouterr().out)
    assert len(report["new_ids"]) == 1
    with world.server.api() as api:
        total = len(api.ids(READING_LIST))
    assert report["stories"] == 1 < total  # what came since the last sync, not everything
    assert _story(db_path, 3004)["title"] == "Yeni haber: tünel"


def test_unsubscribing_in_aanews_unsubscribes_on_freshrss(world: World) -> None:
    db_path = world.new_database("unsubscribe")
    url = world.feeds.url("/tr/rss/default?cat=spor")
    world.feeds.documents["/tr/rss/default?cat=spor"] = _rss("spor", [(3201, "Milli maç")])
    assert world.aanews(db_path, "account", "subscribe", "1", url) == 0
    assert world.aanews(db_path, "sync") == 0
    with world.server.api() as api:
        assert url in [s["url"] for s in api.get("subscription/list")["subscriptions"]]
    db = open_db(db_path)
    feed_id = db.execute("SELECT id FROM feeds WHERE url = ?", [url]).fetchone()[0]
    db.close()
    assert world.aanews(db_path, "feeds", "remove", str(feed_id)) == 0
    assert world.aanews(db_path, "sync") == 0
    with world.server.api() as api:
        assert url not in [s["url"] for s in api.get("subscription/list")["subscriptions"]]


def test_a_wrong_password_is_one_clear_line(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-password\n")
    db_path = tmp_path / "wrong.db"
    capsys.readouterr()
    assert world.add_account(db_path, wrong) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "wrong user name or password" in err and "not-the-password" not in err
    assert world.aanews(db_path, "account", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_an_accounts_table_in_the_config_is_an_account(world: World, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[accounts]]\nurl = "{world.server.api_url}"\nuser = "{world.server.user}"\n'
        f'password_file = "{world.password_file}"\n'
    )
    db_path = tmp_path / "from-config.db"
    assert main(["--db", str(db_path), "--config", str(config), "sync"]) == 0
    assert len(_story(db_path, 3001)["feeds"]) == 2


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


@pytest.mark.anyio
async def test_the_feed_manager_subscribes_and_unsubscribes_through_the_account(
    world: World,
) -> None:
    from app_factory import screen_text, settle
    from test_feed_manager import Host

    from store.feeds import list_feeds
    from tui.screens.feed_manager import FeedManager

    db_path = world.new_database("manager")
    path = "/tr/rss/default?cat=ekonomi"
    url = world.feeds.url(path)
    world.feeds.documents[path] = _rss("ekonomi", [(3301, "Borsa güne yükselişle başladı")])

    def listed() -> list[str]:
        with world.server.api() as api:
            return [s["url"] for s in api.get("subscription/list")["subscriptions"]]

    app = Host(FeedManager(db_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "via alice@" in screen_text(app)  # the account's feeds say so
        await pilot.press("A")
        await settle(pilot)
        await pilot.press(*url, "enter")
        await settle(pilot)
    assert url not in listed()  # queued, not sent yet
    assert world.aanews(db_path, "sync") == 0
    assert url in listed()
    db = open_db(db_path)
    row = [feed.url for feed in list_feeds(db, counts=False)].index(url)
    db.close()
    app = Host(FeedManager(db_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*["down"] * row, "d")
        await settle(pilot)
        assert "greader.php unsubscribes at the" in screen_text(app)  # the question says so
        await pilot.press("y")
        await settle(pilot)
    assert world.aanews(db_path, "sync") == 0
    assert url not in listed()  # as `aanews feeds remove` does it

"""The reviewers' check, end to end: the ``aanews`` command against AA-shaped feeds on 127.0.0.1.

Every step goes through ``tui.cli.main`` (or the installed script) the way a user
types it; the feeds are ours, shaped like AA's: numeric guid equal to the link's
last segment, an item ``<image>``, ``+0300`` dates, plain-text leads with
trailing newlines, a Turkish channel title.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from http import HTTPStatus
from pathlib import Path

import pytest
from local_server import Request, Response, local_server, path_of

from store.db import open_db
from store.items import set_read, set_starred
from tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
ISTANBUL = timezone(timedelta(hours=3))
NEWEST = datetime(2024, 5, 1, 9, 30, tzinfo=ISTANBUL)
FIRST_ID = 3_200_000
JSON_KEYS = {
    "id", "guid", "link", "title", "summary", "published", "updated", "lang", "image",
    "dateline", "tags", "feeds", "read", "starred",
}  # fmt: skip


# --- AA-shaped feeds ---------------------------------------------------------------------


def story(number: int, section: str = "gundem") -> dict[str, str]:
    """One AA story as the feed describes it; the same number is the same story."""
    story_id = str(FIRST_ID + number)
    published = NEWEST - timedelta(minutes=7 * number)
    return {
        "guid": story_id,
        "link": f"https://www.aa.com.tr/tr/{section}/ankarada-gelisme-{number}/{story_id}",
        "title": f"Ankara'da gelişme {number}: Bakanlık açıklama yaptı",
        "lead": f"Bakanlık, {number}. gelişmeye ilişkin yazılı açıklama yaptı. Çalışmalar sürüyor.",
        "image": "https://cdnuploads.aa.com.tr/uploads/Contents/2024/05/01/"
        f"thumbs_b_c_{story_id}abcdef.jpg?v=094512",
        "pubDate": format_datetime(published),  # RFC 822, "+0300"
        "published": published.isoformat(),
    }


def rss(numbers: list[int], section: str = "gundem", channel: str = "Güncel") -> bytes:
    """An AA-shaped RSS document carrying these stories."""
    items = "".join(
        "<item>"
        f'<guid isPermaLink="false">{s["guid"]}</guid>'
        f"<link>{s['link']}</link>"
        f"<title>{s['title']}</title>"
        f"<description>{s['lead']}\n\n</description>"
        f"<pubDate>{s['pubDate']}</pubDate>"
        f"<image>{s['image']}</image>"
        "</item>\n"
        for s in (story(n, section) for n in numbers)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Anadolu Ajansı - {channel} Haberleri</title>"
        "<link>https://www.aa.com.tr/tr/rss/default?cat=guncel</link>"
        "<description>Anadolu Ajansı'nın en son haberleri</description>\n"
        f"{items}</channel></rss>"
    ).encode()


class FeedServer:
    """Feeds on 127.0.0.1 with ETag/Last-Modified; answers 304 to a matching request."""

    def __init__(self, validator: str = "etag") -> None:
        self.validator = validator
        # path -> (body, ETag, Last-Modified)
        self.documents: dict[str, tuple[bytes, str, str]] = {}
        self.requests: list[tuple[str, dict[str, str], int]] = []
        self.version = 0
        self.port = 0

    def _answer(self, request: Request) -> Response:
        path = path_of(request)
        found = self.documents.get(path)
        headers = {k.lower(): v for k, v in request.headers.items()}
        if found is None:
            status, body = 404, b"not found"
        elif self.validator == "etag" and headers.get("if-none-match") == found[1]:
            status, body = 304, b""
        elif self.validator == "date" and headers.get("if-modified-since") == found[2]:
            status, body = 304, b""
        else:
            status, body = 200, found[0]
        self.requests.append((path, headers, status))
        answer = Response(
            body,
            status=f"{status} {HTTPStatus(status).phrase}",  # as servers write it: "Not Found"
            content_type="application/rss+xml; charset=utf-8",
        )
        if found is not None and self.validator == "etag":
            answer.headers["ETag"] = found[1]
        if found is not None and self.validator == "date":
            answer.headers["Last-Modified"] = found[2]
        return answer

    def url(self, category: str) -> str:
        return f"http://127.0.0.1:{self.port}/tr/rss/default?cat={category}"

    def serve(self, category: str, body: bytes) -> None:
        """From now on the feed of ``category`` is ``body`` (with a new ETag and date)."""
        self.version += 1
        changed = format_datetime(
            (NEWEST + timedelta(minutes=self.version)).astimezone(UTC), usegmt=True
        )
        self.documents[f"/tr/rss/default?cat={category}"] = (body, f'"v{self.version}"', changed)

    def gone(self, category: str) -> None:
        """The feed of ``category`` now answers 404."""
        self.documents.pop(f"/tr/rss/default?cat={category}", None)

    def answers(self, category: str) -> list[tuple[dict[str, str], int]]:
        path = f"/tr/rss/default?cat={category}"
        return [(headers, status) for p, headers, status in self.requests if p == path]


@contextmanager
def serving(validator: str = "etag") -> Iterator[FeedServer]:
    """A FeedServer running in a thread; ``validator`` is "etag" or "date" (Last-Modified)."""
    feeds = FeedServer(validator)
    with local_server(feeds._answer) as http:
        feeds.port = http.port
        yield feeds


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with serving() as feeds:
        yield feeds


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "aanews.db"


def aanews(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    """``aanews --db DB ARGV...``: exit status, stdout, stderr."""
    status = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return status, out, err


def stories(capsys: pytest.CaptureFixture[str], db: Path, query: str = "") -> list[dict]:
    status, out, err = aanews(capsys, db, "search", query, "--json")
    assert status == 0, err
    return json.loads(out)


def subscribe(capsys: pytest.CaptureFixture[str], db: Path, url: str) -> int:
    status, out, err = aanews(capsys, db, "feeds", "add", url)
    assert status == 0, err
    return int(out)


# --- 1. add, fetch, search ------------------------------------------------------------------


def test_fetched_stories_come_back_with_aa_ids_images_and_istanbul_times(
    capsys: pytest.CaptureFixture[str], path: Path, server: FeedServer
) -> None:
    numbers = list(range(30))
    server.serve("guncel", rss(numbers))
    feed_id = subscribe(capsys, path, server.url("guncel"))
    status, out, err = aanews(capsys, path, "fetch")
    assert status == 0, err
    assert "30 new" in out

    found = stories(capsys, path, "is:unread")
    assert len(found) == 30
    assert all(set(s) == JSON_KEYS for s in found)
    by_guid = {s["guid"]: s for s in found}
    for number in numbers:
        expected = story(number)
        got = by_guid[expected["guid"]]
        assert got["link"] == expected["link"]
        assert got["title"] == expected["title"]
        assert got["summary"] == expected["lead"]  # trailing newlines gone
        assert got["image"] == expected["image"]
        assert got["published"] == expected["published"]
        assert got["feeds"] == [feed_id]
        assert (got["read"], got["starred"], got["tags"]) == (False, False, [])
    assert by_guid[str(FIRST_ID)]["published"] == "2024-05-01T09:30:00+03:00"
    # Newest first, as the listing promises.
    assert [s["guid"] for s in found] == [story(n)["guid"] for n in numbers]


# --- 2. a second fetch is conditional -------------------------------------------------------


@pytest.mark.parametrize("validator", ["etag", "date"])
def test_second_fetch_is_conditional_and_adds_nothing(
    capsys: pytest.CaptureFixture[str], path: Path, validator: str
) -> None:
    with serving(validator) as server:
        _conditional_fetch(capsys, path, server)


def _conditional_fetch(capsys: pytest.CaptureFixture[str], path: Path, server: FeedServer) -> None:
    server.serve("guncel", rss(list(range(30))))
    subscribe(capsys, path, server.url("guncel"))
    assert aanews(capsys, path, "fetch")[0] == 0
    before = stories(capsys, path)

    status, out, err = aanews(capsys, path, "fetch", "--json")
    assert status == 0, err
    report = json.loads(out)
    (first, second) = server.answers("guncel")
    assert "if-none-match" not in first[0] and "if-modified-since" not in first[0]
    assert "if-none-match" in second[0] or "if-modified-since" in second[0]
    assert second[1] == 304
    assert [o["status"] for o in report["outcomes"]] == ["unchanged"]
    assert report["new_ids"] == [] and report["updated_ids"] == []
    assert stories(capsys, path) == before


# --- 3. snapshots accumulate; one story, many feeds --------------------------------------


def test_successive_snapshots_leave_the_union_once_each(
    capsys: pytest.CaptureFixture[str], path: Path, server: FeedServer
) -> None:
    server.serve("guncel", rss(list(range(30))))
    subscribe(capsys, path, server.url("guncel"))
    assert aanews(capsys, path, "fetch")[0] == 0
    # Version B: the 5 oldest stories dropped, 5 newer ones on top.
    server.serve("guncel", rss(list(range(-5, 25))))
    status, out, err = aanews(capsys, path, "fetch")
    assert status == 0, err
    assert "5 new" in out

    guids = [s["guid"] for s in stories(capsys, path)]
    assert len(guids) == len(set(guids)) == 35
    assert set(guids) == {story(n)["guid"] for n in range(-5, 30)}
    assert aanews(capsys, path, "search", "", "--count")[1].strip() == "35"


def test_one_story_in_two_category_feeds_is_stored_once(
    capsys: pytest.CaptureFixture[str], path: Path, server: FeedServer
) -> None:
    server.serve("guncel", rss(list(range(30))))
    # The economy feed carries stories 20..39 under another section in the link.
    server.serve("ekonomi", rss(list(range(20, 40)), section="ekonomi", channel="Ekonomi"))
    guncel = subscribe(capsys, path, server.url("guncel"))
    ekonomi = subscribe(capsys, path, server.url("ekonomi"))
    status, _, err = aanews(capsys, path, "fetch")
    assert status == 0, err

    found = stories(capsys, path)
    guids = [s["guid"] for s in found]
    assert len(guids) == len(set(guids)) == 40
    feeds = {s["guid"]: s["feeds"] for s in found}
    for number in range(40):
        expected = [guncel] * (number < 30) + [ekonomi] * (number >= 20)
        assert feeds[story(number)["guid"]] == expected
    assert len(stories(capsys, path, f"feed:{ekonomi}")) == 20


# --- 4. exit status, failures, the failed feed's state ----------------------------------


def test_a_failed_feed_exits_1_and_keeps_its_stories_and_state(
    capsys: pytest.CaptureFixture[str], path: Path, server: FeedServer
) -> None:
    server.serve("guncel", rss(list(range(30))))
    server.serve("spor", rss(list(range(100, 110)), section="spor", channel="Spor"))
    good = subscribe(capsys, path, server.url("guncel"))
    failing = subscribe(capsys, path, server.url("spor"))
    assert aanews(capsys, path, "fetch") == (0, "2 feeds: 2 refreshed, 0 unchanged, 0 failed; "
                                             "40 new, 0 updated stories\n", "")  # fmt: skip

    sport = {s["guid"]: s["id"] for s in stories(capsys, path, f"feed:{failing}")}
    tagged, starred, read = (sport[story(n)["guid"]] for n in (100, 101, 102))
    assert aanews(capsys, path, "tag", str(tagged), "x")[0] == 0
    db = open_db(path)
    set_starred(db, [starred])
    set_read(db, [read])
    db.close()

    server.gone("spor")
    server.serve("guncel", rss(list(range(-3, 27))))
    status, out, err = aanews(capsys, path, "fetch")
    assert status == 1
    assert "1 failed" in out
    (line,) = err.strip().splitlines()
    assert line.startswith(f"feed {failing} ") and server.url("spor") in line
    assert "404" in line
    assert "Traceback" not in err

    # The good feed was stored ...
    assert len(stories(capsys, path, f"feed:{good}")) == 33
    # ... and the failed one lost nothing, nor its reader's marks.
    after = {s["id"]: s for s in stories(capsys, path, f"feed:{failing}")}
    assert set(after) == set(sport.values())
    assert after[tagged]["tags"] == ["x"]
    assert after[starred]["starred"] is True
    assert after[read]["read"] is True
    assert [s["id"] for s in stories(capsys, path, "tag:x")] == [tagged]
    (listed,) = [f for f in json.loads(aanews(capsys, path, "feeds", "list", "--json")[1])
                 if f["id"] == failing]  # fmt: skip
    assert listed["last_status"] == 404 and listed["total"] == 10

    # Once the feed is back, fetch exits 0 again.
    server.serve("spor", rss(list(range(100, 110)), section="spor", channel="Spor"))
    status, _, err = aanews(capsys, path, "fetch")
    assert (status, err) == (0, "")


def test_a_feed_whose_xml_breaks_is_marked_and_loses_nothing(
    capsys: pytest.CaptureFixture[str], path: Path, server: FeedServer
) -> None:
    server.serve("guncel", rss(list(range(10))))
    feed = subscribe(capsys, path, server.url("guncel"))
    assert aanews(capsys, path, "fetch")[0] == 0
    starred = stories(capsys, path)[0]["id"]
    db = open_db(path)
    set_starred(db, [starred])
    db.close()

    def listed() -> dict:
        feeds = json.loads(aanews(capsys, path, "feeds", "list", "--json")[1])
        return next(f for f in feeds if f["id"] == feed)

    # Cut off inside its first story: nothing to read. A failure, saying where it broke.
    whole = rss(list(range(-2, 10)))
    server.serve("guncel", whole[: whole.index(b"<title>") + 12])
    status, out, err = aanews(capsys, path, "fetch")
    assert status == 1 and "1 failed" in out
    assert f"feed {feed} " in err and "broken XML at line " in err and "no story could" in err
    assert "broken XML" in listed()["last_error"]
    ids = {s["id"]: s for s in stories(capsys, path)}
    assert len(ids) == 10 and ids[starred]["starred"] is True  # nothing lost, no mark either

    # Cut off in its third story: the two new ones are read, and the feed says it was cut.
    third = whole.index(b"<item>", whole.index(b"<item>", whole.index(b"<item>") + 1) + 1)
    server.serve("guncel", whole[: third + 40])
    status, out, err = aanews(capsys, path, "fetch")
    assert status == 0 and "(1 cut short)" in out  # not a failure, but said (cron mails it)
    assert f"feed {feed} " in err and ": cut short: broken XML at line " in err
    assert "ends inside a story" in listed()["last_error"] and len(stories(capsys, path)) == 12
    listing = aanews(capsys, path, "feeds", "list")[1]
    assert "CUT SHORT: broken XML at line " in listing and "ERROR" not in listing
    assert aanews(capsys, path, "fetch")[0] == 0  # asked for whole again (no validators kept)
    assert "ends inside a story" in listed()["last_error"]

    server.serve("guncel", rss(list(range(-2, 10))))  # mended: the mark goes
    assert aanews(capsys, path, "fetch")[0] == 0
    assert listed()["last_error"] is None
    assert len(stories(capsys, path)) == 12
    assert next(s for s in stories(capsys, path) if s["id"] == starred)["starred"] is True


# --- 5. help, and errors as one line --------------------------------------------------------


def test_help_lists_the_commands() -> None:
    uv = shutil.which("uv")
    command = [uv, "run", "aanews", "--help"] if uv else [sys.executable, "-m", "tui.cli", "--help"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("    ")}
    assert {"feeds", "fetch", "search", "show", "import", "export", "tag", "tags"} <= listed
    assert "Traceback" not in done.stderr


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert line.startswith("aanews: ")
    return line


def test_a_db_in_a_directory_one_cannot_write_is_one_line() -> None:
    locked = Path(tempfile.mkdtemp(prefix="aanews-locked-"))
    try:
        locked.chmod(0o555)
        # root writes anywhere: run the command without root's capabilities to meet the
        # permission (still root, so a checkout in a private folder stays readable).
        become = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]
        prefix = become if os.geteuid() == 0 else []
        env = {**os.environ, "HOME": str(locked), "XDG_DATA_HOME": str(locked)}
        for db in (locked / "news.db", locked / "sub" / "news.db"):
            done = subprocess.run(
                [*prefix, sys.executable, "-m", "tui.cli", "--db", str(db), "feeds", "list"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
            )
            assert done.returncode == 1
            assert done.stdout == ""
            one_line_error(done.stderr)
    finally:
        locked.chmod(0o755)
        shutil.rmtree(locked)


def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], path: Path, tmp_path: Path
) -> None:
    open_db(path).close()  # a database without these ids
    status, out, err = aanews(capsys, path, "show", "424242")
    assert (status, out) == (1, "")
    assert "424242" in one_line_error(err)

    status, out, err = aanews(capsys, path, "tag", "424242", "x")
    assert (status, out) == (1, "")
    assert "424242" in one_line_error(err)

    for query in ('"unclosed', "(gaza", "since:yesterdayish", "is:bogus"):
        status, out, err = aanews(capsys, path, "search", query)
        assert (status, out) == (2, ""), query
        assert "bad query" in one_line_error(err)

    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    status, out, err = aanews(capsys, not_a_dir / "news.db", "feeds", "list")
    assert (status, out) == (1, "")
    one_line_error(err)


# --- 6. subscriptions round trip ------------------------------------------------------------


def test_newsboat_urls_to_opml_to_a_fresh_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    urls = tmp_path / "urls"
    urls.write_text(
        "# my feeds\n"
        'https://www.aa.com.tr/tr/rss/default?cat=guncel aa "~AA Güncel"\n'
        "https://www.aa.com.tr/en/rss/default?cat=economy aa english\n"
        'https://example.org/feed.xml "tech news" blogs\n'
        "http://127.0.0.1:8080/rss?a=1&b=2\n"
        'query:unread:"unread = \\"yes\\""\n',
        encoding="utf-8",
    )
    first, fresh = tmp_path / "first.db", tmp_path / "fresh.db"
    status, out, err = aanews(capsys, first, "import", str(urls))
    assert status == 0
    assert out.startswith("4 feeds added")
    assert "query" in err

    opml = tmp_path / "feeds.opml"
    assert aanews(capsys, first, "export", "--opml", "-o", str(opml))[0] == 0
    status, out, _ = aanews(capsys, fresh, "import", str(opml))
    assert status == 0 and out.startswith("4 feeds added")

    def feeds(db: Path) -> list[tuple]:
        listed = json.loads(aanews(capsys, db, "feeds", "list", "--json")[1])
        return [(f["url"], f["title"], f["tags"], f["lang"], f["category"]) for f in listed]

    assert feeds(fresh) == feeds(first)
    assert ("https://www.aa.com.tr/tr/rss/default?cat=guncel", "AA Güncel", ["aa"], "tr",
            "guncel") in feeds(first)  # fmt: skip
    assert ("https://example.org/feed.xml", "", ["blogs", "tech news"], None,
            None) in feeds(first)  # fmt: skip


# --- the demo leaves nothing behind ---------------------------------------------------------


def test_demo_database_is_removed_on_leaving_the_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.demo.database import demo_database

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(KeyboardInterrupt), demo_database() as demo:
        assert demo.is_file() and demo.parent.parent == tmp_path
        db = open_db(demo)
        assert db.execute("SELECT COUNT(*) FROM items").fetchone()[0] >= 300
        db.close()
        raise KeyboardInterrupt  # the reader quit with ^C
    assert list(tmp_path.iterdir()) == []


def test_aanews_demo_keeps_its_copy_and_says_where(tmp_path: Path) -> None:
    """What you did in the demo can be looked at afterwards; old copies are cleared."""
    stale = tmp_path / "aanews-demo-old"
    stale.mkdir()
    (stale / "demo.db").write_bytes(b"")
    os.utime(stale, (0, 0))
    # The reader itself is replaced: what matters is the file it is given, then its fate.
    script = (
        "import sys, tui.app\n"
        "def fake(path, config_path=None, demo=False):\n"
        "    print(path, path.is_file(), demo)\n"
        "    return 0\n"
        "tui.app.run_reader = fake\n"
        "from tui.cli import main\n"
        "sys.exit(main(['--demo']))\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    shown, exists, demo = done.stdout.split()
    assert (exists, demo) == ("True", "True")
    assert Path(shown).parent.parent == tmp_path and Path(shown).is_file()
    assert f"demo database is kept at {shown}" in done.stderr
    assert not stale.exists()


def test_a_feed_that_never_existed_fails_alone(
    capsys: pytest.CaptureFixture[str], path: Path, server: FeedServer
) -> None:
    server.serve("guncel", rss(list(range(30))))
    good = subscribe(capsys, path, server.url("guncel"))
    missing = subscribe(capsys, path, server.url("yok"))
    status, out, err = aanews(capsys, path, "fetch")
    assert status == 1
    assert out == "2 feeds: 1 refreshed, 0 unchanged, 1 failed; 30 new, 0 updated stories\n"
    assert (
        err == f"feed {missing} {server.url('yok')}: HTTP 404 Not Found: no feed at this address\n"
    )
    assert len(stories(capsys, path, f"feed:{good}")) == 30


def test_a_failed_feed_is_told_once_by_the_command_run_as_cron_runs_it(
    capsys: pytest.CaptureFixture[str], path: Path, server: FeedServer
) -> None:
    """Outside pytest (which installs log handlers of its own): the command's one line."""
    missing = subscribe(capsys, path, server.url("yok"))
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())"]
        + ["--db", str(path), "fetch"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if not line.startswith("Bytecode")]
    assert lines == [
        f"feed {missing} {server.url('yok')}: HTTP 404 Not Found: no feed at this address"
    ]


def test_an_aa_feed_added_by_url_is_named_and_filed_like_the_catalogue(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    url = "https://www.aa.com.tr/tr/rss/default?cat=ekonomi"
    subscribe(capsys, path, url)
    (feed,) = json.loads(aanews(capsys, path, "feeds", "list", "--json")[1])
    assert (feed["title"], feed["lang"], feed["category"]) == (
        "AA Türkçe · Ekonomi",
        "tr",
        "ekonomi",
    )
    # Adding it again keeps the name the user gave it.
    assert aanews(capsys, path, "feeds", "rename", str(feed["id"]), "Piyasalar")[0] == 0
    subscribe(capsys, path, url)
    (feed,) = json.loads(aanews(capsys, path, "feeds", "list", "--json")[1])
    assert feed["title"] == "Piyasalar"

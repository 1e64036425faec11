"""Article pages end to end: a feed and its pages served from 127.0.0.1."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlite_utils import Database
from werkzeug import Request, Response

from store.diff import story_diff
from store.feeds import add_feed
from store.fetching.refresh import refresh_feeds
from store.items import get_item, revisions, set_read, set_starred
from store.pages.fulltext import pages_to_recheck, pick_for_full_text, refresh_full_text
from store.tags import item_tags, tag_items

PAGES = Path(__file__).parent / "fixtures" / "pages"
STORY_PATH = "/fr/monde/des-pluies-record-inondent-le-sud-de-l-irak/2301234"


def db_path(db: Database) -> str:
    return str(db.conn.execute("PRAGMA database_list").fetchone()[2])


def aa_feed(server: HTTPServer, paths: list[str]) -> bytes:
    """An AA-shaped RSS document: numeric guid, plain lead, Istanbul pubDate, <image>."""
    items = "".join(
        f"""<item><guid isPermaLink="false">{path.rsplit("/", 1)[1]}</guid>
<link>{server.url_for(path)}</link>
<title>Des pluies record inondent le sud de l'Irak {n}</title>
<description>Les autorités ont ouvert des abris dans trois provinces.
</description>
<pubDate>Fri, 23 Jul 2021 14:05:00 +0300</pubDate>
<image>https://cdnuploads.aa.com.tr/uploads/Contents/2021/07/23/thumbs_b_c_{n}.jpg</image>
</item>"""
        for n, path in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Anadolu Ajansı</title><link>https://www.aa.com.tr/fr</link>{items}"
        "</channel></rss>"
    ).encode()


def classic_page(*, title: str | None = None, extra: str = "", stamp: str | None = None) -> str:
    html = (PAGES / "classic-fr.html").read_text(encoding="utf-8")
    if title:
        html = html.replace(
            "<h1>Des pluies record inondent le sud de l'Irak</h1>", f"<h1>{title}</h1>"
        )
    if stamp:
        html = html.replace("23.07.2021 - Mıse À Jour : 24.07.2021", stamp)
    if extra:
        html = html.replace(
            "<h3>Des routes coupées</h3>", f"<p>{extra}</p>\n<h3>Des routes coupées</h3>"
        )
    return html


def serve_page(server: HTTPServer, path: str, html: str, **headers: str) -> None:
    server.expect_request(path).respond_with_data(
        html, content_type="text/html; charset=utf-8", headers=headers
    )


def ingest(server: HTTPServer, db: Database, paths: list[str]) -> list[int]:
    server.expect_request("/rss").respond_with_data(
        aa_feed(server, paths), content_type="application/rss+xml"
    )
    feed = add_feed(db, server.url_for("/rss"), title="AA fr")
    report = refresh_feeds(db_path(db), [feed.id])
    assert not report.failures
    return report.new_ids


def test_story_page_read_then_revised_once(httpserver: HTTPServer, db: Database) -> None:
    serve_page(httpserver, STORY_PATH, classic_page())
    [item_id] = ingest(httpserver, db, [STORY_PATH])
    tag_items(db, [item_id], ["irak"])
    set_read(db, [item_id])
    set_starred(db, [item_id])

    report = refresh_full_text(db_path(db), [item_id])
    assert (report.fetched, report.failed, report.revised_ids) == (1, 0, [])
    item = get_item(db, item_id)
    assert item.category == "Monde"
    assert item.location == "Irak"
    assert item.dateline == "AA / Bagdad"
    assert item.published is not None and item.published.isoformat() == "2021-07-23T14:05:00+03:00"
    assert item.updated is not None and item.updated.isoformat() == "2021-07-24T14:05:00+03:00"
    assert item.authors == ["Ali Demir"]
    assert item.keywords == ["Irak", "inondations", "météo"]
    assert "## Des routes coupées" in item.body.split("\n\n")
    assert "(HAS)" not in item.body and "WhatsApp" not in item.body
    assert item.full_text_at and item.full_text_error is None
    assert item.title == "Des pluies record inondent le sud de l'Irak 0"  # the feed's title stays
    assert revisions(db, item_id) == []  # gaining a body is not a revision
    assert not item.is_updated
    hits = db.execute(
        "SELECT rowid FROM items_fts WHERE items_fts MATCH 'dateline:bagdad'"
    ).fetchall()
    assert hits == [(item_id,)]

    httpserver.clear_all_handlers()
    new_paragraph = "Un deuxième barrage a cédé dans la nuit, selon la protection civile."
    serve_page(
        httpserver,
        STORY_PATH,
        classic_page(
            title="Les inondations s'étendent au sud de l'Irak",
            extra=new_paragraph,
            stamp="23.07.2021 - Mıse À Jour : 25.07.2021",
        ),
    )
    report = refresh_full_text(db_path(db), [item_id], force=True)
    assert report.revised_ids == [item_id]
    item = get_item(db, item_id)
    [old] = revisions(db, item_id)
    assert old.title == "Des pluies record inondent le sud de l'Irak 0"
    assert new_paragraph not in old.body and new_paragraph in item.body
    assert item.title == "Les inondations s'étendent au sud de l'Irak"
    assert item.updated is not None and item.updated.isoformat() == "2021-07-25T14:05:00+03:00"
    assert item.is_updated
    diff = story_diff(old, item)
    assert ("insert", new_paragraph) in [(k, t.strip()) for k, t in diff["body"]]
    assert any(kind == "insert" and "25" in text for kind, text in diff["updated"])
    assert item.read and item.starred and item_tags(db, item_id) == ["irak"]

    # The same page again is not a new version.
    report = refresh_full_text(db_path(db), [item_id], force=True)
    assert report.revised_ids == [] and len(revisions(db, item_id)) == 1


def test_fresh_pages_are_not_asked_for_again(httpserver: HTTPServer, db: Database) -> None:
    serve_page(httpserver, STORY_PATH, classic_page())
    [item_id] = ingest(httpserver, db, [STORY_PATH])
    refresh_full_text(db_path(db), [item_id])
    requests = len(httpserver.log)
    report = refresh_full_text(db_path(db), [item_id])
    assert report.skipped == 1 and len(httpserver.log) == requests
    assert pick_for_full_text(db, [item_id], stale_minutes=0) == [item_id]


def test_conditional_get_with_the_pages_etag(httpserver: HTTPServer, db: Database) -> None:
    def answer(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(
            classic_page(), content_type="text/html; charset=utf-8", headers={"ETag": '"v1"'}
        )

    httpserver.expect_request(STORY_PATH).respond_with_handler(answer)
    [item_id] = ingest(httpserver, db, [STORY_PATH])
    assert refresh_full_text(db_path(db), [item_id]).fetched == 1
    report = refresh_full_text(db_path(db), [item_id], stale_minutes=0)
    assert report.unchanged == 1 and report.fetched == 0
    assert "Bassora" in get_item(db, item_id).body


@pytest.mark.parametrize(
    ("status", "page", "reason"),
    [(404, "", "404"), (200, (PAGES / "broken.html").read_text(), "no story text")],
)
def test_a_page_that_cannot_be_read_keeps_the_lead_and_says_why(
    httpserver: HTTPServer, db: Database, status: int, page: str, reason: str
) -> None:
    httpserver.expect_request(STORY_PATH).respond_with_data(
        page, status=status, content_type="text/html"
    )
    [item_id] = ingest(httpserver, db, [STORY_PATH])
    report = refresh_full_text(db_path(db), [item_id])
    assert report.failed == 1
    item = get_item(db, item_id)
    assert reason in (item.full_text_error or "")
    assert item.summary.startswith("Les autorités ont ouvert") and item.body == ""


def test_only_http_links_are_fetched(db: Database) -> None:
    feed = add_feed(db, "https://example.org/rss")
    db.execute(
        "INSERT INTO items (key, link, title, published_ts, first_seen, last_seen) "
        "VALUES ('1/guid:x', 'file:///etc/passwd', 't', 0, 'now', 'now')"
    )
    item_id = db.execute("SELECT id FROM items").fetchone()[0]
    db.execute("INSERT INTO item_feeds VALUES (?, ?)", [feed.id, item_id])
    report = refresh_full_text(db_path(db), [item_id])
    assert report.failed == 1 and report.fetched == 0
    assert "http(s)" in (get_item(db, item_id).full_text_error or "")


def test_one_request_at_a_time_per_host_half_a_second_apart(
    httpserver: HTTPServer, db: Database
) -> None:
    paths = [f"/fr/monde/story-{n}/{2301240 + n}" for n in range(3)]
    starts: list[float] = []
    active = 0
    most = 0
    lock = threading.Lock()

    def answer(request: Request) -> Response:
        nonlocal active, most
        with lock:
            starts.append(time.monotonic())
            active += 1
            most = max(most, active)
        time.sleep(0.05)
        with lock:
            active -= 1
        return Response(classic_page(), content_type="text/html; charset=utf-8")

    for path in paths:
        httpserver.expect_request(path).respond_with_handler(answer)
    item_ids = ingest(httpserver, db, paths)
    report = refresh_full_text(db_path(db), item_ids)
    assert report.fetched == 3
    assert most == 1
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert all(gap >= 0.5 for gap in gaps)


def test_a_page_only_update_is_noticed_through_the_feed(
    httpserver: HTTPServer, db: Database
) -> None:
    serve_page(httpserver, STORY_PATH, classic_page())
    [item_id] = ingest(httpserver, db, [STORY_PATH])
    refresh_full_text(db_path(db), [item_id])
    feed_id = get_item(db, item_id).feeds[0]
    httpserver.clear_all_handlers()
    serve_page(httpserver, STORY_PATH, classic_page(extra="Un nouveau paragraphe."))
    # Nothing new in the feed, the page read just now: a normal pass leaves it.
    assert refresh_full_text(db_path(db), [], recheck_feeds=[feed_id]).fetched == 0
    report = refresh_full_text(db_path(db), [], recheck_feeds=[feed_id], stale_minutes=0)
    assert report.revised_ids == [item_id]
    assert "Un nouveau paragraphe." in get_item(db, item_id).body


def test_stories_stored_since_a_refresh_began_get_their_stale_pages_rechecked(
    httpserver: HTTPServer, db: Database
) -> None:
    serve_page(httpserver, STORY_PATH, classic_page())
    [item_id] = ingest(httpserver, db, [STORY_PATH])
    refresh_full_text(db_path(db), [item_id])
    seen = get_item(db, item_id).first_seen
    assert pages_to_recheck(db, seen_since=seen, stale_minutes=0) == [item_id]
    assert pages_to_recheck(db, seen_since=seen) == []  # read just now: not stale
    assert pages_to_recheck(db, seen_since="2999-01-01T00:00:00+00:00", stale_minutes=0) == []


# --- `aanews fetch --full-text`: one change, one revision -----------------------------------

V1_TITLE = "Des pluies record inondent le sud de l'Irak"
V2_TITLE = "Les inondations s'étendent au sud de l'Irak"
NEW_PARAGRAPH = "Un deuxième barrage a cédé dans la nuit, selon la protection civile."


def serve_version(server: HTTPServer, *, title: str, page: str, built: str = "") -> None:
    """The feed (its one story titled ``title``) and the story's page, from 127.0.0.1."""
    server.clear_all_handlers()
    feed = aa_feed(server, [STORY_PATH]).decode()
    feed = feed.replace(f"<title>{V1_TITLE} 0</title>", f"<title>{title}</title>")
    feed = feed.replace("</link><item>", f"</link>{built}<item>", 1)
    server.expect_request("/rss").respond_with_data(feed, content_type="application/rss+xml")
    serve_page(server, STORY_PATH, page)


def fetch_full_text(db: Database) -> None:
    from tui.cli import main

    assert main(["--db", db_path(db), "fetch", "--full-text"]) == 0


def first_version(server: HTTPServer, db: Database) -> int:
    serve_version(server, title=V1_TITLE, page=classic_page())
    add_feed(db, server.url_for("/rss"), title="AA fr")
    fetch_full_text(db)
    [item_id] = [row[0] for row in db.execute("SELECT id FROM items")]
    item = get_item(db, item_id)
    assert item.title == V1_TITLE and "Bassora" in item.body and not item.is_updated
    tag_items(db, [item_id], ["irak"])
    set_read(db, [item_id])
    an_hour_passes(db)
    return item_id


def an_hour_passes(db: Database) -> None:
    """The page read in the last run is now stale (stamps are to the second)."""
    db.execute("UPDATE items SET page_fetched_at = '2021-01-01T00:00:00+00:00'")


def test_a_new_version_in_the_feed_and_on_the_page_is_one_revision(
    httpserver: HTTPServer, db: Database
) -> None:
    item_id = first_version(httpserver, db)
    v1 = get_item(db, item_id)
    v2_page = classic_page(
        title=V2_TITLE, extra=NEW_PARAGRAPH, stamp="23.07.2021 - Mıse À Jour : 25.07.2021"
    )
    serve_version(httpserver, title=V2_TITLE, page=v2_page)
    fetch_full_text(db)

    [old] = revisions(db, item_id)
    assert (old.title, old.summary, old.body, old.updated) == (
        v1.title,
        v1.summary,
        v1.body,
        v1.updated,
    )
    item = get_item(db, item_id)
    assert item.title == V2_TITLE and NEW_PARAGRAPH in item.body
    assert item.updated is not None and item.updated.isoformat() == "2021-07-25T14:05:00+03:00"
    assert item.is_updated and item.read and item_tags(db, item_id) == ["irak"]


def test_a_new_version_only_on_the_page_is_one_revision(
    httpserver: HTTPServer, db: Database
) -> None:
    item_id = first_version(httpserver, db)
    v1 = get_item(db, item_id)
    v2_page = classic_page(extra=NEW_PARAGRAPH, stamp="23.07.2021 - Mıse À Jour : 25.07.2021")
    for run in range(2):
        # The story in the feed stays the same; the document changes around it.
        built = f"<lastBuildDate>Sat, 24 Jul 2021 1{run}:00:00 +0300</lastBuildDate>"
        serve_version(httpserver, title=V1_TITLE, page=v2_page, built=built)
        fetch_full_text(db)
        an_hour_passes(db)
    [old] = revisions(db, item_id)
    assert (old.title, old.body, old.updated) == (v1.title, v1.body, v1.updated)
    item = get_item(db, item_id)
    assert item.title == V1_TITLE and NEW_PARAGRAPH in item.body and item.is_updated
    assert item.read and item_tags(db, item_id) == ["irak"]


def test_a_page_changed_right_after_behind_an_identical_feed_is_one_revision(
    httpserver: HTTPServer, db: Database
) -> None:
    """`fetch --full-text` re-reads pages even when the feed answers the same bytes."""
    serve_version(httpserver, title=V1_TITLE, page=classic_page())
    add_feed(db, httpserver.url_for("/rss"), title="AA fr")
    fetch_full_text(db)
    [item_id] = [row[0] for row in db.execute("SELECT id FROM items")]
    v1 = get_item(db, item_id)
    tag_items(db, [item_id], ["irak"])
    set_read(db, [item_id])
    v2_page = classic_page(
        title=V2_TITLE, extra=NEW_PARAGRAPH, stamp="23.07.2021 - Mıse À Jour : 25.07.2021"
    )
    for _ in range(2):  # the second run finds nothing new
        serve_version(httpserver, title=V1_TITLE, page=v2_page)
        fetch_full_text(db)
    [old] = revisions(db, item_id)
    assert (old.title, old.body, old.updated) == (v1.title, v1.body, v1.updated)
    item = get_item(db, item_id)
    assert item.title == V2_TITLE and NEW_PARAGRAPH in item.body and item.is_updated
    assert item.updated is not None and item.updated.date().isoformat() == "2021-07-25"
    assert item.read and item_tags(db, item_id) == ["irak"]


def test_a_feeds_full_text_setting_chooses_its_pages(db: Database) -> None:
    from store.feeds import add_feed, set_settings
    from store.ingest import store_feed
    from store.model import Entry, FeedSettings, ParsedFeed
    from store.pages.fulltext import pages_allowed

    off = add_feed(db, "https://off.test/rss")
    on = add_feed(db, "https://on.test/rss")
    plain = add_feed(db, "https://plain.test/rss")
    set_settings(db, off.id, FeedSettings(full_text=False))
    set_settings(db, on.id, FeedSettings(full_text=True))
    only_off = store_feed(db, off.id, ParsedFeed(entries=[Entry(key="aa:1", title="a")]))
    shared = store_feed(db, off.id, ParsedFeed(entries=[Entry(key="aa:2", title="b")]))
    store_feed(db, on.id, ParsedFeed(entries=[Entry(key="aa:2", title="b")]))
    mine = store_feed(db, plain.id, ParsedFeed(entries=[Entry(key="aa:3", title="c")]))
    ids = only_off.item_ids + shared.item_ids + mine.item_ids
    assert pages_allowed(db, ids) == shared.item_ids + mine.item_ids
    assert pages_allowed(db, ids, only_on=True) == shared.item_ids


def test_a_plain_fetch_reads_the_pages_of_feeds_with_full_text_on_only(
    httpserver: HTTPServer, db: Database
) -> None:
    from store.feeds import set_settings
    from store.model import FeedSettings
    from tui.cli import main

    serve_version(httpserver, title=V1_TITLE, page=classic_page())
    feed = add_feed(db, httpserver.url_for("/rss"), title="AA fr")
    assert main(["--db", db_path(db), "fetch"]) == 0
    asked = [request.path for request, _ in httpserver.log]
    assert asked == ["/rss"]  # full text is not on for this feed: no page is asked for
    [item_id] = [row[0] for row in db.execute("SELECT id FROM items")]
    assert "Bassora" not in get_item(db, item_id).body

    set_settings(db, feed.id, FeedSettings(full_text=True))
    db.execute("DELETE FROM items")
    db.execute("UPDATE feeds SET etag = NULL, last_modified = NULL, content_hash = NULL")
    assert main(["--db", db_path(db), "fetch"]) == 0
    [item_id] = [row[0] for row in db.execute("SELECT id FROM items")]
    assert STORY_PATH in [request.path for request, _ in httpserver.log]
    assert "Bassora" in get_item(db, item_id).body

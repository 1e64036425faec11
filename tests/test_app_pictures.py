"""The story's picture in the reader: above the story, from a worker, from the cache the
second time; one line instead when it cannot be shown; never on the wrong story.

Pictures and their feed are served from 127.0.0.1 (a local feed may show local
pictures). Under the test pilot there is no terminal, so textual-image draws
with text blocks; the widget and its place are what a terminal would show.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from app_factory import ISTANBUL, make_app, notifications, screen_text, settle
from pytest_httpserver import HTTPServer
from waiting import pilot_wait_for
from werkzeug import Request, Response

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from store.pictures import PICTURE_MAX_BYTES
from tui.config import Config, parse_config

pytestmark = pytest.mark.anyio

PICTURES = Path(__file__).parent / "fixtures" / "pictures"
FLAG = (PICTURES / "flag.png").read_bytes()
SUN = (PICTURES / "sun.jpg").read_bytes()
CONFIG = Config(dwell_seconds=3600)
TITLES = ("Snow closes village roads", "Cargo line opens to Libya")


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def picture_db(path: Path, httpserver: HTTPServer, images: tuple[str, ...]) -> Path:
    """Stories (newest first: TITLES) whose pictures are ``images``, paths on the server."""
    db = open_db(path)
    feed = add_feed(db, httpserver.url_for("/rss"), title="Local wire")
    start = datetime(2026, 3, 12, 17, 0, tzinfo=ISTANBUL)
    entries = [
        Entry(
            key=f"guid:{number}",
            guid=str(number),
            title=title,
            summary=f"The lead of story {number}.",
            link=f"https://news.example/{number}",
            published=start - timedelta(minutes=number),
            lang="en",
            image=httpserver.url_for(image),
        )
        for number, (title, image) in enumerate(zip(TITLES, images, strict=True))
    ]
    store_feed(db, feed.id, ParsedFeed(entries=entries))
    db.close()
    return path


def pictures_on(app: Any) -> list[Any]:
    """The pictures in the reader pane that are displayed."""
    return [p for p in app.screen.query("#story Picture") if p.display and p.parent.display]


def url_shown(app: Any) -> str | None:
    """The URL of the picture on screen (laid out, so with a size), if any."""
    shown = [p for p in pictures_on(app) if p.size.height > 0]
    return shown[0].url if shown else None


async def test_a_story_with_a_photo_shows_it_above_the_text(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.png").respond_with_data(FLAG, content_type="image/png")
    httpserver.expect_request("/b.jpg").respond_with_data(SUN, content_type="image/jpeg")
    app = make_app(picture_db(tmp_path / "p.db", httpserver, ("/a.png", "/b.jpg")), CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/a.png"))
        picture = pictures_on(app)[0]
        story = app.screen.query_one("#story")
        body = story.query_one("#story > Static")
        # Above the story (once the text has moved down to make room for it).
        await pilot_wait_for(pilot, lambda: picture.region.bottom <= body.region.y)
        assert 1 <= picture.size.height <= 16 and picture.size.width <= story.size.width
        assert TITLES[0] in screen_text(app)  # the title still shows at 80x24
        await pilot.press("j")
        await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/b.jpg"))
        assert TITLES[1] in screen_text(app)


async def test_the_second_time_the_picture_comes_from_the_cache(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.png").respond_with_data(FLAG, content_type="image/png")
    httpserver.expect_request("/b.jpg").respond_with_data(SUN, content_type="image/jpeg")
    path = picture_db(tmp_path / "p.db", httpserver, ("/a.png", "/b.jpg"))
    for _ in range(2):  # a second run of the reader too
        await open_both_and_come_back(make_app(path, CONFIG), httpserver)
    assert sorted(request.path for request, _ in httpserver.log) == ["/a.png", "/b.jpg"]


async def open_both_and_come_back(app: Any, httpserver: HTTPServer) -> None:
    """Show the first story's picture, the second's, then the first's again."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/a.png"))
        await pilot.press("j")
        await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/b.jpg"))
        await pilot.press("k")
        await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/a.png"))
        await settle(pilot)


async def test_images_false_shows_no_picture_and_fetches_none(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.png").respond_with_data(FLAG, content_type="image/png")
    config = replace(parse_config({"images": False}), dwell_seconds=3600)
    app = make_app(picture_db(tmp_path / "p.db", httpserver, ("/a.png", "/a.png")), config)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_wait_for(pilot, lambda: TITLES[0] in screen_text(app))
        await settle(pilot)
        assert not app.screen.query("Picture")
        await pilot.press("i")
        await settle(pilot)
        assert not app.screen.query("Picture")
        assert "images = false" in notifications(app)[-1].message
    assert not answered(httpserver, "/a.png")


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (Response("<html>moved</html>", content_type="text/html"), "No picture: not a picture"),
        (Response(FLAG[:120], content_type="image/png"), "No picture: broken PNG picture"),
        (Response("gone", status=404), "No picture: HTTP 404"),
    ],
)
async def test_a_picture_that_cannot_be_shown_says_why_in_one_line(
    tmp_path: Path, httpserver: HTTPServer, answer: Response, said: str
) -> None:
    httpserver.expect_request("/a.png").respond_with_response(answer)
    app = make_app(picture_db(tmp_path / "p.db", httpserver, ("/a.png", "/a.png")), CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_wait_for(pilot, lambda: said in screen_text(app))
        text = screen_text(app)
        assert TITLES[0] in text and "The lead of story 0." in text  # the story still reads
        assert not app.screen.query("Picture")
        assert "Traceback" not in text
        assert not [n for n in notifications(app) if n.severity == "error"]


async def test_a_picture_over_the_size_cap_says_so(tmp_path: Path, httpserver: HTTPServer) -> None:
    big = FLAG + b"\0" * PICTURE_MAX_BYTES
    httpserver.expect_request("/a.png").respond_with_data(big, content_type="image/png")
    app = make_app(picture_db(tmp_path / "p.db", httpserver, ("/a.png", "/a.png")), CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_wait_for(
            pilot, lambda: "No picture: picture larger than 8 MiB" in screen_text(app)
        )
        assert TITLES[0] in screen_text(app)


async def test_a_local_picture_for_a_public_feed_is_refused(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.png").respond_with_data(FLAG, content_type="image/png")
    path = picture_db(tmp_path / "p.db", httpserver, ("/a.png", "/a.png"))
    db = open_db(path)
    db.execute("UPDATE feeds SET url = 'https://www.aa.com.tr/en/rss/default?cat=world'")
    db.conn.commit()
    db.close()
    app = make_app(path, CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_wait_for(pilot, lambda: "is a private or local" in screen_text(app))
        assert TITLES[0] in screen_text(app)
    assert not answered(httpserver, "/a.png")


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    """A server that answers a second request while the first one is held back."""
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


async def test_moving_on_during_a_download_shows_the_new_storys_picture(
    tmp_path: Path, threaded_server: HTTPServer
) -> None:
    httpserver = threaded_server
    asked, release = threading.Event(), threading.Event()

    def slow(request: Request) -> Response:
        asked.set()
        release.wait(timeout=20)
        return Response(FLAG, content_type="image/png")

    httpserver.expect_request("/slow.png").respond_with_handler(slow)
    httpserver.expect_request("/b.jpg").respond_with_data(SUN, content_type="image/jpeg")
    app = make_app(picture_db(tmp_path / "p.db", httpserver, ("/slow.png", "/b.jpg")), CONFIG)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot_wait_for(pilot, asked.is_set)  # the first story's picture is on its way
            await pilot.press("j")
            await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/b.jpg"))
            release.set()  # ... and arrives late
            await pilot_wait_for(pilot, lambda: answered(httpserver, "/slow.png"))
            await settle(pilot)
            assert url_shown(app) == httpserver.url_for("/b.jpg")  # not shown on this story
            assert len(pictures_on(app)) == 1
            await pilot.press("k")  # back on its own story, it shows
            await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/slow.png"))
    finally:
        release.set()


def answered(httpserver: HTTPServer, path: str) -> bool:
    """The server has answered a request for ``path``."""
    return any(request.path == path for request, _ in httpserver.log)


async def test_i_hides_the_picture_and_shows_it_again(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.png").respond_with_data(FLAG, content_type="image/png")
    httpserver.expect_request("/b.jpg").respond_with_data(SUN, content_type="image/jpeg")
    app = make_app(picture_db(tmp_path / "p.db", httpserver, ("/a.png", "/b.jpg")), CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/a.png"))
        await pilot.press("i")
        assert url_shown(app) is None and notifications(app)[-1].message == "Pictures hidden."
        await pilot.press("j")  # hidden stays hidden on the next story, and is not fetched
        await pilot_wait_for(pilot, lambda: TITLES[1] in screen_text(app))
        await settle(pilot)
        assert url_shown(app) is None
        assert [r.path for r, _ in httpserver.log] == ["/a.png"]
        await pilot.press("i")
        await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for("/b.jpg"))
        assert notifications(app)[-1].message == "Pictures shown."


async def test_once_the_page_is_read_its_full_size_photo_replaces_the_feeds(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """The feed's thumbnail shows first; the page names its full-size photo, which follows."""
    page = (Path(__file__).parent / "fixtures" / "pages" / "classic-fr.html").read_text("utf-8")
    story = "/fr/monde/des-pluies-record-inondent-le-sud-de-l-irak/2301234"
    httpserver.expect_request(story).respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/thumb.png").respond_with_data(FLAG, content_type="image/png")
    full = "/uploads/Contents/2021/07/24/0000.jpg"  # the page's img.detay-buyukFoto
    httpserver.expect_request(full).respond_with_data(SUN, content_type="image/jpeg")
    path = picture_db(tmp_path / "p.db", httpserver, ("/thumb.png", "/thumb.png"))
    db = open_db(path)
    db.execute("UPDATE items SET link = ? WHERE guid = '0'", [httpserver.url_for(story)])
    db.conn.commit()
    db.close()
    app = make_app(path, CONFIG, pages=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_wait_for(pilot, lambda: url_shown(app) == httpserver.url_for(full))
        assert "Des pluies d'une intensité inédite" in screen_text(app)  # the page's body
    paths = [request.path for request, _ in httpserver.log]
    assert story in paths and full in paths

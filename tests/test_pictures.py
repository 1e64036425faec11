"""A story's picture: fetched under a page's limits, refused when it is not a picture,
kept in the cache (named by a hash of its URL) within a size bound.

Pictures are served from 127.0.0.1; a feed there is local, so its pictures may be
too. A feed elsewhere (the resolver says where names point) gets public pictures only.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from waiting import wait_for
from werkzeug import Request, Response

from store.pictures import PictureCache, PictureError, decode_picture, fetch_picture

PICTURES = Path(__file__).parent / "fixtures" / "pictures"
FLAG = (PICTURES / "flag.png").read_bytes()
SUN = (PICTURES / "sun.jpg").read_bytes()


def local_feed(httpserver: HTTPServer) -> list[str]:
    return [httpserver.url_for("/rss")]


def resolver(host: str) -> list[str]:
    """localhost and 127.0.0.1 are local; every other name is a public address."""
    return ["127.0.0.1"] if host in ("localhost", "127.0.0.1") else ["93.184.216.34"]


@pytest.fixture
def cache(tmp_path: Path) -> PictureCache:
    return PictureCache(tmp_path / "images")


def files_in(cache: PictureCache) -> list[str]:
    return sorted(p.name for p in cache.folder.iterdir()) if cache.folder.exists() else []


def test_a_picture_is_fetched_once_then_shown_from_the_cache(
    httpserver: HTTPServer, cache: PictureCache
) -> None:
    httpserver.expect_request("/p/flag.png").respond_with_data(FLAG, content_type="image/png")
    url = httpserver.url_for("/p/flag.png")
    first = fetch_picture(url, feed_urls=local_feed(httpserver), cache=cache)
    second = fetch_picture(url, feed_urls=local_feed(httpserver), cache=cache)
    assert first == second and first.parent == cache.folder
    assert len(httpserver.log) == 1  # the second came from the disk
    from PIL import Image

    with Image.open(first) as kept:
        assert kept.size == (160, 90)
        assert kept.getpixel((10, 45))[0] > 150  # still red on the left
    # The name is a hash of the URL: nothing the feed wrote reaches the file system.
    assert first.name.removesuffix(".jpg").isalnum() and "flag" not in first.name


def test_a_jpeg_is_kept_too(httpserver: HTTPServer, cache: PictureCache) -> None:
    httpserver.expect_request("/sun.jpg").respond_with_data(SUN, content_type="image/jpeg")
    path = fetch_picture(
        httpserver.url_for("/sun.jpg"), feed_urls=local_feed(httpserver), cache=cache
    )
    assert path.read_bytes()[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"<!doctype html><title>Not found</title>", "not a picture"),
        (b"%PDF-1.7 a document", "not a picture"),
        (FLAG[: len(FLAG) // 2], "broken PNG picture"),
        ((PICTURES / "bomb.png").read_bytes(), "too large to show (10000×5000 pixels)"),
    ],
)
def test_what_is_not_a_picture_is_refused_and_nothing_is_kept(
    httpserver: HTTPServer, cache: PictureCache, body: bytes, said: str
) -> None:
    httpserver.expect_request("/p").respond_with_data(body, content_type="image/png")
    with pytest.raises(PictureError) as raised:
        fetch_picture(httpserver.url_for("/p"), feed_urls=local_feed(httpserver), cache=cache)
    assert said in raised.value.reason
    assert files_in(cache) == []


def test_a_picture_over_the_size_cap_is_refused(
    httpserver: HTTPServer, cache: PictureCache
) -> None:
    httpserver.expect_request("/big").respond_with_data(FLAG + b"\0" * 5000)
    with pytest.raises(PictureError, match="picture larger than 4 KiB"):
        fetch_picture(
            httpserver.url_for("/big"),
            feed_urls=local_feed(httpserver),
            cache=cache,
            max_bytes=4096,
        )
    assert files_in(cache) == []


def test_a_slow_picture_meets_the_deadline(httpserver: HTTPServer, cache: PictureCache) -> None:
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(timeout=10)
        return Response(FLAG, content_type="image/png")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    try:
        with pytest.raises(PictureError, match="no complete answer within 0.3 s"):
            fetch_picture(
                httpserver.url_for("/slow"),
                feed_urls=local_feed(httpserver),
                cache=cache,
                timeout=0.3,
            )
    finally:
        release.set()
    # Its answer, now sent, lands in this test's log, not the next one's (one server).
    wait_for(lambda: [r.path for r, _ in httpserver.log] == ["/slow"], what="the late answer")
    assert files_in(cache) == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/a.png", "data:image/png;base64,AAAA", ""]
)
def test_only_http_pictures_are_fetched(cache: PictureCache, url: str) -> None:
    with pytest.raises(PictureError, match="not http"):
        fetch_picture(url, feed_urls=["https://www.aa.com.tr/rss"], cache=cache)


def test_a_public_feed_gets_no_picture_from_a_private_address(
    httpserver: HTTPServer, cache: PictureCache
) -> None:
    httpserver.expect_request("/admin.png").respond_with_data(FLAG)
    with pytest.raises(PictureError, match="private or local address"):
        fetch_picture(
            httpserver.url_for("/admin.png"),
            feed_urls=["https://www.aa.com.tr/tr/rss/default?cat=guncel"],
            cache=cache,
            resolve=resolver,
        )
    assert "/admin.png" not in [request.path for request, _ in httpserver.log]


def test_a_redirect_to_a_private_address_is_refused(
    httpserver: HTTPServer, cache: PictureCache
) -> None:
    """A public host (by the resolver) that redirects to 127.0.0.1: the hop is refused."""
    httpserver.expect_request("/p.png").respond_with_data(FLAG)
    target = f"http://127.0.0.1:{httpserver.port}/p.png"
    httpserver.expect_request("/redirect").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    with pytest.raises(PictureError, match="private or local address"):
        fetch_picture(
            f"http://localhost:{httpserver.port}/redirect",
            feed_urls=["https://www.aa.com.tr/rss"],
            cache=cache,
            resolve=lambda host: ["127.0.0.1"] if host == "127.0.0.1" else ["93.184.216.34"],
        )
    assert [request.path for request, _ in httpserver.log] == ["/redirect"]


def test_the_cache_keeps_to_its_bound_dropping_the_least_recently_shown(tmp_path: Path) -> None:
    picture = decode_picture(FLAG)
    cache = PictureCache(tmp_path / "images", max_bytes=10**9)
    paths = [cache.put(f"https://cdn.example/{n}.png", picture) for n in range(4)]
    size = paths[0].stat().st_size
    for age, path in enumerate(paths):  # 0 is the oldest ...
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    assert cache.get("https://cdn.example/0.png") == paths[0]  # ... until it is shown again
    cache.max_bytes = size * 3
    cache.put("https://cdn.example/4.png", picture)
    kept = {p.name for p in cache.folder.glob("*.jpg")}
    assert paths[1].name not in kept  # the least recently shown went
    assert paths[0].name in kept and len(kept) == 3


def test_a_read_only_cache_never_writes(tmp_path: Path) -> None:
    cache = PictureCache(tmp_path / "images", read_only=True)
    with pytest.raises(PictureError, match="no picture kept"):
        fetch_picture("https://cdn.example/a.png", feed_urls=[], cache=cache)
    assert not cache.folder.exists()


def test_the_demo_shows_its_bundled_pictures_and_fetches_none() -> None:
    from store.demo.pictures import DemoPictures
    from store.demo.stories import FIXED_NOW, demo_stories

    cache = DemoPictures()
    images = [story.entry.image for story in demo_stories(FIXED_NOW) if story.entry.image]
    kept = [url for url in images if cache.get(url)]
    assert len(kept) == 3  # the flagship stories that name a picture
    for url in kept:
        path = fetch_picture(url, feed_urls=[], cache=cache)  # answered from the bundle
        assert decode_picture(path.read_bytes()).size == (640, 360)
    others = next(url for url in images if url not in kept)
    with pytest.raises(PictureError, match="no picture kept"):
        fetch_picture(others, feed_urls=[], cache=cache)

"""A story's picture: fetched under a page's limits, checked as an image, cached on disk.

The photo's address comes from the feed (AA's ``<image>``) or, once the article
page has been read, from the page (its full-size photo: ``store.pages.storing``
puts it in the story's ``image``). It is fetched like a page
(``store.fetching.http``: a total deadline, a size cap, at most five redirects,
http(s) only; ``store.pages.addresses``: public hosts only unless a feed
carrying the story is local), then checked: a known image format by its first
bytes, its pixel count read from the header before anything is decoded, then
decoded by Pillow, made smaller and written to the cache as a JPEG of our own.

The cache (``PictureCache``) is a folder of files named by a hash of the URL,
never by anything a feed wrote, kept under a size bound (the least recently
shown go first). A failure writes nothing: it is a ``PictureError`` with one
line a person can read.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import tempfile
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from store.db import APP_NAME
from store.feeds import is_fetchable_url
from store.text import clean_line, clean_url

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

    from store.pages.addresses import Resolver

PICTURE_MAX_BYTES = 8 * 1024 * 1024
PICTURE_TIMEOUT = 15.0
# A picture with more pixels than this is refused before it is decoded (a 40 MP
# photo decodes to 120 MB; a "decompression bomb" claims far more).
MAX_PIXELS = 40_000_000
# The cached copy's longest side: enough for a Kitty or Sixel terminal 200 cells wide.
CACHED_SIDE = 1600
CACHE_MAX_BYTES = 64 * 1024 * 1024
_SUFFIX = ".jpg"

# The first bytes of the formats we show; anything else is not a picture to us.
_MAGIC = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}


class PictureError(Exception):
    """A picture that cannot be shown; the message is one cleaned line."""

    def __init__(self, reason: str) -> None:
        reason = clean_line(reason)[:300]
        super().__init__(reason)
        self.reason = reason


def default_cache_dir() -> Path:
    """images/ in the platform's user cache directory ($XDG_CACHE_HOME/aanews/images)."""
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "images"


class PictureCache:
    """Pictures on disk by a hash of their URL, at most ``max_bytes`` in all.

    ``read_only`` (the demo's bundled pictures) never writes, trims or touches.
    """

    def __init__(
        self, folder: Path, *, max_bytes: int = CACHE_MAX_BYTES, read_only: bool = False
    ) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.read_only = read_only

    def path_for(self, url: str) -> Path:
        """Where the picture of ``url`` is (or would be) kept."""
        digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{digest}{_SUFFIX}"

    def get(self, url: str) -> Path | None:
        """The cached picture of ``url``, marked as just used; None when there is none."""
        path = self.path_for(url)
        if not path.is_file():
            return None
        if not self.read_only:
            try:
                os.utime(path)
            except OSError:
                pass  # a cache we cannot touch still serves
        return path

    def put(self, url: str, picture: PILImage) -> Path:
        """Keep ``picture`` for ``url`` (written whole or not at all), then trim the cache."""
        path = self.path_for(url)
        if self.read_only:
            raise PictureError("the picture cache is read-only")
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
            try:
                with os.fdopen(handle, "wb") as file:
                    picture.save(file, "JPEG", quality=85)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise PictureError(f"cannot keep the picture in {self.folder}: {error}") from error
        self.trim(keep=path)
        return path

    def trim(self, *, keep: Path | None = None) -> int:
        """Remove the least recently used pictures past ``max_bytes``; returns how many went."""
        entries: list[tuple[float, int, Path]] = []
        for path in self.folder.glob(f"*{_SUFFIX}"):
            try:
                info = path.stat()
            except OSError:
                continue
            entries.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        self._remove_stale_parts()
        return removed

    def _remove_stale_parts(self) -> None:
        """Half-written files left by a process that died while writing."""
        cutoff = time.time() - 3600
        for path in self.folder.glob("*.part"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except OSError:
                continue


def decode_picture(body: bytes, *, max_pixels: int = MAX_PIXELS) -> PILImage:
    """The picture in ``body``, made no larger than ``CACHED_SIDE``; PictureError if it is
    not a JPEG, PNG, GIF or WebP picture, is too large, or is broken."""
    from PIL import Image, UnidentifiedImageError  # only where pictures are shown

    # Pillow only warns between its limit and twice that; we check sizes ourselves, and
    # a warning printed over the screen is no use: past the limit is an error.
    warnings.filterwarnings("error", category=Image.DecompressionBombWarning)
    kind = next((name for magic, name in _MAGIC.items() if body.startswith(magic)), None)
    if kind is None and body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        kind = "WEBP"
    if kind is None:
        raise PictureError("not a picture (not JPEG, PNG, GIF or WebP)")
    try:
        opened = Image.open(io.BytesIO(body), formats=[kind])  # reads the header only
        width, height = opened.size
        if width * height > max_pixels:
            raise PictureError(f"picture too large to show ({width}×{height} pixels)")
        opened.draft("RGB", (CACHED_SIDE, CACHED_SIDE))  # JPEG: decode at a smaller scale
        picture = opened.convert("RGB")
        picture.thumbnail((CACHED_SIDE, CACHED_SIDE))
        return picture
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PictureError("picture too large to show") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        # Pillow says "broken data stream", "image file is truncated" and the like.
        raise PictureError(f"broken {kind} picture: {error}") from error


def fetch_picture(
    url: str,
    *,
    feed_urls: Iterable[str],
    cache: PictureCache,
    timeout: float = PICTURE_TIMEOUT,
    max_bytes: int = PICTURE_MAX_BYTES,
    resolve: Resolver | None = None,
) -> Path:
    """The picture at ``url`` as a file in ``cache``: from there if kept, else fetched.

    ``feed_urls`` are the feeds carrying the story (a local feed may show local
    pictures). Raises PictureError with one line. Blocking: call it from a worker.
    """
    from store.fetching.http import FetchError  # loads httpx
    from store.pages.addresses import feeds_are_local, system_resolver

    resolve = resolve or system_resolver
    url = clean_url(url)
    if not is_fetchable_url(url):
        raise PictureError("the picture's address is not http(s)")
    kept = cache.get(url)
    if kept is not None:
        return kept
    if cache.read_only:
        raise PictureError("no picture kept for this story")
    local = feeds_are_local(list(feed_urls), resolve)
    try:
        body = asyncio.run(_download(url, timeout, max_bytes, local, resolve))
    except FetchError as error:
        raise PictureError(_picture_words(error.reason)) from error
    return cache.put(url, decode_picture(body))


async def _download(
    url: str, timeout: float, max_bytes: int, local: bool, resolve: Resolver
) -> bytes:
    from store.fetching.client import make_client
    from store.fetching.http import fetch_feed
    from store.pages.addresses import page_check

    async with make_client(max_connections=1, timeout=timeout) as client:
        result = await fetch_feed(
            client,
            url,
            timeout=timeout,
            max_bytes=max_bytes,
            check_url=page_check(local, resolve),
            text=False,
        )
    return result.body or b""


def _picture_words(reason: str) -> str:
    """store.fetching.http speaks of feeds; this is a picture."""
    return reason.replace("no feed at this address", "no picture at this address").replace(
        "feed larger than", "picture larger than"
    )

"""What "safe to show" means for parsed feeds, shared by the fixture and corpus tests."""

from __future__ import annotations

import re
import zlib
from dataclasses import asdict

from store.model import ParsedFeed
from store.parsing.feed import FeedParseError, parse_feed

# What a compressed file may grow to: a gzip bomb must not fill memory.
MAX_INFLATED = 4 * 1024 * 1024
# Controls (C0 but tab and newline, DEL, C1) and bidi embeddings, overrides and
# isolates: none may reach a terminal.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def inflate(data: bytes, name: str) -> bytes:
    """``data`` itself, or inflated up to MAX_INFLATED when ``name`` says it is compressed."""
    if not name.endswith((".gz", ".z")):
        return data
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32 if name.endswith(".gz") else 0)
    try:
        return inflater.decompress(data, MAX_INFLATED)
    except zlib.error:
        return data  # not compressed after all: parse it as it is


def parse_or_refuse(data: bytes) -> ParsedFeed | None:
    """The parsed feed, or None when it was refused with a one-line reason."""
    try:
        return parse_feed(data, url="https://example.test/feed.xml")
    except FeedParseError as error:
        assert str(error) and "\n" not in str(error)
        return None


def unsafe_parts(feed: ParsedFeed) -> list[str]:
    """What in a parsed feed is not safe to show: control characters, non-http(s) links."""
    found = []
    for text in [feed.title, feed.problem or "", feed.lang or ""]:
        if UNSAFE.search(text):
            found.append(repr(text[:200]))
    if feed.link is not None and not feed.link.startswith(("http://", "https://")):
        found.append(feed.link)
    for entry in feed.entries:
        for name, value in asdict(entry).items():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and UNSAFE.search(text):
                    found.append(f"{name}: {text[:200]!r}")
        for url in (entry.link, entry.image):
            if url is not None and not url.lower().startswith(("http://", "https://")):
                found.append(url)
    return found

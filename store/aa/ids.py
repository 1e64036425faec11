"""AA story identity and images, read from the URLs AA's feeds carry.

An AA story has one numeric id (the last path segment of its link, and its
guid) whichever category feed carries it; the section in the link path varies
between feeds, so the id, not the link, is the identity.
"""

from __future__ import annotations

import re

# http(s), a host that is aa.com.tr or under it (no user part: "aa.com.tr@evil.test"
# is evil.test), an optional port, then the path. A regex: it runs on every item.
_AA_URL = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*aa\.com\.tr\.?(?::\d{1,5})?(?P<path>[/?#][^\s]*)?\Z",
    re.IGNORECASE,
)


def _aa_path(url: str | None) -> str | None:
    """The path of an AA URL ('' for none), or None when the URL is not AA's."""
    if not url:
        return None
    match = _AA_URL.match(url.strip())
    if match is None:
        return None
    # up to the first "?" or "#" (str methods: this runs on every item)
    return (match.group("path") or "").partition("?")[0].partition("#")[0]


def is_aa_url(url: str | None) -> bool:
    """True for an http(s) URL on aa.com.tr or one of its subdomains."""
    return _aa_path(url) is not None


def _article_id(url: str | None) -> str | None:
    """The numeric last path segment of an AA article URL, if it has one."""
    path = _aa_path(url)
    if not path:
        return None
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    return segment if segment.isascii() and segment.isdigit() else None


# AA's feed path, wherever it is served from (a mirror, a proxy, a saved copy).
_AA_FEED_PATH = re.compile(r"https?://[^/?#]+/[a-z]{2}/rss/default\b", re.IGNORECASE)


def is_aa_feed_url(url: str | None) -> bool:
    """True for AA's own feed URLs and for any URL with AA's feed path."""
    return is_aa_url(url) or bool(url and _AA_FEED_PATH.match(url.strip()))


def aa_story_id(guid: str | None, link: str | None, *, feed_url: str | None = None) -> str | None:
    """AA's numeric story id from an item's guid and link, or None if not an AA story.

    A bare numeric guid counts only when the link or the feed (``feed_url``) is AA's
    (a feed with AA's path, /tr/rss/default?cat=..., counts wherever it is served).
    """
    guid = (guid or "").strip()
    if guid.isascii() and guid.isdigit() and (is_aa_url(link) or is_aa_feed_url(feed_url)):
        return guid.lstrip("0") or "0"
    found = _article_id(guid) or _article_id(link)
    return found.lstrip("0") or "0" if found else None


def full_size_image(url: str) -> str:
    """The full-size photo behind an AA thumbnail URL (drops ``thumbs_b_c_``)."""
    return url.replace("thumbs_b_c_", "", 1)

"""Which article pages may be fetched: public hosts only, unless the feed is local.

A feed names the pages its stories link to, so a hostile feed could make the
reader fetch ``http://127.0.0.1:8080/admin`` or a cloud metadata address
(169.254.169.254) and show the answer as a story. A page is fetched only when
every address its host resolves to is public; a feed that is itself on a
private or loopback address (a feed served on the user's own network) may link
pages there too. Redirects are checked the same way, hop by hop
(``store.fetching.http.fetch_feed``'s ``check_url``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from store.fetching.http import FetchError, URLCheck
from store.text import display_url

# host -> its addresses; raises OSError when it has none. Tests map names here.
Resolver = Callable[[str], list[str]]


def system_resolver(host: str) -> list[str]:
    """Every address the system resolves ``host`` to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for private, loopback,
    link-local (169.254.169.254), shared, reserved, multicast, unspecified, or garbage."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return ip.is_global and not ip.is_multicast


def host_of(url: str) -> str:
    """The host a URL names, lowercased, without brackets ('' if none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def host_is_public(host: str, resolve: Resolver = system_resolver) -> bool:
    """True when ``host`` (a name or an address) resolves only to public addresses.

    A host that does not resolve counts as public: the fetch then fails on its own.
    """
    if not host:
        return False
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError, ValueError):
        return True
    return all(is_public_address(address) for address in addresses)


def feeds_are_local(feed_urls: Iterable[str], resolve: Resolver = system_resolver) -> bool:
    """True when any feed carrying the story is on a private or loopback host."""
    return any(not host_is_public(host_of(url), resolve) for url in feed_urls if host_of(url))


def page_allowed(
    feed_urls: Iterable[str] | str, page_url: str, resolve: Resolver = system_resolver
) -> bool:
    """May ``page_url`` be fetched for a story these feeds carry?

    Yes when its host is public, or when a feed is itself local; a story that no
    feed carries (restored from a backup) gets public pages only.
    """
    urls = [feed_urls] if isinstance(feed_urls, str) else list(feed_urls)
    return feeds_are_local(urls, resolve) or host_is_public(host_of(page_url), resolve)


def page_check(local_feed: bool, resolve: Resolver = system_resolver) -> URLCheck | None:
    """The ``check_url`` for fetching a page (and its redirects); None lets all through."""
    if local_feed:
        return None

    async def check(url: str) -> None:
        host = host_of(url)
        public = await asyncio.to_thread(host_is_public, host, resolve)
        if not public:
            raise FetchError(
                f"refused {display_url(url)[:200]}: {host or 'no host'} is a private or "
                "local address, and the story's feed is not"
            )

    return check

"""Politeness: how hard one host is asked at once.

Article pages come from the story's site, one request after another with a
pause between, however many workers (the reader, ``fetch --full-text``) ask.
Feeds (``store.fetching.refresh``) go a few at a time per host over HTTP/1.1,
each on its own kept-alive connection; a host that answers over HTTP/2 carries
more requests at once on its one connection (``FeedHostLimit``).
"""

from __future__ import annotations

import asyncio
import threading
import time
from urllib.parse import urlsplit

HOST_SPACING = 0.5
# Feed requests at once to one host: over HTTP/1.1 each is a connection of its own,
# and 6 is what browsers allow; over HTTP/2 they are streams of one connection, and
# the server caps them too (SETTINGS_MAX_CONCURRENT_STREAMS, often 100).
FEED_CONNECTIONS_PER_HOST = 6
FEED_STREAMS_PER_HOST = 100


class HostGate:
    """One request at a time to a host, ``spacing`` seconds apart, across threads."""

    def __init__(self, spacing: float = HOST_SPACING) -> None:
        self.lock = threading.Lock()
        self.free_at = 0.0
        self.spacing = spacing

    async def __aenter__(self) -> None:
        while not self.lock.acquire(blocking=False):
            await asyncio.sleep(0.02)
        wait = self.free_at - time.monotonic()
        if wait > 0:
            try:
                await asyncio.sleep(wait)
            except BaseException:  # cancelled while holding the gate: never leave it shut
                self.lock.release()
                raise

    async def __aexit__(self, *exc: object) -> None:
        self.free_at = time.monotonic() + self.spacing
        self.lock.release()


_GATES: dict[str, HostGate] = {}
_GATES_LOCK = threading.Lock()


def host_gate(url: str) -> HostGate:
    """The politeness gate shared by every request to ``url``'s host."""
    host = (urlsplit(url).hostname or "").lower()
    with _GATES_LOCK:
        return _GATES.setdefault(host, HostGate())


class FeedHostLimit:
    """Feed requests in flight to one host: ``per_host``, or ``streams`` once it speaks HTTP/2.

    Used from one event loop. ``multiplexed`` tells the caller that this host's
    requests share one connection (so they need no connection slot of their own).
    """

    def __init__(
        self, per_host: int = FEED_CONNECTIONS_PER_HOST, streams: int = FEED_STREAMS_PER_HOST
    ) -> None:
        self._slots = asyncio.Semaphore(per_host)
        self._more = max(0, streams - per_host)
        self.multiplexed = False

    async def __aenter__(self) -> None:
        await self._slots.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()

    def answered_over(self, http_version: str) -> None:
        """Note the protocol of an answer, or of a handshake (ALPN): the first HTTP/2 lets
        more requests in."""
        if http_version == "HTTP/2" and not self.multiplexed:
            self.multiplexed = True
            for _ in range(self._more):
                self._slots.release()

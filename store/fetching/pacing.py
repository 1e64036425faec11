"""Politeness: one request at a time per host, half a second apart.

Article pages come from the story's site, one request after another with a
pause between, however many workers (the reader, ``fetch --full-text``) ask.
"""

from __future__ import annotations

import asyncio
import threading
import time
from urllib.parse import urlsplit

HOST_SPACING = 0.5


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

"""Waiting for a condition, never for a fixed time (a wait on a duration asserts speed).

``wait_for`` polls from a plain thread of the test (another process, a server);
``pilot_wait_for`` lets a Textual app run (``pilot.pause()``) until its screen
or its database shows what the test waits for. Both fail after ``timeout``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot


def wait_for(predicate: Callable[[], object], timeout: float = 30.0, what: str = "") -> None:
    """Return as soon as ``predicate()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or predicate}")
        time.sleep(0.02)


async def pilot_wait_for(
    pilot: Pilot[Any], predicate: Callable[[], object], timeout: float = 10.0, what: str = ""
) -> None:
    """Let the app run until ``predicate()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or predicate}")
        await pilot.pause(0.01)

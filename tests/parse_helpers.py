"""Parse jobs for tests that run in worker processes: importable by name (a process
pool pickles its job by reference), so not defined inside a test."""

from __future__ import annotations

import time

from store.fetching.workers import parse_job as real_parse_job
from store.model import ParsedFeed


def slow_for_one(body: bytes, url: str, lang: str | None = None) -> ParsedFeed | str:
    """``parse_job``, but 30 s for the document of a URL ending in /slow."""
    if url.endswith("/slow"):
        time.sleep(30)
    return real_parse_job(body, url, lang)

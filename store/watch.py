"""Noticing other writers: a cron ``fetch`` stores stories while the reader is open.

SQLite bumps ``PRAGMA data_version`` on a connection whenever another
connection commits to the file; reading it costs no I/O beyond the WAL index.
The reader asks every few seconds and, when something changed, whether new
stories arrived (the list must grow) or only state moved (counts suffice).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutsideChange:
    """Someone else committed: ``new_stories`` when stories were added since the last look."""

    new_stories: bool


class DatabaseWatch:
    """A small read-only connection of its own, asked from one thread at a time.

    ``close`` may come from another thread while a look runs (the reader quitting):
    a lock keeps the connection from closing under a query (which crashes SQLite's
    driver), and a closed watch sees no more changes.
    """

    def __init__(self, path: Path) -> None:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            uri, uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        self._version, self._newest = self._look(self._conn)

    def changed(self) -> OutsideChange | None:
        """What others committed since the last call, or None when nothing was."""
        with self._lock:
            if self._conn is None:
                return None
            version, newest = self._look(self._conn)
        if version == self._version:
            return None
        grew = newest != self._newest
        self._version, self._newest = version, newest
        return OutsideChange(new_stories=grew)

    @property
    def closed(self) -> bool:
        """Whether ``close`` has let go of the file."""
        return self._conn is None

    def close(self) -> None:
        """Let go of the file (after a look that is running ends)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @staticmethod
    def _look(conn: sqlite3.Connection) -> tuple[int, int]:
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        newest = conn.execute("SELECT MAX(id) FROM items").fetchone()[0]
        return int(version), int(newest or 0)

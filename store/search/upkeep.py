"""The search index kept compact: its segments merged in short steps, after refreshes.

FTS5 writes a new segment for each statement that adds stories and merges them as
they pile up (``automerge``: four on one level make one on the next). Refresh after
refresh, that leaves ~20 segments at 500,000 stories, and a search reads every one:
the combined query's first page took 74 ms, and 15 ms once merged (bench/search.md).
``compact_index`` merges further, as FTS5's ``merge`` command does, until no level
holds two segments (~3 at 500,000 stories), in steps of ``STEP_PAGES`` pages: each
step is a short write transaction of its own, so another writer (a cron ``fetch``)
usually waits about a step. The reader runs it at the end of each refresh, in its
background process, for at most ``REFRESH_MERGE_SECONDS``; ``aanews prune`` runs it
too, and ``aanews fetch`` once the index has more than ``FETCH_PAST`` segments (a
database refreshed by cron alone).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from store.db import DatabaseOpenError, connect, connection_of, writing

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger(__name__)

# Pages written by one step: ~0.1 s of CPU and one short transaction.
STEP_PAGES = 500
# A level with this many segments is merged (FTS5's ``usermerge``; its own default is 4).
MERGE_AT = 2
# The write lock is let go this long between steps, so a waiting writer gets it.
BETWEEN_STEPS = 0.02
# ``aanews fetch`` merges past this many segments: an index badly split, as cron alone
# leaves one (21 at 500,000 stories); a few refreshes' worth (a cold refresh of 200 feeds
# leaves 6 to 9) waits for the reader or ``prune``: a fetch is not held up for it.
FETCH_PAST = 16
# The reader's refresh ends (and its stories show) at most this long after it stored
# them: its merging stops there, and the next refresh's goes on with it (FTS5 keeps a
# merge's progress in the index).
REFRESH_MERGE_SECONDS = 1.0


def index_segments(db: Database | sqlite3.Connection) -> int:
    """How many segments the search index has (a search reads each)."""
    return int(db.execute("SELECT count(DISTINCT segid) FROM items_fts_idx").fetchone()[0])


def compact_step(db: Database | sqlite3.Connection) -> bool:
    """Merge up to ``STEP_PAGES`` pages of the index in one transaction; whether
    anything was merged (False: nothing is left to merge)."""
    conn = connection_of(db)
    with writing(db):
        (setting,) = conn.execute(
            "SELECT count(*) FROM items_fts_config WHERE k = 'usermerge' AND v = ?", [MERGE_AT]
        ).fetchone()
        if not setting:  # kept in the index's own config: written once
            conn.execute(
                "INSERT INTO items_fts (items_fts, rank) VALUES ('usermerge', ?)", [MERGE_AT]
            )
        before = conn.total_changes
        conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('merge', ?)", [STEP_PAGES])
        # The command's own row is one change; merged pages are more.
        return conn.total_changes - before > 1


def compact_index(
    db: Database | sqlite3.Connection,
    should_stop: Callable[[], bool] = lambda: False,
    *,
    past: int = 1,
) -> int:
    """Merge step by step until nothing is left to merge or ``should_stop()``, if the
    index has more than ``past`` segments; the number of steps that merged something.
    An index of one segment is not even written to (a read-only file is no trouble)."""
    if index_segments(db) <= max(past, 1):
        return 0
    steps = 0
    while not should_stop() and compact_step(db):
        steps += 1
        time.sleep(BETWEEN_STEPS)
    return steps


def compact_file(
    path: str | Path | None,
    should_stop: Callable[[], bool] = lambda: False,
    *,
    past: int = 1,
    seconds: float | None = None,
) -> int:
    """``compact_index`` on the database at ``path`` (a connection of its own), for at
    most ``seconds`` (and a step); the steps taken. A failure (another writer held the
    file past the busy timeout) is logged, not raised: the next run carries on."""
    if seconds is not None:
        until, asked = time.monotonic() + seconds, should_stop

        def should_stop() -> bool:
            return asked() or time.monotonic() > until

    try:
        with closing(connect(path)) as conn:
            return compact_index(conn, should_stop, past=past)
    except (sqlite3.Error, DatabaseOpenError) as error:
        log.info("the search index was not merged: %s", error)
        return 0

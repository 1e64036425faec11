"""Keeping the file from growing forever: drop old read stories past a feed's caps.

Each feed may keep at most ``max_stories`` of its newest stories and stories at
most ``max_age_days`` old (its own settings, else the defaults given here, which
``aanews prune`` takes from the config or its options). A story goes only when
every feed carrying it would drop it, and never when it is unread, starred or
tagged. When the deletions free much of the file it is compacted (``VACUUM``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlite_utils import Database

from store import clock
from store.db import in_chunks, writing
from store.search.upkeep import compact_index
from store.text import clean_line

# Compact when the free pages are at least this share of the file, or this many bytes.
VACUUM_SHARE = 0.25
VACUUM_BYTES = 64 * 1024 * 1024

_DOOMED = """
WITH ranked AS (
    SELECT x.item_id,
           ROW_NUMBER() OVER (
               PARTITION BY x.feed_id ORDER BY i.published_ts DESC, i.id DESC
           ) AS place,
           i.published_ts,
           COALESCE(f.max_stories, :cap) AS cap,
           COALESCE(f.max_age_days, :age) AS age
    FROM item_feeds x
    JOIN items i ON i.id = x.item_id
    JOIN feeds f ON f.id = x.feed_id
),
verdicts AS (
    SELECT item_id,
           MIN((cap IS NOT NULL AND place > cap)
               OR (age IS NOT NULL AND published_ts < :now - age * 86400)) AS drop_it
    FROM ranked GROUP BY item_id
)
SELECT v.item_id FROM verdicts v JOIN items i ON i.id = v.item_id
WHERE v.drop_it = 1 AND i.read = 1 AND i.starred = 0
  AND NOT EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = v.item_id)
ORDER BY v.item_id
"""


@dataclass
class PruneReport:
    """What a prune dropped (or, with ``dry_run``, would drop) and what the file weighs."""

    deleted: list[int] = field(default_factory=list)
    dry_run: bool = False
    bytes_before: int = 0
    bytes_after: int = 0
    vacuumed: bool = False
    vacuum_error: str | None = None
    index_steps: int = 0  # steps of merging the search index's segments
    index_error: str | None = None  # why the index could not be merged


def stories_to_drop(
    db: Database, *, max_stories: int | None = None, max_age_days: float | None = None
) -> list[int]:
    """The ids a prune would delete, given the defaults for feeds without their own caps."""
    params = {"cap": max_stories, "age": max_age_days, "now": clock.now().timestamp()}
    return [row[0] for row in db.execute(_DOOMED, params)]


def prune(
    db: Database,
    *,
    max_stories: int | None = None,
    max_age_days: float | None = None,
    dry_run: bool = False,
) -> PruneReport:
    """Delete the stories past their feeds' caps (see the module); compact if worth it.
    The search index's segments are merged either way (``store.search.upkeep``)."""
    report = PruneReport(dry_run=dry_run, bytes_before=file_bytes(db))
    report.deleted = stories_to_drop(db, max_stories=max_stories, max_age_days=max_age_days)
    if dry_run:
        report.bytes_after = report.bytes_before
        return report
    if report.deleted:
        with writing(db):
            for chunk, marks in in_chunks(report.deleted):
                db.execute(f"DELETE FROM items WHERE id IN ({marks})", chunk)
    try:  # before VACUUM, which then gives back the pages merging frees too
        report.index_steps = compact_index(db)
    except sqlite3.Error as error:  # another writer held on, a read-only file: noted
        report.index_error = clean_line(str(error))
    if report.deleted:
        _vacuum(db, report)
    report.bytes_after = file_bytes(db)
    return report


def _vacuum(db: Database, report: PruneReport) -> None:
    """Compact the file if the deletions freed much of it."""
    free = _free_bytes(db)
    if free and (free >= VACUUM_BYTES or free >= VACUUM_SHARE * report.bytes_before):
        try:
            db.execute("VACUUM")
            if not db.memory:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            report.vacuumed = True
        except sqlite3.OperationalError as error:  # another reader holds the file
            report.vacuum_error = str(error)


def file_bytes(db: Database) -> int:
    """How big the database is, in bytes (its pages, free ones included)."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    return int(pages) * int(db.execute("PRAGMA page_size").fetchone()[0])


def _free_bytes(db: Database) -> int:
    pages = db.execute("PRAGMA freelist_count").fetchone()[0]
    return int(pages) * int(db.execute("PRAGMA page_size").fetchone()[0])

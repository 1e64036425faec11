"""Is the database file whole? SQLite's own checks, and how to get the data back if not."""

from __future__ import annotations

import shlex
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

# Problems listed at most: a badly damaged file can report thousands.
MAX_PROBLEMS = 20


@dataclass
class CheckReport:
    """What ``PRAGMA integrity_check`` and ``foreign_key_check`` found (nothing: whole)."""

    path: Path
    problems: list[str] = field(default_factory=list)
    stories: int | None = None
    feeds: int | None = None

    @property
    def ok(self) -> bool:
        """True when SQLite found nothing wrong."""
        return not self.problems

    def recovery(self) -> list[str]:
        """What to do about a damaged file, step by step, with the commands."""
        path, copy = shlex.quote(str(self.path)), shlex.quote(f"{self.path}.damaged")
        return [
            f"1. Keep a copy of the damaged file first: cp {path} {copy}",
            f"2. Export what can still be read: aanews --db {path} export --json -o rescue.json",
            f"3. Or let SQLite salvage it: sqlite3 {path} .recover | sqlite3 recovered.db",
            "4. Start from the rescue: aanews --db new.db import rescue.json "
            "(or open recovered.db with --db), then move it in place of the old file.",
        ]


def check_database(path: Path) -> CheckReport:
    """Run SQLite's integrity and foreign-key checks on ``path``, read-only."""
    report = CheckReport(path=path)
    if not path.is_file():
        report.problems.append("no database file there")
        return report
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        report.problems += [str(row[0]) for row in rows if row[0] != "ok"]
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            report.problems.append(f"{table} row {rowid} points to a missing {parent} row")
        if report.ok:
            report.stories = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
            report.feeds = conn.execute("SELECT COUNT(*) FROM feeds").fetchone()[0]
    except sqlite3.DatabaseError as error:
        report.problems.append(str(error))
    finally:
        conn.close()
    return report

"""SQL lives in store/: the screen and the CLI ask store functions, never the database."""

from __future__ import annotations

import re
from pathlib import Path

TUI = Path(__file__).resolve().parents[1] / "tui"
SQL = re.compile(
    r"\b(SELECT\s+[\w*(]|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"PRAGMA\s+\w|BEGIN\b|CREATE\s+(TABLE|INDEX|TRIGGER))|\.execute\(|\.executemany\(|\.conn\b"
)


def test_tui_holds_no_sql() -> None:
    found = [
        f"{path.relative_to(TUI.parent)}:{number}: {line.strip()}"
        for path in sorted(TUI.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SQL.search(line)
    ]
    assert found == []

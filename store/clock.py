"""Times as the store writes them: ISO 8601 with their offset."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def now_iso() -> str:
    """The current time as ISO 8601 in UTC, to the second."""
    return now().isoformat(timespec="seconds")


def to_iso(moment: datetime | None) -> str | None:
    """ISO 8601 keeping the moment's own offset (AA's +03:00 stays +03:00)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    """Parse what ``to_iso`` wrote; None for None or garbage."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None

"""Times as the store writes them: ISO 8601 with their offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# Stored dates lie between these: a stamp near year 1 or 9999 cannot be shown in
# another time zone (OverflowError), and one from the future would top every list.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


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
    """Parse what ``to_iso`` wrote; None for None, garbage, or a date out of range."""
    if not text or not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if in_range(moment) else None


def in_range(moment: datetime) -> bool:
    """True for a moment between EARLIEST and LATEST (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return EARLIEST <= moment <= LATEST
    except OverflowError:  # an offset that pushes it past year 1 or 9999
        return False


def sane_moment(moment: datetime | None) -> datetime | None:
    """A date from outside (a feed, a page, a file) as the store keeps it: aware
    (naive means UTC), or None when out of range or more than a day ahead."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not in_range(moment):
        return None
    return moment if moment <= now() + FUTURE_SLACK else None

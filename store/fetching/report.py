"""What a refresh did, feed by feed: for the CLI's summary line and the screen's notes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from store.fetching.targets import skip_kind


@dataclass
class FeedOutcome:
    """How one feed's refresh went: "new" (stored), "unchanged" or "failed"."""

    feed_id: int
    title: str
    url: str
    status: str
    new: int = 0
    updated: int = 0
    error: str | None = None
    http_status: int | None = None
    # The parser's complaint about a broken-but-readable document.
    problem: str | None = None
    # Where a permanent redirect pointed, when the feed's URL could not follow it.
    moved_to: str | None = None
    failing_before: bool = False  # its fetch before this one failed too
    # Stored as far as it went: where its document broke off (the feed is marked).
    cut_short: str | None = None


@dataclass
class RefreshReport:
    """Every feed's outcome, the totals, and the ids of new and updated stories."""

    outcomes: list[FeedOutcome] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    # Feeds left out of an all-feeds refresh: (feed id, why) — paused, or asked to wait.
    skipped: list[tuple[int, str]] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: str) -> int:
        """How many feeds ended with ``status``."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failures(self) -> list[FeedOutcome]:
        """The feeds that failed, in the order they finished."""
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def new_failures(self) -> list[FeedOutcome]:
        """The feeds that failed this time and not the time before: the news in failures."""
        return [outcome for outcome in self.failures if not outcome.failing_before]

    @property
    def new(self) -> int:
        """Stories first seen in this refresh."""
        return len(self.new_ids)

    @property
    def updated(self) -> int:
        """Stories that came back changed."""
        return len(self.updated_ids)

    def _why_skipped(self) -> str:
        """'2 paused, 1 asked to wait, 3 not due yet'."""
        kinds = Counter(skip_kind(why) for _, why in self.skipped)
        return ", ".join(f"{n:,} {kind}" for kind, n in kinds.items())

    def summary(self) -> str:
        """One line: "12 feeds: 10 refreshed, 1 unchanged, 1 failed; 250 new, 3 updated stories"."""
        total = len(self.outcomes)
        cut = sum(1 for outcome in self.outcomes if outcome.cut_short)
        line = (
            f"{total:,} feed{'s' if total != 1 else ''}: {self.count('new'):,} refreshed"
            f"{f' ({cut:,} cut short)' if cut else ''}, "
            f"{self.count('unchanged'):,} unchanged, {self.count('failed'):,} failed; "
            f"{self.new:,} new, {self.updated:,} updated stories"
        )
        if self.skipped:
            line += f" ({len(self.skipped):,} skipped: {self._why_skipped()})"
        if self.cancelled:
            line += " (cancelled)"
        return line

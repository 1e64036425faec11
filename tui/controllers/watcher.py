"""Other writers: stories a cron ``fetch`` stores appear while the reader is open.

Every few seconds a worker asks ``store.watch`` whether another connection has
committed; the screen then refreshes its counts, and the list too when stories
were added (in place: the cursor stays on its story).
"""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from store.watch import DatabaseWatch, OutsideChange
from tui.controllers import Controller
from tui.workers import in_thread

# Seconds between two looks: a story stored elsewhere shows within this.
WATCH_SECONDS = 2.0


class Watcher(Controller):
    """Looks for commits made by others, and says what they changed."""

    class Changed(Message):
        """Someone else wrote: ``new_stories`` when the list should grow."""

        def __init__(self, change: OutsideChange) -> None:
            super().__init__()
            self.new_stories = change.new_stories

    def __init__(self, db_path: Path, every: float = WATCH_SECONDS) -> None:
        super().__init__(db_path)
        self.every = every
        self._watch: DatabaseWatch | None = None

    def on_mount(self) -> None:
        if self.every > 0:
            self._watch = DatabaseWatch(self.db_path)  # where things stand now
            self.set_interval(self.every, self.look)

    def on_unmount(self) -> None:
        if self._watch is not None:
            self._watch.close()

    @in_thread("watch", exclusive=True)
    def look(self) -> None:
        """One look (a worker: the file is read off the screen's thread)."""
        if self._watch is None:
            return
        change = self._watch.changed()
        if change is not None:
            self.post_message(self.Changed(change))

"""Other writers: stories a cron ``fetch`` stores appear while the reader is open.

Every few seconds a worker asks ``store.watch`` whether another connection has
committed; the screen then refreshes its counts, and the list too when stories
were added (in place: the cursor stays on its story).

The reader's own refresh and sync write through connections of their own, so
the watch sees them too. While one runs (``busy``) a change is said at most
every ``BUSY_SECONDS``: on a large database, counting every view again every two
seconds would keep a core busy and the keys waiting. When it ends the screen
reads everything again itself, and ``caught_up`` lets the watch forget what that
refresh wrote.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.message import Message

from store.watch import DatabaseWatch, OutsideChange
from tui.controllers import Controller
from tui.workers import in_thread

# Seconds between two looks: a story stored elsewhere shows within this.
WATCH_SECONDS = 2.0
# While the reader's own refresh runs: seconds between two changes said.
BUSY_SECONDS = 10.0


class Watcher(Controller):
    """Looks for commits made by others, and says what they changed."""

    class Changed(Message):
        """Someone else wrote: ``new_stories`` when the list should grow."""

        def __init__(self, change: OutsideChange) -> None:
            super().__init__()
            self.new_stories = change.new_stories

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path)
        self.every = WATCH_SECONDS
        self.busy_every = BUSY_SECONDS
        self._busy = False
        self._watch: DatabaseWatch | None = None
        self._held: OutsideChange | None = None  # seen, not said yet
        self._said = 0.0  # time.monotonic() of the last change said
        self._forget = False

    def on_mount(self) -> None:
        if self.every > 0:
            self._watch = DatabaseWatch(self.db_path)  # where things stand now
            self.set_interval(self.every, self.look)

    def on_unmount(self) -> None:
        if self._watch is not None:
            self._watch.close()

    @property
    def busy(self) -> bool:
        """Whether the reader's own refresh is writing: changes are said less often."""
        return self._busy

    @busy.setter
    def busy(self, busy: bool) -> None:
        if busy and not self._busy:
            self._said = time.monotonic()  # the first change waits too
        self._busy = busy

    @property
    def holding(self) -> bool:
        """Whether a change has been seen and not said yet."""
        return self._held is not None

    def caught_up(self) -> None:
        """The screen has read everything again: what was seen so far need not be said."""
        self.busy = False
        self._forget = True

    @in_thread("watch", exclusive=True)
    def look(self) -> None:
        """One look (a worker: the file is read off the screen's thread)."""
        if self._watch is None:
            return
        change = self._watch.changed()
        if self._forget:  # also when the screen caught up while this look read the file
            self._forget, self._held = False, None
            return
        if change is not None:
            grew = change.new_stories or (self._held is not None and self._held.new_stories)
            self._held = OutsideChange(new_stories=grew)
        now = time.monotonic()
        if self._held is None or (self._busy and now - self._said < self.busy_every):
            return
        self.post_message(self.Changed(self._held))
        self._held, self._said = None, now

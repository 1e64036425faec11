"""Reading the story under the cursor, and its article page.

A story shown in the reader for a moment (or opened with enter) gets its
article page read (``store.pages.fulltext``: politely, and not again within the
hour), then is drawn again in place. Never in ``--demo``, which stays off the
network, and not with ``full_text_on_open = false``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path

from rich.console import RenderableType
from sqlite_utils import Database
from textual.message import Message
from textual.worker import get_current_worker

from store.feeds import get_feed, is_fetchable_url
from store.items import fetch_items, get_item
from store.model import Item
from tui.background import in_background_thread
from tui.config import Config
from tui.controllers import Controller
from tui.widgets.story_view import render_story
from tui.workers import in_thread

# A story must stay in the reader this long before its page is asked for, so
# that walking down the list with j does not fetch every page it passes.
PAGE_DELAY = 0.5
PAGE_TIMEOUT = 15.0
PAGES_AT_ONCE = 2
DRAWN_KEPT = 8  # stories whose drawing is kept, for going back to them


class StoryReader(Controller):
    """Reads whole stories for the reader pane; ``current_id`` is the story wanted now."""

    class Read(Message):
        """A story, drawn; ``row`` its fresh list row when its page changed it."""

        def __init__(self, item: Item, renderable: RenderableType, row: Item | None = None) -> None:
            super().__init__()
            self.item, self.renderable, self.row = item, renderable, row

    def __init__(
        self,
        db_path: Path,
        config: Config,
        now: Callable[[], datetime],
        *,
        offline: bool,
        page_delay: float = PAGE_DELAY,
    ) -> None:
        super().__init__(db_path)
        self.page_delay = page_delay
        self.config = config
        self.now = now
        self.offline = offline
        self.current_id: int | None = None
        self.terms: Sequence[str] = ()  # search terms to mark in the story
        self._pages_busy: set[int] = set()  # stories whose page is being read
        self._drawn: dict[int, tuple[tuple[object, ...], RenderableType]] = {}

    @in_thread("story", exclusive=True)
    def load(self, item_id: int, *, again: bool = False, seen: bool = False) -> None:
        """Read one whole story and draw it (drawing is cheap; reading is not); ``again``:
        the story in view, read again after others wrote (its list row follows it);
        ``seen``: its update was seen, so no banner (whether or not the mark landed yet)."""
        db = self.open_db()
        try:
            item = get_item(db, item_id)
            if seen:
                item = replace(item, is_updated=False)
            if again and not self._changed(item):
                return
            renderable = self._draw(db, item)
        finally:
            db.close()
        self.post_message(self.Read(item, renderable, item if again else None))

    def _changed(self, now: Item) -> bool:
        """Whether what the story says changed since it was drawn; not the marks on it (the
        reader's own writes come back through the watch: the banner of an update read
        stays until the cursor leaves the story, or its changes are seen with d)."""
        drawn = self._drawn.get(now.id)
        if drawn is None:
            return True
        before = drawn[0][0]
        assert isinstance(before, Item)
        marks_as_before = replace(
            now,
            read=before.read,
            starred=before.starred,
            is_updated=before.is_updated,
            hidden=before.hidden,
        )
        return marks_as_before != before

    def page_wanted(self, item: Item, *, at_once: bool = False) -> None:
        """The reader shows ``item``: read its page soon (``at_once`` after enter)."""
        if self.offline or not self.config.full_text_on_open:
            return
        if not item.link or not is_fetchable_url(item.link):
            return
        if at_once or self.page_delay <= 0:
            self._page_due(item.id)
        else:
            self.set_timer(self.page_delay, partial(self._page_due, item.id))

    def _page_due(self, item_id: int) -> None:
        if item_id != self.current_id or item_id in self._pages_busy:
            return
        if len(self._pages_busy) >= PAGES_AT_ONCE:
            return  # the user is moving faster than pages come; this one waits for a revisit
        self._pages_busy.add(item_id)
        self._read_page(item_id)

    @in_thread("page")
    def _read_page(self, item_id: int) -> None:
        """Read one story's article page (unless read lately), then draw the story again."""
        from store.pages.fulltext import pick_for_full_text, refresh_full_text  # loads httpx

        worker = get_current_worker()
        try:
            db = self.open_db()
            try:
                if not pick_for_full_text(db, [item_id]):
                    return  # read within the hour, and the feed has not changed it since
                item = get_item(db, item_id)
                renderable = self._draw(db, item, fetching=True)
            finally:
                db.close()
            self.post_message(self.Read(item, renderable))
            in_background_thread(
                lambda: refresh_full_text(self.db_path, [item_id], timeout=PAGE_TIMEOUT),
                give_up=lambda: worker.is_cancelled,
            )
            db = self.open_db()
            try:
                item = get_item(db, item_id)
                renderable = self._draw(db, item)
                rows = fetch_items(db, [item_id])
            finally:
                db.close()
            self.post_message(self.Read(item, renderable, rows[0] if rows else None))
        finally:
            self._pages_busy.discard(item_id)

    def _draw(self, db: Database, item: Item, *, fetching: bool = False) -> RenderableType:
        """Draw one story (its feed's title read here); the same drawing as last time when
        nothing it shows changed (the reader pane keeps a drawing's wrapped lines, so going
        back to a story costs nothing)."""
        feed_title = get_feed(db, item.feeds[0]).title if item.feeds else ""
        now = self.now()
        minute = now.replace(second=0, microsecond=0)  # the stamps say "5 minutes ago"
        shows = (item, feed_title, tuple(self.terms), fetching, minute)
        drawn = self._drawn.get(item.id)
        if drawn is not None and drawn[0] == shows:
            return drawn[1]
        renderable = render_story(
            item, feed_title=feed_title, now=now, clock=self.config.clock, terms=self.terms,
            fetching=fetching,
        )  # fmt: skip
        if len(self._drawn) >= DRAWN_KEPT:
            self._drawn.clear()
        self._drawn[item.id] = (shows, renderable)
        return renderable

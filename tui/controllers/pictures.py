"""Bringing the story's picture: from the cache at once, else downloaded in a worker.

The reader pane says which story it shows (``wanted``); a picture not in the
cache is asked for once the story has stayed a moment (walking down the list
fetches nothing it passes), one download at a time: a newer story's picture
cancels the wait for an older one. The answer, ``PictureReader.Shown``, names
the story and the URL it is for, so a picture that arrives late never lands on
another story. In ``--demo`` nothing is downloaded: the demo's pictures are
files bundled with it (a read-only cache); its other stories show none.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual.message import Message
from textual.timer import Timer
from textual.worker import WorkerCancelled, get_current_worker

from store.feeds import get_feed
from store.model import Item
from store.pictures import PictureCache, PictureError, default_cache_dir, fetch_picture
from tui.background import in_background_thread
from tui.config import Config
from tui.controllers import Controller
from tui.workers import failure_text, in_thread

PICTURE_DELAY = 0.5


def picture_reader(
    db_path: Path, config: Config, *, offline: bool, delay: float = PICTURE_DELAY
) -> PictureReader | None:
    """The reader pane's pictures: None with ``images = false``; the demo's own when offline."""
    if not config.images:
        return None
    if offline:
        from store.demo.pictures import DemoPictures

        return PictureReader(db_path, cache=DemoPictures())
    return PictureReader(db_path, delay=delay)


class PictureReader(Controller):
    """Finds the picture of the story the reader shows; ``wanted`` starts it."""

    class Shown(Message):
        """The picture of story ``item_id`` at ``url``: a file, or why there is none."""

        def __init__(
            self, item_id: int, url: str, path: Path | None, reason: str | None = None
        ) -> None:
            super().__init__()
            self.item_id, self.url, self.path, self.reason = item_id, url, path, reason

    def __init__(
        self,
        db_path: Path,
        *,
        cache: PictureCache | None = None,
        delay: float = PICTURE_DELAY,
    ) -> None:
        super().__init__(db_path)
        self.cache = cache or PictureCache(default_cache_dir())
        self.delay = delay
        self._timer: Timer | None = None

    def wanted(self, item: Item) -> None:
        """The reader shows ``item``: its picture now if kept, else after a moment."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        url = item.image
        if not url:
            return
        kept = self.cache.get(url)
        if kept is not None:
            self.post_message(self.Shown(item.id, url, kept))
        elif self.cache.read_only:
            return  # the demo: only its bundled pictures, nothing fetched
        elif self.delay <= 0:
            self._fetch(item, url)
        else:
            self._timer = self.set_timer(self.delay, partial(self._fetch, item, url))

    @in_thread("picture", exclusive=True)
    def _fetch(self, item: Item, url: str) -> None:
        """Download one picture (under a page's limits) into the cache."""
        worker = get_current_worker()
        db = self.open_db()
        try:
            feed_urls = [get_feed(db, feed_id).url for feed_id in item.feeds]
        finally:
            db.close()
        try:
            path = in_background_thread(
                partial(fetch_picture, url, feed_urls=feed_urls, cache=self.cache),
                give_up=lambda: worker.is_cancelled,
            )
        except PictureError as error:
            self.post_message(self.Shown(item.id, url, None, error.reason))
            return
        except WorkerCancelled:
            raise
        except Exception as error:  # noqa: BLE001 - one line in the pane, never a crash
            reason = f"could not show the picture: {failure_text(error)}"
            self.post_message(self.Shown(item.id, url, None, reason))
            return
        self.post_message(self.Shown(item.id, url, path))

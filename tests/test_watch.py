"""The reader's watch notices another process's commits, and tells new stories from state."""

from __future__ import annotations

import threading
from pathlib import Path

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import set_read
from store.parsing.feed import parse_feed
from store.watch import DatabaseWatch, OutsideChange
from tests.two_writers import cli, rss


def test_the_watch_sees_other_writers(tmp_path: Path) -> None:
    path = tmp_path / "aanews.db"
    db = open_db(path)
    feed = add_feed(db, "http://127.0.0.1:9/one")
    ids = store_feed(db, feed.id, parse_feed(rss("one", 2), url=feed.url)).new_ids
    watch = DatabaseWatch(path)
    assert watch.changed() is None
    tagged = cli("--db", str(path), "tag", str(ids[0]), "elsewhere")  # another process
    assert tagged.wait(timeout=60) == 0
    assert watch.changed() == OutsideChange(new_stories=False)
    assert watch.changed() is None
    store_feed(db, feed.id, parse_feed(rss("one", 2, start=2), url=feed.url))
    assert watch.changed() == OutsideChange(new_stories=True)
    set_read(db, ids)
    assert watch.changed() == OutsideChange(new_stories=False)
    watch.close()
    db.close()


def test_closing_while_another_thread_looks_is_safe(tmp_path: Path) -> None:
    """Quitting closes the watch while its worker may be looking: no crash, no more changes."""
    path = tmp_path / "aanews.db"
    db = open_db(path)
    watch = DatabaseWatch(path)
    looks: list[OutsideChange | None] = []
    running = threading.Event()

    def look_on() -> None:
        while True:
            looks.append(watch.changed())
            running.set()
            if watch.closed:
                return

    looker = threading.Thread(target=look_on)
    looker.start()
    assert running.wait(timeout=30)
    watch.close()
    looker.join(timeout=30)
    assert not looker.is_alive() and looks[-1] is None
    add_feed(db, "http://127.0.0.1:9/after")  # a commit the closed watch no longer sees
    assert watch.changed() is None
    db.close()

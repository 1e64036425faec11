"""``aanews serve`` in a real browser: Debian's chromium, headless, driven over DevTools.

The page loads the reader, keys typed on the page move through the stories and
open one, a second tab takes the reader over, and without the token there is no page.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.serving import REFUSED_TEXT, Browser, Page, browsing, readers_of, serving
from tests.waiting import wait_for


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless chromium for the module."""
    with browsing(tmp_path_factory.mktemp("chromium")) as running:
        yield running


def unread(page: Page) -> int:
    """The unread count the status line shows."""
    match = re.search(r"· (\d+) unread", page.screen())
    return int(match.group(1)) if match else -1


def reader_title(page: Page) -> str:
    """The title of the story in the reader pane (its second line), "" when none."""
    rows = page.screen().splitlines()
    below = next((i for i, row in enumerate(rows) if "▔▔▔" in row), None)
    if below is None or below + 2 >= len(rows):
        return ""
    return rows[below + 2].split("▕", 1)[-1].strip()


def wait_for_reader(page: Page, what: str) -> None:
    """Until the reader is drawn in the page (its status line: the story pane's "No story
    selected." shows only until the first story is); failing, what the page showed instead.

    A minute: in a loaded parallel suite the first page starts chromium's renderer, the
    served reader its own process (it once took over 30 s, twice in a day's runs)."""
    try:
        wait_for(lambda: re.search(r"\d+ stories · \d+ unread", page.screen()), 60, what)
    except AssertionError as error:
        shown = page.screen()[-1200:] or page.evaluate("document.body.innerText")[:600]
        raise AssertionError(f"{error}; the page showed {shown!r}") from None


def story_link(tmp: Path, title: str) -> str:
    """The link of the newest story shown and read whose title starts with ``title`` (a
    daily story has one each day), in the served demo copy: the one just opened."""
    (demo,) = tmp.glob("aanews-demo-*/demo.db")
    with closing(sqlite3.connect(f"file:{demo}?mode=ro", uri=True)) as conn:
        found = conn.execute(
            "SELECT link FROM items WHERE instr(title, ?) = 1 AND hidden = 0 AND read = 1 "
            "ORDER BY published_ts DESC",
            [title],
        ).fetchone()
    assert found, f"no story read titled {title!r} in {demo}"
    return str(found[0])


def position(page: Page) -> int:
    """Which row of the list (from 0) the story in the reader pane is; -1 when none."""
    title = reader_title(page)
    rows = page.screen().split("▔▔▔", 1)[0].splitlines()[1:]  # under the title bar
    found = [n for n, row in enumerate(rows) if title and title[:30] in row]
    return found[0] if found else -1


def test_the_reader_in_a_browser(browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page()
    with serving("--demo", tmp=tmp_path) as served:
        page.open(served.origin + "/")
        assert page.evaluate("document.body.innerText").strip() == REFUSED_TEXT
        assert page.screen() == "" and readers_of(served.process.pid) == []

        page.open(served.url)
        wait_for_reader(page, "the reader in the page")
        wait_for(lambda: unread(page) > 0, what="the status line")
        before = unread(page)

        # The cursor starts on the first story: j moves it down, k up, each
        # showing that story; enter opens it, and opening reads it.
        for key, row in [("j", 1), ("j", 2), ("k", 1)]:
            page.press(key)
            wait_for(lambda: position(page) == row, what=f"row {row} shown after {key}")  # noqa: B023
        assert unread(page) == before
        page.press("enter")
        wait_for(lambda: unread(page) == before - 1, what="the story opened and read")

        # o: the story's link opens in a new tab of this browser, not on the server. (Its
        # link may be below the pane's fold: which story is second depends on the hour.)
        link = story_link(tmp_path, reader_title(page))
        browser.send("Target.setDiscoverTargets", discover=True)
        page.press("o")
        wait_for(lambda: link in map(unquote, browser.tabs_opened()), what=f"{link} in a new tab")
        assert len(readers_of(served.process.pid)) == 1

        status, err = served.stop()  # Ctrl-C with the reader open in the page
    assert status == 0 and "Traceback" not in err, err
    assert "-closed" in page.evaluate("document.body.className")


def test_a_second_tab_takes_the_reader_over(browser: Browser, tmp_path: Path) -> None:
    first, second = browser.new_page(), browser.new_page()
    with serving("--demo", tmp=tmp_path) as served:
        first.open(served.url)
        wait_for_reader(first, "the reader in tab 1")
        (reader,) = readers_of(served.process.pid)

        second.open(served.url)
        wait_for_reader(second, "the reader in tab 2")
        wait_for(lambda: "-closed" in first.evaluate("document.body.className"), what="tab 1")
        assert "opened in another tab" in first.evaluate("document.body.innerText")
        wait_for(lambda: not os.path.exists(f"/proc/{reader}"), what="the first reader to quit")
        assert len(readers_of(served.process.pid)) == 1

        second.press("j")
        wait_for(lambda: position(second) == 1, what="tab 2 answering keys")

        # A reader that dies (killed, out of memory) does not leave a page that looks alive.
        (reader,) = readers_of(served.process.pid)
        os.kill(reader, signal.SIGKILL)
        wait_for(lambda: "-closed" in second.evaluate("document.body.className"), what="tab 2")

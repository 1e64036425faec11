"""``aanews serve`` in another process, and a headless chromium driven over DevTools.

The browser is Debian's ``chromium`` run headless with ``--remote-debugging-port``;
``Page`` speaks the DevTools protocol over a websocket. xterm.js draws the reader
on a canvas, so before the page's scripts run a hook keeps the page's terminal
(``window.__aanewsTerminal``) and the screen is read from its buffer, as a user
sees it, row by row.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import REQUIRE_SHARED
from websockets.sync.client import ClientConnection, connect

from tests.waiting import wait_for
from tui.serve import REFUSED

REFUSED_TEXT = REFUSED.strip()

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_MISSING = (
    "chromium is missing: the browser tests of aanews serve need Debian's chromium "
    "(sudo apt-get install chromium)"
)


class Served:
    """A running ``aanews serve``: its process and the URL it printed."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        self.origin = re.sub(r"^(http://[^/]+)/.*$", r"\1", url)

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a user would; returns the exit status and what it said on stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


@contextmanager
def serving(*args: str, tmp: Path) -> Iterator[Served]:
    """``aanews serve ARGS`` until the block ends; its demo copies go under ``tmp``."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the server's first line, or "" when it died
    match = re.search(r"(http://\S+/)", line)
    served = Served(process, match.group(1) if match else "")
    try:
        if not match:
            status, err = served.stop()
            raise AssertionError(f"aanews serve said {line!r}, then exited {status}: {err}")
        yield served
    finally:
        served.stop()


def need_chromium() -> str:
    """The chromium program; skip without it (fail in CI, where it must be there)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if REQUIRE_SHARED:
        pytest.fail(f"{CHROMIUM_MISSING} (AANEWS_REQUIRE_SHARED is set)")
    pytest.skip(CHROMIUM_MISSING)


# Before any script of the page: keep the terminal textual.js makes (it assigns
# ``this.terminal``), so the test can read the screen from xterm's buffer.
_KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    if (value && value.buffer && value.onData) { window.__aanewsTerminal = value; }
  },
});
"""
_SCREEN = """(() => {
  const t = window.__aanewsTerminal;
  if (!t) { return null; }
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()"""
KEYS = {
    "enter": {"key": "Enter", "code": "Enter", "text": "\r", "windowsVirtualKeyCode": 13},
}


class Page:
    """One tab of the browser."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """A DevTools command to this tab; returns its result."""
        return self.browser.send(method, session=self.session, **params)

    def open(self, url: str) -> None:
        """Go to ``url`` and wait until the document is loaded."""
        self.send("Page.navigate", url=url)
        wait_for(lambda: self.evaluate("document.readyState") == "complete", what="the page")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        answer = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return answer["result"].get("value")

    def screen(self) -> str:
        """The reader's screen as text ("" before the terminal exists)."""
        return self.evaluate(_SCREEN) or ""

    def press(self, key: str) -> None:
        """A key typed on the page, as the keyboard sends it."""
        event = KEYS.get(key) or {"key": key, "text": key, "code": f"Key{key.upper()}"}
        self.evaluate("window.__aanewsTerminal.focus()")  # as a click on the page does
        self.send("Input.dispatchKeyEvent", type="keyDown", **event)
        self.send("Input.dispatchKeyEvent", type="keyUp", **event)

    def screenshot(self, path: Path) -> None:
        """The page as a PNG file."""
        import base64

        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


class Browser:
    """The DevTools connection to a headless chromium."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []  # what the browser told, in order

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """One DevTools command; its answer (events in between are kept in ``events``)."""
        number = next(self.ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            answer = json.loads(self.socket.recv(timeout=60))
            if "method" in answer:
                self.events.append(answer)
            if answer.get("id") == number:
                if "error" in answer:
                    raise AssertionError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result

    def tabs_opened(self) -> list[str]:
        """The addresses of the tabs opened so far (Target.setDiscoverTargets on)."""
        while True:
            try:
                self.events.append(json.loads(self.socket.recv(timeout=0)))
            except TimeoutError:
                break
        return [
            event["params"]["targetInfo"]["url"]
            for event in self.events
            if event.get("method") in ("Target.targetCreated", "Target.targetInfoChanged")
            and event["params"]["targetInfo"]["type"] == "page"
        ]

    def new_page(self) -> Page:
        """A new tab that keeps its terminal for the test to read."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, session)
        page.send("Page.enable")
        page.send("Page.addScriptToEvaluateOnNewDocument", source=_KEEP_TERMINAL)
        return page


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text().split()
    except OSError:
        return []


@contextmanager
def browsing(profile: Path) -> Iterator[Browser]:
    """A headless chromium for the block (skips without chromium, fails so in CI)."""
    port_file = profile / "DevToolsActivePort"
    port_file.unlink(missing_ok=True)  # a profile used before: wait for the new port
    process = subprocess.Popen(
        [
            need_chromium(),
            "--headless",
            "--no-sandbox",  # tests may run as root (CI containers)
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--window-size=1280,800",
            "--enable-unsafe-swiftshader",  # software WebGL for xterm's renderer
            "--no-first-run",
            # Only the server under test: every other host is unknown, so no test
            # page (nor a link the reader opens) can reach the internet.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(_lines(port_file)) >= 2, what="chromium's DevTools port")
        port, path = _lines(port_file)[:2]
        with connect(f"ws://127.0.0.1:{port}{path}", max_size=None) as socket:
            yield Browser(socket)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def readers_of(pid: int) -> list[int]:
    """The reader processes a server started (its children running tui.web_reader)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid and b"tui.web_reader" in command:
            found.append(int(stat.parent.name))
    return found

"""Opening a story's link in a browser: http(s) only, never through a shell."""

from __future__ import annotations

import subprocess
import threading
import webbrowser

from store.feeds import is_fetchable_url
from store.text import strip_controls


def open_link(link: str, browser: list[str] | None = None) -> str | None:
    """Open ``link`` with the configured command (an argument list) or the system browser.

    Returns a one-line problem for the user, or None when the browser was started.
    The link is one argument of a list: feed text never reaches a shell.
    """
    link = strip_controls(link).strip()
    if not is_fetchable_url(link):
        return f"Not opening {link[:80]!r}: only http(s) links are opened."
    if browser:
        try:
            subprocess.Popen(
                [*browser, link],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            return f"Could not start the browser {browser[0]!r}: {error}"
        return None
    # webbrowser may block (text browsers) or be slow to find one: keep it off the UI thread.
    threading.Thread(target=webbrowser.open, args=(link,), daemon=True).start()
    return None

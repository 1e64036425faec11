"""Opening a story's link in a browser: http(s) only, never through a shell."""

from __future__ import annotations

import subprocess
import threading
import webbrowser
from collections.abc import Callable

from store.feeds import is_fetchable_url
from store.text import strip_controls


def open_link(
    link: str,
    browser: list[str] | None = None,
    on_failure: Callable[[str], None] | None = None,
    in_page: Callable[[str], None] | None = None,
) -> str | None:
    """Open ``link`` with the configured command (an argument list) or the system browser.

    Returns a one-line problem for the user (no browser configured or found, or it
    could not start), or None when it was started; a system browser that fails
    later calls ``on_failure`` with the reason, from its own thread.
    The link is one argument of a list: feed text never reaches a shell.
    A reader in a web page (``aanews serve``) passes ``in_page``: the page opens
    the link in a new tab of the user's own browser, not on the server's machine.
    """
    link = strip_controls(link).strip()
    if not is_fetchable_url(link):
        return f"Not opening {link[:80]!r}: only http(s) links are opened."
    if in_page is not None:
        in_page(link)
        return None
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
    try:
        found = webbrowser.get()
    except webbrowser.Error:
        return (
            "No browser found to open the link: set browser = [...] in the config, "
            "or the BROWSER environment variable."
        )

    def run() -> None:
        try:
            started = found.open(link)
        except OSError as error:
            started, why = False, str(error)
        else:
            why = "it gave up"
        if not started and on_failure is not None:
            name = getattr(found, "name", "") or type(found).__name__
            on_failure(f"The browser {name!r} could not open the link: {why}")

    # webbrowser may block (text browsers) or be slow: keep it off the UI thread.
    threading.Thread(target=run, daemon=True).start()
    return None

"""The keys that send a story out of the reader: y copy, u links, o browser, | pipe, w save.

Each takes the widget the key reached (for ``notify``, ``app``) and the story
in the reader. Feed text never passes through a shell: links go to the browser
as one argument, the story to a command on its stdin (``tui.story_export``).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import SuspendNotSupported
from textual.widget import Widget

from store.model import Item
from tui.browser import open_link
from tui.config import Config
from tui.screens.links import LinksScreen
from tui.screens.name_prompt import NamePrompt
from tui.story_export import (
    clipboard_note,
    default_filename,
    run_with_stdin,
    save_markdown,
    story_links,
    story_markdown,
)


def browse(widget: Widget, link: str, config: Config) -> None:
    """Open ``link``; say why when no browser could be started (now or from its thread)."""

    def failed(problem: str) -> None:
        widget.app.call_from_thread(widget.notify, problem, severity="error", markup=False)

    in_page = widget.app.open_url if widget.app.is_web else None  # aanews serve
    problem = open_link(link, config.browser, on_failure=failed, in_page=in_page)
    if problem:
        widget.notify(problem, severity="error", markup=False)


def copy_link(widget: Widget, item: Item | None) -> None:
    """Copy the story's link through the terminal (OSC 52), with a word on whether it can."""
    links = story_links(item) if item else []
    if not links:
        widget.notify("This story has no link to copy.", severity="warning", markup=False)
        return
    widget.app.copy_to_clipboard(links[0])
    widget.notify(clipboard_note(), title=links[0][:80], timeout=4, markup=False)


def show_links(widget: Widget, item: Item | None, config: Config) -> None:
    """List the story's links numbered; the one picked opens in the browser."""
    links = story_links(item) if item else []
    if not links:
        widget.notify("This story names no http(s) link.", severity="warning", markup=False)
        return

    def picked(link: str | None) -> None:
        if link:
            browse(widget, link, config)

    widget.app.push_screen(LinksScreen(links), picked)


def pipe_story(widget: Widget, item: Item | None, config: Config) -> None:
    """Hand the story (as Markdown, on stdin) to the config's ``pipe_command``."""
    if item is None:
        widget.notify("Open a story first.", markup=False)
        return
    if not config.pipe_command:
        widget.notify(
            'No pipe_command in the config: e.g. pipe_command = ["less"] or ["glow", "-"].',
            severity="warning",
            markup=False,
        )
        return
    text = story_markdown(item)
    try:
        with widget.app.suspend():  # the command gets the terminal until it exits
            problem = run_with_stdin(config.pipe_command, text)
    except SuspendNotSupported:
        problem = run_with_stdin(config.pipe_command, text)
    if problem:
        widget.notify(problem, severity="error", markup=False)


def save_story(widget: Widget, item: Item | None) -> None:
    """Ask where, then write the story as Markdown (never over an existing file)."""
    if item is None:
        widget.notify("Open a story first.", markup=False)
        return

    def check(path: str) -> str | None:
        target = Path(path).expanduser()
        if target.exists() and not target.is_dir():
            return "That file exists: pick another name."
        if not (target if target.is_dir() else target.parent).is_dir():
            return "No such folder."
        return None

    def chosen(path: str | None) -> None:
        if not path:
            return
        try:
            saved = save_markdown(item, path)
        except OSError as error:
            widget.notify(f"Not saved: {error.strerror or error}", severity="error", markup=False)
            return
        widget.notify(f"Saved {saved}", timeout=4, markup=False)

    default = str(Path("~") / default_filename(item))
    question = Text("Save the story as Markdown to:")
    hint = "enter saves · esc cancels · a folder gets the name shown"
    prompt = NamePrompt("Save story", question, value=default, hint=hint, check=check)
    widget.app.push_screen(prompt, chosen)

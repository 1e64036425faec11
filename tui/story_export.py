"""A story going out of the reader: its links, Markdown, a file name, a command's stdin.

Every piece of feed text here is data: links are cleaned and only http(s) ones
kept; a file name is made from the title by folding it to plain letters, digits
and dashes (never a path, never a dot file); a command gets the text on stdin
and is an argument list from the config, never a shell string.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from store import clock
from store.feeds import is_fetchable_url
from store.files import writing_file
from store.model import Item
from store.text import clean_line, fold, strip_controls

_URL = re.compile(r"https?://[^\s<>\"'«»“”‘’()\[\]{}]+", re.IGNORECASE)
_TRAILING = ".,;:!?…"
NAME_LENGTH = 60


def story_links(item: Item) -> list[str]:
    """The story's link, its photo, then every http(s) URL its text names, once each."""
    found: list[str] = []
    candidates = [item.link or "", item.image or ""]
    for text in (item.summary, item.body):
        candidates += [m.group(0).rstrip(_TRAILING) for m in _URL.finditer(text or "")]
    for candidate in candidates:
        link = clean_line(candidate)
        if link and is_fetchable_url(link) and link not in found:
            found.append(link)
    return found


def story_markdown(item: Item) -> str:
    """The story as Markdown: title, stamps and dateline, lead, body, link."""
    lines = [f"# {_markdown_line(item.title) or 'Untitled'}", ""]
    meta = []
    if item.published:
        meta.append(f"Published {clock.to_iso(item.published)}")
    if item.updated:
        meta.append(f"updated {clock.to_iso(item.updated)}")
    if item.dateline:
        meta.append(_markdown_line(item.dateline))
    if meta:
        lines += ["*" + " · ".join(meta) + "*", ""]
    if item.summary:
        lines += [f"**{_markdown_line(item.summary)}**", ""]
    for paragraph in strip_controls(item.body or "").split("\n"):
        if paragraph.strip():
            lines += [paragraph.strip(), ""]
    if item.link and is_fetchable_url(item.link):
        lines += [f"<{clean_line(item.link)}>", ""]
    return "\n".join(lines)


def _markdown_line(text: str | None) -> str:
    return clean_line(text).replace("*", r"\*")


def default_filename(item: Item) -> str:
    """A safe file name for the story: '1234-merkez-bankasi-faizi.md'."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(item.title or "")).strip("-")
    return f"{item.id}-{words[:NAME_LENGTH].rstrip('-') or 'story'}.md"


def save_markdown(item: Item, path: str | Path) -> Path:
    """Write the story as Markdown at ``path`` (never over an existing file); OSError else."""
    target = Path(path).expanduser()
    if target.is_dir():
        target = target / default_filename(item)
    # A story is no secret: the mode a new file gets (0666 less the umask).
    with writing_file(target, mode=0o666, new_only=True) as file:
        file.write(story_markdown(item))
    return target


def run_with_stdin(command: list[str], text: str) -> str | None:
    """Run ``command`` (an argument list) with ``text`` on stdin, on this terminal.

    Returns a one-line problem, or None when it ran and exited 0.
    """
    try:
        done = subprocess.run(command, input=text.encode("utf-8"), check=False)
    except OSError as error:
        return f"Could not run {command[0]!r}: {error.strerror or error}"
    if done.returncode != 0:
        return f"{command[0]} exited with status {done.returncode}"
    return None


def clipboard_note(environ: Mapping[str, str] = os.environ) -> str:
    """What to tell the user after asking the terminal to copy (OSC 52).

    A terminal never answers an OSC 52 request, so the note says where it is known
    not to arrive.
    """
    if environ.get("TERM_PROGRAM") == "Apple_Terminal":
        return "Apple's Terminal ignores copy requests (OSC 52): nothing was copied."
    if environ.get("TERM") == "linux":
        return "The Linux console cannot copy (OSC 52): nothing was copied."
    if environ.get("TMUX"):
        return "Copied through tmux: it reaches your clipboard if tmux has set-clipboard on."
    if environ.get("STY"):
        return "GNU screen passes no copy requests (OSC 52) on: nothing may have been copied."
    return "Copied (OSC 52); a terminal that refuses clipboard requests copies nothing."

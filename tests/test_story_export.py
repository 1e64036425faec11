"""A story going out: its links, Markdown, a safe file name, a command's stdin, the clipboard."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.model import Item
from tui.browser import open_link
from tui.story_export import (
    clipboard_note,
    default_filename,
    run_with_stdin,
    save_markdown,
    story_links,
    story_markdown,
)

HOSTILE = Item(
    id=42,
    key="aa:42",
    title="../../etc/passwd \x1b[31m Şırnak'ta *yağış* | rm -rf ~",
    summary="Lead with https://lead.test/a, and javascript:alert(1).",
    body="First paragraph (see https://body.test/x?y=1).\nfile:///etc/shadow\n\x1b]52;c;AAAA\x07Second.",
    link="https://www.aa.com.tr/tr/gundem/x/42",
    image="https://cdnuploads.aa.com.tr/uploads/x.jpg",
    published=datetime(2026, 11, 26, 12, 0, tzinfo=UTC),
    dateline="AA / Ankara",
)


def test_links_are_http_only_and_listed_once() -> None:
    assert story_links(HOSTILE) == [
        "https://www.aa.com.tr/tr/gundem/x/42",
        "https://cdnuploads.aa.com.tr/uploads/x.jpg",
        "https://lead.test/a",
        "https://body.test/x?y=1",
    ]


def test_the_file_name_is_never_a_path_and_markdown_has_no_controls(tmp_path: Path) -> None:
    name = default_filename(HOSTILE)
    assert name == "42-etc-passwd-31m-sirnak-ta-yagis-rm-rf.md"
    saved = save_markdown(HOSTILE, tmp_path)  # a folder: the default name inside it
    assert saved == tmp_path / name
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# ../../etc/passwd") and "\x1b" not in text and "\x07" not in text
    assert r"\*yağış\*" in text and "AA / Ankara" in text and "<https://www.aa.com.tr/" in text
    with pytest.raises(FileExistsError):
        save_markdown(HOSTILE, saved)  # never over a file
    assert story_markdown(HOSTILE) == text
    (tmp_path / "link.md").symlink_to("elsewhere.md")
    with pytest.raises(FileExistsError):
        save_markdown(HOSTILE, tmp_path / "link.md")  # nor through a link
    assert saved.read_text(encoding="utf-8") == text and not (tmp_path / "elsewhere.md").exists()


def test_a_command_gets_the_story_on_stdin_never_through_a_shell(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    script = f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"
    assert run_with_stdin([sys.executable, "-c", script], story_markdown(HOSTILE)) is None
    assert "rm -rf ~" in out.read_text(encoding="utf-8")  # text, not a command
    assert not list(tmp_path.glob("etc*"))
    problem = run_with_stdin(["/nonexistent/glow", "-"], "x")
    assert problem and "Could not run '/nonexistent/glow'" in problem
    failing = run_with_stdin([sys.executable, "-c", "raise SystemExit(3)"], "x")
    assert failing and "exited with status 3" in failing


def test_the_clipboard_note_says_where_copying_cannot_work() -> None:
    assert "nothing was copied" in clipboard_note({"TERM_PROGRAM": "Apple_Terminal"})
    assert "set-clipboard" in clipboard_note({"TMUX": "/tmp/tmux-0/default,1,0"})
    assert clipboard_note({}).startswith("Copied (OSC 52)")


def test_no_browser_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    def none_found(using: str | None = None) -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", none_found)
    problem = open_link("https://www.aa.com.tr/x")
    assert problem and "No browser found" in problem and "browser = [" in problem
    bad = open_link("https://www.aa.com.tr/x", ["/nonexistent/firefox"])
    assert bad and "Could not start the browser '/nonexistent/firefox'" in bad
    assert "only http(s)" in (open_link("file:///etc/passwd") or "")

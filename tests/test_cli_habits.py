"""The command line as a newsboat user tries it first: --version, options anywhere,
commands that say what they did, and imports that refuse an empty file."""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from store.tags import item_tags
from tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("aanews ")


def test_db_and_config_go_after_the_command_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "after.db"
    status, out, _ = run(capsys, "feeds", "add", "https://example.org/a.xml", "--db", db_path)
    assert status == 0 and out.strip() == "1"
    status, out, _ = run(capsys, "feeds", "list", "--json", "--db", db_path)
    assert status == 0 and "https://example.org/a.xml" in out
    # before the command still works, and one after it wins over none
    status, out, _ = run(capsys, "--db", db_path, "feeds", "list", "--json")
    assert "https://example.org/a.xml" in out


def test_adding_a_feed_twice_says_so_and_gives_the_old_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "twice.db"
    run(capsys, "--db", db_path, "feeds", "add", "https://example.org/b.xml")
    run(capsys, "--db", db_path, "feeds", "add", "https://example.org/c.xml")
    status, out, err = run(capsys, "--db", db_path, "feeds", "add", "https://example.org/b.xml")
    assert status == 0 and out.strip() == "1"
    assert "already subscribed: feed 1" in err


def story_db(path: Path) -> int:
    db = open_db(path)
    feed = add_feed(db, "https://example.org/feed", title="Example")
    result = store_feed(db, feed.id, ParsedFeed(entries=[Entry(key="guid:1", guid="1", title="x")]))
    db.close()
    return result.item_ids[0]


def test_tag_untag_and_rename_say_what_they_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "tags.db"
    item = story_db(db_path)
    status, out, _ = run(capsys, "--db", db_path, "tag", item, "gazze", "spor")
    assert status == 0 and out.strip() == f"tagged story {item} gazze, spor"
    _, out, _ = run(capsys, "--db", db_path, "tag", item, "gazze")
    assert out.strip() == f"tagged story {item} gazze (1 it already had)"
    _, out, _ = run(capsys, "--db", db_path, "untag", item, "spor")
    assert out.strip() == f"untagged story {item} spor"
    _, out, _ = run(capsys, "--db", db_path, "untag", item, "Gazze", "nothere")
    assert out.strip() == f"untagged story {item} Gazze; it had no tag nothere"
    _, out, _ = run(capsys, "--db", db_path, "untag", item, "nothere")
    assert out.strip() == f"story {item}: it had no tag nothere"
    run(capsys, "--db", db_path, "tag", item, "gazze")
    _, out, _ = run(capsys, "--db", db_path, "tags", "rename", "gazze", "Gaza")
    assert out.strip() == "renamed 'gazze' to 'Gaza'"
    db = open_db(db_path)
    assert item_tags(db, item) == ["Gaza"]
    db.close()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.opml", "<?xml version='1.0'?><opml version='2.0'><body/></opml>", "no feed"),
        ("words.txt", "hello world\n", "no feed"),
        ("blank.txt", "", "no feed"),
        (
            "local.opml",
            "<opml version='2.0'><body><outline xmlUrl='file:///etc/passwd'/></body></opml>",
            "no feed to import in this OPML document (1 outline skipped)",
        ),
    ],
)
def test_importing_a_file_without_feeds_fails_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, reason: str
) -> None:
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, "--db", tmp_path / "i.db", "import", file)
    assert status == 1 and out == ""
    assert f"{file}: {reason}" in err and "nothing imported" in err


def test_the_demo_brings_quick_tags_unless_the_config_has_its_own() -> None:
    from store.demo.database import QUICK_TAGS
    from tui.app import demo_defaults
    from tui.config import Config

    assert demo_defaults(Config()).quick_tags == list(QUICK_TAGS)
    assert demo_defaults(Config(quick_tags=["mine"])).quick_tags == ["mine"]


# Every command that reads or changes what the database holds, on a --db mistyped.
NEEDING_A_DATABASE = [
    ["search", "gaza", "--count"],
    ["show", "2"],
    ["feeds", "list"],
    ["feeds", "rename", "1", "x"],
    ["feeds", "remove", "1"],
    ["tags"],
    ["tag", "2", "x"],
    ["tags", "delete", "x"],
    ["searches"],
    ["searches", "save", "Gaza", "gaza"],
    ["export", "--json", "-o", "backup.json"],
    ["check"],
    ["prune"],
    ["fetch"],
    ["sync"],
    ["account", "list"],
]


@pytest.mark.parametrize("argv", NEEDING_A_DATABASE, ids=" ".join)
def test_a_mistyped_db_is_said_in_one_line_and_nothing_is_made(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "nodir" / "typo.db"
    status, out, err = run(capsys, "--db", typo, *argv)
    assert (status, out) == (1, "")
    assert err.startswith(f"aanews: no database at {typo}") and err.count("\n") == 1
    makes = (
        "`aanews account add` makes one"
        if argv in (["sync"], ["account", "list"])
        else "`aanews feeds add URL` or `aanews import FILE` makes one"
    )
    assert f"({makes})" in err  # what would make one, for this command
    assert list(tmp_path.iterdir()) == []  # no database, no folder, no backup


def test_a_first_run_adds_a_feed_to_the_default_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's first session: the catalogue, then a feed, then the feeds are there."""
    from store.db import default_path

    status, out, _ = run(capsys, "feeds", "catalogue", "--lang", "tr")
    assert status == 0 and "aa:tr/guncel" in out and not default_path().parent.exists()
    assert run(capsys, "search", "gaza")[2].startswith(f"aanews: no database at {default_path()}")
    assert run(capsys, "fetch")[2].startswith(
        f"aanews: no database at {default_path()}: no feeds to fetch"
    )
    assert run(capsys, "feeds", "add", "aa:tr/guncel")[:2] == (0, "1\n")
    assert "AA Türkçe · Güncel" in run(capsys, "feeds", "list")[1]
    assert run(capsys, "check")[0] == 0
    urls = tmp_path / "urls"
    urls.write_text("https://example.org/feed.xml\n")
    assert run(capsys, "--db", tmp_path / "new.db", "import", urls)[0] == 0
    assert (tmp_path / "new.db").is_file()


def _dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def _demo_copies(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("aanews-demo-*/demo.db"))


def test_demo_with_a_command_works_on_a_demo_copy_never_the_users_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    mine = tmp_path / "mine.db"
    assert run(capsys, "--db", mine, "feeds", "add", "https://example.org/mine.xml")[0] == 0
    before = _dump(mine)

    status, out, err = run(capsys, "--db", mine, "--demo", "tag", "2", "demo-test")
    assert (status, out) == (0, "tagged story 2 demo-test\n")
    (copy,) = _demo_copies(tmp_path / "tmp")
    assert f"aanews: the demo database is kept at {copy}" in err
    assert item_tags(open_db(copy), 2) == ["demo-test"]
    status, out, _ = run(capsys, "--demo", "feeds", "list")
    assert status == 0 and "AA Türkçe · Güncel" in out and "mine.xml" not in out
    assert _dump(mine) == before  # not a tag, not a byte of the demo in it


@pytest.mark.parametrize("argv", [["fetch"], ["sync"], ["account", "list"]], ids=" ".join)
def test_demo_refuses_the_commands_that_go_online(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    status, out, err = run(capsys, "--demo", *argv)
    assert (status, out) == (1, "")
    said = f"aanews: the demo stays offline: {argv[0]} does not run on it (its stories are bundled)"
    assert err == said + "\n"
    assert list(tmp_path.iterdir()) == []

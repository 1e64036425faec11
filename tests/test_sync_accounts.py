"""Accounts without a server: the CLI around them, their status in the sidebar, removal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import set_starred
from store.model import Entry, ParsedFeed
from store.sync.accounts import add_account, record_error, record_success
from store.sync.queue import queue_subscription
from tui.cli import main
from tui.controllers.sidebar_data import load_sidebar

API = "https://rss.example.org/api/greader.php"


def account_with_feed(path: Path) -> tuple[int, list[int]]:
    """An account (never contacted) owning one feed of two stories."""
    db = open_db(path)
    account = add_account(db, API, "alice")
    feed = add_feed(db, "https://example.org/feed.xml")
    entries = [Entry(key="guid:1", title="One"), Entry(key="guid:2", title="Two")]
    ids = store_feed(db, feed.id, ParsedFeed(entries=entries)).item_ids
    with db.atomic():
        db.execute("UPDATE feeds SET account_id = ?, remote_id = 'feed/1'", [account.id])
    db.close()
    return feed.id, ids


def test_an_account_that_failed_says_why_in_the_list_and_the_sidebar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.db"
    account_with_feed(path)
    db = open_db(path)
    record_success(db, 1, cursor=100)
    record_error(db, 1, "alice at https://rss.example.org: HTTP 503 Service Unavailable\x1b[2J")
    [view] = load_sidebar(db).accounts
    db.close()
    assert view.name == "alice@rss.example.org" and view.unread == 2
    assert view.error is not None and "HTTP 503" in view.error and "\x1b" not in view.error
    assert main(["--db", str(path), "account", "list"]) == 0
    out = capsys.readouterr().out
    assert "failing" in out and "ERROR" in out and "HTTP 503" in out
    assert main(["--db", str(path), "account", "list", "--json"]) == 0
    [shown] = json.loads(capsys.readouterr().out)
    assert shown["status"] == "failing" and shown["feeds"] == 1 and "password" not in shown


def test_the_account_list_and_removal_count_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.db"
    _feed_id, ids = account_with_feed(path)
    db = open_db(path)
    set_starred(db, [ids[0]])
    queue_subscription(db, 1, "subscribe", stream="feed/2", value="https://b.test/rss")
    db.close()
    assert main(["--db", str(path), "account", "list"]) == 0
    assert "never synced  1 feed  1 change queued\n" in capsys.readouterr().out
    assert main(["--db", str(path), "account", "remove", "1"]) == 0
    assert capsys.readouterr().out.endswith("; 1 story deleted\n")  # the starred one stays


def test_removing_an_account_keeps_its_starred_stories_and_forgets_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.db"
    password = tmp_path / "pw"
    password.write_text("secret\n")
    assert main(["--db", str(path), "account", "add", "greader", API, "--user", "bob",
                 "--password-file", str(password), "--no-check"]) == 0  # fmt: skip
    secrets = Path.home() / "config" / "aanews" / "secrets.json"
    assert "bob@" in secrets.read_text()
    feed_id, ids = account_with_feed(path)
    db = open_db(path)
    set_starred(db, [ids[0]])
    db.close()
    assert main(["--db", str(path), "account", "remove", "2"]) == 0  # alice's
    assert main(["--db", str(path), "account", "remove", "1"]) == 0  # bob's
    assert "bob@" not in secrets.read_text()
    db = open_db(path)
    assert [r[0] for r in db.execute("SELECT id FROM items")] == [ids[0]]
    assert db.execute("SELECT COUNT(*) FROM feeds").fetchone()[0] == 0
    db.close()


def test_an_account_feed_is_not_fetched_directly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.db"
    feed_id, _ = account_with_feed(path)
    capsys.readouterr()
    assert main(["--db", str(path), "fetch", "--feed", str(feed_id)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"aanews: feed {feed_id} comes through a sync account: aanews sync (R in the reader)"
    )


def test_a_password_is_never_taken_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--db", str(tmp_path / "a.db"), "account", "add", "greader", API, "--user", "a",
              "--password", "x"])  # fmt: skip
    assert main(["--db", str(tmp_path / "a.db"), "account", "add", "greader", API,
                 "--user", "a", "--no-check"]) == 1  # fmt: skip
    assert "give --password-file FILE or set $AANEWS_PASSWORD" in capsys.readouterr().err


@pytest.mark.parametrize("why", ["no password", "server down"])
def test_a_failed_sync_names_its_account_once(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    httpserver: HTTPServer,
    why: str,
) -> None:
    """The line `aanews sync` prints for a failed account: the error names the account
    itself ("alice@URL: $X is not set", "alice at URL: ... HTTP 503"), so the line does
    not name it a second time."""
    url = httpserver.url_for("/api/greader.php")
    httpserver.expect_request("/api/greader.php/accounts/ClientLogin").respond_with_data(
        "down", status=503
    )
    monkeypatch.setenv("AANEWS_TEST_PW", "pw")
    if why == "no password":
        monkeypatch.delenv("AANEWS_TEST_PW")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[accounts]]\ntype = "greader"\nurl = "{url}"\nuser = "alice"\n'
        'password_env = "AANEWS_TEST_PW"\n'
    )
    path = tmp_path / "a.db"
    monkeypatch.setattr("store.sync.client._backoff", lambda attempt: 0.0)
    assert main(["--db", str(path), "--config", str(config), "sync"]) == 1
    err = capsys.readouterr().err
    assert ("is not set" if why == "no password" else "HTTP 503") in err
    assert err.count("alice") == 1, err  # the account named once

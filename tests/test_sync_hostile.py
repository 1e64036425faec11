"""A sync server's text is data: its subscription URLs and an account's address are cleaned,
and an address with a password in it is refused (the password has its own safe places)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from store.sync.accounts import AccountError, add_account, list_accounts
from store.sync.subscriptions import pull_subscriptions

ESCAPES = "\x1b]0;PWNED\x07"


class ListingClient:
    """Stands in for the Google Reader client: answers subscription/list only."""

    base = "http://127.0.0.1:9/api/greader.php"

    def __init__(self, listed: list[dict[str, Any]]) -> None:
        self.listed = listed

    def get_json(self, path: str, **_: Any) -> dict[str, Any]:
        assert path == "subscription/list"
        return {"subscriptions": self.listed}


def test_an_address_with_a_password_is_refused(db: Database) -> None:
    with pytest.raises(AccountError, match="user name or password in it") as caught:
        add_account(db, "https://bob:hunter2@rss.example.org/api/greader.php", "bob")
    assert "hunter2" not in str(caught.value)
    assert list_accounts(db) == []


def test_an_account_address_is_stored_clean(db: Database) -> None:
    account = add_account(db, f"http://127.0.0.1:9/ap{ESCAPES}i\u202e", "alice")
    assert account.url == "http://127.0.0.1:9/api"


def test_subscription_urls_from_the_server_are_stored_clean(db: Database) -> None:
    account = add_account(db, "http://127.0.0.1:9/api/greader.php", "alice")
    listed = [
        {
            "id": "feed/1",
            "title": f"Feed{ESCAPES}",
            "url": f"http://127.0.0.1:9/feed{ESCAPES}.xml",
            "htmlUrl": "http://x.test/\u202eevil",
            "categories": [],
        }
    ]
    pull_subscriptions(db, ListingClient(listed), account.id)  # type: ignore[arg-type]
    rows = db.execute("SELECT url, site_url, title || feed_title FROM feeds").fetchall()
    assert rows == [("http://127.0.0.1:9/feed.xml", "http://x.test/evil", "Feed")]


def test_a_subscription_url_is_stored_as_a_local_feeds_is(db: Database) -> None:
    account = add_account(db, "http://127.0.0.1:9/api/greader.php", "alice")
    listed = [{"id": "feed/2", "title": "News", "url": "HTTP://Feeds.Example/News?Id=A"}]
    pull_subscriptions(db, ListingClient(listed), account.id)  # type: ignore[arg-type]
    assert db.execute("SELECT url FROM feeds").fetchall() == [("http://feeds.example/News?Id=A",)]

"""The Google Reader client and the push queue, against servers on 127.0.0.1 that misbehave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlite_utils import Database
from werkzeug import Request, Response

from store.feeds import add_feed
from store.ingest import store_feed
from store.items import set_read, set_starred
from store.model import Entry, ParsedFeed
from store.sync.accounts import add_account
from store.sync.client import AuthError, GReaderClient, SyncError
from store.sync.push import push_changes
from store.sync.queue import pending
from store.sync.quirks import quirks_for
from store.sync.stories import story_pages
from store.tags import tag_items

FIXTURES = Path(__file__).parent / "fixtures" / "greader"
LOGIN = "/accounts/ClientLogin"
API = "/reader/api/0/"


def client_for(server: HTTPServer, kind: str = "generic") -> tuple[GReaderClient, list[float]]:
    waits: list[float] = []
    client = GReaderClient(
        server.url_for("/"), "alice", "pw", quirks_for(kind), timeout=5, sleep=waits.append
    )
    server.expect_request(LOGIN, method="POST").respond_with_data("SID=x\nAuth=alice/token\n")
    return client, waits


def answers(*responses: Response):  # noqa: ANN201 - a werkzeug handler
    """A handler giving these answers in turn (the last one again after that)."""
    queue = list(responses)

    def handler(request: Request) -> Response:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


def test_a_429_is_asked_again_after_its_retry_after(httpserver: HTTPServer) -> None:
    client, waits = client_for(httpserver)
    httpserver.expect_request(API + "tag/list").respond_with_handler(
        answers(
            Response("slow down", status=429, headers={"Retry-After": "2"}),
            Response(json.dumps({"tags": []}), content_type="application/json"),
        )
    )
    assert client.get_json("tag/list") == {"tags": []}
    assert len(waits) == 1 and 1.0 <= waits[0] <= 2.0


def test_a_server_that_keeps_failing_is_one_line_after_a_few_tries(httpserver: HTTPServer) -> None:
    client, waits = client_for(httpserver)
    httpserver.expect_request(API + "tag/list").respond_with_data(
        "\x1b[2J\x1b]0;owned\x07 down for maintenance", status=503
    )
    with pytest.raises(SyncError) as failure:
        client.get_json("tag/list")
    message = str(failure.value)
    assert "HTTP 503" in message and "down for maintenance" in message
    assert "\x1b" not in message and "\x07" not in message and "\n" not in message
    assert waits == [0.5, 1.0, 2.0]


def test_an_html_error_page_is_said_in_its_words_not_its_markup(httpserver: HTTPServer) -> None:
    """A server that is not a Google Reader API (here Python's own error page for a POST
    it does not take): the message reads the page's words, not its tags."""
    client = GReaderClient(httpserver.url_for("/"), "alice", "pw", quirks_for("generic"))
    page = (
        '<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Error response</title>\n</head>\n<body>\n<h1>Error response</h1>\n"
        "<p>Error code: 501</p>\n<p>Message: Unsupported method ('POST').</p>\n"
        "<p>Error code explanation: 501 - Server does not support this operation.</p>\n"
        "</body>\n</html>\n"
    )
    httpserver.expect_request(LOGIN).respond_with_data(page, status=501, content_type="text/html")
    with pytest.raises(SyncError) as failure:
        client.login()
    message = str(failure.value)
    assert "HTTP 501" in message and "Unsupported method ('POST')" in message
    assert "<" not in message and "DOCTYPE" not in message and "charset" not in message


def test_a_wrong_password_says_so(httpserver: HTTPServer) -> None:
    client = GReaderClient(httpserver.url_for("/"), "alice", "nope", quirks_for("generic"))
    httpserver.expect_request(LOGIN).respond_with_data("Error=BadAuthentication", status=401)
    with pytest.raises(AuthError, match="wrong user name or password"):
        client.login()


def test_an_answer_that_is_not_json_is_a_clear_error(httpserver: HTTPServer) -> None:
    client, _ = client_for(httpserver)
    httpserver.expect_request(API + "subscription/list").respond_with_data("<html>oops</html>")
    with pytest.raises(SyncError, match="did not answer JSON"):
        client.get_json("subscription/list")


def test_an_expired_edit_token_is_fetched_again_once(httpserver: HTTPServer) -> None:
    client, _ = client_for(httpserver)
    httpserver.expect_request(API + "token").respond_with_handler(
        answers(Response("old-token"), Response("new-token"))
    )
    seen: list[str] = []

    def edit(request: Request) -> Response:
        seen.append(request.form["T"])
        if request.form["T"] == "old-token":
            return Response("Unauthorized!", status=401, headers={"Google-Bad-Token": "true"})
        return Response("OK")

    httpserver.expect_request(API + "edit-tag", method="POST").respond_with_handler(edit)
    client.edit("edit-tag", [("i", "x"), ("a", "user/-/state/com.google/read")])
    assert seen == ["old-token", "new-token"]


def test_miniflux_stories_come_by_ids_when_stream_contents_answers_nothing(
    httpserver: HTTPServer,
) -> None:
    client, _ = client_for(httpserver, "generic")  # not told it is Miniflux: noticed
    httpserver.expect_request(
        API + "stream/contents/user/-/state/com.google/reading-list"
    ).respond_with_json([])
    ids = json.loads((FIXTURES / "miniflux-items-ids.json").read_text())
    httpserver.expect_request(API + "stream/items/ids").respond_with_json(ids)
    contents = json.loads((FIXTURES / "miniflux-items-contents.json").read_text())
    asked: list[list[str]] = []

    def items(request: Request) -> Response:
        asked.append(request.form.getlist("i"))
        return Response(json.dumps(contents), content_type="application/json")

    httpserver.expect_request(API + "stream/items/contents", method="POST").respond_with_handler(
        items
    )
    pages = list(story_pages(client, None))
    assert [item["title"] for page in pages for item in page] == ["Meclis'te bütçe görüşmeleri"]
    assert asked == [["tag:google.com,2005:reader/item/00000000000004d2"]]  # long form


# --- the queue and the push ----------------------------------------------------------


def synced_db(db: Database, count: int = 3) -> list[int]:
    """An account with a feed of ``count`` stories mapped to server ids 1..count."""
    account = add_account(db, "https://rss.example.org/api/greader.php", "alice")
    feed = add_feed(db, "https://example.org/feed.xml")
    entries = [Entry(key=f"guid:{n}", title=f"Story {n}") for n in range(1, count + 1)]
    ids = store_feed(db, feed.id, ParsedFeed(entries=entries)).item_ids
    with db.atomic():
        db.execute("UPDATE feeds SET account_id = ?, remote_id = 'feed/1'", [account.id])
        for number, item_id in enumerate(ids, start=1):
            db.execute(
                "INSERT INTO sync_items (account_id, remote_id, item_id) VALUES (?, ?, ?)",
                [account.id, f"{number:016x}", item_id],
            )
    return ids


class Recorder:
    """A stand-in for the server's edit calls: records them, fails on request."""

    def __init__(self, kind: str = "freshrss", fail_after: int | None = None) -> None:
        self.quirks = quirks_for(kind)
        self.calls: list[list[tuple[str, str]]] = []
        self.fail_after = fail_after

    def edit(self, path: str, data: list[tuple[str, str]]) -> None:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise SyncError("server down", status=503)
        self.calls.append(data)


def test_only_stories_of_an_account_are_queued(db: Database) -> None:
    ids = synced_db(db)
    local = add_feed(db, "https://example.org/local.xml")
    [mine] = store_feed(db, local.id, ParsedFeed(entries=[Entry(key="guid:local")])).item_ids
    set_read(db, [ids[0], mine])
    assert [(c.action, c.item_id) for c in pending(db, 1)] == [("read", ids[0])]


def test_the_last_change_of_a_state_wins_and_each_state_is_its_own_call(db: Database) -> None:
    ids = synced_db(db)
    set_read(db, ids[:2], True)
    set_read(db, [ids[0]], False)  # read then unread: only unread goes out
    set_starred(db, [ids[0]])
    tag_items(db, [ids[1]], ["Seçim"])
    server = Recorder()
    result = push_changes(db, server, 1)  # type: ignore[arg-type]
    sent = sorted(
        ([v for k, v in call if k == "i"], [(k, v) for k, v in call if k in "ar"])
        for call in server.calls
    )
    ref = "tag:google.com,2005:reader/item/"
    assert sent == [
        ([ref + "0000000000000001"], [("a", "user/-/state/com.google/starred")]),
        ([ref + "0000000000000001"], [("r", "user/-/state/com.google/read")]),
        ([ref + "0000000000000002"], [("a", "user/-/label/Seçim")]),
        ([ref + "0000000000000002"], [("a", "user/-/state/com.google/read")]),
    ]
    assert result.marks == 4 and pending(db, 1) == []


def test_a_failed_push_keeps_what_did_not_go_out(db: Database) -> None:
    ids = synced_db(db)
    set_read(db, [ids[0]])
    set_starred(db, [ids[1]])
    server = Recorder(fail_after=1)
    with pytest.raises(SyncError):
        push_changes(db, server, 1)  # type: ignore[arg-type]
    assert len(server.calls) == 1 and len(pending(db, 1)) == 1


def test_labels_never_go_to_a_server_without_them(db: Database) -> None:
    ids = synced_db(db)
    tag_items(db, [ids[0]], ["gazze"])
    set_read(db, [ids[0]])
    server = Recorder("miniflux")
    result = push_changes(db, server, 1)  # type: ignore[arg-type]
    assert [dict(call).get("a") for call in server.calls] == ["user/-/state/com.google/read"]
    assert result.skipped == 1 and pending(db, 1) == []

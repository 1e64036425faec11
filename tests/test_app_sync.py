"""The reader syncs its accounts when it refreshes (R, the timer), in the background,
and shows each account's state in the sidebar. The server is a stub on 127.0.0.1
giving FreshRSS's recorded answers (tests/fixtures/greader/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_factory import make_app, notifications, screen_text, settle
from pytest_httpserver import HTTPServer
from waiting import pilot_wait_for
from werkzeug import Request, Response

from store.db import open_db
from tui.config import Config

pytestmark = pytest.mark.anyio
FIXTURES = Path(__file__).parent / "fixtures" / "greader"
API = "/reader/api/0/"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def recorded(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def serve_freshrss(server: HTTPServer) -> None:
    """Log in, list, page and the state lists, as FreshRSS answered them."""
    server.expect_request("/accounts/ClientLogin", method="POST").respond_with_data(
        "SID=alice/x\nAuth=alice/x\n"
    )
    server.expect_request(API + "token").respond_with_data("token")
    for path, name in (
        ("subscription/list", "freshrss-subscription-list.json"),
        ("tag/list", "freshrss-tag-list.json"),
        ("stream/contents/user/-/state/com.google/reading-list", "freshrss-stream-contents.json"),
    ):
        server.expect_request(API + path).respond_with_data(
            recorded(name), content_type="application/json"
        )

    def ids(request: Request) -> Response:
        stream = request.args.get("s", "")
        members = {
            "user/-/state/com.google/starred": ["1796117034357712"],
            "user/-/label/Foo": ["1796117034357712", "1796117034357711"],
            "user/-/label/Gazze dosyası": ["1796117034357711"],
        }.get(stream, [])  # the reading list without the read ones: empty, both are read
        refs = {"itemRefs": [{"id": i} for i in members]}
        return Response(json.dumps(refs), content_type="application/json")

    server.expect_request(API + "stream/items/ids").respond_with_handler(ids)


def reader_config(tmp_path: Path, server: HTTPServer, **settings: object) -> Config:
    password = tmp_path / "password"
    password.write_text("pw\n")
    account = {"url": server.url_for("/").rstrip("/"), "user": "alice", "server": "freshrss"}
    account["password_file"] = str(password)
    return Config(dwell_seconds=3600, accounts=[account], **settings)  # type: ignore[arg-type]


async def test_r_syncs_the_accounts_and_the_stories_arrive(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    serve_freshrss(httpserver)
    path = tmp_path / "reader.db"
    open_db(path).close()
    app = make_app(path, reader_config(tmp_path, httpserver))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.press("j", "k")  # the screen answers while the sync runs
        await pilot_wait_for(pilot, lambda: "Pêche & Assemblée" in screen_text(app), 30, "stories")
        # The sidebar's counts come from their own worker, after the list's rows or before.
        await pilot_wait_for(
            pilot,
            lambda: "Accounts" in screen_text(app) and "alice@localhost" in screen_text(app),
            30,
            "the account in the sidebar",
        )
    db = open_db(path)
    starred = db.execute("SELECT starred FROM items WHERE key = 'aa:2100004'").fetchone()
    db.close()
    assert starred == (1,)


async def test_an_account_that_cannot_sync_is_marked_in_the_sidebar(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/accounts/ClientLogin").respond_with_data(
        "Unauthorized!", status=401
    )
    path = tmp_path / "reader.db"
    open_db(path).close()
    app = make_app(path, reader_config(tmp_path, httpserver, auto_refresh_minutes=0.002))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot_wait_for(pilot, lambda: "⚠ alice@localhost" in screen_text(app), 30, "⚠")
        failed = [n for n in notifications(app) if n.title == "Sync failed"]
        assert failed and "wrong user name or password" in failed[0].message

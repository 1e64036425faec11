"""store/ logs what it does; `--verbose` (or AANEWS_DEBUG=1) shows it, cleaned, on stderr."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import feedgen
import pytest
from pytest_httpserver import HTTPServer

from store.db import open_db
from store.feeds import add_feed
from tui.cli import main


@pytest.fixture(autouse=True)
def _no_handlers_left() -> Iterator[None]:
    """Each run of main() may add a handler to the "store" logger; take them off again."""
    logger = logging.getLogger("store")
    before = list(logger.handlers)
    yield
    for handler in logger.handlers[len(before) :]:
        logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)


def _two_feeds(tmp_path: Path, httpserver: HTTPServer) -> str:
    path = str(tmp_path / "f.db")
    db = open_db(path)
    add_feed(db, httpserver.url_for("/ok.xml"), title="Fine")
    add_feed(db, httpserver.url_for("/down.xml"), title="Down")
    db.close()
    httpserver.expect_request("/ok.xml").respond_with_data(feedgen.render_rss(1, 0, 4))
    httpserver.expect_request("/down.xml").respond_with_data(
        "<html>down</html>", status=503, content_type="text/html"
    )
    return path


def test_verbose_fetch_says_what_each_feed_did(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _two_feeds(tmp_path, httpserver)
    main(["--verbose", "--db", path, "fetch"])
    err = capsys.readouterr().err
    assert f"feed 1 {httpserver.url_for('/ok.xml')}: new, 4 new, 0 updated" in err
    assert f"feed 2 {httpserver.url_for('/down.xml')}: " in err and "503" in err


def test_without_verbose_the_library_prints_no_log(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _two_feeds(tmp_path, httpserver)
    main(["--db", path, "fetch"])
    assert "new, 4 new" not in capsys.readouterr().err


def test_migrations_are_logged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--verbose", "--db", str(tmp_path / "new.db"), "feeds", "add", "https://a.test/rss"])
    assert "migrating the database to schema 1" in capsys.readouterr().err

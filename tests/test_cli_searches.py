"""``aanews searches``: a user can list, save, rename and delete saved searches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.db import open_db
from store.search.saved import list_saved
from tui.cli import main


def run(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["--db", str(db), "searches", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_save_list_rename_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.db"
    open_db(db).close()
    assert run(db, "save", "Gazze", "gazze is:unread", capsys=capsys)[:2] == (
        0,
        "saved search 1: Gazze\n",
    )
    status, out, _ = run(db, "list", "--json", capsys=capsys)
    assert json.loads(out) == [
        {"id": 1, "name": "Gazze", "query": "gazze is:unread", "unread": 0, "total": 0}
    ]
    assert run(db, "rename", "1", "Gaza", capsys=capsys)[:2] == (
        0,
        "saved search 1 renamed to Gaza\n",
    )
    assert [s.name for s in list_saved(open_db(db))] == ["Gaza"]
    assert run(db, "delete", "1", capsys=capsys)[:2] == (0, "saved search 1 deleted\n")
    assert list_saved(open_db(db)) == []


def test_mistakes_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.db"
    open_db(db).close()
    status, _, err = run(db, "save", "Bad", "since:", capsys=capsys)
    assert status == 2 and err.startswith("aanews: bad query:") and err.count("\n") == 1
    status, _, err = run(db, "delete", "9", capsys=capsys)
    assert (status, err) == (1, "aanews: no saved search with id 9\n")
    run(db, "save", "A", "gazze", capsys=capsys)
    run(db, "save", "B", "ankara", capsys=capsys)
    status, _, err = run(db, "rename", "2", "A", capsys=capsys)
    assert (status, err) == (1, "aanews: there is already a saved search called 'A'\n")


def test_an_empty_list_says_how_to_save_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_db(tmp_path / "s.db").close()
    assert "aanews searches save NAME QUERY" in run(tmp_path / "s.db", capsys=capsys)[1]

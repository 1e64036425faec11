"""Shared fixtures: a fresh database, and no user config or data leaking in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from store.db import open_db

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the user's own database and config out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("AANEWS_DB", raising=False)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A new, migrated database in a temporary file."""
    database = open_db(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout (the corpus and AA samples live there)."""
    if not SHARED.is_dir():
        pytest.fail(f"../shared is missing: expected it at {SHARED}")
    return SHARED

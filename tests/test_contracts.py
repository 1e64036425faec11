"""Contracts a machine checks: who may import what, and how big a room is.

The runtime check that store/ never loads Textual or Rich is in test_import_hygiene.py,
and SQL staying in store/ in test_layers.py; these read the source, so they also catch
an import inside a function.
"""

from __future__ import annotations

import ast
import errno
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """The top-level package of everything ``path`` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_there_is_something_to_check() -> None:
    assert len(sources("store")) > 20 and len(sources("tui")) > 20


@pytest.mark.parametrize("path", sources("store"), ids=lambda p: str(p.relative_to(ROOT)))
def test_store_never_imports_textual_or_rich(path: Path) -> None:
    assert imported(path) & {"textual", "rich", "tui"} == set()


@pytest.mark.parametrize("path", sources("tui/widgets"), ids=lambda p: str(p.relative_to(ROOT)))
def test_widgets_never_touch_the_database_driver(path: Path) -> None:
    assert imported(path) & {"sqlite_utils", "sqlite3"} == set()


@pytest.mark.parametrize("folder", ["store", "tui"])
def test_modules_stay_small(folder: str) -> None:
    big = {
        str(path.relative_to(ROOT)): lines
        for path in sources(folder)
        if (lines := path.read_text(encoding="utf-8").count("\n")) > MAX_MODULE_LINES
    }
    assert big == {}


@pytest.mark.parametrize("folder", ["store", "tui"])
def test_functions_stay_short(folder: str) -> None:
    long = {}
    for path in sources(folder):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert long == {}


def test_a_test_cannot_reach_the_internet() -> None:
    # tests/conftest.py's guard: only this machine answers (192.0.2.1 is TEST-NET-1).
    with pytest.raises(OSError, match="may not reach the internet") as refused:
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    assert refused.value.errno == errno.ENETUNREACH

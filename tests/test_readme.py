"""The README tells the truth: every command, option and key is in it, and its examples work.

Like sqlite-utils' documentation test: the command line is walked from
``tui.cli.build_parser()``, the keys come from ``tui.keys.KEYS``; adding either
without a line in README.md fails here.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from store.feeds import add_feed
from store.ingest import store_feed
from store.items import fetch_items
from store.model import Entry, ParsedFeed
from store.search.compiler import parse_query
from store.search.rules import compile_rules, rules_from_toml
from store.shapes import story_detail_json, story_json
from tui import keys
from tui.cli import SHARED_OPTIONS, build_parser
from tui.config import parse_config

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def readme() -> str:
    """README.md as text."""
    return README.read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    """The text under ``## title``, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every (sub)command as (words after ``aanews``, its parser), nested ones included."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def long_options(parser: argparse.ArgumentParser) -> list[str]:
    """The ``--long`` options a parser itself takes (not its subcommands'), --help aside."""
    return [
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]


def undocumented(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """Commands and options missing from the README's synopsis lines.

    Each command needs a line that starts ``aanews <command words>`` (in a code
    block or an example) and names every one of its long options.
    """
    lines = [line.strip() for line in text.splitlines()]
    missing = []
    for path, sub in commands(parser):
        prefix = " ".join(("aanews", *path))
        pattern = re.compile(rf"^{re.escape(prefix)}(?=\s|$)")
        synopses = [line for line in lines if pattern.match(line)]
        if not synopses:
            missing.append(prefix)
            continue
        for option in long_options(sub):
            if path and option in SHARED_OPTIONS:
                continue  # every command takes them; the README says so once
            if not any(re.search(rf"{re.escape(option)}\b", line) for line in synopses):
                missing.append(f"{prefix} {option}")
    return missing


def key_rows(text: str) -> list[str]:
    """The rows of the README's key table."""
    return [line for line in section(text, "The screen").splitlines() if line.startswith("|")]


def undocumented_keys(text: str) -> list[str]:
    """Key actions without a table row naming the action, its description and every key."""
    rows = key_rows(text)
    missing = []
    for key in keys.KEYS:
        labels = keys.key_label(key.keys).split(", ")
        # A | in a Markdown table is written \| (else it would end the cell).
        shown = [label.replace("|", "\\|") for label in labels]
        wanted = [f"`{key.action}`", key.description, *(f"`{label}`" for label in shown)]
        if not any(all(piece in row for piece in wanted) for row in rows):
            missing.append(f"{key.action} ({keys.key_label(key.keys)}: {key.description})")
    return missing


# -- the README as it is ------------------------------------------------------


def test_readme_opens_with_a_screenshot_that_exists() -> None:
    first = next(line for line in readme().splitlines() if line.strip())
    match = re.fullmatch(r"!\[aanews\]\((screenshots/[\w.-]+\.svg)\)", first.strip())
    assert match, f"README must open with the screenshot, not {first!r}"
    assert (ROOT / match.group(1)).is_file()


def test_every_screenshot_the_readme_shows_exists() -> None:
    named = set(re.findall(r"\((screenshots/[\w.-]+\.(?:svg|png))\)", readme()))
    assert {"screenshots/welcome.svg", "screenshots/feed-manager.svg"} <= named
    assert sorted(name for name in named if not (ROOT / name).is_file()) == []


def test_quickstart_starts_with_the_demo_and_the_tests() -> None:
    quickstart = section(readme(), "Quickstart")
    first_block = re.search(r"```sh\n(.*?)```", quickstart, re.S)
    assert first_block
    commands_run = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands_run == ["uv run aanews --demo", "uv run pytest"]


def test_every_command_and_option_is_in_the_readme() -> None:
    assert undocumented(build_parser(), readme()) == []


def test_every_key_is_in_the_key_table() -> None:
    assert undocumented_keys(readme()) == []


def test_the_config_example_is_a_valid_config() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", section(readme(), "Config file"), re.S)
    assert blocks, "the Config file section needs a ```toml example"
    data = tomllib.loads(blocks[0])
    config = parse_config(data)
    assert config.keys and config.rules and config.browser and config.quick_tags
    for name in ("theme", "dwell_seconds", "auto_refresh_minutes", "date_format"):
        assert name in data, f"the full example config lacks {name}"
    assert compile_rules(rules_from_toml(data))


def test_the_tag_rules_example_compiles() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", section(readme(), "Search language"), re.S)
    assert blocks
    for block in blocks:
        assert compile_rules(rules_from_toml(tomllib.loads(block)))


def test_every_query_in_the_search_table_parses() -> None:
    rows = [
        line for line in section(readme(), "Search language").splitlines() if line.startswith("| `")
    ]
    assert len(rows) > 10
    for row in rows:
        for query in re.findall(r"`([^`]+)`", row.split("|")[1]):
            parse_query(query)  # QueryError fails the test, naming the query


def test_the_json_keys_listed_are_the_ones_printed(db: Database) -> None:
    feed = add_feed(db, "https://example.org/feed.xml")
    when = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    store_feed(db, feed.id, ParsedFeed(entries=[Entry(key="guid:1", title="t", published=when)]))
    item = fetch_items(db, [row[0] for row in db.execute("SELECT id FROM items")], full=True)[0]
    text = section(readme(), "Command line")
    for key in [*story_json(item), *story_detail_json(item, [])]:
        assert f"`{key}`" in text, f"--json key {key!r} is not in the README"


# -- the checks can fail -----------------------------------------------------------


def test_a_new_command_or_option_without_a_readme_line_is_reported() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    subparsers.add_parser("frobnicate").add_argument("--wobble", action="store_true")
    search = subparsers.choices["search"]
    search.add_argument("--since-last-time", action="store_true")
    assert undocumented(parser, readme()) == [
        "aanews search --since-last-time",
        "aanews frobnicate",
    ]


def test_a_nested_command_missing_from_the_readme_is_reported() -> None:
    text = "\n".join(
        line for line in readme().splitlines() if not line.strip().startswith("aanews tags rename")
    )
    assert "aanews tags rename" in undocumented(build_parser(), text)


def test_a_key_missing_from_the_table_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = keys.Key("frobnicate", "ctrl+f", "Frobnicate the story")
    monkeypatch.setattr(keys, "KEYS", (*keys.KEYS, extra))
    assert undocumented_keys(readme()) == ["frobnicate (ctrl+f: Frobnicate the story)"]

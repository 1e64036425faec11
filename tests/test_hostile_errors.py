"""Odd input from the user's side gets one clear line, never a traceback or SQLite's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.search.compiler import QueryError, search_ids
from store.search.rules import Rule, RuleError, compile_rules
from tui.cli import main
from tui.config import ConfigError, load_config

MANY_ORS = " OR ".join(f"w{n}" for n in range(3000))
RAW_WORDS = ("Expression tree", "parser stack", "year 0", "Traceback", "OverflowError")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("since:99999999d", "since:99999999d — out of range"),
        ("before:0001-01-01", "before:0001-01-01 — out of range"),
        ("after:9999-12-31", "after:9999-12-31 — out of range"),
        ("(" * 600 + "a" + ")" * 600, "parentheses nested 600 deep"),
        (MANY_ORS, "3000 words and filters"),
    ],
)
def test_a_query_past_what_can_be_run_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], query: str, words: str
) -> None:
    status = main(["--db", str(tmp_path / "a.db"), "search", query])
    _out, err = capsys.readouterr()
    assert status == 2
    assert err.startswith("aanews: bad query: ") and words in err
    assert err.count("\n") == 1 and not any(raw in err for raw in RAW_WORDS)


def test_sqlite_refusals_are_put_in_the_readers_words(db) -> None:
    # 299 tags is within the parser's bound; SQLite would still refuse a deeper tree.
    query = " AND ".join(f"-tag:t{n}" for n in range(290))
    try:
        search_ids(db, query)
    except QueryError as error:
        assert "too complex" in str(error) and not any(w in str(error) for w in RAW_WORDS)


def test_a_rule_sqlite_cannot_run_is_refused_when_the_config_is_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[[rules]]\nquery = "{MANY_ORS}"\ntags = ["x"]\n')
    with pytest.raises(ConfigError, match="rule 1 .*3000 words and filters") as caught:
        load_config(config)
    assert len(str(caught.value)) < 300  # the query is not printed whole
    with pytest.raises(RuleError, match="out of range"):
        compile_rules([Rule(query="since:99999999d", tags=["x"])])


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["search", "--limit", "1e20", "x"], "invalid int value"),
        (["search", "--limit", "99999999999999999999999", "x"], "--limit"),
        (["fetch", "--recheck-after", "inf", "--full-text"], "--recheck-after"),
        (["fetch", "--recheck-after", "nan", "--full-text"], "--recheck-after"),
        (["fetch", "--recheck-after", "1e9", "--full-text"], "from 0 to 5,256,000 minutes"),
        (["prune", "--max-age-days", "nan"], "--max-age-days: must be from 0.001 to 36,600"),
        (["prune", "--max-age-days", "inf"], "--max-age-days: must be from 0.001"),
        (["fetch", "--timeout", "nan"], "--timeout"),
        (["fetch", "--timeout", "inf"], "--timeout"),
        (["fetch", "--concurrency", "100000000000"], "--concurrency"),
    ],
)
def test_numbers_out_of_range_get_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    try:
        status = main(["--db", str(tmp_path / "a.db"), *argv])
    except SystemExit as exit:  # argparse's own refusal: one usage line and an error line
        status = int(exit.code or 0)
    _out, err = capsys.readouterr()
    assert status == 2
    assert words in err and "Traceback" not in err and "e+" not in err


def test_recheck_after_alone_is_taken_for_the_feeds_whose_full_text_is_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --full-text it still tunes the pages of feeds that read theirs (a cron
    line `fetch --recheck-after 60` keeps working)."""
    db = tmp_path / "a.db"
    assert main(["--db", str(db), "feeds", "add", "https://a.test/rss"]) == 0
    assert main(["--db", str(db), "feeds", "pause", "1"]) == 0  # nothing to reach
    assert main(["--db", str(db), "fetch", "--recheck-after", "60"]) == 0
    assert "recheck" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("auto_refresh_minutes = 1e-9", "auto_refresh_minutes: must be 0 (off) or at least 1"),
        ("auto_refresh_minutes = nan", "auto_refresh_minutes: must be a finite number"),
        ("auto_refresh_minutes = inf", "auto_refresh_minutes: must be a finite number"),
        ("dwell_seconds = -inf", "dwell_seconds: must be a finite number"),
        ("dwell_seconds = 1e12", "dwell_seconds: must be at most"),
        ("auto_refresh_minutes = 1e12", "auto_refresh_minutes: must be at most"),
    ],
)
def test_config_numbers_are_checked_with_their_line(tmp_path: Path, line: str, words: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'theme = "textual-dark"\n{line}\n')
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert words in str(caught.value)
    assert "line 2" in str(caught.value)


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


@pytest.mark.anyio
async def test_the_readers_search_box_says_what_is_wrong_and_goes_on(tmp_path: Path) -> None:
    from tests.app_factory import fixture_app, screen_text, settle

    app = fixture_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        queries = {
            "since:99999999d": "out of range",
            "(" * 45 + "a" + ")" * 45: "nested 45 deep",
            "(" * 600 + "a" + ")" * 600: "",  # its error is past the screen's edge
        }
        for query, words in queries.items():
            await pilot.press("slash")
            app.screen.query_one("#search").value = query
            await pilot.press("enter")
            await settle(pilot)
            text = screen_text(app)
            assert words in text and not any(raw in text for raw in RAW_WORDS)
        assert app.is_running

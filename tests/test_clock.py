"""One clock for every time the reader shows, and one pluraliser for counts and spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tui.config import ConfigError, parse_config
from tui.plural import category, counted, quantity
from tui.stamps import Clock, span, stamp_line

IST = timezone(timedelta(hours=3))
NOW = datetime(2026, 12, 1, 7, 45, tzinfo=UTC)  # the reader's local clock: UTC here
STORY = datetime(2026, 12, 1, 10, 40, tzinfo=IST)  # 07:40 UTC


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (1, "منذ ساعة"),
        (2, "منذ ساعتين"),
        (3, "منذ 3 ساعات"),
        (6, "منذ 6 ساعات"),
        (10, "منذ 10 ساعات"),
        (11, "منذ 11 ساعة"),
        (23, "منذ 23 ساعة"),
    ],
)
def test_arabic_hours_take_the_form_their_number_asks_for(hours: int, expected: str) -> None:
    assert stamp_line(NOW - timedelta(hours=hours), None, "ar", NOW, Clock()).endswith(expected)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "zero"), (1, "one"), (2, "two"), (3, "few"), (10, "few"), (11, "many")]
    + [(99, "many"), (100, "other"), (102, "other"), (103, "few"), (111, "many")],
)
def test_arabic_plural_categories_follow_cldr(n: int, expected: str) -> None:
    assert category(n, "ar") == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 час"), (2, "2 часа"), (4, "4 часа"), (5, "5 часов"), (11, "11 часов")]
    + [(12, "12 часов"), (21, "21 час"), (22, "22 часа")],
)
def test_russian_hours(n: int, expected: str) -> None:
    assert quantity(n, "hour", "ru") == expected


@pytest.mark.parametrize(
    ("lang", "minutes", "expected"),
    [
        ("en", 1, "1 minute"),
        ("en", 45, "45 minutes"),
        ("fr", 0, "0 minute"),
        ("fr", 120, "2 heures"),
        ("es", 60 * 24, "1 día"),
        ("es", 60 * 48, "2 días"),
        ("tr", 60 * 5, "5 saat"),
        ("ru", 60 * 24 * 5, "5 дней"),
        ("ar", 60 * 24 * 11, "11 يومًا"),
        ("ar", 3, "3 دقائق"),
    ],
)
def test_spans_in_every_edition(lang: str, minutes: int, expected: str) -> None:
    assert span(timedelta(minutes=minutes), lang) == expected


def test_counts_read_one_story_and_many_stories() -> None:
    assert counted(1, "story") == "1 story"
    assert counted(0, "story") == "0 stories"
    assert counted(2481, "story") == "2,481 stories"
    assert counted(1, "earlier version") == "1 earlier version"
    assert counted(3, "earlier version") == "3 earlier versions"


def test_the_reader_shows_its_own_clock_by_default() -> None:
    clock = Clock()
    assert clock.list_time(STORY, NOW) == "07:40"
    assert clock.stamp(STORY, NOW) == "01.12.2026 07:40"


def test_the_storys_clock_names_its_offset() -> None:
    clock = Clock(zone="story")
    assert clock.stamp(STORY, NOW) == "01.12.2026 10:40 (+03:00)"
    assert clock.list_time(STORY, NOW) == "10:40+03"


def test_a_named_zone() -> None:
    assert Clock(zone="America/New_York").stamp(STORY, NOW) == "01.12.2026 02:40"


def test_list_times_by_age() -> None:
    clock = Clock()
    assert clock.list_time(NOW - timedelta(days=3), NOW) == "28.11"
    assert clock.list_time(datetime(2024, 5, 9, 12, 0, tzinfo=UTC), NOW) == "09.05.24"
    assert clock.list_time(None, NOW) == ""


def test_time_zone_setting_is_checked() -> None:
    assert parse_config({"time_zone": "story"}).clock == Clock(zone="story")
    with pytest.raises(ConfigError, match="time_zone: unknown time zone 'Mars/Olympus'"):
        parse_config({"time_zone": "Mars/Olympus"})

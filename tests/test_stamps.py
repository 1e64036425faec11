"""AA's stamp line in every edition, and the time of day borrowed from the feed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from store.aa.stamps import ISTANBUL, UpdateStamp, parse_stamp, resolve
from store.pages.blocks import parse_page

STAMP_LINE = re.compile(r"\d{2}\.\d{2}\.\d{4}")


def stamp(line: str) -> UpdateStamp:
    parsed = parse_stamp(line)
    assert parsed is not None
    return parsed


def stamp_lines(shared_dir: Path) -> list[str]:
    """Every line of the stored AA renderings that carries a date."""
    text = (shared_dir / "aa" / "page-text-renderings.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if STAMP_LINE.search(line) and "---" not in line]


OURS = Path(__file__).parent / "fixtures" / "aa" / "renderings.txt"


def lines_with_dates(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line for line in text.splitlines() if STAMP_LINE.search(line) and "---" not in line]


def test_every_stamp_line_of_our_renderings_parses_whatever_its_label() -> None:
    stamps = [parse_stamp(line) for line in lines_with_dates(OURS)]
    assert len(stamps) == 5 and all(stamps)
    found = {(s.published, s.updated) for s in stamps if s}
    assert (date(2018, 11, 12), date(2018, 11, 13)) in found  # English "Update"
    assert (date(2022, 9, 19), None) in found  # "Name | date": no update part
    assert (date(2023, 3, 14), date(2023, 3, 15)) in found  # Arabic label
    assert (date(2020, 10, 8), None) in found  # a bare date
    assert (date(2024, 6, 21), date(2024, 6, 21)) in found  # mangled "Actualızacıón"


def test_authors_before_our_stamps_are_names_not_dates() -> None:
    by_year = {s.published.year: s for s in map(parse_stamp, lines_with_dates(OURS)) if s}
    assert by_year[2023].authors == ["Ayşe Nur Kaplan", "Emre Aydın"]
    assert by_year[2022].authors == ["Deniz Yalçınkaya"]
    assert by_year[2024].authors == ["Elif Demirtaş"]
    assert by_year[2018].authors == []


def test_tarih_span_from_a_2026_page(shared_dir: Path) -> None:
    fragment = (shared_dir / "aa" / "tarih-span-fragment-2026.html").read_text(encoding="utf-8")
    span = parse_page(fragment).xpath("//span[@class='tarih']")[0]
    stamp = parse_stamp(span.text_content())
    assert stamp is not None
    assert (stamp.published, stamp.updated) == (date(2026, 2, 9), date(2026, 2, 9))


def test_every_rendered_stamp_line_parses_whatever_its_label(shared_dir: Path) -> None:
    lines = stamp_lines(shared_dir)
    stamps = [parse_stamp(line) for line in lines]
    assert len(stamps) == 5 and all(stamps)
    found = {(s.published, s.updated) for s in stamps if s}
    assert (date(2017, 4, 17), date(2017, 4, 17)) in found  # English "Update"
    assert (date(2021, 4, 6), None) in found  # "Name | date": no update part
    assert (date(2024, 4, 7), date(2024, 4, 8)) in found  # Arabic label
    assert (date(2019, 4, 6), None) in found  # a bare date
    assert (date(2025, 5, 2), date(2025, 5, 2)) in found  # mangled "Actualızacıón"


def test_authors_before_the_stamp_are_names_not_dates(shared_dir: Path) -> None:
    by_year = {s.published.year: s for s in map(parse_stamp, stamp_lines(shared_dir)) if s}
    assert by_year[2024].authors == ["Mehmet Kemal Firik", "Baybars Can"]
    assert by_year[2021].authors == ["Merve Berker"]
    assert by_year[2025].authors == ["Zeynep Duyar"]
    assert by_year[2017].authors == []


@pytest.mark.parametrize(
    "line",
    [
        "23.07.2021 - Mıse À Jour : 24.07.2021",
        "23.07.2021 - Mise à jour : 24.07.2021",
        "23.07.2021 - Güncelleme : 24.07.2021",
        "23.07.2021 - : 24.07.2021",
        "23.07.2021 - 24.07.2021",
    ],
)
def test_the_label_is_never_trusted(line: str) -> None:
    stamp = parse_stamp(line)
    assert stamp is not None
    assert (stamp.published, stamp.updated) == (date(2021, 7, 23), date(2021, 7, 24))


@pytest.mark.parametrize("line", ["", "no date here", "31.02.2021", "Güncelleme :"])
def test_no_stamp_in_text_without_a_real_date(line: str) -> None:
    assert parse_stamp(line) is None


def test_same_day_keeps_the_feeds_exact_time() -> None:
    feed = datetime(2021, 7, 23, 14, 5, tzinfo=ISTANBUL)
    published, updated = resolve(stamp("23.07.2021 - Update : 23.07.2021"), feed)
    assert published == feed
    assert updated is None  # an update on the publication day, time unknown, is no update


def test_a_later_update_date_takes_the_feeds_time_of_day_in_istanbul() -> None:
    feed_utc = datetime(2021, 7, 23, 11, 5, tzinfo=UTC)  # 14:05 in Istanbul
    published, updated = resolve(stamp("23.07.2021 - Update : 25.07.2021"), feed_utc)
    assert published == feed_utc
    assert updated is not None
    assert updated.isoformat() == "2021-07-25T14:05:00+03:00"


def test_without_a_feed_time_dates_are_midnight_istanbul() -> None:
    published, updated = resolve(stamp("23.07.2021 - Update : 24.07.2021"), None)
    assert published.isoformat() == "2021-07-23T00:00:00+03:00"
    assert updated is not None and updated.utcoffset() == timedelta(hours=3)
    assert updated.date() == date(2021, 7, 24)


def test_an_update_is_never_before_the_publication() -> None:
    feed = datetime(2021, 7, 24, 18, 0, tzinfo=ISTANBUL)
    published, updated = resolve(stamp("24.07.2021 - Update : 23.07.2021"), feed)
    assert published == feed and updated is None

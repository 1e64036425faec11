"""Datelines in the shapes AA's editions write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.aa.dateline import Dateline, is_dateline_only, parse_dateline

OURS = Path(__file__).parent / "fixtures" / "aa" / "renderings.txt"


def lines_of(path: Path) -> list[str]:
    """The page text of a renderings file: its "---" headers are ours, not the page's."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("---")]


def rendering_lines(shared_dir: Path) -> list[str]:
    return lines_of(shared_dir / "aa" / "page-text-renderings.txt")


def test_arabic_datelines_in_our_renderings() -> None:
    places = {d.place: d for d in (parse_dateline(line, lang="ar") for line in lines_of(OURS)) if d}
    assert places["إسطنبول"].agency == "الأناضول"
    assert places["أنقرة"].author == "سليم أوزتورك"
    assert places["أنقرة"].display == "أنقرة / الأناضول"


def test_spanish_region_dateline_in_our_renderings() -> None:
    spanish = [d for d in (parse_dateline(line, lang="es") for line in lines_of(OURS)) if d]
    spanish = [d for d in spanish if d.region]
    assert [d.place for d in spanish] == ["Gazimagusa"]
    assert spanish[0].display.startswith("Gazimagusa, ")


def test_no_ordinary_line_of_our_renderings_is_a_dateline() -> None:
    assert len([line for line in lines_of(OURS) if parse_dateline(line)]) == 3


def test_arabic_datelines_from_stored_pages(shared_dir: Path) -> None:
    found = [
        d for d in (parse_dateline(line, lang="ar") for line in rendering_lines(shared_dir)) if d
    ]
    places = {d.place: d for d in found}
    assert places["ليفكوشا"].agency == "الأناضول"
    assert places["أنقرة"].author == "فردي تركتين"
    assert places["أنقرة"].display == "أنقرة / الأناضول"


def test_spanish_dateline_from_a_stored_page(shared_dir: Path) -> None:
    found = [
        d for d in (parse_dateline(line, lang="es") for line in rendering_lines(shared_dir)) if d
    ]
    spanish = [d for d in found if d.region]
    assert [d.place for d in spanish] == ["Lefkosha"]
    assert spanish[0].display.startswith("Lefkosha, ")


def test_no_ordinary_line_of_the_stored_pages_is_a_dateline(shared_dir: Path) -> None:
    found = [line for line in rendering_lines(shared_dir) if parse_dateline(line)]
    assert len(found) == 3  # the two Arabic datelines and the Spanish one, nothing else


@pytest.mark.parametrize(
    ("text", "lang", "expected", "display"),
    [
        ("AA / Bagdad", "fr", Dateline("Bagdad", "AA"), "AA / Bagdad"),
        ("ANKARA (AA) - Cumhurbaşkanı bugün...", "tr", Dateline("Ankara", "AA"), "AA / Ankara"),
        ("İSTANBUL (AA) -", "tr", Dateline("İstanbul", "AA"), "AA / İstanbul"),
        ("ŞIRNAK (AA) - Kar yağışı", "tr", Dateline("Şırnak", "AA"), "AA / Şırnak"),
        ("WASHINGTON (AA) - The talks", "en", Dateline("Washington", "AA"), "AA / Washington"),
        ("ليفكوشا/الأناضول", "ar", Dateline("ليفكوشا", "الأناضول"), "ليفكوشا / الأناضول"),
    ],
)
def test_dateline_shapes(text: str, lang: str, expected: Dateline, display: str) -> None:
    dateline = parse_dateline(text, lang=lang)
    assert dateline == expected
    assert dateline is not None and dateline.display == display


@pytest.mark.parametrize(
    "text",
    [
        "Les autorités ont ouvert des écoles pour accueillir les familles.",
        "Ankara / Istanbul",
        "Bakan (Ali Veli) - açıklama yaptı ve çok uzun bir cümle kurdu",
        "",
    ],
)
def test_ordinary_paragraphs_are_not_datelines(text: str) -> None:
    assert parse_dateline(text) is None


def test_a_dateline_opening_a_paragraph_is_not_the_whole_paragraph() -> None:
    assert is_dateline_only("AA / Bagdad")
    assert is_dateline_only("ANKARA (AA) -")
    assert not is_dateline_only("ANKARA (AA) - Türkiye'nin başkentinde bugün")

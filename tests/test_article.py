"""Reading a story out of article pages in each layout, and out of AA's stored renderings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store.pages.article import Article, ArticleError, extract_article
from store.pages.blocks import drop_boilerplate, is_share_prompt

PAGES = Path(__file__).parent / "fixtures" / "pages"
AA_URL = "https://www.aa.com.tr/fr/monde/des-pluies-record/2301234"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def no_furniture(article: Article) -> None:
    """Nothing that is page furniture rather than the story made it into the body."""
    body = article.body
    assert "(HAS)" not in body
    assert "WhatsApp" not in body
    assert not any(is_share_prompt(p) for p in article.paragraphs)


def test_classic_aa_page() -> None:
    article = extract_article(page("classic-fr.html"), url=AA_URL)
    assert article.layout == "classic"
    assert article.category == "Monde"
    assert article.title == "Des pluies record inondent le sud de l'Irak"
    assert article.lead.startswith("Les autorités ont ouvert des abris")
    assert article.authors == ["Ali Demir"]
    assert article.stamp is not None
    assert (article.stamp.published, article.stamp.updated) == (
        date(2021, 7, 23),
        date(2021, 7, 24),
    )
    assert article.location == "Irak"
    assert article.dateline is not None and article.dateline.display == "AA / Bagdad"
    assert article.paragraphs[0].startswith("Des pluies d'une intensité inédite")
    assert "## Des routes coupées" in article.paragraphs
    assert article.paragraphs[-1].startswith("La route reliant Bassora")
    assert "AA / Bagdad" not in article.body  # taken out into the dateline
    assert "Partager" not in article.body and "Facebook" not in article.body
    no_furniture(article)
    assert article.image == "https://www.aa.com.tr/uploads/Contents/2021/07/24/0000.jpg"
    assert article.keywords == ["Irak", "inondations", "météo"]


def test_redesigned_prose_page() -> None:
    article = extract_article(page("prose-tr.html"), url="https://www.aa.com.tr/tr/x/1")
    assert article.layout == "prose"
    assert article.title == "Kayseri'de kar nedeniyle okullar tatil edildi"
    assert article.lead.endswith("ara verildiğini duyurdu.")  # " - Anadolu Ajansı" dropped
    assert article.category == "Türkiye"
    assert article.authors == ["Ayşe Kaya"]
    assert article.stamp is not None and article.stamp.updated == date(2026, 3, 15)
    assert article.dateline is not None and article.dateline.display == "AA / Kayseri"
    assert article.location == "Kayseri"  # no location label: the dateline's place
    assert article.paragraphs[0].startswith("KAYSERİ (AA) - Kayseri Valiliği")
    assert article.paragraphs[2] == "## Köy yolları ulaşıma kapandı"
    assert "Kar küreme aracı" not in article.body  # a photo caption
    assert "Bu haberi paylaşın" not in article.body
    no_furniture(article)


def test_jsonld_news_article_gives_exact_times() -> None:
    article = extract_article(page("jsonld-en.html"), url="https://news.example.org/a/1")
    assert article.layout == "jsonld"
    assert article.title == "Port of Mersin reports busiest month"
    assert article.authors == ["Deniz Aksoy", "Tom Hale"]
    assert article.category == "Economy, Trade"
    assert article.keywords == ["shipping", "Mersin", "containers"]
    assert article.image == "https://images.example.org/mersin.jpg"
    published, updated = article.times(None)
    assert published is not None and published.isoformat() == "2026-11-02T09:15:00+03:00"
    assert updated is not None and updated.isoformat() == "2026-11-02T13:40:00+03:00"
    assert len(article.paragraphs) == 3
    assert article.dateline is not None and article.dateline.place == "Mersin"


def test_generic_extractor_on_a_blog_page() -> None:
    article = extract_article(page("blog.html"), url="https://hedgerow.example.net/leeks")
    assert article.layout == "generic"
    assert article.title == "Growing leeks in clay"
    assert article.authors == ["Ruth Ellery"]
    assert article.paragraphs[0].startswith("Clay soil has a poor reputation")
    assert "## Dibbing, not trenching" in article.paragraphs
    for furniture in ("Archive", "newsletter", "Related posts", "parsnips", "Cookie", "By Ruth"):
        assert furniture not in article.body
    assert article.keywords == ["gardening", "leeks", "clay soil"]


def test_generic_extractor_leaves_comments_and_banners_out() -> None:
    article = extract_article(page("local-news.html"), url="https://lahntal.example.de/b")
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith("Die alte Steinbrücke")
    for furniture in ("Cookies", "Endlich", "Stadtfest", "Impressum", "Teilen"):
        assert furniture not in article.body


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no story text"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "story text|HTML"),
    ],
)
def test_pages_without_a_story_say_why(content: bytes | None, reason: str) -> None:
    with pytest.raises(ArticleError, match=reason):
        extract_article(page("broken.html") if content is None else content)


def test_page_text_is_data_never_markup_or_controls() -> None:
    html = page("classic-fr.html").decode("utf-8")
    html = html.replace("Des routes coupées", "[bold red]Routes[/] \x1b[31mcoupées\x07")
    article = extract_article(html, url=AA_URL)
    assert "## [bold red]Routes[/] coupées" in article.paragraphs
    assert "\x1b" not in article.body and "\x07" not in article.body


def rendered_paragraphs(rendering: str) -> list[str]:
    """Paragraphs of an html2text rendering: "[...]" and "#" lines break them; "#" is a subhead."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*rendering.splitlines(), ""]:
        if line.strip() in ("", "[...]") or line.startswith("#"):
            if current:
                paragraphs.append(" ".join(" ".join(current).split()))
                current = []
            if line.startswith("#"):
                paragraphs.append("## " + line.lstrip("# ").strip())
            continue
        current.append(line)
    return paragraphs


def _footer_goes_subhead_stays(rendering: str, subhead: str) -> None:
    paragraphs = rendered_paragraphs(rendering.split("######", 1)[1])
    assert any("(HAS)" in p for p in paragraphs)
    kept = drop_boilerplate(paragraphs)
    assert len(kept) == len(paragraphs) - 1
    assert not any("(HAS)" in p for p in kept)
    assert any(subhead in p for p in kept)


def test_has_footer_dropped_from_a_turkish_body() -> None:
    text = (Path(__file__).parent / "fixtures" / "aa" / "turkish-body.txt").read_text("utf-8")
    _footer_goes_subhead_stays(text, "Yağış rejimi değişiyor")


def test_has_footer_dropped_from_a_stored_turkish_body(shared_dir: Path) -> None:
    text = (shared_dir / "aa" / "page-text-renderings.txt").read_text(encoding="utf-8")
    _footer_goes_subhead_stays(text, "Son 20 yılda")


@pytest.mark.parametrize(
    "line",
    [
        "Bu haberi paylaşın",
        "Partager cette actualité",
        "Compartir esta noticia",
        "شارك هذا الخبر",
        "AA'nın WhatsApp kanalına katılın",
        "Join Anadolu's WhatsApp channel for the latest news",
        "انضموا إلى قناة الأناضول على واتساب",
    ],
)
def test_share_prompts_in_every_language(line: str) -> None:
    assert is_share_prompt(line)


def test_a_story_about_whatsapp_is_not_a_prompt() -> None:
    assert not is_share_prompt(
        "WhatsApp, dün akşam saatlerinde dünya genelinde yaşanan kesinti nedeniyle milyonlarca "
        "kullanıcıya yaklaşık iki saat boyunca hizmet veremedi, şirket açıklama yaptı."
    )

"""How a page's bytes become text: the server's charset, the page's declaration, UTF-8 if
the bytes are, else windows-1252; charset labels as the WHATWG Encoding Standard reads them."""

from __future__ import annotations

import pytest

from store.pages.article import extract_article
from tests.test_article_generic import STORY, page, story_html


@pytest.mark.parametrize(
    ("charset", "head"),
    [(None, ""), ("utf-8", ""), (None, '<meta charset="utf-8">')],
    ids=["nothing-declared", "server-says", "page-says"],
)
def test_a_utf8_page_reads_as_utf8_whoever_says_so(charset: str | None, head: str) -> None:
    """Without a declaration lxml would read UTF-8 as Latin-1: "rÃ©ouverture"."""
    article = extract_article(page(story_html(), head).encode("utf-8"), charset=charset)
    assert article.paragraphs == STORY


def test_a_page_in_windows_1252_reads_as_the_server_or_its_bytes_say() -> None:
    """Curly quotes are where windows-1252 and Latin-1 differ (0x92: ’ or a control)."""
    curly = [p.replace("d'", "d’") for p in STORY]
    data = page(story_html().replace("d'", "d’")).encode("cp1252")
    assert extract_article(data).paragraphs == curly  # not UTF-8: windows-1252, as browsers do
    assert extract_article(data, charset="windows-1252").paragraphs == curly
    assert extract_article(data, charset="ISO-8859-1").paragraphs == curly  # as browsers do
    assert extract_article(data, charset="no-such-charset").paragraphs == curly


def test_a_charset_declared_far_down_the_head_is_followed() -> None:
    """libxml2 misses an http-equiv declaration after a long head; we read it ourselves."""
    head = "<style>" + "p { margin: 0 }\n" * 400 + "</style>"
    head += '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    assert extract_article(page(story_html(), head).encode("utf-8")).paragraphs == STORY
    latin = '<meta charset="iso-8859-1">'  # read as windows-1252, as browsers do
    data = page(story_html().replace("piscine", "piscine\u2019s"), latin).encode("cp1252")
    assert "piscine\u2019s" in extract_article(data).body


@pytest.mark.parametrize(
    "charset", ["base64", "zlib", "rot13", "utf-7", "unicode_escape", "punycode", "x" * 5000]
)
def test_a_charset_that_is_no_text_encoding_is_ignored(charset: str) -> None:
    """A server's or a page's charset is only followed if it names a text encoding a
    browser would read: base64 or UTF-7 (which turns "+ADw-" into "<") is ignored."""
    data = page(story_html() + "<p>+ADw-script+AD4-</p>").encode("utf-8")
    assert extract_article(data, charset=charset).paragraphs[:3] == STORY
    declared = page(story_html(), f'<meta charset="{charset[:40]}">').encode("utf-8")
    assert extract_article(declared).paragraphs == STORY


def test_a_windows_1252_byte_without_a_character_keeps_the_rest_of_the_page() -> None:
    """0x81 has no character in windows-1252: the page goes on after it."""
    data = page(story_html()).encode("cp1252").replace(b"trois ans", b"trois \x81ans")
    story = extract_article(data, charset="windows-1252").paragraphs
    assert len(story) == 3 and story[2] == STORY[2]


ASCII_STORY = [
    "The council voted on Thursday night to reopen the summer pool, closed for three years "
    "for want of money to repair its basins, and work will start in January.",
    "Swimming clubs, which had asked for the vote since the autumn, welcomed very good news "
    "for the children of the district, and the mayor promised longer opening hours.",
]


def ascii_page(extra: str = "", head: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in ASCII_STORY)
    return page(f"<article>{paragraphs}{extra}</article>", head)


@pytest.mark.parametrize(
    ("label", "codec", "char"),
    [
        ("GB2312", "gb18030", "€"),  # GBK's euro, A2 E3, read as browsers read GBK
        ("Shift_JIS", "cp932", "①"),  # windows-31J's circled one, 87 40
        ("ISO-8859-9", "cp1254", "’"),  # windows-1254's quote, 92
        ("ks_c_5601-1987", "cp949", "똠"),  # outside EUC-KR proper
        ("x-cp1251", "cp1251", "Ђ"),
    ],
)
def test_legacy_charsets_are_read_as_browsers_read_them(label: str, codec: str, char: str) -> None:
    data = ascii_page(f"<p>The sign said {char} in large letters, the mayor said.</p>")
    article = extract_article(data.encode(codec, "xmlcharrefreplace"), charset=label)
    assert article.paragraphs[-1] == f"The sign said {char} in large letters, the mayor said."


def test_an_ascii_page_declaring_utf7_is_not_read_as_utf7() -> None:
    data = ascii_page(
        "<p>Signs read +ADw-b+AD4-x, as the mayor said.</p>", '<meta charset="utf-7">'
    )
    assert (
        extract_article(data.encode()).paragraphs[-1]
        == "Signs read +ADw-b+AD4-x, as the mayor said."
    )


@pytest.mark.parametrize(("label", "codec"), [("UTF-16", "utf-16-le"), ("utf-16be", "utf-16-be")])
def test_utf16_named_by_the_server_is_followed(label: str, codec: str) -> None:
    assert extract_article(page(story_html()).encode(codec), charset=label).paragraphs == STORY

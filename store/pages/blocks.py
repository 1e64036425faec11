"""Article pages as text: safe parsing, paragraphs and subheads, boilerplate removed.

The body convention every extractor follows (and the reader pane relies on):
paragraphs separated by one blank line; a subhead is its own paragraph starting
with "## ". Images, share blocks and scripts never become text.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

from store.text import clean_line, fold

SUBHEAD = "## "
# A page's own charset declaration (<meta charset=...>, http-equiv Content-Type), looked
# for in its first bytes, as browsers do (they look at 1024; pages put long heads first).
_DECLARED = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# The encodings of the WHATWG Encoding Standard, as Python names them; the labels
# Python does not know, and the encodings browsers read in place of another (Latin-1
# and ASCII as windows-1252, Shift_JIS as windows-31J, UTF-16 named in a page as UTF-8).
_ENCODINGS = frozenset(
    "utf-8 cp866 iso8859-2 iso8859-3 iso8859-4 iso8859-5 iso8859-6 iso8859-7 iso8859-8 "
    "iso8859-10 iso8859-13 iso8859-14 iso8859-15 iso8859-16 koi8-r koi8-u mac-roman cp874 "
    "cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 mac-cyrillic gb18030 "
    "big5hkscs euc_jp iso2022_jp cp932 cp949".split()
)
_AS_BROWSERS_READ = {
    "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
    "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs",
    "shift_jis": "cp932", "euc_kr": "cp949", "utf-16-le": "utf-8", "utf-16-be": "utf-8",
    "utf-16": "utf-8",
}  # fmt: skip
_LABELS = {
    "macintosh": "mac-roman", "x-mac-roman": "mac-roman", "mac": "mac-roman",
    "csmacintosh": "mac-roman", "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic", "windows-874": "cp874", "dos-874": "cp874",
    "x-sjis": "cp932", "ms_kanji": "cp932", "windows-31j": "cp932", "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp", "cseucpkdfmtjapanese": "euc_jp", "csiso2022jp": "iso2022_jp",
    "ks_c_5601-1987": "cp949", "ks_c_5601-1989": "cp949", "cseuckr": "cp949",
    "csksc56011987": "cp949", "windows-949": "cp949", "korean": "cp949",
    "x-gbk": "gb18030", "csgb2312": "gb18030", "gb_2312": "gb18030", "gb_2312-80": "gb18030",
    "chinese": "gb18030", "iso-ir-58": "gb18030", "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs", "csbig5": "big5hkscs", "x-x-big5": "big5hkscs",
    "koi8": "koi8-r", "koi": "koi8-r", "cskoi8r": "koi8-r", "koi8-ru": "koi8-u",
    "iso-8859-8-i": "iso8859-8", "csiso88598i": "iso8859-8", "logical": "iso8859-8",
    "unicode-1-1-utf-8": "utf-8", "unicode11utf8": "utf-8", "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8", "iso88591": "cp1252", "iso885915": "iso8859-15",
    "iso88599": "cp1254", "iso885911": "cp874",
    **{f"x-cp{n}": f"cp{n}" for n in range(1250, 1259)},
    **{f"iso8859{n}": f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14)},
}  # fmt: skip
# UTF-16's labels, followed when the server names them (without a BOM: little-endian).
_UTF16 = {
    **dict.fromkeys(
        "utf-16 utf-16le utf-16-le utf_16le utf16 ucs-2 unicode csunicode iso-10646-ucs-2 "
        "unicodefeff".split(),
        "utf-16-le",
    ),
    **dict.fromkeys("utf-16be utf-16-be utf_16be unicodefffe".split(), "utf-16-be"),
}
_DECLARED_WITHIN = 8192
_LONGEST_CHARSET = 40
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_SNIFF_BYTES = 64 * 1024
_SUBHEAD_TAGS = {"h2", "h3", "h4", "h5"}
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption"}
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "object",
    "embed",
    "img",
    "picture",
    "figure",
    "video",
    "audio",
    "svg",
    "form",
    "button",
    "input",
    "select",
    "template",
)
# Share prompts in every edition, folded (see store.text.fold): a paragraph that
# is one of these, or mostly one of these, is page furniture, not the story.
_SHARE_PROMPTS = (
    "bu haberi paylasin",
    "haberi paylas",
    "share this news",
    "share this article",
    "share this story",
    "partager cette actualite",
    "partagez cette actualite",
    "partager cet article",
    "compartir esta noticia",
    "comparte esta noticia",
    "compartir noticia",
    "شارك هذا الخبر",
    "شارك الخبر",
    "поделиться новостью",
    "поделитесь новостью",
    "اشتراک گذاری",
    "bagikan berita ini",
    "ndaj kete lajm",
)
_MESSENGERS = ("whatsapp", "telegram", "واتساب", "ватсап")
_CHANNEL_WORDS = (
    "kanal",
    "channel",
    "canal",
    "chaine",
    "قناة",
    "قناه",
    "канал",
    "کانال",
    "katil",
    "join",
    "rejoign",
    "unete",
    "abone",
    "subscribe",
    "follow",
    "takip",
)
_HAS_MARK = "(HAS)"
_MAX_PROMPT = 160


def parse_page(page: bytes | str, charset: str | None = None) -> lxml.html.HtmlElement:
    """The page as an lxml tree: no network, comments and processing instructions dropped.

    Bytes are read in the server's ``charset`` (Content-Type) if it names one, else as
    the page declares (a BOM, ``<meta charset>``); a page that declares nothing is
    UTF-8 if its bytes are, else windows-1252 (as browsers guess), never Latin-1
    mojibake of a UTF-8 page. UTF-8 is decoded by libxml2 (a bad byte becomes U+FFFD);
    any other encoding by Python, as libxml2's iconv drops the rest of a page at a byte
    its table lacks.
    """
    encoding = page_encoding(page, charset) if isinstance(page, bytes) else None
    if isinstance(page, bytes) and encoding not in (None, "utf-8"):
        page = page.decode(encoding, errors="replace")
    if isinstance(page, str):
        page, encoding = page.encode("utf-8"), "utf-8"  # lxml refuses str declaring one
    parser = lxml.html.HTMLParser(
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        recover=True,
        huge_tree=False,
        encoding=encoding,
    )
    return lxml.html.document_fromstring(page, parser=parser)


def page_encoding(page: bytes, charset: str | None = None) -> str:
    """The text encoding to read ``page`` in (see ``parse_page``)."""
    if page.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if page.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if charset and charset.strip().lower() in _UTF16:
        return _UTF16[charset.strip().lower()]  # the server's word (a <meta> says UTF-8)
    declared = _DECLARED.search(page, 0, _DECLARED_WITHIN)
    for name in (charset, declared.group(1).decode("ascii") if declared else None):
        known = _text_encoding(name)
        if known:
            return known
    first = _NON_ASCII.search(page)
    if first is None:
        return "utf-8"  # ASCII is UTF-8; libxml2 is never left to a <meta> (UTF-7)
    # UTF-8 if the bytes from the first non-ASCII one on are (64 KiB of them: a page's
    # encoding does not change halfway); a sequence cut at the window's end is not an error.
    window = page[first.start() : first.start() + _SNIFF_BYTES]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(window, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _text_encoding(name: str | None) -> str | None:
    """The Python codec for a charset label a page or server gives, as browsers read it
    (the WHATWG Encoding Standard's encodings only: no base64, UTF-7 or punycode), or None."""
    if not name or not name.isascii() or len(name) > _LONGEST_CHARSET:
        return None
    label = name.strip().lower()
    if label in _LABELS:
        return _LABELS[label]
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None  # a name no one knows: as if nothing had been said
    return _AS_BROWSERS_READ.get(codec, codec if codec in _ENCODINGS else None)


def has_class(name: str) -> str:
    """An XPath test for one CSS class among several."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def drop_furniture(container: lxml.html.HtmlElement, *extra_xpaths: str) -> None:
    """Remove images, scripts, forms and whatever ``extra_xpaths`` select, in place."""
    for element in container.xpath(".//" + "|.//".join(_DROP_TAGS)):
        element.drop_tree()
    for xpath in extra_xpaths:
        for element in container.xpath(xpath):
            element.drop_tree()


def block_texts(container: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """(tag, one-line text) of each outermost text block, in document order.

    A div holding text but no blocks counts as a paragraph of its own.
    """
    blocks: list[tuple[str, str]] = []
    for element in container.iter(etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in _BLOCK_TAGS and not (tag == "div" and _is_text_div(element)):
            continue
        if element is not container and _inside_block(element, container):
            continue
        text = clean_line(element.text_content())
        if text:
            blocks.append((tag, text))
    if not blocks:
        text = clean_line(container.text_content())
        if text:
            blocks.append(("p", text))
    return blocks


def paragraphs_from(blocks: list[tuple[str, str]]) -> list[str]:
    """Body paragraphs from blocks: subheads get the "## " mark."""
    return [SUBHEAD + text if tag in _SUBHEAD_TAGS else text for tag, text in blocks]


def is_share_prompt(paragraph: str) -> bool:
    """A "share this news" or "join our WhatsApp channel" line, in any edition."""
    if len(paragraph) > _MAX_PROMPT:
        return False
    folded = fold(paragraph.removeprefix(SUBHEAD))
    if any(prompt in folded for prompt in _SHARE_PROMPTS):
        return True
    return any(m in folded for m in _MESSENGERS) and any(w in folded for w in _CHANNEL_WORDS)


def drop_boilerplate(paragraphs: list[str]) -> list[str]:
    """Without share prompts and the HAS subscriber footer (the last "(HAS)" paragraph)."""
    kept = [p for p in paragraphs if not is_share_prompt(p)]
    for index in range(len(kept) - 1, max(len(kept) - 4, -1), -1):
        if _HAS_MARK in kept[index]:
            del kept[index]
            break
    return kept


def _is_text_div(element: lxml.html.HtmlElement) -> bool:
    if element.xpath(
        "./*[self::div or self::p or self::h1 or self::h2 or self::h3 or "
        "self::h4 or self::h5 or self::h6 or self::ul or self::ol or "
        "self::blockquote or self::table or self::section]"
    ):
        return False
    return bool((element.text or "").strip()) or any(
        (child.tail or "").strip() for child in element
    )


def _inside_block(element: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not container:
        if parent.tag in _BLOCK_TAGS or (parent.tag == "div" and _is_text_div(parent)):
            return True
        parent = parent.getparent()
    return False

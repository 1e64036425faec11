"""An article page as a story: title, lead, stamps, dateline, body, image, keywords.

Which extractor reads the body depends on the page's markup, not its host: the
metadata comes from JSON-LD ``NewsArticle`` and og:* first; the body from AA's
classic layout, else the redesigned ``div.prose``, else JSON-LD
``articleBody`` unless it is only a teaser of the page's own text, else the
generic extractor (``store.pages.generic``, for any site).

``Article.body`` follows the convention in ``store.pages.blocks``:
paragraphs separated by a blank line, a subhead as its own paragraph starting
with "## ". A paragraph that is only the dateline ("AA / Bagdad") is taken out
of the body into ``dateline``; a dateline that opens a paragraph
("ANKARA (AA) - ...") stays in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from store.aa.dateline import Dateline, is_dateline_only, parse_dateline
from store.aa.stamps import UpdateStamp, resolve, split_authors
from store.pages.blocks import SUBHEAD, drop_boilerplate, parse_page
from store.pages.jsonld import PageMeta, read_meta
from store.pages.layouts import Layout, classic_layout, generic_layout, prose_layout
from store.pages.sections import opening_of
from store.text import clean_line, fold

# Site names that pages append to titles and descriptions ("... - Anadolu Ajansı").
SITE_SUFFIXES = (
    "Anadolu Ajansı",
    "Anadolu Agency",
    "Agence Anadolu",
    "Agencia Anadolu",
    "وكالة الأناضول",
    "Анадолу",
    "AA",
)
_SUFFIX_SEPARATORS = (" - ", " | ", " – ", " — ")
# The generic extractor must find at least this much text to be believed.
MIN_GENERIC_CHARS = 120
# A JSON-LD articleBody shorter than this share of the page's own text is a teaser.
TEASER_SHARE = 0.6
_WORDS = re.compile(r"\w+")
_BYLINE = re.compile(r"^by\s+\S", re.IGNORECASE)


class ArticleError(ValueError):
    """The page holds no story we can read; the message says why, in one line."""


@dataclass
class Article:
    """A story as its page tells it."""

    layout: str
    title: str = ""
    lead: str = ""
    category: str | None = None
    authors: list[str] = field(default_factory=list)
    stamp: UpdateStamp | None = None
    published: datetime | None = None
    updated: datetime | None = None
    location: str | None = None
    dateline: Dateline | None = None
    paragraphs: list[str] = field(default_factory=list)
    image: str | None = None
    keywords: list[str] = field(default_factory=list)
    lang: str | None = None
    # The page's body opened with the lead (taken out of ``paragraphs``: shown once).
    lead_opens_body: bool = False

    @property
    def body(self) -> str:
        """The body as stored: paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def page_text(self) -> str:
        """The story's text as the page has it: the lead first where it opened the body."""
        return "\n\n".join(
            [self.lead, *self.paragraphs] if self.lead_opens_body else self.paragraphs
        )

    def times(self, feed_published: datetime | None) -> tuple[datetime | None, datetime | None]:
        """Publication and update times: the page's own if exact, else its stamp dated
        at the feed's time of day (see ``store.aa.stamps.resolve``)."""
        if self.published is not None:
            if self.updated is None and self.stamp is not None:
                return self.published, resolve(self.stamp, self.published)[1]
            return self.published, self.updated
        if self.stamp is not None:
            return resolve(self.stamp, feed_published)
        return None, self.updated


def extract_article(
    page: bytes | str,
    *,
    url: str | None = None,
    lang: str | None = None,
    charset: str | None = None,
) -> Article:
    """Read a story out of an article page; raises ArticleError when there is none.
    ``charset`` is the server's (Content-Type), for bytes (see ``parse_page``)."""
    if not page or page.isspace():  # isspace: no copy of a page of megabytes
        raise ArticleError("the page is empty")
    try:
        root = parse_page(page, charset)
    except (etree.ParserError, ValueError) as error:
        raise ArticleError(f"not an HTML page ({error})") from error
    meta = read_meta(root)
    lang = lang or meta.lang
    layout = classic_layout(root, url) or prose_layout(root, url)
    if layout is None or not drop_boilerplate(layout.paragraphs):
        layout = _page_or_jsonld(layout, meta, root)
    if layout is None:
        raise ArticleError("no story text on the page")
    paragraphs = drop_boilerplate(layout.paragraphs)
    dateline, paragraphs = _take_dateline(meta, paragraphs, lang)
    title = meta.title if meta.has_jsonld and meta.title else layout.title or meta.title
    title = title or _page_title(root)
    lead = meta.lead if meta.has_jsonld and meta.lead else layout.lead or meta.lead
    title, lead = _without_site(title, meta.site_name), _without_site(lead, meta.site_name)
    paragraphs, lead_opens_body = _without_repeats(paragraphs, title, lead)
    authors = meta.authors or layout.authors or _byline(paragraphs)
    if authors and paragraphs and _BYLINE.match(paragraphs[0]):
        paragraphs = paragraphs[1:]
    if not paragraphs:
        raise ArticleError("no story text on the page")
    return Article(
        layout=layout.name,
        title=title,
        lead=lead,
        category=meta.category or layout.category,
        authors=authors or ([dateline.author] if dateline and dateline.author else []),
        stamp=layout.stamp,
        published=meta.published,
        updated=meta.updated,
        location=meta.location or layout.location or (dateline.place if dateline else None),
        dateline=dateline,
        paragraphs=paragraphs,
        image=layout.image or meta.image,
        keywords=meta.keywords,
        lang=lang,
        lead_opens_body=lead_opens_body or (layout.lead_opens and bool(lead)),
    )


def _page_or_jsonld(found: Layout | None, meta: PageMeta, root: etree._Element) -> Layout | None:
    """No AA body: the page's own text, or JSON-LD ``articleBody`` where the page has
    none of its own or only repeats it; a JSON-LD teaser never hides the page's story."""
    jsonld = _jsonld_layout(meta)
    generic: Layout | None = generic_layout(root, meta.lead)
    if generic is not None and len("".join(generic.paragraphs)) < MIN_GENERIC_CHARS:
        generic = None
    if generic is not None and jsonld is not None and not _is_teaser(jsonld, generic):
        # The page's story, as JSON-LD gives it: the page shows whether the lead opens it.
        jsonld.lead_opens = generic.lead_opens and _opens_alike(jsonld, generic)
        generic = None
    body = generic or jsonld
    if body is None:
        return found
    return _merge(found, body) if found else body


def _is_teaser(jsonld: Layout, page: Layout) -> bool:
    """The JSON-LD body is a fraction of the page's text, and the page holds it."""
    short, long = " ".join(jsonld.paragraphs), " ".join(page.paragraphs)
    if len(short) >= TEASER_SHARE * len(long):
        return False
    words = set(_WORDS.findall(fold(short)))
    return len(words & set(_WORDS.findall(fold(long)))) >= 0.7 * len(words)


def _opens_alike(one: Layout, other: Layout) -> bool:
    """Both bodies open with the same first words."""
    if not one.paragraphs or not other.paragraphs:
        return False
    first = opening_of(one.paragraphs[0])
    return bool(first) and first == opening_of(other.paragraphs[0])


def _jsonld_layout(meta: PageMeta) -> Layout | None:
    if not meta.body:
        return None
    return Layout(name="jsonld", paragraphs=[p for p in meta.body.split("\n") if p.strip()])


def _merge(found: Layout, generic: Layout) -> Layout:
    """A known layout with no readable body: keep its header, take the generic body."""
    found.paragraphs = generic.paragraphs
    found.name = f"{found.name}+generic"
    return found


def _take_dateline(
    meta: PageMeta, paragraphs: list[str], lang: str | None
) -> tuple[Dateline | None, list[str]]:
    """The dateline, from JSON-LD or the first paragraphs; a dateline-only paragraph leaves."""
    if meta.dateline:
        parsed = parse_dateline(meta.dateline, lang=lang)
        return parsed or Dateline(place=meta.dateline), paragraphs
    for index, paragraph in enumerate(paragraphs[:3]):
        dateline = parse_dateline(paragraph, lang=lang)
        if dateline is None:
            continue
        if is_dateline_only(paragraph, lang=lang):
            return dateline, paragraphs[:index] + paragraphs[index + 1 :]
        return dateline, paragraphs
    return None, paragraphs


def _without_site(text: str, site_name: str | None) -> str:
    """ "Title - Anadolu Ajansı" -> "Title"."""
    names = (site_name, *SITE_SUFFIXES) if site_name else SITE_SUFFIXES
    for name in names:
        for separator in _SUFFIX_SEPARATORS:
            if text.endswith(separator + name):
                return text[: -len(separator + name)].rstrip()
    return text


def _without_repeats(paragraphs: list[str], title: str, lead: str) -> tuple[list[str], bool]:
    """Drop the title or lead repeated as the body's first paragraph (image captions do);
    whether the lead was one of them."""
    lead_dropped = False
    while paragraphs and clean_line(paragraphs[0].removeprefix(SUBHEAD)) in {title, lead} - {""}:
        lead_dropped = lead_dropped or clean_line(paragraphs[0].removeprefix(SUBHEAD)) == lead
        paragraphs = paragraphs[1:]
    return paragraphs, lead_dropped


def _page_title(root: etree._Element) -> str:
    """The first h1, else the document title."""
    for xpath in ("//h1", "//title"):
        found = root.xpath(xpath)
        if found and clean_line(found[0].text_content()):
            return clean_line(found[0].text_content())
    return ""


def _byline(paragraphs: list[str]) -> list[str]:
    if paragraphs and _BYLINE.match(paragraphs[0]) and len(paragraphs[0]) < 100:
        return split_authors(paragraphs[0].split(",")[0] if "," in paragraphs[0] else paragraphs[0])
    return []

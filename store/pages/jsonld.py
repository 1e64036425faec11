"""What a page says about itself: JSON-LD ``NewsArticle``, then og:* and plain meta tags.

Any field may be missing; the layouts fill the gaps. Nothing here is trusted
as markup: every string goes through ``clean_line``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import lxml.html

from store.clock import sane_moment
from store.text import clean_lang, clean_line, clean_text, clean_url, fold, html_to_text

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "report",
    "opinionnewsarticle",
    "backgroundnewsarticle",
}
MAX_KEYWORDS = 20
_MARKUP = re.compile(r"</?(?:p|br|div|h[1-6]|li|ul|ol|blockquote|strong|em|b|i|a|span)\b", re.I)


@dataclass
class PageMeta:
    """The page's metadata, JSON-LD first and og:*/meta where JSON-LD is silent."""

    title: str = ""
    lead: str = ""
    category: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    image: str | None = None
    keywords: list[str] = field(default_factory=list)
    body: str = ""
    dateline: str | None = None
    location: str | None = None
    lang: str | None = None
    site_name: str | None = None
    has_jsonld: bool = False


def read_meta(root: lxml.html.HtmlElement) -> PageMeta:
    """Metadata of a parsed page."""
    meta = PageMeta(lang=_lang(root))
    article = _jsonld_article(root)
    if article is not None:
        meta.has_jsonld = True
        meta.title = clean_line(_text(article.get("headline")))
        meta.lead = clean_line(_text(article.get("description")))
        meta.category = clean_line(", ".join(_strings(article.get("articleSection")))) or None
        meta.authors = _names(article.get("author"))
        meta.published = _when(article.get("datePublished"))
        meta.updated = _when(article.get("dateModified"))
        meta.image = _url(article.get("image"))
        meta.keywords = keyword_list(article.get("keywords"))
        meta.body = _body(_text(article.get("articleBody")))
        meta.dateline = clean_line(_text(article.get("dateline"))) or None
        meta.location = clean_line(" ".join(_names(article.get("contentLocation")))) or None
    tags = _meta_tags(root)
    meta.site_name = clean_line(tags.get("og:site_name")) or None
    meta.title = meta.title or clean_line(tags.get("og:title") or tags.get("twitter:title"))
    meta.lead = meta.lead or clean_line(
        tags.get("og:description") or tags.get("description") or tags.get("twitter:description")
    )
    meta.category = meta.category or clean_line(tags.get("article:section")) or None
    meta.published = meta.published or _when(tags.get("article:published_time"))
    meta.updated = meta.updated or _when(tags.get("article:modified_time"))
    meta.image = meta.image or _url(
        tags.get("og:image") or tags.get("twitter:image:src") or tags.get("twitter:image")
    )
    if not meta.keywords:
        meta.keywords = keyword_list(tags.get("keywords") or tags.get("news_keywords"))
    if not meta.keywords:
        meta.keywords = keyword_list(root.xpath("//meta[@property='article:tag']/@content"))
    return meta


def keyword_list(value: Any) -> list[str]:
    """Keywords from a comma-separated string or a list, cleaned, de-duplicated, capped."""
    raw = value.split(",") if isinstance(value, str) else _strings(value)
    seen: set[str] = set()
    keywords: list[str] = []
    for word in raw:
        word = clean_line(word)
        if word and len(word) <= 60 and fold(word) not in seen:
            seen.add(fold(word))
            keywords.append(word)
    return keywords[:MAX_KEYWORDS]


def _jsonld_article(root: lxml.html.HtmlElement) -> dict[str, Any] | None:
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content() or "", strict=False)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            continue
        for node in _nodes(data):
            types = node.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in names):
                return node
    return None


def _nodes(data: Any) -> list[dict[str, Any]]:
    """Every object of a JSON-LD document and its @graph, in document order.

    A loop, not recursion: the page decides how deep the lists go.
    """
    nodes: list[dict[str, Any]] = []
    pending: list[Any] = [data]
    while pending and len(nodes) < _MOST_NODES:
        value = pending.pop()
        if isinstance(value, list):
            pending.extend(reversed(value))
        elif isinstance(value, dict):
            nodes.append(value)
            pending.append(value.get("@graph", []))
    return nodes


_MOST_NODES = 10_000


def _meta_tags(root: lxml.html.HtmlElement) -> dict[str, str]:
    tags: dict[str, str] = {}
    for element in root.xpath("//meta[@content]"):
        name = (element.get("property") or element.get("name") or "").strip().lower()
        if name and name not in tags:
            tags[name] = element.get("content") or ""
    return tags


def _lang(root: lxml.html.HtmlElement) -> str | None:
    return clean_lang(root.get("lang"))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return ""


def _body(text: str) -> str:
    """An articleBody as text; some pages put HTML in it, some escape that HTML once more."""
    if "&lt;" in text or "&#60;" in text:
        text = html.unescape(text)
    if _MARKUP.search(text):
        return html_to_text(text)
    return clean_text(text)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _names(value: Any) -> list[str]:
    """Names from a Person/Place, a list of them, or plain strings."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and clean_line(name):
            names.append(clean_line(name))
    return names


def _url(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    if isinstance(value, str):
        url = clean_url(value)  # C1 controls, bidi, zero-width: gone
        if url.lower().startswith(("http://", "https://")) and len(url) <= 4096:
            return url
    return None


def _when(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 text; None for a date without an offset or garbage."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return sane_moment(moment) if moment.tzinfo is not None else None

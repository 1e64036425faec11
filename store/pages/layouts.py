"""The page layouts a story body is read from, chosen by markup, never by host.

- classic AA: ``div.detay-spot-category`` (breadcrumb, h1 title, h4 lead,
  authors, ``span.tarih``) and ``div.detay-icerik`` (p, h3 subheads, h6 location
  label; ``div.detay-paylas`` and images dropped)
- redesigned AA: the body in ``div.prose``
- generic: any other page (a blog, another agency), see ``store.pages.generic``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.html

from store.aa.stamps import UpdateStamp, parse_stamp, split_authors
from store.pages.blocks import (
    block_texts,
    drop_furniture,
    has_class,
    paragraphs_from,
)
from store.pages.generic import extract_generic
from store.text import clean_line

_AUTHOR_CLASSES = ("yazar", "author", "muhabir", "byline")


@dataclass
class Layout:
    """What one layout read from a page; empty strings where it found nothing."""

    name: str
    paragraphs: list[str] = field(default_factory=list)
    title: str = ""
    lead: str = ""
    category: str | None = None
    authors: list[str] = field(default_factory=list)
    stamp: UpdateStamp | None = None
    location: str | None = None
    image: str | None = None
    lead_opens: bool = False  # the page's lead, left out, is the story's first paragraph


def classic_layout(root: lxml.html.HtmlElement, url: str | None) -> Layout | None:
    """AA's classic ``detay-*`` page; None when the page is not one."""
    bodies = root.xpath(f"//div[{has_class('detay-icerik')}]")
    if not bodies:
        return None
    body = bodies[0]
    layout = Layout(name="classic")
    header = _first(root.xpath(f"//div[{has_class('detay-spot-category')}]"))
    if header is not None:
        layout.title = _text(_first(header.xpath(".//h1")))
        layout.lead = _text(_first(header.xpath(".//h4")))
        layout.category = _breadcrumb(header)
        layout.authors = _authors(header)
    layout.stamp, stamp_authors = _stamp(root)
    layout.authors = layout.authors or stamp_authors
    photo = _first(root.xpath(f"//img[{has_class('detay-buyukFoto')}]/@src"))
    layout.image = _absolute(photo, url)
    layout.location = _text(_first(body.xpath(".//h6")))
    drop_furniture(body, f".//div[{has_class('detay-paylas')}]", ".//h6")
    layout.paragraphs = paragraphs_from(block_texts(body))
    return layout


def prose_layout(root: lxml.html.HtmlElement, url: str | None) -> Layout | None:
    """AA's redesigned page, its body in ``div.prose``; None when the page has none."""
    bodies = root.xpath(f"//div[{has_class('prose')}]")
    if not bodies:
        return None
    body = max(bodies, key=lambda element: len(element.text_content()))
    layout = Layout(name="prose")
    layout.title = _text(_first(root.xpath("//h1")))
    layout.stamp, layout.authors = _stamp(root)
    layout.authors = _authors(root) or layout.authors
    layout.location = _text(_first(body.xpath(".//h6")))
    drop_furniture(body, f".//div[{has_class('detay-paylas')}]", ".//h6")
    blocks = [(tag, text) for tag, text in block_texts(body) if tag != "h1"]
    layout.paragraphs = paragraphs_from(blocks)
    return layout


def generic_layout(root: lxml.html.HtmlElement, lead: str = "") -> Layout:
    """Any other page: the best-scoring block of prose (``store.pages.generic``); the
    page's ``lead`` helps find it."""
    found = extract_generic(root, lead)
    return Layout(
        name="generic",
        paragraphs=found.paragraphs,
        authors=found.authors,
        lead_opens=found.lead_opens,
    )


def _stamp(root: lxml.html.HtmlElement) -> tuple[UpdateStamp | None, list[str]]:
    """The stamp from ``span.tarih`` (its line may start with the authors)."""
    for span in root.xpath(f"//span[{has_class('tarih')}]"):
        stamp = parse_stamp(span.text_content())
        if stamp is None:
            continue
        authors = stamp.authors
        parent = span.getparent()
        if not authors and parent is not None:
            line = parse_stamp(parent.text_content())
            authors = line.authors if line else []
        return stamp, authors
    for element in root.xpath("//time|//*[self::span or self::p or self::div][not(*)]"):
        text = element.text_content()
        if len(text) < 120:
            stamp = parse_stamp(text)
            if stamp is not None:
                return stamp, stamp.authors
    return None, []


def _authors(scope: lxml.html.HtmlElement) -> list[str]:
    tests = " or ".join(f"contains(@class, '{name}')" for name in _AUTHOR_CLASSES)
    for element in scope.xpath(f".//*[{tests}]"):
        if element.xpath(f"self::span[{has_class('tarih')}]"):
            continue
        names = split_authors(element.text_content())
        if names:
            return names
    return []


def _breadcrumb(header: lxml.html.HtmlElement) -> str | None:
    """Categories written before the title: links, else the text of earlier blocks."""
    title = _first(header.xpath(".//h1"))
    names: list[str] = []
    for element in header.iter():
        if element is title:
            break
        if element.tag == "a":
            names.append(clean_line(element.text_content()))
    if not names and title is not None:
        for element in header:
            if element is title or title in element.iterdescendants():
                break
            names.append(clean_line(element.text_content()))
    return ", ".join(name for name in names if name) or None


def _first(found: list[Any]) -> Any:
    return found[0] if found else None


def _text(element: object | None) -> str:
    if isinstance(element, lxml.html.HtmlElement):
        return clean_line(element.text_content())
    return ""


def _absolute(src: object | None, url: str | None) -> str | None:
    if not isinstance(src, str) or not src.strip():
        return None
    link = urljoin(url or "", src.strip())
    return link if link.lower().startswith(("http://", "https://")) else None

"""A story told in steps (a how-to's steps, a live blog's posts, a listicle's slides) on
a page without ``<article>``s: the sections beside the best one's, of its tag and class.

The tree is only read, never changed.
"""

from __future__ import annotations

import lxml.html

from store.pages.naming import HEADINGS

_STEPS = 3  # sections of one tag and class, at least: a story told in steps
_STEP_LINKS = 0.1  # of a step's text, at most, in links


def steps_beside(
    section: lxml.html.HtmlElement, scores: dict[lxml.html.HtmlElement, float]
) -> list[lxml.html.HtmlElement]:
    """The steps beside ``section``: its siblings of its tag and class up to a heading
    (another part of the page: "3 comments", "More to read"), each with prose of its
    own, few links and not ending in one (a teaser's "Read more")."""
    holder = section.getparent()
    if holder is None:
        return []
    kind, row = (section.tag, section.get("class")), [s for s in holder if isinstance(s.tag, str)]
    at = row.index(section)
    alike: list[lxml.html.HtmlElement] = []
    for side in (row[at + 1 :], row[at - 1 :: -1] if at else []):
        for sibling in side:
            if sibling.tag in HEADINGS:
                break
            if (sibling.tag, sibling.get("class")) == kind:
                alike.append(sibling)
    if len(alike) < _STEPS - 1:
        return []
    return [
        s
        for s in alike
        if any(scores.get(e, 0.0) > 0 for e in s.iter())
        and _links_share(s) < _STEP_LINKS
        and not _ends_in_link(s)
    ]


def _ends_in_link(element: lxml.html.HtmlElement) -> bool:
    links = [_text(a) for a in element.iter("a")]
    return bool(links and links[-1]) and _text(element).endswith(links[-1])


def _links_share(element: lxml.html.HtmlElement) -> float:
    text = len(_text(element))
    return sum(len(_text(a)) for a in element.iter("a")) / text if text else 1.0


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())

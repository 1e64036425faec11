"""Which elements of a page are its story, once the generic extractor has scored them:
the best element's siblings and its sections, a list's holder, the story of a list;
which elements are never read at all (scripts, forms, media, hidden and print-only ones);
and which are furniture by the names of their class and id.

The tree is only read, never changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import lxml.html

from store.pages.phrases import SENTENCE_ENDS
from store.text import fold

# Never entered: their text is no story's (scripts, forms, media, the head).
_SKIP_TAGS = frozenset(
    "script style noscript template iframe object embed svg canvas video audio picture img "
    "figure figcaption form button input select textarea label dialog head title meta "
    "link".split()
)
# Classes of what is shown in print alone (a citation, the page's address), hidden on the
# screen: "print-only", Bootstrap 3's "visible-print-block", Foundation's "show-for-print",
# and Bootstrap 4's "d-print-block" beside a "d-none" that no screen size undoes.
_PRINT_ONLY = re.compile(
    r"(?:^|\s)(?:visible-print\S*|print-?only|only-?print|show-for-print)(?:\s|$)", re.IGNORECASE
)
_PRINT_SHOWN = re.compile(r"(?:^|\s)d-print-(?!none\b)\S+", re.IGNORECASE)
_SCREEN_SHOWN = re.compile(r"(?:^|\s)d-(?:sm|md|lg|xl|xxl)-(?!none\b)\S+", re.IGNORECASE)
# Class/id words that name furniture, matched against the words of class and id.
_FURNITURE_WORDS = frozenset(
    "ad ads adsbygoogle adslot advert advertisement author authors banner bio breadcrumb "
    "breadcrumbs byline caption comment commentlist comments consent cookie cookies credit "
    "disqus editsection etiket gallery gdpr kicker menu meta modal navbar navbox "
    "navigation newsletter pagination paylas popup promo recommended references "
    "reflist related relatedposts replies reply share sharebar sharedaddy sharing sidebar "
    "signup skip slideshow social sponsor sponsored subscribe subscription tags toc "
    "toolbar widget".split()
)
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])")
_POST_CLASSES = ("tag-", "category-", "format-", "status-", "type-")
_FURNITURE_PAIRS = (
    "most-read", "more-news", "post-navigation", "nav-links",
    "next-post", "prev-post", "previous-post", "next-story", "nextstory", "further-reading",
    "d-print-none", "hidden-print", "no-print", "noprint", "print-hide", "hide-print",
    "hide-on-print", "not-print", "print-none",
)  # fmt: skip
# A class saying what an element lacks: "no_caption" (BuzzFeed's item without one).
_LACKS = re.compile(r"\b(?:no|without)[-_][a-z0-9]+")
# "Read more": links to other stories, or the rest of this one behind a button.
_READ_MORE = ("read-more", "readmore")
_REST_PARAGRAPHS = 2  # of prose, with few links: the rest of the story
# A page builder's every block is a "widget" (Elementor's "elementor-widget
# elementor-widget-text-editor"): what kind it is comes after.
_BUILDER_WIDGET = re.compile(r"\b(?:elementor|so|fl)-widget(?:-(?:container|wrap)\b)?")
# A block that carries ad slots, not an ad: "Section--Ads", "body--with-ads", "has-ads".
_CARRIES_ADS = re.compile(r"(?:--|\b(?:with|has)-)(?:ads?|adverts?)\b")
_LIST_LIKE = frozenset({"ul", "ol", "blockquote"})
_NESTING = frozenset({"ul", "ol", "li"})  # where a list sits inside a list
_NOT_PROSE = frozenset("article aside div h1 h2 h3 h4 h5 h6 ol p section table ul".split())
_SIBLING_PROSE = 80  # characters: a sibling this long is a paragraph
_SENTENCE = 25  # characters: a paragraph this long ending as a sentence does is one
# Of a list's score, what its holder must score besides the half it gets from the list.
_OWN_SHARE = 0.2
_PARENT_SHARE = 0.4  # of the best's score, from its parent's own runs: the parent is the body


def flat(element: lxml.html.HtmlElement) -> str:
    """An element's text as ``generic._opening`` writes a lead's: folded, spaces single."""
    return " ".join(fold(element.text_content()).split())


def article_holding(body: lxml.html.HtmlElement, opening: str) -> lxml.html.HtmlElement | None:
    """The innermost ``<article>`` whose text has the lead's opening (the first such)."""
    holder = None
    for article in body.iter("article"):
        if (holder is None or holder in article.iterancestors()) and opening in flat(article):
            holder = article
    return holder


def standfirst_beside(best: lxml.html.HtmlElement, opening: str) -> bool:
    """The lead's opening is in an element before ``best``, beside it, holding no
    ``<article>``: the story's standfirst (left out as the lead is), not a story missed."""
    return any(
        isinstance(sibling.tag, str)
        and next(sibling.iter("article"), None) is None
        and opening in flat(sibling)
        for sibling in best.itersiblings(preceding=True)
    )


def another_of_list(story: lxml.html.HtmlElement, other: lxml.html.HtmlElement | None) -> bool:
    """``other`` is another ``<article>`` of one list with ``story``: the same parent, or
    the same class (each in a wrapper of its own)."""
    if other is None or other is story:
        return False
    if story in other.iterancestors() or other in story.iterancestors():
        return False
    kind = story.get("class")
    return story.getparent() is other.getparent() or bool(kind and kind == other.get("class"))


def holder_of_list(
    best: lxml.html.HtmlElement,
    scores: dict[lxml.html.HtmlElement, float],
    direct: Mapping[lxml.html.HtmlElement, float],
) -> lxml.html.HtmlElement:
    """A list or a quote that outscores the paragraphs around it is part of the story
    they tell: the body is the element holding them all (it scores at least half). A
    list inside a list's item is read with the whole list."""
    parent = best.getparent()
    while best.tag in _LIST_LIKE | _NESTING and parent is not None and parent.tag in _NESTING:
        best, parent = parent, parent.getparent()
    while (
        best.tag in _LIST_LIKE
        and parent is not None
        # (an outer list whose own items are too short to score has no score)
        and scores.get(parent, 0.0) >= (0.5 + _OWN_SHARE) * scores.get(best, 0.0)
    ):
        best, parent = parent, parent.getparent()
    # A parent whose own runs score near half the best's holds that much story besides
    # it: paragraphs each in a wrapper of its own ("firstPar", "secondPar"), whose scores
    # went to it (halves from its other children, teaser cards, do not count).
    # Wrappers holding nothing more than it (a "Read more" button) are looked through.
    while parent is not None and parent.tag != "body":
        above = _above_wrappers(best, parent)
        if direct.get(above, 0.0) < _PARENT_SHARE * scores.get(best, 0.0):
            break
        best, parent = above, above.getparent()
    # The rest of a story behind a "Read more" button goes with the paragraphs before it.
    rests = [e for e in (best, *best.iterancestors()) if _read_more(e)]
    holder = rests[-1].getparent() if rests else None
    if holder is not None and holder.tag != "body" and direct.get(holder, 0.0) > 0:
        return holder
    return best


def _above_wrappers(
    best: lxml.html.HtmlElement, parent: lxml.html.HtmlElement
) -> lxml.html.HtmlElement:
    """``parent``, or the first element above it holding more than ``best`` and a
    line of text: what the story's part is in once wrappers are looked through."""
    length = len(best.text_content())
    while (
        parent.tag != "body"
        and len(parent.text_content()) <= length + _SIBLING_PROSE
        and parent.getparent() is not None
    ):
        parent = parent.getparent()
    return parent


def with_siblings(
    best: lxml.html.HtmlElement, scores: dict[lxml.html.HtmlElement, float]
) -> list[lxml.html.HtmlElement]:
    """The best element and its siblings scoring at least a fifth of it, and the
    elements of its tag and class elsewhere that do (a story in several sections)."""
    parent = best.getparent()
    if parent is None:
        return [best]
    floor = max(10.0, scores.get(best, 0.0) * 0.2)
    siblings = [s for s in parent if isinstance(s.tag, str)]
    # Plain paragraphs before the story count only on a page without its title there:
    # after the title they are its standfirst (left out, as the page's description is),
    # before it the page's notices.
    at = siblings.index(best)
    titled = any(_titles(s) for s in siblings[:at])
    chosen = [best] + [
        s
        for i, s in enumerate(siblings)
        if s is not best
        and (scores.get(s, 0.0) >= floor or ((i > at or not titled) and _prose_sibling(s)))
    ]
    kind, story = (best.tag, best.get("class")), article_of(best)
    if kind[1] and (story is not None or no_articles(best)):
        # Sections of the story of one <article> (or of a page with none), a page
        # builder's (WPBakery, Elementor) maybe short: no floor of 10. Never across
        # <article>s (a list of stories).
        holding = {a for c in chosen for a in c.iterancestors()}  # an element above one
        taken = set(chosen)
        for element, score in scores.items():
            if (
                score >= scores.get(best, 0.0) * 0.2
                and (element.tag, element.get("class")) == kind
                and element not in taken
                and element not in holding
                and article_of(element) is story
                and not any(a in taken for a in element.iterancestors())
            ):
                chosen.append(element)
                taken.add(element)
    return chosen


def _prose_sibling(element: lxml.html.HtmlElement) -> bool:
    """A paragraph beside the story, as readability takes one: a ``<p>`` or ``<div>``
    without a class holding text alone, 80 characters with few links, or a shorter
    sentence without any (a story written in ``<div>``s, one a paragraph)."""
    if element.tag not in ("p", "div") or element.get("class"):
        return False  # a class names what it is: a standfirst, a note
    if any(isinstance(d.tag, str) and d.tag in _NOT_PROSE for d in element.iterdescendants()):
        return False
    if _in_italics(element):
        return False  # a note in italics: the writer's biography, a disclaimer
    text = " ".join(visible_text(element).split())  # without a script's code
    links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    if len(text) >= _SIBLING_PROSE:
        return links < 0.25 * len(text)
    return bool(text) and not links and text.endswith(SENTENCE_ENDS)


def _titles(element: lxml.html.HtmlElement) -> bool:
    return element.tag == "h1" or next(element.iter("h1"), None) is not None


def _in_italics(element: lxml.html.HtmlElement) -> bool:
    """All of ``element``'s text is in ``<i>`` or ``<em>`` (one or several)."""
    inner = [c for c in element if isinstance(c.tag, str) and c.tag != "br"]
    if not inner or any(c.tag not in ("i", "em") for c in inner):
        return False
    return not (element.text or "").strip() and not any((c.tail or "").strip() for c in element)


def sections_of(
    best: lxml.html.HtmlElement, scores: dict[lxml.html.HtmlElement, float]
) -> list[lxml.html.HtmlElement]:
    """The story's other sections where each holds its own text block: the elements of
    the tag and class of ``best``'s parent inside the same ``<article>``, scoring at
    least a fifth of that parent; on a page without ``<article>``, its siblings of that
    tag and class that hold a sentence."""
    parent, story = best.getparent(), article_of(best)
    if parent is None or parent is story or not parent.get("class"):
        return []
    if story is None:
        if not no_articles(best):
            return []
        # A page without <article>s: the sections beside it, each holding a sentence of
        # its own (the steps of a how-to, each in a wrapper of one class; not a list of
        # the story's date, author and address beside it).
        kind = (parent.tag, parent.get("class"))
        grand = parent.getparent()
        return [
            element
            for element in (grand if grand is not None else [])
            if element is not parent
            and (element.tag, element.get("class")) == kind
            and _holds_sentence(element)
        ]
    floor = scores.get(parent, 0.0) * 0.2
    return [
        element
        for element in story.iter(parent.tag)
        if element is not parent
        and element.get("class") == parent.get("class")
        and scores.get(element, 0.0) >= floor
        and article_of(element) is story
    ]


def _holds_sentence(element: lxml.html.HtmlElement) -> bool:
    for paragraph in element.iter("p"):
        text = " ".join(visible_text(paragraph).split())
        if len(text) >= _SENTENCE and text.endswith(SENTENCE_ENDS):
            return True
    return False


def no_articles(element: lxml.html.HtmlElement) -> bool:
    return next(element.getroottree().getroot().iter("article"), None) is None


def article_of(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    return next(element.iterancestors("article"), None)


def visible_text(element: lxml.html.HtmlElement) -> str:
    """An inline element's text without what is hidden or never read inside it (a
    formula's TeX in a hidden span, a script)."""
    if not any(unread(d) for d in element.iterdescendants()):
        return element.text_content()
    parts: list[str] = []
    _add_visible(element, parts)
    return "".join(parts)


def _add_visible(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    parts.append(element.text or "")
    for child in element:
        if not unread(child):
            _add_visible(child, parts)
        parts.append(child.tail or "")


def unread(element: lxml.html.HtmlElement) -> bool:
    """Never read: scripts, forms, media, hidden elements, what is shown in print alone
    (their text is not the page's)."""
    if not isinstance(element.tag, str):
        return True  # a comment or a processing instruction: no text of the page's
    return element.tag in _SKIP_TAGS or hidden(element)


def hidden(element: lxml.html.HtmlElement) -> bool:
    """Hidden on the screen: by attribute, by style, or by a class of print alone."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if _hidden_by_style(element.get("style")):
        return True
    kinds = element.get("class")
    return bool(kinds) and _print_only(kinds)


def _print_only(kinds: str) -> bool:
    if _PRINT_ONLY.search(kinds):
        return True
    return (
        _PRINT_SHOWN.search(kinds) is not None
        and "d-none" in kinds.lower().split()
        and _SCREEN_SHOWN.search(kinds) is None
    )


def _hidden_by_style(style: str | None) -> bool:
    """``style="display: none"`` (any spacing or case), or ``visibility: hidden``."""
    if not style:
        return False
    style = "".join(style.split()).lower()
    return "display:none" in style or "visibility:hidden" in style


def named_furniture(element: lxml.html.HtmlElement) -> set[str] | None:
    """The words of ``element``'s class and id where they name furniture (comments, share,
    related, byline, ads, a footer, ...); None where they do not."""
    # A post's tags and categories as WordPress writes them ("tag-references",
    # "format-gallery") name what the post is about, not what the element is.
    kinds = (element.get("class") or "").split()
    if {"hentry", "type-post"} & {k.lower() for k in kinds}:  # every taxonomy's slug
        kinds = [k for k in kinds if "-" not in k]
    kinds = [k for k in kinds if not k.lower().startswith(_POST_CLASSES)]
    # An id's words run together in camelCase are words too (ASP.NET's
    # "ctl00_divComments"); a class's are not split (Facebook's pasted "...ContentTags").
    names = f"{' '.join(kinds)} {_CAMEL.sub(' ', element.get('id') or '')}".lower()
    names = _CARRIES_ADS.sub(" ", _BUILDER_WIDGET.sub(" ", names))
    if not names.strip():
        return None
    words, dashed = set(_WORD.findall(_LACKS.sub(" ", names))), names.replace("_", "-")
    if (
        words & _FURNITURE_WORDS
        or any(pair in dashed for pair in _FURNITURE_PAIRS)
        or any(word.endswith("footer") for word in words)  # "entryfooter", "postfooter"
        or (_read_more(element) and not _story_rest(element))
    ):
        return words
    return None


def _read_more(element: lxml.html.HtmlElement) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower().replace("_", "-")
    return any(pair in names for pair in _READ_MORE)


def _story_rest(element: lxml.html.HtmlElement) -> bool:
    """A "read more" block holding paragraphs of prose, not links: the story's rest,
    shown at a button's press (the Herald Sun's ``div#read-more``)."""
    prose = 0
    for paragraph in element.iter("p"):
        text = " ".join(paragraph.text_content().split())
        links = sum(len(a.text_content().strip()) for a in paragraph.iter("a"))
        if len(text) >= _SIBLING_PROSE and links < 0.25 * len(text):
            prose += 1
    return prose >= _REST_PARAGRAPHS

"""Which elements of a page are never read (scripts, forms, media, hidden and print-only
ones) and which are furniture by the names of their class and id (comments, share,
related, byline, ads, ...), for the generic extractor (``store.pages.generic``).

The tree is only read, never changed.
"""

from __future__ import annotations

import re

import lxml.html

from store.pages.furniture import is_furniture_line
from store.pages.phrases import SENTENCE_ENDS
from store.text import clean_line

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
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
_LACKS = re.compile(r"\b(?:no|without)[-_][a-z0-9_-]+")
# Furniture words an element in a sentence may have and still be words of it.
_IN_TEXT = frozenset({"popup", "modal", "related"})
_IN_TEXT_WORDS = 5  # words of a sentence in such an element, at most
# "Read more": links to other stories, or the rest of this one behind a button.
_READ_MORE = ("read-more",)
READ_MORE_LIFT = ("read-more", "readmore")
_REST_PARAGRAPHS = 2  # of prose, with few links: the rest of the story
# A page builder's every block is a "widget" (Elementor's "elementor-widget
# elementor-widget-text-editor"): what kind it is comes after.
_BUILDER_WIDGET = re.compile(r"\b(?:elementor|so|fl)-widget(?:-(?:container|wrap)\b)?")
# A block that carries ad slots, not an ad: "Section--Ads", "body--with-ads", "has-ads".
_CARRIES_ADS = re.compile(r"(?:--|\b(?:with|has)-)(?:ads?|adverts?)\b")
_PROSE = 80  # characters: a paragraph this long, with few links, is prose
_HEADS = ("h2", "h3", "h4", "h5", "h6")
# What goes on a sentence after a word: commas (Latin, Arabic, CJK), stops, closing quotes.
_AFTER_WORD = tuple(",،、，;.!?…)”’»\"'")
_DASHES = ("-", "–", "—")
_OPEN_ENDS = (",", "،", "、", "，", ";", *_DASHES)  # what a sentence goes on after


def visible_text(element: lxml.html.HtmlElement) -> str:
    """An inline element's text without what is hidden or never read inside it (a
    formula's TeX in a hidden span, a script), a ``<br>`` in it a space ("Editor<br>The
    goal" is not "EditorThe"), but after a hyphen."""
    if not any(unread(d) or d.tag == "br" for d in element.iterdescendants()):
        return element.text_content()
    parts: list[str] = []
    _add_visible(element, parts)
    return "".join(parts)


def _add_visible(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    parts.append(element.text or "")
    for child in element:
        if child.tag == "br":  # a word broken at a hyphen ("Hochwasser-<br>schutz") goes on
            parts.append("" if "".join(parts).rstrip().endswith(("-", "\u00ad")) else " ")
        elif not unread(child):
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
    # What it lacks is no name of it, unless that is all its names say (a notice of no
    # comments, "no-comments").
    words = set(_WORD.findall(_LACKS.sub(" ", names))) or set(_WORD.findall(names))
    dashed = names.replace("_", "-")
    if (
        words & _FURNITURE_WORDS
        or any(pair in dashed for pair in _FURNITURE_PAIRS)
        or any(word.endswith("footer") for word in words)  # "entryfooter", "postfooter"
        or (read_more(element, _READ_MORE) and not _story_rest(element))
    ):
        return words
    return None


def word_of_sentence(element: lxml.html.HtmlElement) -> bool:
    """An inline element its sentence goes on after, named only for opening a note or
    linking a related story (``<a class="popup">``, ``"related-link"``), nothing named
    inside it: its words are the sentence's, whatever its class names say. Not a byline,
    an ad's label, a caption."""
    names = _names(element)
    if not names.strip():
        return False  # no names: read anyway
    after = (element.tail or "").lstrip()[:1]
    followed = after.isalnum() or after in _AFTER_WORD
    if not followed and after not in _DASHES and after:
        return False
    furniture = set(_WORD.findall(names)) & _FURNITURE_WORDS
    if not furniture or not furniture <= _IN_TEXT:
        return False  # not named furniture (read anyway), or named more than a link
    if any(pair in names.replace("_", "-") for pair in _FURNITURE_PAIRS):
        return False
    text = clean_line(element.text_content())
    if not followed:  # a dash after it, or nothing: a note's link ending its sentence
        ends = after or text.endswith(SENTENCE_ENDS)
        if not (ends and furniture == {"popup"} and _goes_on_from(element, text)):
            return False
    if len(text.split()) > _IN_TEXT_WORDS or text.endswith(":") or is_furniture_line(text, True):
        return False  # a block spliced in (a note's text, a headline), or a label ("MORE:")
    return not any(named_furniture(d) for d in element.iterdescendants() if isinstance(d.tag, str))


def _goes_on_from(element: lxml.html.HtmlElement, text: str) -> bool:
    """``text``, a link's, carries on a sentence the text before it left open, after a
    space, in lower case ("palely, <a>mechanically.</a>"): the sentence's last words, not
    a headline or a note spliced in ("1926<span>see the report</span>")."""
    before = element.getprevious()
    parent = element.getparent()
    loose = before.tail if before is not None else parent.text if parent is not None else ""
    if element.tag != "a" or not loose or not loose[-1].isspace():
        return False
    loose = loose.rstrip()
    return bool(loose) and (loose[-1].isalnum() or loose[-1] in _OPEN_ENDS) and text[:1].islower()


def name_words(element: lxml.html.HtmlElement) -> set[str]:
    """The words of an element's class and id ("article__subhead", "haberSpot")."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return set(_WORD.findall(_CAMEL.sub(" ", names).lower()))


def _names(element: lxml.html.HtmlElement) -> str:
    """An element's class and id, lower case (as they are: no word of them dropped)."""
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower()


def read_more(element: lxml.html.HtmlElement, pairs: tuple[str, ...]) -> bool:
    names = _names(element).replace("_", "-")
    return any(pair in names for pair in pairs)


def _story_rest(element: lxml.html.HtmlElement) -> bool:
    """A "read more" block holding paragraphs of prose one after the other, not links,
    under no heading of its own: the story's rest, shown at a button's press (the Herald
    Sun's ``div#read-more``). Not a box of "Read more" or teasers (a linked headline over
    each blurb, a blurb opening with its link), nor the next story's opening."""
    if {"next", "related"} & set(_WORD.findall(_names(element))):
        return False
    if any(is_furniture_line(clean_line(h.text_content()), True) for h in element.iter(*_HEADS)):
        return False
    run, last = 0, None  # prose paragraphs in a row, siblings; the last of them
    for paragraph in element.iter("p", *_HEADS):
        if paragraph.tag != "p" and last is None:
            return False  # a box's title over its paragraphs: "Read more about the pool"
        if paragraph.tag != "p" or not _prose(paragraph):
            run, last = 0, None
            continue
        run = run + 1 if last is not None and paragraph.getprevious() is last else 1
        last = paragraph
        if run >= _REST_PARAGRAPHS:
            return True
    return False


def _prose(paragraph: lxml.html.HtmlElement) -> bool:
    """A paragraph of prose: long, few links, not opening with one."""
    text = " ".join(paragraph.text_content().split())
    links = sum(len(a.text_content().strip()) for a in paragraph.iter("a"))
    first = paragraph[0] if len(paragraph) else None
    opens_with_link = first is not None and first.tag == "a" and not (paragraph.text or "").strip()
    return len(text) >= _PROSE and links < 0.25 * len(text) and not opens_with_link


_VIEW_STATES = frozenset({"__VIEWSTATE", "javax.faces.ViewState"})


def server_form(form: lxml.html.HtmlElement) -> bool:
    """The form ASP.NET or JSF puts around a whole page (its view state inside)."""
    return any((field.get("name") or "") in _VIEW_STATES for field in form.iter("input"))

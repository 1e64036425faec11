"""Which elements of a page are its story, once the generic extractor has scored them:
the best element's siblings and its sections, a list's holder, the rest of a story
behind a "Read more" button, the story of a list. Which elements are
never read and which are furniture by their names: ``store.pages.naming``.

The tree is only read, never changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import lxml.html

from store.pages.naming import (
    READ_MORE_LIFT,
    name_words,
    named_furniture,
    read_more,
    unread,
    visible_text,
)
from store.pages.phrases import SENTENCE_ENDS
from store.pages.steps import steps_beside
from store.text import fold

_LIST_LIKE = frozenset({"ul", "ol", "blockquote"})
_NESTING = frozenset({"ul", "ol", "li"})  # where a list sits inside a list
_NOT_PROSE = frozenset("article aside div h1 h2 h3 h4 h5 h6 ol p section table ul".split())
_SIBLING_PROSE = 80  # characters: a sibling this long is a paragraph
_STORY_BOUNDS = frozenset({"article", "main", "body"})
_MEDIA = ("img", "picture", "figure", "video", "iframe", "svg")
_BUTTON = 40  # characters: what a read-more block holds besides the story ("Lire la suite")
_OPENING_WORDS = 8  # of the lead, looked for in the body found
# What a summary above a story is named, and where it is set (not the story's first lines).
_SUMMARIES = frozenset(
    "standfirst dek deck spot summary subtitle subhead teaser excerpt kicker strapline "
    "chapo chapeau sapo abstract description desc entradilla bajada ozet brief lede "
    "highlight highlights legend legende caption".split()
)
# Where a lead's words are something else: a title, a caption, a quote, a link.
_NOT_A_LEAD = ("header", "h1", "h2", "h3", "h4", "h5", "h6", "a", "blockquote", "aside", *_MEDIA)
_WORDS = re.compile(r"\w+")
_RESTATED = 0.6  # of a lead's words in the story's first paragraph: a summary of it
_STANDFIRST = 400  # characters: a standfirst is a paragraph, not a story
_LINE = 25  # characters: a paragraph or a list this long is prose under a heading
_CARD = 300  # characters: a link holding a heading and less is a teaser card
_STATEMENT_ENDS = tuple(end for end in SENTENCE_ENDS if end not in "?؟")
# Of a list's score, what its holder must score besides the half it gets from the list.
_OWN_SHARE = 0.2
_PARENT_SHARE = 0.4  # of the best's score, from its parent's own runs: the parent is the body


def opening_of(lead: str) -> str:
    """The lead's first words, as ``flat`` writes text: what a body that holds it has."""
    return " ".join(fold(lead).split()[:_OPENING_WORDS]) if lead else ""


def flat(element: lxml.html.HtmlElement) -> str:
    """An element's text as ``opening_of`` writes a lead's: folded, spaces single."""
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
        and len(flat(sibling)) <= _STANDFIRST  # not a story hidden by its names
        for sibling in best.itersiblings(preceding=True)
    )


def lead_opens_story(best: lxml.html.HtmlElement, paragraphs: list[str], lead: str) -> bool:
    """The page's lead is the story's first paragraph: the element right before the
    ``paragraphs`` read, in the story's own container (not its ``<header>``), a plain
    paragraph holding the lead alone, a sentence, as News Corp's ``story-intro``. Not a
    summary set above the story (in a heading, named as one, a deck without a full stop,
    one the first paragraph restates), nor the lead as a caption, a quote, a share
    button's text or hidden text repeats it."""
    if not paragraphs or next(best.iterancestors("header"), None) is not None:
        return False
    if not lead.rstrip("”’»\"' ").endswith(_STATEMENT_ENDS):
        return False
    read = " ".join(fold(" ".join(paragraphs)).split())
    for sibling in best.itersiblings(preceding=True):
        if not isinstance(sibling.tag, str) or unread(sibling):
            continue
        text = " ".join(fold(visible_text(sibling)).split())
        if text and text not in read:  # a sibling without words, or one read, comes first
            return (
                sibling.tag in ("p", "div")
                and text == " ".join(fold(lead).split())
                and next(sibling.iter(*_NOT_A_LEAD), None) is None
                and not any(_summary(e) for e in sibling.iter() if isinstance(e.tag, str))
                and not _under_media(sibling)
                and not _restated(text, paragraphs[0])
            )
    return False


def _summary(element: lxml.html.HtmlElement) -> bool:
    return named_furniture(element) is not None or bool(name_words(element) & _SUMMARIES)


def _under_media(element: lxml.html.HtmlElement) -> bool:
    """Right after a picture or a video without a caption of its own (the lead is it)."""
    before = element.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()
    if before is None or next(before.iter(*_MEDIA), None) is None:
        return False
    return not before.text_content().strip()


def _restated(lead: str, first: str) -> bool:
    """The story's first paragraph says the lead again, in words of its own."""
    words = set(_WORDS.findall(lead))
    return len(words & set(_WORDS.findall(fold(first)))) >= _RESTATED * len(words)


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
    while (
        parent is not None
        and parent.tag != "body"
        and direct.get(parent, 0.0) >= _PARENT_SHARE * scores.get(best, 0.0)
    ):
        best, parent = parent, parent.getparent()
    # The rest of a story behind a "Read more" button: the block holding it is the body,
    # the paragraphs before it its siblings.
    # (inside the story's <article> or <main>: not a page's "readmore-enabled" flag)
    # (holding little more than it, a button: not a wrapper with the date and credits)
    rests, length = [], _words(best)
    for element in (best, *best.iterancestors()):
        if element.tag in _STORY_BOUNDS or _words(element) > length + _BUTTON:
            break
        if read_more(element, READ_MORE_LIFT):
            rests.append(element)
    return rests[-1] if rests else best


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
    rest = read_more(best, READ_MORE_LIFT)  # the rest of a story behind a button
    # (before that rest, its beginning)
    titled = any(_titles(s) for s in siblings[:at]) and not rest
    chosen = [best] + [
        s
        for i, s in enumerate(siblings)
        if s is not best
        and (scores.get(s, 0.0) >= floor or ((i > at or not titled) and _prose_sibling(s)))
    ]
    if rest:
        chosen += _opening_of_rest(siblings[:at], chosen, " ".join(best.text_content().split()))
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


def _words(element: lxml.html.HtmlElement) -> int:
    """The length of an element's words, one space between them."""
    return len(" ".join(element.text_content().split()))


def _holds_any(element: lxml.html.HtmlElement) -> bool:
    """Words or a picture (not a button's icon)."""
    return bool(_words(element)) or next(element.iter(*_MEDIA), None) is not None


def _opening_of_rest(
    before: list[lxml.html.HtmlElement], chosen: list[lxml.html.HtmlElement], rest: str
) -> list[lxml.html.HtmlElement]:
    """The paragraphs of prose right before the rest of a story, whatever their class
    (two at least, one after the other: a single one is the standfirst), not an excerpt
    of the rest repeated."""
    run: list[lxml.html.HtmlElement] = []
    for element in reversed(before):
        text = " ".join(element.text_content().split())
        if element.tag != "p" or len(text) < _SIBLING_PROSE:
            break
        if text.rstrip("…. ") in rest:
            continue  # the rest's own opening, shown above it cut short
        run.append(element)
    return [p for p in run if p not in chosen] if len(run) >= 2 else []


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
    least a fifth of that parent. On a page without ``<article>``s, the story told in
    steps, posts or slides: the parent's siblings of its tag and class, three or more
    in all, each holding prose of its own (not a teaser's linked headline)."""
    parent, story = best.getparent(), article_of(best)
    if parent is None or parent is story or not parent.get("class"):
        return []
    if story is None:
        return steps_beside(parent, scores) if no_articles(best) else []
    floor = scores.get(parent, 0.0) * 0.2
    return [
        element
        for element in story.iter(parent.tag)
        if element is not parent
        and element.get("class") == parent.get("class")
        and scores.get(element, 0.0) >= floor
        and article_of(element) is story
    ]


def no_articles(element: lxml.html.HtmlElement) -> bool:
    return next(element.getroottree().getroot().iter("article"), None) is None


def article_of(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    return next(element.iterancestors("article"), None)


def prose_heading(heading: lxml.html.HtmlElement, text: str) -> bool:
    """A subhead as long as a paragraph, ending as a statement does, with no prose after
    it: a paragraph set as a heading (BuzzFeed's list items, over a picture), scored and
    read as one. Not a question (an explainer's subheads), a teaser's headline (in a
    link), a live blog's or a listicle's entry or a crosshead in a wrapper of its own
    (prose after it, or after its wrapper)."""
    if heading.tag == "h1" or len(text) < _SIBLING_PROSE or not text.endswith(_STATEMENT_ENDS):
        return False
    if heading.find(".//a") is not None or in_card(heading):
        return False
    node, parent = heading, heading.getparent()
    while (  # a wrapper of its own, maybe with a button (a BuzzFeed item has a picture)
        parent is not None
        and parent.tag not in _STORY_BOUNDS
        and not any(c is not node and _holds_any(c) for c in parent if isinstance(c.tag, str))
        and _words(parent) <= len(text) + 10
    ):
        node, parent = parent, parent.getparent()
    if len((node.tail or "").strip()) >= _LINE:
        return False
    if any(
        isinstance(after.tag, str) and len(" ".join(visible_text(after).split())) >= _LINE
        for after in node.itersiblings()
    ):
        return False
    # an item of a list with paragraphs elsewhere (not a gallery's captions, teasers)
    items = parent.getparent() if parent is not None else None
    return items is not None and any(
        _words(p) >= _SIBLING_PROSE for p in items.iter("p") if not _in(p, parent)
    )


def _in(element: lxml.html.HtmlElement, holder: lxml.html.HtmlElement) -> bool:
    return element is holder or holder in element.iterancestors()


def in_card(heading: lxml.html.HtmlElement) -> bool:
    """A heading in a link to another page, holding little more, with no prose after it:
    a teaser card's headline. Not a live blog's entry linked to itself (``#post-1``), an
    accordion's question (``javascript:``), a subhead linked to its source (prose
    after it)."""
    link = next(heading.iterancestors("a"), None)
    if link is None:
        return False
    href = (link.get("href") or "#").strip().lower()
    if "#" in href or href.startswith("javascript:") or len(link.text_content()) >= _CARD:
        return False
    return not any(_holds_prose(after) for after in link.itersiblings())


def _holds_prose(element: lxml.html.HtmlElement) -> bool:
    return isinstance(element.tag, str) and any(
        len(" ".join(visible_text(e).split())) >= _LINE for e in element.iter("p", "ul", "ol")
    )

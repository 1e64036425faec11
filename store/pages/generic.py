"""The generic extractor: the story text of any article page, read from its lxml tree.

1. Text runs: every stretch of text between block boundaries and ``<br>``s, so
   text loose in a ``section``, a ``span`` run, a mixed ``div`` or a table cell
   counts as much as a ``<p>``. Page furniture is never entered: scripts, forms (but
   the one ASP.NET puts around a page), figures, ``nav``/``header``/``footer``/``aside``,
   hidden elements, and elements whose class or id names furniture (comments, share,
   related, cookie, newsletter, byline, caption, gallery, ads, ...).
2. Scores, as readability does: a run of prose scores by its length and commas,
   less its share of link text; the score goes to the element holding it (a
   paragraph's parent) in full and to that element's parent in half. The body
   is the best-scoring element (or its parent, where that scores as much: paragraphs
   each in a wrapper of their own), with the siblings that score close to it.
3. Lines that are furniture even inside a body go (``store.pages.furniture``):
   bylines (their names are kept as the authors) and comment notices among the
   body's first or last ``EDGE`` lines, and anywhere captions, share prompts,
   advert labels, "read more" links and whole-line notices ("Leave a comment"). A
   table of data's row is a line of its cells ("Herbert Dürr | 63 | 16.6%").

The tree is only read, never changed: the caller reads title and metadata from it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import lxml.html

from store.pages.blocks import SUBHEAD
from store.pages.furniture import (
    authors_of,
    data_row,
    is_byline,
    is_figure,
    is_furniture_line,
    looks_like_subhead,
    without_repeated,
)
from store.pages.naming import (
    HEADINGS,
    hidden,
    named_furniture,
    server_form,
    unread,
    visible_text,
    word_of_sentence,
)
from store.pages.sections import (
    another_of_list,
    article_holding,
    article_of,
    flat,
    holder_of_list,
    in_card,
    lead_opens_story,
    opening_of,
    prose_heading,
    sections_of,
    standfirst_beside,
    with_siblings,
)
from store.text import clean_line, fold

# Elements that start a new run; everything else is inline.
_BLOCKS = frozenset(
    "address article aside blockquote body center dd details div dl dt fieldset figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul".split()
)
_INLINE_HOLDERS = frozenset({"span", "font"})  # read line by line where they hold <br>s
_PARAGRAPHS = frozenset("p h1 h2 h3 h4 h5 h6 li dt dd blockquote pre".split())
_SUBHEADS = frozenset({"h2", "h3", "h4", "h5"})
# Furniture by its tag, but entered where it wraps the story (broken markup does that).
_LAYOUT_TAGS = frozenset("nav header footer aside menu".split())
_WRAPPERS = _LAYOUT_TAGS | {"form"}  # a form around the page: ASP.NET writes one
# Commas as prose has them: Latin, Arabic, CJK (ideographic and full-width).
_COMMAS = (",", "،", "、", "，")
MIN_RUN = 25  # characters: shorter runs are kept but earn no score
RETRY_CHARS = 120  # a body shorter than this: class names may hide it, read again
PROSE = 80  # characters: a run this long earns a point for being a paragraph
EDGE = 3  # lines at each end of a body where bylines and comment notices are looked for


@dataclass
class _Run:
    holder: lxml.html.HtmlElement
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    bold_only: bool = True

    @cached_property
    def text(self) -> str:
        """The run's line, once it is whole (asked after the walk)."""
        return clean_line("".join(self.parts))


@dataclass
class GenericBody:
    """What the generic extractor found: paragraphs ("## " subheads) and byline names;
    whether the page's lead, left out, is the story's first paragraph."""

    paragraphs: list[str]
    authors: list[str]
    lead_opens: bool = False


def extract_generic(root: lxml.html.HtmlElement, lead: str = "") -> GenericBody:
    """The story paragraphs of any page; empty paragraphs when there are none.

    Should the class names or the tags hide the story (an article of class
    "newsletter-post", a page wrapped in a ``header`` by broken markup), the page is
    read without them to find where the story is, then again with them everywhere
    but on the way down to it: when too little was found, or when the page's
    ``lead`` (its description, usually the story's opening) is in the page but not
    in what was found and the second reading has it.
    """
    body = root.find("body")
    if body is None:
        return GenericBody([], [])
    found, first = _read(body, frozenset())
    opening = opening_of(lead)
    missed = bool(opening) and opening not in _flat(found) and opening in flat(body)
    if missed and first is not None and standfirst_beside(first, opening):
        missed = False  # the lead is the story's standfirst, beside it: left out
        found.lead_opens = lead_opens_story(first, found.paragraphs, lead)
    if _length(found) >= RETRY_CHARS and not missed:
        return found
    story = article_holding(body, opening) if missed else None
    if story is not None and first is not None and another_of_list(story, article_of(first)):
        # A page of stories one after another (an endless scroll): the lead's, not the
        # longest.
        own, _ = _read(story, frozenset())
        if _length(own) >= RETRY_CHARS:
            return GenericBody(own.paragraphs, own.authors or found.authors)
    # Layout tags (a header, an aside) are looked into only for a story the lead says is
    # there: a short story beside an aside of teasers stays the short story.
    plain, best = _read(body, None, layout=missed)
    if best is None:
        return found
    again, _ = _read(body, frozenset({best, *best.iterancestors()}))
    better = again if _length(again) >= RETRY_CHARS else plain
    if missed and _length(found) >= RETRY_CHARS:
        if opening not in _flat(better):
            return found
    elif _length(better) <= _length(found):
        return found
    return GenericBody(better.paragraphs, found.authors or better.authors)


def _flat(found: GenericBody) -> str:
    return " ".join(fold(" ".join(found.paragraphs)).split())


def _length(found: GenericBody) -> int:
    return sum(len(p) for p in found.paragraphs)


def _read(
    body: lxml.html.HtmlElement,
    protected: frozenset[lxml.html.HtmlElement] | None,
    *,
    layout: bool = False,
) -> tuple[GenericBody, lxml.html.HtmlElement | None]:
    """The story and the element it was found in; ``protected`` elements are entered
    whatever their tags and class names, None means class names are not looked at, and
    ``layout`` that layout tags are not either."""
    bylines: list[str] = []
    runs = _runs(body, bylines, protected, layout)
    scores, direct = _scores(runs)
    if not scores:
        return GenericBody([], authors_of(bylines)), None
    best = holder_of_list(max(scores, key=scores.__getitem__), scores, direct)
    chosen = with_siblings(best, scores) + sections_of(best, scores)
    within = set(chosen)
    inside = [
        run
        for run in runs
        if (run.holder in within or any(a in within for a in run.holder.iterancestors()))
        and run.text
        and run.holder.tag != "h1"
    ]
    paragraphs: list[str] = []
    last_row = None  # the table row the last paragraph is of: its cells make one line
    tables: dict[lxml.html.HtmlElement, bool] = {}  # rows and tables judged, of data or not
    for index, run in enumerate(inside):
        text = run.text
        at_edge = index < EDGE or index >= len(inside) - EDGE
        if at_edge and is_byline(text):
            bylines.append(text)
            continue
        row = data_row(run.holder, tables)
        heading = run.holder.tag in _SUBHEADS and not prose_heading(run.holder, run.text)
        subhead = heading or (run.bold_only and row is None and looks_like_subhead(text))
        line = SUBHEAD + text if subhead else text
        # A bold line is judged as a line ("12.10.2015, 19:16 Uhr" in <strong>), a heading
        # as a heading ("## March 2020"), a table's figure as one ("63", "16.6%").
        # A link's line is furniture, a heading in a link a teaser card's headline too.
        figure = row is not None and is_figure(text)
        if (
            (is_furniture_line(line if heading else text, at_edge) and not figure)
            or (run.link_chars > 0.6 * len(text) and len(text) < 200)
            or (heading and in_card(run.holder))
        ):
            continue
        if row is not None and row is last_row:
            paragraphs[-1] += f" | {text}"
        else:
            paragraphs.append(line)
        last_row = row
    return GenericBody(without_repeated(paragraphs), authors_of(bylines)), best


def _runs(
    body: lxml.html.HtmlElement,
    bylines: list[str],
    protected: frozenset[lxml.html.HtmlElement] | None,
    layout: bool,
) -> list[_Run]:
    """Every run of text outside furniture, in document order."""
    runs: list[_Run] = []
    page_chars = page_landmarks = -1  # the body's, counted when first asked

    def wraps_page(element: lxml.html.HtmlElement) -> bool:
        """A layout tag holding most of the page and every title and article it has: a
        wrapper (broken markup), not furniture (an aside of teaser <article>s is not: the
        story's own <article> or <h1> is outside it)."""
        nonlocal page_chars, page_landmarks
        if page_chars < 0:
            page_chars, page_landmarks = len(body.text_content()), _landmarks(body)
        if len(element.text_content()) * 2 <= page_chars:
            return False
        if _landmarks(element) != page_landmarks:
            return False
        return page_landmarks > 0 or (element.tag == "form" and server_form(element))

    def walk(block: lxml.html.HtmlElement) -> None:
        run = _Run(block)
        _add_text(run, block.text)
        for child in block:
            tag = child.tag if isinstance(child.tag, str) else ""
            wrapper = tag in _WRAPPERS and wraps_page(child)
            in_sentence = (
                tag not in _BLOCKS and word_of_sentence(child) and not _holds_blocks(child)
            )
            named = None if in_sentence else protected
            if not tag or _skipped(child, tag, bylines, named, layout or wrapper, wrapper):
                pass
            elif tag in _BLOCKS or (tag != "br" and _holds_blocks(child)):
                runs.append(run)
                walk(child)
                run = _Run(block)
            elif tag == "br":
                runs.append(run)
                run = _Run(block)
            elif tag in _INLINE_HOLDERS and child.find(".//br") is not None:
                run = _lines(run, child, block, runs)
            else:
                _inline(run, child, tag)
            _add_text(run, child.tail)
        runs.append(run)

    walk(body)
    return [run for run in runs if run.parts and run.text]


def _landmarks(element: lxml.html.HtmlElement) -> int:
    """How many titles and articles (h1, article, main) ``element`` holds."""
    return sum(1 for _ in element.iter("article", "main", "h1"))


def _inline(run: _Run, element: lxml.html.HtmlElement, tag: str) -> None:
    text = visible_text(element)
    run.parts.append(text)
    if tag == "a":
        run.link_chars += len(text.strip())
    if text.strip() and tag not in ("b", "strong"):
        run.bold_only = False


def _skipped(
    element: lxml.html.HtmlElement,
    tag: str,
    bylines: list[str],
    protected: frozenset[lxml.html.HtmlElement] | None,
    layout: bool = False,
    wrapper: bool = False,
) -> bool:
    """Furniture: not entered. A byline's text is remembered for its names; a
    ``wrapper`` holds the page (its form, its header by broken markup)."""
    if unread(element) and not (wrapper and tag == "form" and not hidden(element)):
        return True
    if protected is not None and element in protected:
        return False
    if tag in _LAYOUT_TAGS:
        return not layout
    if protected is None:
        return False
    words = named_furniture(element)
    if words is None:
        return False
    if words & {"byline", "author", "authors"}:
        bylines.append(clean_line(element.text_content()))
    return True


def _holds_blocks(element: lxml.html.HtmlElement) -> bool:
    """An inline element wrapping blocks (``<a><div>...</div></a>``) is walked as a block."""
    return any(isinstance(d.tag, str) and d.tag in _BLOCKS for d in element.iterdescendants())


def _lines(
    run: _Run, element: lxml.html.HtmlElement, block: lxml.html.HtmlElement, runs: list[_Run]
) -> _Run:
    """A span or font holding ``<br>``s, read inline: a new run of ``block`` at each
    ``<br>`` (a story's lines between ``<br>``s in a span, as ASP.NET pages have it).
    Returns the run the text after it goes on."""
    _add_text(run, element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag or unread(child):
            pass
        elif tag == "br":
            runs.append(run)
            run = _Run(block)
        elif tag in _INLINE_HOLDERS and len(child):
            run = _lines(run, child, block, runs)
        else:
            _inline(run, child, tag)
        _add_text(run, child.tail)
    return run


def _add_text(run: _Run, text: str | None) -> None:
    """Text loose in a block or an inline (not in a tag of its own: not bold)."""
    if text:
        run.parts.append(text)
        run.bold_only = run.bold_only and not text.strip()


def _scores(
    runs: list[_Run],
) -> tuple[dict[lxml.html.HtmlElement, float], dict[lxml.html.HtmlElement, float]]:
    """Each element's score, and the part of it from runs of its own (not halves)."""
    scores: dict[lxml.html.HtmlElement, float] = {}
    direct: dict[lxml.html.HtmlElement, float] = {}
    lengths: dict[lxml.html.HtmlElement, int] = {}  # each element's text length, once
    for run in runs:
        text = run.text
        if len(text) < MIN_RUN or (
            run.holder.tag in HEADINGS and not prose_heading(run.holder, run.text)
        ):
            continue
        prose = 1 if len(text) >= PROSE else 0
        commas = sum(text.count(comma) for comma in _COMMAS)
        score = (prose + commas + min(len(text) / 100, 3)) * (
            1 - min(run.link_chars / len(text), 1)
        )
        container = _container(run.holder, len(text), lengths)
        scores[container] = scores.get(container, 0.0) + score
        direct[container] = direct.get(container, 0.0) + score
        parent = container.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + score / 2
    return scores, direct


def _container(
    holder: lxml.html.HtmlElement, length: int, lengths: dict[lxml.html.HtmlElement, int]
) -> lxml.html.HtmlElement:
    """Where a run's score goes: above its paragraph, and above any element (a table
    cell, a row, a wrapping div) that holds nothing but this run."""
    container = holder
    while container.tag in _PARAGRAPHS or (
        container.tag != "body" and _length_of(container, lengths) <= length + 10
    ):
        parent = container.getparent()
        if parent is None:
            break
        container = parent
    return container


def _length_of(element: lxml.html.HtmlElement, lengths: dict[lxml.html.HtmlElement, int]) -> int:
    if element not in lengths:
        # (its words' length with one space between: a measure, cheaper than clean_line)
        lengths[element] = len(" ".join(element.text_content().split()))
    return lengths[element]

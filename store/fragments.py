"""HTML fragments whose text is read without building their tree (store.text's leads).

A lead is mostly <p>, <strong>, <a>, <img> and <br>, well nested: such a fragment's
text is what libxml2's tree would give (html_to_text's breaks included), read here
from its pieces; anything else is left to the tree. tests/test_text.py and
tests/test_fast_paths.py compare the two.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Sequence

# Not simple, so read from the tree: another tag, an entity we do not know, a comment,
# a tag the parser would close by itself (libxml2 closes an open <p> at a <div>, an
# <li> at the next <li>...), a misnested or unclosed one.
_SIMPLE_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
    r"(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=`]+))?)*)\s*(/?)>"
)
_INLINE, _BLOCK, _VOID, _BREAK = 0, 1, 2, 3
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_SIMPLE_TAGS = {
    **dict.fromkeys(("p", "div", "li", "ul", "blockquote", *_HEADINGS), _BLOCK),
    **dict.fromkeys(("a", "b", "strong", "i", "em", "u", "span", "small", "sub", "sup"), _INLINE),
    **dict.fromkeys(("img", "wbr"), _VOID),
    "br": _BREAK,
}
# A start tag -> the open elements libxml2 closes at it (its htmlStartClose, for these tags).
_CLOSES = {
    "p": _HEADINGS | {"p", "i", "b", "u", "small"},
    "li": _HEADINGS | {"p", "li"},
    **dict.fromkeys(_HEADINGS, _HEADINGS | {"p"}),
    **dict.fromkeys(("div", "ul", "blockquote"), frozenset(("p",))),
    "a": frozenset(("a",)),
}
# Not simple: a lone surrogate (no UTF-8 for the parser) or U+FFFE/U+FFFF, which lxml
# refuses in the text it writes (html_to_text's tree fails on them, as it always did).
_NOT_XML_TEXT = re.compile("[\ud800-\udfff\ufffe\uffff]")


def simple_fragment_text(markup: str, printable: bool) -> str | None:
    """The text (with html_to_text's breaks) of a simple, well-nested fragment; None
    when the fragment is not one (then its tree is built). ``printable``: the markup
    is printable_lines (so holds nothing _NOT_XML_TEXT finds)."""
    if not printable and not markup.isascii() and _NOT_XML_TEXT.search(markup):
        return None
    # split gives: text, then each "<...>" and the text after it. A simple tag is one
    # such piece (its values hold no "<" or ">"), so a fragment is simple when every
    # piece is a _SIMPLE_TAG and no "<" is left in the text.
    parts = _TAG_PIECE.split(markup)
    tags = parts[1::2]
    if len(tags) > _MOST_KNOWN_TAGS:
        breaks = _fragment_breaks([_tag_kind(tag) for tag in tags])
    else:
        # Leads repeat their tags ("<p>", "</strong>", a section's link) and a few
        # shapes (which tags in which order): each tag and each shape is read once.
        if len(_TAG_KINDS) > _MOST_TAGS:
            _TAG_KINDS.clear()
        shape = tuple(map(_TAG_KINDS.__getitem__, tags))
        try:
            breaks = _KNOWN_SHAPES[shape]
        except KeyError:
            if len(_KNOWN_SHAPES) > _MOST_SHAPES:
                _KNOWN_SHAPES.clear()
            breaks = _KNOWN_SHAPES[shape] = _fragment_breaks(shape)
    if breaks is None:
        return None
    texts = parts[::2]
    pieces = texts * 2
    pieces[::2], pieces[1::2] = texts, breaks
    text = "".join(pieces)
    # Text between the tags must be text alone: no "<" left over, no entity but the
    # ones the parser reads as we do.
    if "<" in text:
        return None
    return _decoded(text) if "&" in text else text


_TAG_PIECE = re.compile(r"(<[^<>]*>)")


def _tag_kind(tag: str) -> str:
    """A tag as _fragment_breaks reads it: "/" if closing, its name in lower case, "+"
    if it has attributes, "/" if self-closing ("p", "/p", "img+/"); "" if not simple."""
    match = _SIMPLE_TAG.fullmatch(tag)
    if match is None:
        return ""
    closing, name, attributes, self_closing = match.groups()
    return f"{closing}{name.lower()}{'+' if attributes else ''}{self_closing}"


class _TagKinds(dict[str, str]):
    """tag -> _tag_kind(tag), each tag read on first sight."""

    def __missing__(self, tag: str) -> str:
        kind = self[tag] = _tag_kind(tag)
        return kind


_TAG_KINDS = _TagKinds()
_MOST_TAGS = 10_000
_KNOWN_SHAPES: dict[tuple[str, ...], list[str] | None] = {}
_MOST_SHAPES = 2000
_MOST_KNOWN_TAGS = 64


def _fragment_breaks(kinds: Sequence[str]) -> list[str] | None:
    """The break after each tag of a fragment (and a last ""), from the tags' kinds;
    None when the fragment is not simple: a tag we do not know, misnested, unclosed..."""
    breaks: list[str] = []
    open_tags: list[str] = []
    for tag in kinds:
        closing = tag.startswith("/")
        self_closing = tag.endswith("/") and len(tag) > 1
        name = tag.strip("/")
        attributes = name.endswith("+")
        name = name.rstrip("+")
        kind = _SIMPLE_TAGS.get(name)
        if kind is None:
            return None
        if kind >= _VOID:
            if closing:
                return None
            breaks.append("\n" if kind == _BREAK else "")
            continue
        if closing:
            if attributes or self_closing or not open_tags or open_tags.pop() != name:
                return None
        else:
            closes = _CLOSES.get(name)
            if self_closing or len(open_tags) > 64 or closes and not closes.isdisjoint(open_tags):
                return None
            open_tags.append(name)
        breaks.append("\n\n" if kind == _BLOCK else "")
    if open_tags:
        return None
    breaks.append("")
    return breaks


# The entities libxml2's HTML parser reads as Python does: HTML 4's names (but for
# lang and rang, which it maps to other brackets) and numeric references to printable
# characters. tests/test_text.py checks each against the tree.
_ENTITY_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z0-9]{2,8}));")
_NAMED = {
    name: chr(code)
    for name, code in html.entities.name2codepoint.items()
    if name not in ("lang", "rang")
} | {"apos": "'"}
# Code points a reference may name: the printable ranges, less C1 and U+FFFE/FFFF.
_REFERABLE = ((0x20, 0x7F), (0xA0, 0xD800), (0xE000, 0xFFFE), (0x10000, 0x110000))


def _decoded(text: str) -> str | None:
    """``text`` with its entities decoded, or None if one is not a known kind."""
    parts = _ENTITY_REFERENCE.split(text)
    for at in range(1, len(parts), 4):
        decimal, hexadecimal, name, after = parts[at : at + 4]
        if "&" in after:
            return None
        if name is not None:
            letter = _NAMED.get(name)
            if letter is None:
                return None
        else:
            code = int(decimal) if decimal is not None else int(hexadecimal, 16)
            if not any(low <= code < high for low, high in _REFERABLE):
                return None
            letter = chr(code)
        parts[at : at + 3] = letter, "", ""
    return None if "&" in parts[0] else "".join(parts)

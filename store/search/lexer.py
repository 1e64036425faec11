"""The search language's words: text to tokens (brackets, OR, terms with their sign and key).

``store.search.parser`` turns the tokens into a tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KNOWN_FILTERS = (
    "tag",
    "feed",
    "folder",
    "lang",
    "cat",
    "dateline",
    "is",
    "since",
    "after",
    "before",
    "sort",
)
_FILTER = re.compile(r"^([A-Za-z]+):(.*)$", re.S)


class QueryError(ValueError):
    """A query that cannot be understood; the message says why in one line."""


@dataclass
class Token:
    """One piece of a query: "(", ")", "OR", or a term with its sign and key."""

    kind: str  # "(", ")", "OR", "term"
    sign: str = ""
    key: str | None = None
    value: str = ""
    quoted: bool = False
    prefix: bool = False
    at: int = 0  # where ``value`` starts in the query's text


def lex(text: str) -> list[Token]:
    """The tokens of ``text``; QueryError for an unbalanced quote or a filter without a value."""
    tokens: list[Token] = []
    pos, n = 0, len(text)
    negate_next = False
    while pos < n:
        char = text[pos]
        if char.isspace():
            pos += 1
            continue
        if char == ")":
            tokens.append(Token(")"))
            pos += 1
            continue
        negated, negate_next = negate_next, False
        sign = ""
        if char in "+-":
            sign = char
            pos += 1
            if pos >= n or text[pos].isspace():
                continue  # a lone + or - means nothing
            char = text[pos]
        if char == "(":
            tokens.append(Token("(", sign=negate(sign) if negated else sign))
            pos += 1
            continue
        pos, negate_next = _lex_word(text, pos, sign, negated, tokens)
    return tokens


def _lex_word(
    text: str, pos: int, sign: str, negated: bool, tokens: list[Token]
) -> tuple[int, bool]:
    """Read one word, filter or quoted phrase at ``pos`` into ``tokens``.

    Returns where the next token starts, and whether a NOT asks to negate it.
    """
    n = len(text)
    bare_end = pos
    while bare_end < n and not text[bare_end].isspace() and text[bare_end] not in '()"':
        bare_end += 1
    bare = text[pos:bare_end]
    pos = bare_end
    key: str | None = None
    match = _FILTER.match(bare)
    quote_next = pos < n and text[pos] == '"'
    # name:value, or name: with a quoted value next; but "Gaza:" as a pasted
    # headline writes it (no value, not a filter) is the word itself.
    if match and (match.group(2) or quote_next or match.group(1).lower() in KNOWN_FILTERS):
        key, bare = match.group(1).lower(), match.group(2)
    elif match:
        bare = match.group(1)
    if sign == "+" and key is None:
        key = "tag"
    if negated:
        sign = negate(sign)
    if not bare and quote_next:
        close = text.find('"', pos + 1)
        if close < 0:
            raise QueryError(f'unbalanced quote: {text[pos:]!r} has no closing "')
        value = text[pos + 1 : close]
        at, pos = pos + 1, close + 1
        prefix = pos < n and text[pos] == "*"
        tokens.append(Token("term", sign, key, value, quoted=True, prefix=prefix, at=at))
        return pos + prefix, False
    if not sign and key is None and bare == "OR":
        tokens.append(Token("OR"))
        return pos, False
    if not sign and key is None and bare in ("AND", "NOT"):
        # Habits from other search boxes: AND is what a space says; NOT is "-".
        return pos, bare == "NOT"
    if key is not None and not bare:
        raise QueryError(f"{key}: needs a value, as in {key}:something")
    prefix = bare.endswith("*")
    value = bare.rstrip("*") if prefix else bare
    tokens.append(Token("term", sign, key, value, False, prefix, at=bare_end - len(bare)))
    return pos, False


def feed_numbers(text: str) -> list[tuple[int, int, int]]:
    """Where the query names a feed by number: (start, end, number) of each ``feed:N``'s N,
    as the parser reads it (not in a phrase, a quoted value too); QueryError as ``lex``."""
    return [
        (token.at, token.at + len(token.value), int(token.value))
        for token in lex(text)
        if token.key == "feed" and token.value.isdigit()  # as the parser: " 12" is a title
    ]


def negate(sign: str) -> str:
    """The opposite sign: '-' for '' or '+', '' for '-'."""
    return "" if sign == "-" else "-"

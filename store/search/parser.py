"""The search language, from text to a tree: no database here.

    gaza israel            both words (AND)
    "cessez-le-feu"        an exact phrase
    secur*                 a prefix
    gaza OR gazze          either; OR binds tighter than the implied AND, so
                           ``gaza OR gazze israel`` is (gaza OR gazze) AND israel;
                           AND may be written, NOT means -; lower-case or/and/not are words
    ( ... )                grouping
    -word  -"a phrase"     without that word / phrase; ``-`` before any term negates it
    tag:x  +x              tagged x (the story's own tags or its feeds' tags)
    -tag:x                 not tagged x (``-x`` is *not* a tag: it excludes the word x)
    feed:12  feed:dunya    a feed by id, or by a folded piece of its title
    folder:news            the feeds in a folder of the user's (and its sub-folders)
    lang:fr  cat:monde     language; category (the story's, or its feed's slug)
    dateline:bagdad        a word (or prefix with *) of the dateline
    is:unread|read|starred|updated|hidden
    since:2d after:2024-05-01 before:12h   (m h d w ago, or a date: local midnight)
    sort:new|old|rank      newest first (default), oldest first, best match first

Every word is folded with ``store.text.fold``: "istanbul" finds "İSTANBUL".
Plain words and phrases also match a tag of that (folded) name. A pasted
headline's "Gaza:" is the word gaza, not a filter; punctuation alone (``""``,
``*``, ``-``) is an error rather than "every story" (the empty query is that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from store.clock import in_range
from store.search.lexer import KNOWN_FILTERS, QueryError, Token, lex
from store.text import fold

STATES = ("unread", "read", "starred", "updated", "hidden")
SORTS = ("new", "old", "rank")
_RELATIVE = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_EDGES = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True)
class Term:
    """A folded word, phrase or prefix to find in the text (optionally one column)."""

    kind: str  # "word", "phrase" or "prefix"
    text: str
    column: str | None = None


@dataclass(frozen=True)
class Filter:
    """A ``name:value`` condition on something other than the text."""

    name: str
    value: str


@dataclass(frozen=True)
class Not:
    """Everything but what ``node`` matches."""

    node: Node


@dataclass(frozen=True)
class And:
    """All of ``nodes``."""

    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any of ``nodes``."""

    nodes: tuple[Node, ...]


Node = Term | Filter | Not | And | Or


@dataclass(frozen=True)
class Query:
    """A parsed query: the condition tree (None: everything), the order, the source text."""

    text: str
    root: Node | None = None
    sort: str = "new"
    show_hidden: bool = False
    terms: tuple[str, ...] = field(default=())


# The most a query may nest and say: beyond these SQLite refuses the statement
# ("Expression tree is too large", "parser stack overflow"), and Python's stack
# would give out first on deeper parentheses.
MAX_DEPTH = 40
MAX_TERMS = 300


def parse_query(text: str) -> Query:
    """Parse the search language (see the module docstring); QueryError if it cannot."""
    tokens = lex(text)
    _check_size(tokens)
    parser = _Parser(tokens)
    root = parser.parse_all()
    if root is None and _asks_for_something(text, tokens):
        # '""', "*" or "-" alone would otherwise match every story (and tag them all).
        words = set(text.replace("(", " ").replace(")", " ").split())
        why = (
            "AND, OR and NOT only join the words searched for"
            if words and words <= {"AND", "OR", "NOT"}
            else "punctuation is not searched"
        )
        raise QueryError(f"nothing to search for in {text.strip()!r}: {why}")
    show_hidden = False
    for node in _walk(root):
        if isinstance(node, Filter) and node.name == "is" and node.value == "hidden":
            show_hidden = True
    sort = parser.sort or "new"
    return Query(text=text, root=root, sort=sort, show_hidden=show_hidden, terms=_terms(root))


def _check_size(tokens: list[Token]) -> None:
    """QueryError for a query nested or long past what the search index can run."""
    depth = deepest = terms = 0
    for token in tokens:
        if token.kind == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == ")":
            depth -= 1
        elif token.kind == "term":
            terms += 1
    if deepest > MAX_DEPTH:
        raise QueryError(f"parentheses nested {deepest} deep; a query may nest {MAX_DEPTH} at most")
    if terms > MAX_TERMS:
        raise QueryError(f"{terms} words and filters; a query may have {MAX_TERMS} at most")


def _asks_for_something(text: str, tokens: list[Token]) -> bool:
    """Whether the text says more than a sort (an empty query means every story)."""
    if not tokens:
        return bool(text.strip())
    return any(not (token.kind == "term" and token.key == "sort") for token in tokens)


def relative_or_date(name: str, value: str, now: datetime | None = None) -> datetime:
    """The moment ``since:``/``after:``/``before:`` mean: N units ago, or local midnight."""
    now = now or datetime.now().astimezone()
    match = _RELATIVE.match(value)
    try:
        day = None if match else date.fromisoformat(value)
    except ValueError:
        raise QueryError(
            f"{name}:{value} — not a date; use 30m, 12h, 2d, 1w or YYYY-MM-DD"
        ) from None
    try:
        if match:
            moment = now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        else:
            moment = datetime.combine(day, time()).astimezone()  # type: ignore[arg-type]
    except (OverflowError, ValueError):  # since:99999999d; year 0 west of the date line
        moment = None
    if moment is None or not in_range(moment):
        raise QueryError(f"{name}:{value} — out of range; dates go from 1900 to 2200") from None
    return moment


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.sort: str | None = None

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_all(self) -> Node | None:
        node = self.parse_and()
        token = self.peek()
        if token is not None:
            raise QueryError("unbalanced parenthesis: a ) without its (")
        return node

    def parse_and(self) -> Node | None:
        nodes: list[Node] = []
        while True:
            token = self.peek()
            if token is None or token.kind == ")":
                break
            if token.kind == "OR":
                raise QueryError("OR needs a term on each side")
            node = self.parse_or()
            if node is not None:
                nodes.append(node)
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def parse_or(self) -> Node | None:
        first = self.parse_unary()
        options = [first]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.pos += 1
            following = self.peek()
            if following is None or following.kind in (")", "OR"):
                raise QueryError("OR needs a term on each side")
            options.append(self.parse_unary())
        if len(options) == 1:
            return first
        if any(option is None for option in options):
            raise QueryError("OR needs a term on each side (sort: and empty words cannot be OR'd)")
        return Or(tuple(o for o in options if o is not None))

    def parse_unary(self) -> Node | None:
        token = self.tokens[self.pos]
        self.pos += 1
        if token.kind == "(":
            inner = self.parse_and()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QueryError("unbalanced parenthesis: a ( without its )")
            self.pos += 1
            if inner is None:
                return None
            return Not(inner) if token.sign == "-" else inner
        node = self.term(token)
        if node is None:
            return None
        return Not(node) if token.sign == "-" else node

    def term(self, token: Token) -> Node | None:
        key = token.key
        if key is None:
            return _text_term(token.value, token.quoted, token.prefix, None)
        if key not in KNOWN_FILTERS:
            raise QueryError(
                f"unknown filter {key}:{token.value} — known filters: "
                + ", ".join(f"{name}:" for name in KNOWN_FILTERS)
            )
        value = token.value.strip()
        if key == "dateline":
            node = _text_term(value, token.quoted, token.prefix, "dateline")
            if node is None:
                raise QueryError(f"dateline:{value} — needs a word to look for")
            return node
        if key == "sort":
            if value.lower() not in SORTS:
                raise QueryError(f"sort:{value} — use sort:new, sort:old or sort:rank")
            self.sort = value.lower()
            return None
        if key == "is":
            if value.lower() not in STATES:
                raise QueryError(f"is:{value} — use one of " + ", ".join(f"is:{s}" for s in STATES))
            return Filter("is", value.lower())
        if key in ("since", "after", "before"):
            relative_or_date(key, value)  # fails now rather than at search time
            return Filter(key, value)
        if key == "lang":
            if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)?", value):
                raise QueryError(f"lang:{value} — use a language code such as lang:fr")
            return Filter("lang", value.lower())
        folded = fold(value).strip()
        if not folded:
            raise QueryError(f"{key}: needs a value, as in {key}:something")
        if key == "feed" and value.isdigit():
            return Filter("feed", value)
        return Filter(key, folded)


def _text_term(value: str, quoted: bool, prefix: bool, column: str | None) -> Term | None:
    # Punctuation at the ends separates words for the index anyway ("Gaza:", "«Gaza»");
    # without it the term also matches a tag of that name and highlights cleanly.
    folded = _EDGES.sub("", " ".join(fold(value).split()))
    if not any(ch.isalnum() for ch in folded):
        return None  # punctuation alone: nothing the index could match
    if prefix:
        return Term("prefix", folded, column)
    if quoted and " " in folded:
        return Term("phrase", folded, column)
    return Term("word", folded, column)


def _walk(node: Node | None) -> list[Node]:
    if node is None:
        return []
    found: list[Node] = [node]
    if isinstance(node, Not):
        found += _walk(node.node)
    elif isinstance(node, And | Or):
        for child in node.nodes:
            found += _walk(child)
    return found


def _terms(node: Node | None, negated: bool = False) -> tuple[str, ...]:
    """Folded words, phrases and prefixes (``secur*``) to highlight; negated ones left out."""
    if node is None:
        return ()
    if isinstance(node, Term):
        if negated:
            return ()
        return (node.text + "*",) if node.kind == "prefix" else (node.text,)
    if isinstance(node, Not):
        return _terms(node.node, not negated)
    if isinstance(node, And | Or):
        out: list[str] = []
        for child in node.nodes:
            for term in _terms(child, negated):
                if term not in out:
                    out.append(term)
        return tuple(out)
    return ()

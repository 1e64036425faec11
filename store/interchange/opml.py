"""Subscription lists in and out: OPML 2.0 and newsboat's ``urls`` file.

Both are read into ``Subscription`` records first (pure parsing, no database),
then ``import_subscriptions`` adds them. The XML parser resolves no entities
and touches no network: an OPML file is data from someone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from lxml import etree
from sqlite_utils import Database

from store import clock
from store.aa.catalogue import CatalogueFeed, language_name, lookup
from store.db import writing
from store.feeds import add_feed, clean_folder, find_feed, is_fetchable_url, list_feeds
from store.model import Feed
from store.text import clean_line, lowercase_origin

# https://www.aa.com.tr/{lang}/rss/default?cat={slug}
_AA_FEED = re.compile(r"^https?://(?:www\.)?aa\.com\.tr/([a-z]{2})/rss/default\?cat=([\w-]+)$")


class SubscriptionListError(ValueError):
    """The file is neither a readable OPML document nor a urls file."""


@dataclass
class Subscription:
    """One feed a list names, with what the list says about it."""

    url: str
    title: str = ""
    tags: list[str] = field(default_factory=list)
    site_url: str | None = None
    folder: str = ""  # the OPML folders around it, outermost first: "News/World"


@dataclass
class SubscriptionList:
    """What a file holds: the feeds, and the lines that could not be feeds and why."""

    format: str
    subscriptions: list[Subscription] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)


@dataclass
class ImportResult:
    """What an import changed."""

    added: list[int] = field(default_factory=list)
    existing: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    stories: int = 0  # restored from a JSON export


def read_subscriptions(data: bytes | str) -> SubscriptionList:
    """Parse a subscription file, telling OPML from a urls file by its content."""
    if isinstance(data, bytes):
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"<"):
            return parse_opml(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        return parse_urls(text)
    if data.lstrip("\ufeff \t\r\n").startswith("<"):
        return parse_opml(data.encode("utf-8"))
    return parse_urls(data)


def parse_opml(data: bytes) -> SubscriptionList:
    """Feeds of an OPML document: outlines around a feed are its folder, ``category`` its tags."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data.lstrip(b"\xef\xbb\xbf \t\r\n") or b"<empty/>", parser)
    except etree.XMLSyntaxError as error:
        raise SubscriptionListError(f"not a well-formed OPML document: {error}") from None
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise SubscriptionListError("not an OPML document (no <opml> root element)")
    body = next((c for c in root if _local(c) == "body"), None)
    result = SubscriptionList(format="opml")
    if body is None:
        return result
    _walk_outlines(body, [], result)
    return result


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def _walk_outlines(parent: etree._Element, path: list[str], out: SubscriptionList) -> None:
    for outline in parent:
        if _local(outline) != "outline":
            continue
        attrs = {k.lower() if isinstance(k, str) else k: v for k, v in outline.attrib.items()}
        name = clean_line(attrs.get("title") or attrs.get("text"))
        url = clean_line(attrs.get("xmlurl"))
        if not url:
            # A folder: every feed inside it is filed there.
            _walk_outlines(outline, [*path, name] if name else path, out)
            continue
        if not is_fetchable_url(url):
            out.skipped.append((url, "not http(s)"))
            continue
        tags = _category_tags(attrs.get("category") or "")
        site = clean_line(attrs.get("htmlurl")) or None
        out.subscriptions.append(
            Subscription(
                url=url,
                title=name if name != url else "",
                tags=_unique(tags),
                site_url=site if site and is_fetchable_url(site) else None,
                folder=clean_folder("/".join(path)),
            )
        )
        _walk_outlines(outline, path, out)


def _category_tags(value: str) -> list[str]:
    """OPML's category: comma-separated, slash-delimited paths; every step is a tag."""
    tags: list[str] = []
    for path in value.split(","):
        tags += [clean_line(part) for part in path.split("/") if clean_line(part)]
    return tags


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"?|(\S+)')


def parse_urls(text: str) -> SubscriptionList:
    """Feeds of a newsboat ``urls`` file.

    One feed a line: the URL, then tags separated by spaces; ``"quoted tags"``
    may hold spaces, ``"~Title"`` names the feed, ``"!..."`` (newsboat's hidden
    feeds) is ignored. ``#`` starts a comment; ``query:``/``exec:``/``filter:``
    lines and anything not http(s) are skipped with a reason.
    """
    result = SubscriptionList(format="urls")
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        tokens = [
            (True, _unescape(m.group(1))) if m.group(1) is not None else (False, m.group(2))
            for m in _TOKEN.finditer(raw)
        ]
        if not tokens or tokens[0][1].startswith("#"):
            continue
        url = clean_line(tokens[0][1])
        lowered = url.lower()
        if lowered.startswith("query:"):
            result.skipped.append((f"line {number}", "query feeds"))
            continue
        if lowered.startswith(("exec:", "filter:")):
            result.skipped.append((f"line {number}", "exec/filter feeds"))
            continue
        if not is_fetchable_url(url):
            result.skipped.append((f"line {number}", "not http(s)"))
            continue
        subscription = Subscription(url=url)
        for was_quoted, value in tokens[1:]:
            if not was_quoted and value.startswith("#"):
                break  # the rest of the line is a comment
            if value.startswith("~"):
                subscription.title = clean_line(value[1:])
            elif value.startswith("!"):
                continue
            elif clean_line(value):
                subscription.tags.append(clean_line(value))
        subscription.tags = _unique(subscription.tags)
        result.subscriptions.append(subscription)
    return result


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def aa_feed_fields(url: str) -> dict[str, str]:
    """Language, category slug, source and catalogue title of an AA feed URL (its scheme and
    host in any case); {} otherwise."""
    match = _AA_FEED.match(lowercase_origin(url))
    if not match:
        return {}
    fields = {"lang": match.group(1), "category": match.group(2), "source": "aa"}
    try:
        fields["title"] = catalogue_title(lookup(f"{match.group(1)}/{match.group(2)}"))
    except ValueError:  # an AA feed the catalogue does not know (yet)
        pass
    return fields


def import_subscriptions(db: Database, subscriptions: SubscriptionList) -> ImportResult:
    """Add every feed the list names; feeds already subscribed are left as they are."""
    result = ImportResult(skipped=list(subscriptions.skipped))
    with writing(db):
        for sub in subscriptions.subscriptions:
            if find_feed(db, sub.url) is not None:  # also one named twice in the file
                result.existing += 1
                continue
            aa = aa_feed_fields(sub.url)
            feed = add_feed(
                db,
                sub.url,
                title=sub.title or aa.get("title"),
                lang=aa.get("lang"),
                category=aa.get("category"),
                source=aa.get("source"),
                tags=sub.tags,
                folder=sub.folder,
            )
            if sub.site_url:
                db.execute("UPDATE feeds SET site_url = ? WHERE id = ?", [sub.site_url, feed.id])
            result.added.append(feed.id)
    return result


def export_opml(db: Database, *, title: str = "aanews subscriptions") -> str:
    """Every feed as OPML 2.0: folders as outlines around feeds, tags as ``category``."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape_text(title)}</title>",
        f"    <dateCreated>{_escape_text(clock.now().strftime('%a, %d %b %Y %H:%M:%S +0000'))}"
        "</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    feeds = list_feeds(db, counts=False)
    # Folders nest as outlines; a folder's own feeds come before its sub-folders.
    opened: list[str] = []
    for feed in sorted(feeds, key=lambda f: _folder_key(f.folder)):
        steps = feed.folder.split("/") if feed.folder else []
        common = 0
        while common < min(len(opened), len(steps)) and opened[common] == steps[common]:
            common += 1
        while len(opened) > common:
            opened.pop()
            lines.append(f"{'  ' * (len(opened) + 2)}</outline>")
        for step in steps[common:]:
            lines.append(f"{'  ' * (len(opened) + 2)}<outline text={quoteattr(step)}>")
            opened.append(step)
        lines.append(f"{'  ' * (len(opened) + 2)}{_feed_outline(feed)}")
    while opened:
        opened.pop()
        lines.append(f"{'  ' * (len(opened) + 2)}</outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _folder_key(folder: str) -> list[tuple[int, str]]:
    # Feeds outside any folder first; sorted() is stable, so the user's order stays within.
    return [(1, step.casefold()) for step in folder.split("/")] if folder else [(0, "")]


def _feed_outline(feed: Feed) -> str:
    name = feed.title or feed.url
    attrs = [
        f"text={quoteattr(name)}",
        f"title={quoteattr(name)}",
        'type="rss"',
        f"xmlUrl={quoteattr(feed.url)}",
    ]
    if feed.site_url:
        attrs.append(f"htmlUrl={quoteattr(feed.site_url)}")
    if feed.lang:
        attrs.append(f"language={quoteattr(feed.lang)}")
    if feed.tags:
        attrs.append(f"category={quoteattr(','.join(feed.tags))}")
    return f"<outline {' '.join(attrs)}/>"


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def catalogue_title(entry: CatalogueFeed) -> str:
    """How an AA catalogue feed is named: language and category, 'AA Türkçe · Ekonomi'."""
    return f"AA {language_name(entry.lang)} · {entry.name}"


def add_catalogue_feed(
    db: Database, ref: str, *, title: str | None = None, tags: list[str] | None = None
) -> Feed:
    """Subscribe to an AA catalogue feed by reference ('aa:tr/ekonomi'); ValueError if unknown."""
    entry = lookup(ref)
    return add_feed(
        db,
        entry.url,
        title=title or catalogue_title(entry),
        lang=entry.lang,
        category=entry.slug,
        source="aa",
        tags=tags,
    )


def subscribe(
    db: Database,
    source: str,
    *,
    title: str | None = None,
    tags: list[str] | None = None,
    folder: str | None = None,
) -> Feed:
    """Subscribe to a URL or an AA catalogue reference ('aa:tr/ekonomi').

    An AA feed added by its URL is named and filed as the catalogue would name it.
    FeedError for a URL that is not http(s); ValueError for an unknown catalogue feed.
    """
    source = source.strip()
    if source.lower().startswith("aa:"):
        feed = add_catalogue_feed(db, source, title=title, tags=tags)
        if folder is not None:
            feed = add_feed(db, feed.url, folder=folder)
        return feed
    aa = aa_feed_fields(source)
    known = find_feed(db, source)
    return add_feed(
        db,
        source,
        title=title or (None if known else aa.get("title")),
        lang=aa.get("lang"),
        category=aa.get("category"),
        source=aa.get("source"),
        tags=tags,
        folder=folder,
    )

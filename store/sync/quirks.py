"""How the servers that speak the Google Reader API differ: the only place that knows.

FreshRSS, Miniflux, Inoreader, The Old Reader and BazQux all answer the same
calls (``accounts/ClientLogin``, ``reader/api/0/...``), each in its own dialect.
Everything that differs is a field of ``Quirks``, filled in per server below,
so the client, the pull and the push never ask which server they talk to.

What each server does, as read from its code or its API documentation:

- **FreshRSS** (``p/api/greader.php``): reads one ``a=`` and one ``r=`` per
  ``edit-tag`` call (PHP keeps the last of repeated form fields); writes ``&``,
  ``<`` and ``>`` in titles as their fullwidth forms ``＆ ＜ ＞``; its ``T`` token
  never expires; ``ot`` filters by crawl time; lists folders and labels in
  ``tag/list`` with ``"type": "folder"`` or ``"tag"``.
- **Miniflux** (``internal/googlereader``): has no ``stream/contents`` (it
  answers ``[]``), so stories come through ``stream/items/ids`` then
  ``stream/items/contents``; ``edit-tag`` knows only read and starred, no
  labels; reads a short item id as *hex*, so ids are always sent long-form.
- **Inoreader**: the ``T`` token expires (Google's did after about 30
  minutes); rate limits answer 429 with ``Retry-After``.
- **The Old Reader**: item ids are 24-digit hex ObjectIds in both forms, not
  numbers; ``ot`` is not implemented, so an incremental pull stops by itself
  at the first page older than the last sync.
- **BazQux**: does not mark old stories read by itself; its documentation warns
  against ``ot`` on unread lists, and aanews never sends ``ot`` there.

Item ids: the long form is ``tag:google.com,2005:reader/item/`` and 16 hex
digits; the short form (``stream/items/ids``) is the same number in decimal,
possibly signed. aanews keeps the 16 hex digits (``item_key``) and sends the
long form (``item_ref``), which every server reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from store.text import clean_line

LONG_ID_PREFIX = "tag:google.com,2005:reader/item/"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"
LABEL_PREFIX = "user/-/label/"

# Servers write the user as "-" (FreshRSS), or as their own user id (Miniflux, Inoreader).
_LABEL = re.compile(r"user/[^/]+/label/(.+)", re.DOTALL)
_STATE = re.compile(r"user/[^/]+/state/com\.google/([a-z-]+)")
_FULLWIDTH_MARKS = str.maketrans({"＆": "&", "＜": "<", "＞": ">"})


@dataclass(frozen=True)
class Quirks:
    """One server's dialect of the Google Reader API."""

    name: str
    # GET stream/contents/<stream> pages stories with continuation.
    stream_contents: bool = True
    # ``ot`` (oldest crawl time) limits a stream; else the pull stops on old pages.
    honours_ot: bool = True
    # edit-tag takes user/-/label/NAME.
    labels: bool = True
    # Seconds a T token lives; None when it does not expire.
    token_lifetime: float | None = None
    # Titles carry ＆ ＜ ＞ for & < >.
    fullwidth_title_marks: bool = False
    # Short item ids are decimal numbers (else the server's own hex strings).
    decimal_short_ids: bool = True

    def item_key(self, raw: object) -> str | None:
        """A server's item id in either form as aanews keeps it; None if it is not one."""
        text = str(raw).strip().lower() if isinstance(raw, str | int) else ""
        if text.startswith(LONG_ID_PREFIX):
            text = text[len(LONG_ID_PREFIX) :]
            return text.rjust(16, "0") if _is_hex(text) else None
        if self.decimal_short_ids and text.lstrip("-").isdigit() and len(text) <= 21:
            number = int(text)
            if not -(2**63) <= number < 2**64:
                return None
            return f"{number & 0xFFFF_FFFF_FFFF_FFFF:016x}"
        return text if _is_hex(text) else None

    def item_ref(self, key: str) -> str:
        """The id to send for a kept item key: the long form every server reads."""
        return LONG_ID_PREFIX + key

    def title(self, text: str) -> str:
        """A story title as the feed had it."""
        return text.translate(_FULLWIDTH_MARKS) if self.fullwidth_title_marks else text


def _is_hex(text: str) -> bool:
    return 0 < len(text) <= 32 and all(c in "0123456789abcdef" for c in text)


def label_name(category: object) -> str | None:
    """The label (or folder) a category names, cleaned; None if it names none."""
    match = _LABEL.fullmatch(category) if isinstance(category, str) else None
    return clean_line(match.group(1)) or None if match else None


def state_name(category: object) -> str | None:
    """ "read", "starred", "reading-list"... for a com.google state category; else None."""
    match = _STATE.fullmatch(category) if isinstance(category, str) else None
    return match.group(1) if match else None


def label_stream(name: str) -> str:
    """The stream (and edit-tag value) of a label."""
    return LABEL_PREFIX + name


SERVERS: dict[str, Quirks] = {
    "generic": Quirks("generic"),
    "freshrss": Quirks("freshrss", fullwidth_title_marks=True),
    "miniflux": Quirks("miniflux", stream_contents=False, labels=False),
    "inoreader": Quirks("inoreader", token_lifetime=25 * 60),
    "theoldreader": Quirks("theoldreader", honours_ot=False, decimal_short_ids=False),
    "bazqux": Quirks("bazqux"),
}


def quirks_for(server: str) -> Quirks:
    """The dialect named ``server``; the generic one for a name not known."""
    return SERVERS.get(server, SERVERS["generic"])


def guess_server(url: str) -> str:
    """The server an API address belongs to, when the address says so; else "generic"."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.path.rstrip("/").endswith("/greader.php"):
        return "freshrss"
    for name, domain in (
        ("inoreader", "inoreader.com"),
        ("theoldreader", "theoldreader.com"),
        ("bazqux", "bazqux.com"),
    ):
        if host == domain or host.endswith("." + domain):
            return name
    return "generic"

"""HTTP for feeds: one conditional GET with a total deadline, a size cap and safe redirects.

Every limit here protects the reader from a feed it subscribed to: a server that
trickles bytes forever meets the total deadline (connect, headers and body
together), a gzip bomb meets the cap on the *decoded* body while it streams, and
a redirect to ``file:`` or ``ftp:`` never reaches httpx. A failure is a
``FetchError`` whose message is one line a person can read.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from store.feeds import is_fetchable_url
from store.fetching.failures import describe_transport_error, parse_retry_after
from store.text import clean_line, clean_url, display_url

USER_AGENT = "aanews/0.1 (+https://github.com/aanews)"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
# A body read only so that its connection can be reused: at most this much.
_SMALL_BODY = 64 * 1024
# Decompress in slices no larger than this, so a bomb never inflates in one go.
_INFLATE_SLICE = 256 * 1024
# Validators longer than this are not worth sending back.
_LONGEST_VALIDATOR = 1024

URLCheck = Callable[[str], Awaitable[None]]


@dataclass
class FetchResult:
    """What one feed URL answered: the body (None for a 304) and its validators."""

    url: str
    status: int
    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    # Where a 301/308 chain from the feed's URL ended up: the URL to remember.
    moved_to: str | None = None
    # "HTTP/1.1" or "HTTP/2": a host that multiplexes can take more requests at once.
    http_version: str = "HTTP/1.1"
    # The charset its Content-Type names, if any (a page's bytes are read in it).
    charset: str | None = None

    @property
    def not_modified(self) -> bool:
        """True for a 304: nothing to parse."""
        return self.status == 304


class FetchError(Exception):
    """A fetch that failed, with a one-line reason and what the feed should do next.

    The reason often quotes the server (a reason phrase, a header, a URL): it is
    cleaned here, once, so no caller stores or prints what the server wrote.
    """

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        pause: bool = False,
        retry_after: str | None = None,
    ) -> None:
        reason = clean_line(reason)[:400]
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.pause = pause
        self.retry_after = retry_after


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    check_url: URLCheck | None = None,
    text: bool = True,
) -> FetchResult:
    """GET ``url`` once, conditionally; the deadline covers the whole exchange.

    ``check_url`` is awaited before each request, the first and every redirect,
    and raises FetchError to refuse one (store.pages.addresses: no private hosts).
    ``text`` (feeds, pages) refuses a binary body; a picture passes False.
    Raises FetchError with a one-line reason for anything but a 200 or a 304.
    """
    try:
        async with asyncio.timeout(timeout):
            return await _follow(client, url, etag, last_modified, max_bytes, check_url, text)
    except (TimeoutError, httpx.TimeoutException) as error:
        raise FetchError(f"no complete answer within {timeout:g} s") from error
    except httpx.HTTPError as error:
        # Also a connection dropped halfway through the body.
        raise FetchError(describe_transport_error(error, _request_url(error, url))) from error
    except (httpx.InvalidURL, ValueError) as error:  # UnicodeError too: a bad IDNA host
        raise FetchError(f"bad URL {display_url(url)[:200]!r}: {str(error)[:160]}") from error


def _request_url(error: httpx.HTTPError, fallback: str) -> str:
    try:
        return str(error.request.url)
    except RuntimeError:  # the error came before any request was made
        return fallback


async def _follow(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    check_url: URLCheck | None,
    text: bool = True,
) -> FetchResult:
    etag, last_modified = header_value(etag), header_value(last_modified)
    headers = _conditional_headers(etag, last_modified)
    moved_to: str | None = None
    permanent, current = True, url
    for hop in range(MAX_REDIRECTS + 1):
        if not is_fetchable_url(current):
            raise FetchError(f"not an http(s) URL: {display_url(current)[:200]!r}")
        if check_url is not None:
            await check_url(current)
        request = client.build_request("GET", current, headers=headers)
        response = await client.send(request, stream=True)
        try:
            status = response.status_code
            if status in REDIRECT_STATUSES:
                current = _redirect_target(response, hop)
                permanent = permanent and status in PERMANENT_REDIRECTS
                if permanent:
                    moved_to = current
                await _finish_small(response)
                continue
            if status == 304:
                await _finish_small(response)
                return FetchResult(
                    url=current,
                    status=304,
                    body=None,
                    etag=header_value(response.headers.get("ETag")) or etag,
                    last_modified=header_value(response.headers.get("Last-Modified"))
                    or last_modified,
                    moved_to=moved_to,
                    http_version=response.http_version,
                )
            if status != 200:
                await _finish_small(response)
                raise status_error(status, response.reason_phrase, response.headers)
            body = await read_capped(response, max_bytes)
            if text:
                refuse_binary(body)
            return FetchResult(
                url=current,
                status=200,
                body=body,
                etag=header_value(response.headers.get("ETag")),
                last_modified=header_value(response.headers.get("Last-Modified")),
                moved_to=moved_to,
                http_version=response.http_version,
                charset=response.charset_encoding,
            )
        finally:
            await response.aclose()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")  # pragma: no cover


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The headers that let a server answer 304 when nothing changed."""
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _redirect_target(response: httpx.Response, hop: int) -> str:
    """Where a redirect points, as an absolute URL; FetchError when it points nowhere usable."""
    status = response.status_code
    location = clean_url(response.headers.get("Location"))
    if not location:
        raise FetchError(f"HTTP {status} redirect without a Location", status=status)
    if hop == MAX_REDIRECTS:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", status=status)
    try:
        return str(response.url.join(location))
    except (httpx.InvalidURL, ValueError) as error:
        raise FetchError(f"redirect to a bad URL: {display_url(location)[:200]!r}") from error


async def _finish_small(response: httpx.Response) -> None:
    """Read the end of an answer that has no body worth keeping (a 304, a redirect, an error).

    An HTTP/1.1 connection goes back to the pool only once its answer was read to
    the end: without this, every 304 of a refresh would open (and for https,
    handshake) a new connection. A long body is not worth it: the connection closes.
    """
    size = 0
    try:
        async for raw in response.aiter_raw():
            size += len(raw)
            if size > _SMALL_BODY:
                return
    except httpx.HTTPError:
        pass  # the connection closes; the answer itself was complete enough


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, stopping as soon as it passes ``max_bytes``."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and (len(declared) > 15 or int(declared) > max_bytes):
            raise _too_big(max_bytes)
        inflater = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(encoding)
    else:
        raise FetchError(f"unsupported Content-Encoding {encoding[:40]!r}")
    parts: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        pieces = inflater.feed(raw, max_bytes - size + 1) if inflater else [raw]
        for piece in pieces:
            size += len(piece)
            if size > max_bytes:
                raise _too_big(max_bytes)
            parts.append(piece)
    return b"".join(parts)


class _Inflater:
    """Incremental gzip/deflate decoding that never inflates more than asked at once."""

    def __init__(self, encoding: str) -> None:
        wbits = 16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS
        self._encoding = encoding
        self._first = True
        self._inflate = zlib.decompressobj(wbits)

    def feed(self, data: bytes, budget: int) -> list[bytes]:
        """Decode ``data``, yielding slices; stops once ``budget`` bytes came out."""
        if self._first and self._encoding == "deflate":
            self._first = False
            # Some servers send raw deflate without the zlib header.
            if data and (data[0] & 0x0F) != 8:
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        out: list[bytes] = []
        produced = 0
        try:
            chunk = self._inflate.decompress(data, _INFLATE_SLICE)
            while chunk:
                out.append(chunk)
                produced += len(chunk)
                if produced >= budget:
                    break
                chunk = self._inflate.decompress(self._inflate.unconsumed_tail, _INFLATE_SLICE)
        except zlib.error as error:
            raise FetchError(f"broken {self._encoding} body: {error}") from error
        return out


def _too_big(max_bytes: int) -> FetchError:
    return FetchError(f"feed larger than {_size(max_bytes)}")


def _size(count: int) -> str:
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    if count >= 1024 and count % 1024 == 0:
        return f"{count // 1024} KiB"
    return f"{count} bytes"


def status_error(status: int, phrase: str, headers: httpx.Headers) -> FetchError:
    """The FetchError for an HTTP status that is neither 200 nor 304."""
    label = f"HTTP {status} {clean_line(phrase)[:100]}".strip()
    if status == 410:
        return FetchError(f"{label}: the feed is gone; paused", status=status, pause=True)
    if status in (429, 503) and headers.get("Retry-After"):
        until = parse_retry_after(headers["Retry-After"])
        if until:
            return FetchError(f"{label}; retry after {until}", status=status, retry_after=until)
    if status == 404:
        return FetchError(f"{label}: no feed at this address", status=status)
    return FetchError(label, status=status)


def header_value(value: str | None) -> str | None:
    """A validator (ETag, Last-Modified) worth keeping: visible ASCII and spaces only.

    Anything else could not be sent back in a request header, and would break
    every later fetch of the feed.
    """
    if not value or len(value) > _LONGEST_VALIDATOR:
        return None
    if not (value.isascii() and value.isprintable()):
        return None
    return value.strip() or None


# What binary formats start with; a feed or a page never does.
_BINARY_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"OggS",
    b"ID3",
    b"fLaC",
    b"RIFF",
    b"\x00\x00\x01\x00",
)
_SNIFF = 1024


def refuse_binary(body: bytes) -> None:
    """FetchError for a body that is not text, caught before any parser or
    character-set detection spends time on it (a 15 MB binary cost 52 s and 844 MB).

    Not text: a binary format's magic, NUL bytes, or many control bytes in the
    first KiB. A stray NUL in a title is a broken feed, not a binary; UTF-16 and
    UTF-32 XML (a byte-order mark, or "<" beside a NUL) are text.
    """
    head = body[:_SNIFF].lstrip(b" \t\r\n")
    if head.startswith(
        (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"<\x00", b"\x00<", b"\x00\x00\x00<")
    ):
        return
    controls = sum(head.count(bytes([code])) for code in _BINARY_BYTES)
    if head.startswith(_BINARY_MAGIC) or head.count(0) > 1 or controls * 20 > len(head):
        raise FetchError("not text: the answer is a binary file")


# C0 controls that text never has (tab, newlines, form feed and ESC aside).
_BINARY_BYTES = (*range(0, 9), 11, *range(14, 27), *range(28, 32))

"""Saying why a fetch failed: a server's Retry-After, a connection that broke before
any answer (refused, no such host, TLS), each as one plain line."""

from __future__ import annotations

import email.utils
import ssl
from datetime import UTC, datetime, timedelta

import httpx

from store import clock
from store.feeds import is_fetchable_url


def parse_retry_after(value: str, *, now: datetime | None = None) -> str | None:
    """Retry-After (delay in seconds, or an HTTP date) as an ISO time in UTC; None if garbage."""
    value = value.strip()
    moment = now or clock.now()
    if value.isdigit() and len(value) <= 12:
        # A day at most: a server asking for a year is not one to wait for blindly.
        return clock.to_iso(moment + timedelta(seconds=min(int(value), 86400)))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return clock.to_iso(min(when.astimezone(UTC), moment + timedelta(days=1)))


def describe_transport_error(error: Exception, url: str) -> str:
    """One line for a connection that failed before any HTTP answer."""
    host = httpx.URL(url).host if is_fetchable_url(url) else url
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    text = " ".join(str(c) for c in chain).lower()
    if any(isinstance(c, ssl.SSLError) for c in chain) or "ssl" in text or "certificate" in text:
        detail = next((str(c) for c in chain if isinstance(c, ssl.SSLError)), str(error))
        return f"TLS error with {host}: {detail[:160]}"
    if any(isinstance(c, ConnectionRefusedError) for c in chain) or "refused" in text:
        return f"connection refused by {host}"
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or "name resolution" in text
        or "no address associated" in text
        or "getaddrinfo" in text
    ):
        return f"host not found: {host}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"{host} broke the HTTP exchange: {str(error)[:160]}"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect to {host}: {str(error)[:160] or type(error).__name__}"
    return f"network error with {host}: {str(error)[:160] or type(error).__name__}"

"""A Google Reader API client over httpx: log in, ask, and say plainly what went wrong.

One ``GReaderClient`` per sync (one connection pool, one login). Every call
has a timeout; a 429 or a 5xx, or a connection that fails, is retried a few
times with growing pauses (a ``Retry-After`` is honoured up to a minute); a
401 or 403 is an ``AuthError``; an answer that is not what the API promises
is a ``SyncError``. Every message is one line, and every string the server
sent passes ``store.text.clean_line`` first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import httpx

from store import clock
from store.fetching.http import USER_AGENT, describe_transport_error, parse_retry_after
from store.sync.quirks import Quirks
from store.text import clean_line, html_to_text, looks_like_html

DEFAULT_TIMEOUT = 30.0
RETRIES = 3
# The longest Retry-After waited for inside one sync; beyond it the sync fails.
LONGEST_WAIT = 60.0
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SyncError(Exception):
    """A sync step that failed; the message is one line for the user."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthError(SyncError):
    """The server refused the user name, the password or the session.

    ``bad_token``: the server said only the T token was stale (Google-Bad-Token).
    """

    def __init__(self, message: str, *, status: int | None = None, bad_token: bool = False):
        super().__init__(message, status=status)
        self.bad_token = bad_token


class GReaderClient:
    """One account's session with its server."""

    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        quirks: Quirks,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = RETRIES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base = url.rstrip("/") + "/"
        self.user = user
        self._password = password
        self.quirks = quirks
        self.retries = retries
        self._sleep = sleep
        self._auth: str | None = None
        self._token: str | None = None
        self._token_at = 0.0
        self._http = httpx.Client(
            timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> GReaderClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def login(self) -> None:
        """ClientLogin: trade the user name and password for a session."""
        response = self._send(
            "POST",
            "accounts/ClientLogin",
            data={"Email": self.user, "Passwd": self._password},
            authorised=False,
        )
        for line in response.text.splitlines():
            if line.startswith("Auth="):
                self._auth = line[len("Auth=") :].strip()
        if not self._auth:
            raise SyncError(f"{self._where()}: the login answer has no Auth= line")

    def get_json(self, path: str, params: Sequence[tuple[str, str | int]] = ()) -> Any:
        """GET ``reader/api/0/<path>`` as JSON."""
        response = self._call("GET", path, params=[*params, ("output", "json")])
        try:
            return json.loads(response.content)
        except ValueError:
            raise SyncError(
                f"{self._where()}: {path} did not answer JSON "
                f"(it began {_words(response.text)[:60]!r})"
            ) from None

    def post_json(self, path: str, data: Sequence[tuple[str, str]]) -> Any:
        """POST a form to ``reader/api/0/<path>`` and read the JSON answer."""
        response = self._call("POST", path, data=[*data, ("output", "json")], token=False)
        try:
            return json.loads(response.content)
        except ValueError:
            raise SyncError(f"{self._where()}: {path} did not answer JSON") from None

    def edit(self, path: str, data: Sequence[tuple[str, str]]) -> None:
        """POST a change (edit-tag, subscription/edit) with the T token; it must answer OK."""
        response = self._call("POST", path, data=data, token=True)
        if response.text.strip() != "OK":
            raise SyncError(
                f"{self._where()}: {path} answered {_words(response.text)[:80]!r}, not OK"
            )

    # --- underneath ----------------------------------------------------------------

    def _call(self, method: str, path: str, *, token: bool = False, **kw: Any) -> httpx.Response:
        """One API call, logging in first and fetching a fresh T token once if it expired."""
        if self._auth is None:
            self.login()
        for attempt in (1, 2):
            if token:
                kw["data"] = [("T", self._edit_token()), *_without_t(kw.get("data") or [])]
            try:
                return self._send(method, "reader/api/0/" + path, **kw)
            except AuthError as error:
                if not token or attempt == 2 or not error.bad_token:
                    raise
                self._token = None  # the token expired: one more try with a new one
        raise AssertionError("unreachable")

    def _edit_token(self) -> str:
        lifetime = self.quirks.token_lifetime
        if self._token and (lifetime is None or time.monotonic() - self._token_at < lifetime):
            return self._token
        response = self._send("GET", "reader/api/0/token")
        self._token = response.text.strip()
        self._token_at = time.monotonic()
        if not self._token or len(self._token) > 200:
            raise SyncError(f"{self._where()}: the server gave no edit token")
        return self._token

    def _send(
        self, method: str, path: str, *, authorised: bool = True, **kw: Any
    ) -> httpx.Response:
        """Send with bounded retries on 429, 5xx and failed connections."""
        headers = {"Authorization": f"GoogleLogin auth={self._auth}"} if authorised else {}
        form = kw.pop("data", None)
        if form is not None:
            # A list of pairs, as repeated fields (i=…&i=…) must be kept in order.
            pairs = form.items() if isinstance(form, dict) else form
            kw["content"] = urlencode(list(pairs)).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = self.base + path
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._http.request(method, url, headers=headers, **kw)
            except httpx.HTTPError as error:
                # A server that refuses the connection is down: one more try, not three.
                refused = isinstance(error, httpx.ConnectError) and attempt >= 1
                if last or refused:
                    raise SyncError(describe_transport_error(error, url)) from None
                self._sleep(_backoff(attempt))
                continue
            if response.status_code == 200:
                return response
            if response.status_code in _RETRY_STATUSES and not last:
                self._sleep(self._wait(response, attempt))
                continue
            raise self._status_error(response, path)
        raise AssertionError("unreachable")

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        """How long to wait before asking again: Retry-After when the server gave one."""
        value = response.headers.get("Retry-After")
        until = clock.from_iso(parse_retry_after(value)) if value else None
        if until is None:
            return _backoff(attempt)
        seconds = (until - clock.now()).total_seconds()
        if seconds > LONGEST_WAIT:
            raise SyncError(
                f"{self._where()}: HTTP {response.status_code}: the server asked to wait "
                f"until {clock.to_iso(until)}",
                status=response.status_code,
            )
        return max(0.0, seconds)

    def _status_error(self, response: httpx.Response, path: str) -> SyncError:
        status = response.status_code
        phrase = clean_line(response.reason_phrase)[:60]
        said = _words(response.text)
        label = f"HTTP {status} {phrase}".strip()
        if status in (401, 403):
            login = path == "accounts/ClientLogin"
            why = "wrong user name or password" if login else "the server refused the session"
            return AuthError(
                f"{self._where()}: {why} ({label})",
                status=status,
                bad_token=response.headers.get("Google-Bad-Token", "").lower() == "true",
            )
        detail = f": {said if len(said) <= 120 else said[:119] + '…'}" if said else ""
        return SyncError(f"{self._where()}: {path}: {label}{detail}", status=status)

    def _where(self) -> str:
        return f"{clean_line(self.user)} at {self.base.rstrip('/')}"


def _words(body: str) -> str:
    """A server's answer as words for a message: an HTML error page's text, not its
    markup; cleaned and cut (the message shows its first ~120 characters)."""
    head = body[:4000]
    return clean_line(html_to_text(head) if looks_like_html(head) else head)[:200]


def _backoff(attempt: int) -> float:
    return min(8.0, 0.5 * 2**attempt)


def _without_t(data: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in data if name != "T"]

"""``aanews serve``: the reader in a web page, through textual-serve.

textual-serve starts the app once per browser session and carries its screen
and keys over a websocket. On top of it, here:

- every path starts with a random token (``/TOKEN/``); a request without it,
  or with another, gets 403 and a one-line body, page, websocket and files alike;
- the reader is started from an argument list built here (never a shell string);
- one reader per database: a newer tab takes the reader over and the older tab
  says so, because the likely reason for a second tab is a reload, or the same
  URL opened on another machine, where a refusal would leave the user locked out
  by a tab they cannot reach;
- the page needs nothing from the internet (the bundled font, no CDN).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import secrets
import socket
import sys
from pathlib import Path
from string import Template

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

REFUSED = "aanews: this address needs the token in the URL that aanews serve printed\n"
PAGE = Path(__file__).with_name("serve_page.html")
QUIT_TIMEOUT = 10.0  # seconds a reader has to quit before it is killed
# The page runs only what it was served; no other site may frame it; no referrer
# carries the token away when a story's link opens.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

log = logging.getLogger("textual-serve")


def new_token() -> str:
    """A fresh random token for the URL (unguessable, URL-safe)."""
    return secrets.token_urlsafe(24)


def has_token(path: str, token: str) -> bool:
    """Whether ``path``'s first segment is ``token`` (compared in constant time)."""
    first = path.lstrip("/").split("/", 1)[0]
    return secrets.compare_digest(first.encode(), token.encode())


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def reader_command(db_path: Path, config_path: Path | None, demo: bool) -> list[str]:
    """The reader one session runs: an argument list, the paths as single arguments."""
    command = [sys.executable, "-m", "tui.web_reader", "--db", str(db_path)]
    if config_path is not None:
        command += ["--config", str(config_path)]
    if demo:
        command.append("--demo")
    return command


class ReaderService(AppService):
    """One reader process for one browser session, started without a shell."""

    def __init__(self, argv: list[str], **kwargs: object) -> None:
        super().__init__(" ".join(argv), **kwargs)  # type: ignore[arg-type]
        self.argv = argv

    async def _open_app_process(
        self, width: int = 80, height: int = 24
    ) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,  # Ctrl-C reaches the server, which quits the reader
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """Relay the reader until it ends, for whatever reason; then the page says so."""
        await super().run()
        await self.remote_close()

    async def end(self) -> None:
        """Ask the reader to quit (it saves what it has); kill it only if it will not."""
        process = self._process
        try:
            await asyncio.wait_for(self.stop(), QUIT_TIMEOUT)
            if process is not None:
                await asyncio.wait_for(process.wait(), QUIT_TIMEOUT)
        except TimeoutError:
            log.warning("aanews: a reader did not quit in %s s; stopped it", QUIT_TIMEOUT)
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()


class ReaderServer(Server):
    """textual-serve's server behind a token, one reader at a time."""

    def __init__(self, argv: list[str], host: str, port: int, token: str) -> None:
        super().__init__(" ".join(argv), host=host, port=port, title="aanews")
        self.argv = argv
        self.token = token
        self._session: tuple[web.WebSocketResponse, ReaderService] | None = None
        self._turn = asyncio.Lock()

    def url(self, port: int) -> str:
        """The address to open, token included."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}/{self.token}/"

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._needs_token])
        base = f"/{self.token}"
        app.add_routes(
            [
                web.get(base, self.handle_index),
                web.get(f"{base}/", self.handle_index),
                web.get(f"{base}/ws", self.handle_websocket),
                web.get(f"{base}/download/{{key}}", self.handle_download),
                web.static(f"{base}/static", self.statics_path),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _needs_token(self, request: web.Request, handler: object) -> web.StreamResponse:
        if not has_token(request.path, self.token):
            return web.Response(status=403, text=REFUSED)
        response = await handler(request)  # type: ignore[operator]
        response.headers.update(HEADERS)
        return response

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        """The page: the terminal, its script and styles, all from this server."""
        base = f"/{self.token}"
        page = Template(PAGE.read_text(encoding="utf-8")).substitute(
            static=f"{base}/static",
            websocket=f"{base}/ws",
            font_size=to_int(request.query.get("fontsize", "16"), 16),
        )
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A browser session: the newest one gets the reader, an older one ends."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)
        async with self._turn:
            if self._session is not None:
                await self._end(self._session)
            service = ReaderService(
                self.argv,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            session = self._session = (websocket, service)
            await service.start(width, height)
        try:
            await self._process_messages(websocket, service)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            await self._end(session)
        return websocket

    async def _end(self, session: tuple[web.WebSocketResponse, ReaderService]) -> None:
        websocket, service = session
        if self._session is session:
            self._session = None
        await service.end()
        await websocket.close()

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl-C: the reader quits properly before the server stops."""
        if self._session is not None:
            await self._end(self._session)

    def run(self) -> None:
        """Listen (port 0: any free one), print the URL, serve until Ctrl-C."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            sock = socket.create_server((self.host, self.port), family=family)
        except OSError as error:
            # (bind's own message names the address again; a host name has no errno)
            number = error.errno or 0
            why = os.strerror(number) if number > 0 else str(error.strerror or error)
            why = why.split(" (while attempting", 1)[0]
            raise OSError(f"cannot listen on {self.host}:{self.port}: {why}") from None
        port = sock.getsockname()[1]
        print(f"aanews: the reader is at {self.url(port)} (Ctrl-C stops it)", flush=True)
        web.run_app(
            self._make_app(),
            sock=sock,
            print=None,
            access_log=None,  # the token is in every path: never logged
            shutdown_timeout=QUIT_TIMEOUT,
            handle_signals=True,
        )

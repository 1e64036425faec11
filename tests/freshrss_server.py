"""A real FreshRSS for the sync tests (../shared/freshrss/start.sh), and feeds for it to read.

``FreshRSS.start`` runs start.sh into a temporary folder; ``stop`` and
``restart`` stop its PHP server and bring it back on the same port with the
same data (to test a server that is away for a while); ``api`` is a plain
Google Reader API client, independent of aanews, to see what the server holds.
``FeedServer`` serves RSS documents on 127.0.0.1 for FreshRSS to fetch.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

import httpx
from local_server import Request, Response, path_of, start_server, stop_server
from waiting import wait_for

START_SH = Path(__file__).resolve().parents[2] / "shared" / "freshrss" / "start.sh"
NEEDS = (
    "apt-get install -y php-cli php-sqlite3 php-xml php-mbstring php-curl php-intl php-zip php-gmp"
)

# start.sh checks PHP's modules with `php -m | grep -q` under pipefail: when grep has
# found its line and left while php is still writing, php dies of SIGPIPE and the
# check fails at random. This php answers -m in a single write; all else is PHP itself.
_PHP_WRAPPER = """#!/bin/sh
if [ "$1" = "-m" ]; then out=$("{php}" -m); printf '%s\\n' "$out"; exit 0; fi
exec "{php}" "$@"
"""


class FreshRSS:
    """One FreshRSS server and what start.sh said about it."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.env: dict[str, str] = {}
        self.pid = 0

    @property
    def api_url(self) -> str:
        return self.env["FRESHRSS_API"]

    @property
    def user(self) -> str:
        return self.env["FRESHRSS_USER"]

    @property
    def password(self) -> str:
        return self.env["FRESHRSS_PASSWORD"]

    def start(self, lifetime: int = 300) -> None:
        php = shutil.which("php")
        assert php, "php is missing"
        bin_dir = self.work / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        (bin_dir / "php").write_text(_PHP_WRAPPER.format(php=php))
        (bin_dir / "php").chmod(0o755)
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
        done = subprocess.run(
            [str(START_SH), str(self.work / "server"), str(lifetime)],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"start.sh failed: {done.stderr.strip()}"
        for line in done.stdout.splitlines():
            name, _, value = line.partition("=")
            self.env[name] = value.strip('"')
        self.pid = int(self.env["FRESHRSS_PID"])
        # Fetch feeds whenever asked (the default waits an hour between two fetches).
        config = self.work / "server" / "data" / "users" / self.user / "config.php"
        config.write_text(
            config.read_text().replace("'ttl_default' => 3600", "'ttl_default' => -1")
        )
        # The bundled subscription points at the internet: no test goes there.
        with self.api() as api:
            for sub in api.get("subscription/list")["subscriptions"]:
                if not sub["url"].startswith("http://127.0.0.1"):
                    api.edit("subscription/edit", [("ac", "unsubscribe"), ("s", sub["id"])])

    def actualize(self, timeout: float = 60) -> str:
        """Make FreshRSS fetch its feeds now; what it said."""
        # FreshRSS keeps a fetched feed for 800 s in its SimplePie cache: read afresh.
        for cached in (self.work / "server" / "data" / "cache").glob("*.spc"):
            cached.unlink()
        done = subprocess.run(
            shlex.split(self.env["FRESHRSS_ACTUALIZE"]),
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        assert "actualized" in done.stdout, done.stderr
        return done.stdout

    def stop(self) -> None:
        """Stop the PHP server (its data stays)."""
        try:
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        wait_for(lambda: not self._answers(), 15, "FreshRSS to stop")

    def restart(self) -> None:
        """The same server again, on the same port, with the same data."""
        port = self.env["FRESHRSS_URL"].rsplit(":", 1)[1]
        data = self.work / "server" / "data"
        root = START_SH.parent / "FreshRSS" / "p"
        server = subprocess.Popen(
            ["timeout", "300", "php", "-S", f"127.0.0.1:{port}", "-t", str(root)],
            env={**os.environ, "DATA_PATH": str(data), "PHP_CLI_SERVER_WORKERS": "4"},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        self.pid = server.pid
        wait_for(self._answers, 15, "FreshRSS to start again")

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _answers(self) -> bool:
        host, port = self.env["FRESHRSS_URL"].removeprefix("http://").split(":")
        try:
            with socket.create_connection((host, int(port)), timeout=0.5):
                return True
        except OSError:
            return False

    def api(self) -> GReaderAPI:
        return GReaderAPI(self.api_url, self.user, self.password)


class GReaderAPI:
    """What FreshRSS's own API says, asked without aanews."""

    def __init__(self, url: str, user: str, password: str) -> None:
        self.base = url.rstrip("/") + "/"
        self.http = httpx.Client(timeout=10)
        answer = self.http.post(
            self.base + "accounts/ClientLogin", data={"Email": user, "Passwd": password}
        )
        answer.raise_for_status()
        auth = next(line[5:] for line in answer.text.splitlines() if line.startswith("Auth="))
        self.http.headers["Authorization"] = f"GoogleLogin auth={auth}"
        self.token = self.http.get(self.base + "reader/api/0/token").text.strip()

    def __enter__(self) -> GReaderAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def get(self, path: str, **params: Any) -> Any:
        answer = self.http.get(
            self.base + "reader/api/0/" + path, params={**params, "output": "json"}
        )
        answer.raise_for_status()
        return answer.json()

    def edit(self, path: str, pairs: list[tuple[str, str]]) -> None:
        from urllib.parse import urlencode

        answer = self.http.post(
            self.base + "reader/api/0/" + path,
            content=urlencode([("T", self.token), *pairs]),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.text.strip() == "OK", answer.text

    def ids(self, stream: str, **params: Any) -> set[int]:
        """The (decimal) item ids of a stream."""
        refs = self.get("stream/items/ids", s=stream, n=10000, **params)["itemRefs"]
        return {int(ref["id"]) for ref in refs}


class FeedServer:
    """RSS documents on 127.0.0.1, changeable while it runs."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.http = start_server(self._answer)

    def _answer(self, request: Request) -> Response:
        body = self.documents.get(path_of(request))
        return Response(
            body or b"",
            status=200 if body is not None else 404,
            content_type="application/rss+xml; charset=utf-8",
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http.port}{path}"

    def close(self) -> None:
        stop_server(self.http)

"""``aanews serve`` without a browser: the token, the reader's command line, the host."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.serving import ROOT, serving
from tui.serve import REFUSED, ReaderService, is_loopback, reader_command


def test_no_token_no_page(tmp_path: Path) -> None:
    with serving("--demo", tmp=tmp_path) as served:
        token = served.url.rstrip("/").rsplit("/", 1)[1]
        assert len(token) >= 32
        refused = [
            "/",
            "/ws",
            "/static/js/textual.js",
            f"/?token={token}",
            f"/{token[:-1]}/",
            f"/{token}x/",
            f"/{token.swapcase()}/ws",
            "/not-the-token/static/css/xterm.css",
        ]
        with httpx.Client(base_url=served.origin) as client:
            for path in refused:
                answer = client.get(path)
                assert (answer.status_code, answer.text) == (403, REFUSED), path
            page = client.get(f"/{token}/")
            script = client.get(f"/{token}/static/js/textual.js")
        assert page.status_code == 200 and "<title>aanews</title>" in page.text
        assert script.status_code == 200 and "xterm" in script.text
        # Everything the page loads comes from this server, under the token.
        pairs = re.findall(r'(?:src|href)="([^"]*)"|url\("([^"]*)"\)', page.text)
        loaded = [url for pair in pairs for url in pair if url]
        assert len(loaded) == 4 and all(url.startswith(f"/{token}/static/") for url in loaded)
        assert page.headers["referrer-policy"] == "no-referrer"
        status, err = served.stop()
    assert status == 0 and "Traceback" not in err


def test_the_port_asked_for_is_the_one_printed(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with serving("--demo", "--port", str(port), tmp=tmp_path) as served:
        assert served.origin == f"http://127.0.0.1:{port}"
        assert httpx.get(served.url).status_code == 200


def test_the_reader_command_is_an_argument_list() -> None:
    hostile = Path("/tmp/news; touch pwned $(touch pwned2) 'x\".db")
    command = reader_command(hostile, Path("/tmp/my config.toml"), demo=True)
    assert command == [
        sys.executable, "-m", "tui.web_reader", "--db", str(hostile),
        "--config", "/tmp/my config.toml", "--demo",
    ]  # fmt: skip


def test_the_reader_starts_without_a_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hostile = "a.db; touch pwned $(touch pwned2) `touch pwned3`"
    argv = [sys.executable, "-c", "import sys; print(sys.argv[1])", hostile]

    async def first_line() -> bytes:
        async def nothing(*_: object) -> None:
            return None

        service = ReaderService(
            argv, write_bytes=nothing, write_str=nothing, close=nothing, download_manager=None
        )
        process = await service._open_app_process()
        out, _ = await process.communicate()
        return out

    assert asyncio.run(first_line()).decode().strip() == hostile
    assert list(tmp_path.iterdir()) == []


def serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``aanews serve ARGS`` run to its end (each of these fails before serving)."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "serve", *args],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_host_beyond_this_machine_is_warned_about(tmp_path: Path) -> None:
    # 192.0.2.1 is a documentation address: not this machine's, so listening fails too.
    done = serve(tmp_path, "--demo", "--host", "192.0.2.1")
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and done.stdout == ""
    assert lines[0].startswith("aanews: warning: listening on 192.0.2.1, not only this machine")
    assert lines[1] == "aanews: cannot listen on 192.0.2.1:0: Cannot assign requested address"


def test_only_loopback_hosts_are_this_machine() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.2", "news.example.org"]))


def test_what_the_reader_would_refuse_is_said_before_serving(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "no-such-theme"\n')
    done = serve(tmp_path, "--demo", "--config", str(config))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"aanews: {config}: theme: unknown theme 'no-such-theme'")
    done = serve(tmp_path, "--demo", "--port", "70000")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "aanews: --port must be from 0 (any free port) to 65535\n"

"""Serve a folder of feeds over HTTPS, HTTP/2 and HTTP/1.1, with a distant server's delay.

    uv run python bench/h2_server.py --dir DIR --ca-file /tmp/ca.pem --port-file /tmp/port \
        [--latency-ms 100] [--http1-only] [--lifetime 900] [--stats-file S] [--nocond-flag F]

What ``../shared/bench/serve.py`` does, over TLS: ETag (size-mtime_ns) and
Last-Modified, 304 on If-None-Match / If-Modified-Since, conditionals ignored
while the ``--nocond-flag`` file exists, ``--latency-ms`` added to every answer.
ALPN offers ``h2`` and ``http/1.1`` (``--http1-only``: ``http/1.1`` alone), so
each client speaks the best it can. Hypercorn serves (TCP_NODELAY, as real
servers do); the bench dependency group has it.

- Binds 127.0.0.1 only; prints the port and writes it to ``--port-file``.
- A self-signed certificate for 127.0.0.1/localhost is made at start and its PEM
  written to ``--ca-file``: tell a client to trust it (``AANEWS_CA_BUNDLE`` for
  aanews, ``CURL_CA_BUNDLE`` for newsboat), in the benchmark only.
- Exits by itself after ``--lifetime`` seconds, or on SIGTERM/SIGINT.
- ``--stats-file`` (JSON, rewritten after every answer): counts of 200/304/404,
  bytes, requests per protocol, connections opened, and the most requests it held
  at once (``most_at_once``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import email.utils
import ipaddress
import json
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypercorn.asyncio import serve
from hypercorn.config import Config


def make_certificate(cert_path: Path, key_path: Path) -> None:
    """A self-signed CA-and-server certificate for 127.0.0.1 and localhost, valid a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aanews bench 127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


class FeedFolder:
    """The ASGI app: files from ``root`` with validators, 304s and a delay."""

    def __init__(self, root: Path, latency: float, nocond_flag: str | None, stats_file: str | None):
        self.root = root.resolve()
        self.latency = latency
        self.nocond_flag = nocond_flag
        self.stats_file = stats_file
        self.stats: dict = {
            "200": 0, "304": 0, "404": 0, "bytes": 0, "protocols": {}, "most_at_once": 0
        }  # fmt: skip
        self.clients: set[tuple] = set()
        self.in_flight = 0

    def _count(self, key: str, scope: dict, nbytes: int = 0) -> None:
        self.stats[key] += 1
        self.stats["bytes"] += nbytes
        proto = "h2" if scope.get("http_version") == "2" else "http/" + scope["http_version"]
        self.stats["protocols"][proto] = self.stats["protocols"].get(proto, 0) + 1
        self.clients.add(tuple(scope.get("client") or ()))
        self.stats["connections"] = len(self.clients)
        if self.stats_file:
            tmp = self.stats_file + ".tmp"
            with open(tmp, "w") as fh:
                json.dump(self.stats, fh)
            os.replace(tmp, self.stats_file)

    async def __call__(self, scope: dict, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                kind = (await receive())["type"]
                await send({"type": kind + ".complete"})  # lifespan.startup / .shutdown
                if kind == "lifespan.shutdown":
                    return
        if scope["type"] != "http":
            return
        self.in_flight += 1
        self.stats["most_at_once"] = max(self.stats["most_at_once"], self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)  # one round trip to a distant server
        finally:
            self.in_flight -= 1
        status, headers, body = self._answer(scope)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _answer(self, scope: dict) -> tuple[int, list, bytes]:
        path = (self.root / scope["path"].lstrip("/")).resolve()
        if self.root not in path.parents or not path.is_file():
            self._count("404", scope)
            return 404, [(b"content-type", b"text/plain")], b"File not found\n"
        st = path.stat()
        etag = f'"{st.st_size:x}-{st.st_mtime_ns:x}"'
        lastmod = email.utils.formatdate(st.st_mtime, usegmt=True)
        validators = [(b"etag", etag.encode()), (b"last-modified", lastmod.encode())]
        request = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not (self.nocond_flag and os.path.exists(self.nocond_flag)):
            if _not_modified(request, etag, st.st_mtime):
                self._count("304", scope)
                return 304, validators, b""
        body = path.read_bytes()
        head = body[:512].lstrip().lower()
        html = head.startswith((b"<!doctype html", b"<html"))
        ctype = b"text/html; charset=utf-8" if html else b"application/rss+xml; charset=utf-8"
        headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
        self._count("200", scope, len(body))
        return 200, headers + validators, body


def _not_modified(request: dict[str, str], etag: str, mtime: float) -> bool:
    inm = request.get("if-none-match")
    if inm is not None:
        return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = request.get("if-modified-since")
    if ims is None:
        return False
    try:
        return int(mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False


async def run(args: argparse.Namespace, workdir: Path) -> None:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    make_certificate(cert, key)
    if args.ca_file:
        tmp = Path(args.ca_file + ".tmp")
        tmp.write_bytes(cert.read_bytes())
        os.replace(tmp, args.ca_file)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(128)  # connections wait in the backlog until Hypercorn accepts them
    port = listener.getsockname()[1]
    config = Config()
    config.bind = [f"fd://{listener.fileno()}"]
    config.certfile, config.keyfile = str(cert), str(key)
    config.alpn_protocols = ["http/1.1"] if args.http1_only else ["h2", "http/1.1"]
    config.h2_max_concurrent_streams = args.max_streams
    config.keep_alive_timeout = 30
    config.accesslog = None
    app = FeedFolder(Path(args.dir), args.latency_ms / 1000, args.nocond_flag, args.stats_file)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.call_later(args.lifetime, stop.set)
    if args.port_file:
        tmp = Path(args.port_file + ".tmp")
        tmp.write_text(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(port, flush=True)
    try:
        await serve(app, config, shutdown_trigger=stop.wait)  # type: ignore[arg-type]
    finally:
        print(json.dumps({"served": app.stats}), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--ca-file", help="write the self-signed certificate (PEM) here")
    ap.add_argument("--stats-file")
    ap.add_argument("--nocond-flag", help="while this file exists, ignore conditional headers")
    ap.add_argument("--latency-ms", type=float, default=0.0, help="delay per answer (0..2000)")
    ap.add_argument("--http1-only", action="store_true", help="offer only http/1.1 in ALPN")
    ap.add_argument("--max-streams", type=int, default=100, help="HTTP/2 streams per connection")
    ap.add_argument("--lifetime", type=float, default=900.0, help="seconds before exiting")
    a = ap.parse_args(argv)
    if not 0 < a.lifetime <= 3600:
        ap.error("--lifetime must be in (0, 3600]")
    if not 0 <= a.latency_ms <= 2000:
        ap.error("--latency-ms must be in [0, 2000]")
    if not os.path.isdir(a.dir):
        ap.error(f"--dir {a.dir!r} is not a folder")
    with tempfile.TemporaryDirectory(prefix="aanews-h2-") as workdir:
        asyncio.run(run(a, Path(workdir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Class 1: bodies are limited while they stream, before authentication and parsing.

Before: an anonymous 64 MB JSON body to ``POST /api/v1/reports`` was read whole (and held in
memory) before the 401. Now: a declared length over the limit is answered 413 without reading a
byte, and a chunked body is cut off at the limit; the server stops reading.
"""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import httpx
from api.apikit import Live

from ceasefire.api.reports import EXAMPLE_REPORT as EXAMPLE
from ceasefire.api.state import Settings

FLOOD = 64 * 1024 * 1024  # what the attacker offers
CHUNK = 64 * 1024


def _connect(live: Live) -> socket.socket:
    parts = urlsplit(live.url)
    return socket.create_connection((parts.hostname, parts.port), timeout=30)


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        got = sock.recv(65536)
        if not got:
            break
        data += got
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        got = sock.recv(65536)
        if not got:
            break
        body += got
    return int(lines[0].split()[1]), headers, body


def test_a_declared_64_mb_anonymous_body_is_413_before_it_is_sent(live: Live) -> None:
    with _connect(live) as sock:
        sock.sendall(
            b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {FLOOD}\r\n\r\n".encode()
        )  # and not one byte of the body: the answer must come anyway
        status, headers, body = _answer(sock)
    assert status == 413 and headers["content-type"] == "application/problem+json"
    assert json.loads(body)["type"] == "/api/v1/problems/too-large"


def test_a_chunked_64_mb_anonymous_body_is_cut_off_and_not_read(live: Live) -> None:
    """The server answers 413 and stops reading: the client can push no more than the limit
    plus what the socket buffers hold, far below the 64 MB it offers (before: all of it, then 401)."""
    sent = 0
    with _connect(live) as sock:
        sock.sendall(
            b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sock.settimeout(2)
        chunk = f"{CHUNK:x}\r\n".encode() + b"[" * CHUNK + b"\r\n"
        try:
            while sent < FLOOD:
                sock.sendall(chunk)
                sent += CHUNK
        except (TimeoutError, ConnectionError):
            pass  # the server stopped reading, or closed the connection: what this test wants
        sock.settimeout(30)
        status, _, body = _answer(sock)
    assert status == 413, body
    assert sent < FLOOD // 2, f"the server read {sent} bytes of an anonymous oversized body"


def test_memory_stays_flat_under_oversized_bodies(live: Live) -> None:
    import psutil

    process = psutil.Process()  # the test server runs in this process
    before = process.memory_info().rss
    for _ in range(5):
        test_a_chunked_64_mb_anonymous_body_is_cut_off_and_not_read(live)
    assert process.memory_info().rss - before < 48 * 1024 * 1024


def test_json_over_the_default_limit_is_413_with_a_token(live: Live) -> None:
    big = {"title": "x", "description": "y" * (2 * 1024 * 1024)}
    with live.client("monitor") as client:
        answer = client.post("/reports", json=big)
    assert answer.status_code == 413 and answer.json()["status"] == 413
    with live.client("monitor") as client:  # an ordinary report still goes through
        assert client.post("/reports", json={**EXAMPLE, "title": "fine"}).status_code == 201


def test_the_signin_form_is_limited_too(live: Live) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        answer = client.post("/signin", data={"token": "x" * (2 * 1024 * 1024)})
    assert answer.status_code == 413


def test_limits_by_route() -> None:
    from ceasefire.api.limits import MAX_AGREEMENT, limit_for

    settings = Settings(db="x", max_upload=10_000_000, max_body=1000)
    assert limit_for("POST", "/api/v1/reports", settings) == 1000
    assert limit_for("POST", "/signin", settings) == 1000
    assert limit_for("POST", "/api/v1/agreements", settings) == MAX_AGREEMENT
    assert limit_for("POST", "/api/v1/reports/7/evidence", settings) > 10_000_000
    assert limit_for("POST", "/report", settings) > 10_000_000


def test_serve_has_a_max_body_option() -> None:
    from typer.testing import CliRunner

    from ceasefire.cli import app

    shown = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert "--max-body-kb" in shown.output


def test_a_chunked_evidence_upload_over_the_limit_is_not_read_on(live: Live) -> None:
    """The evidence route's own 413 also closes the connection: the rest is never read."""
    with live.client("monitor") as client:
        report_id = client.post("/reports", json={**EXAMPLE, "title": "with evidence"}).json()["id"]
    sent = 0
    with _connect(live) as sock:
        sock.sendall(
            f"POST /api/v1/reports/{report_id}/evidence HTTP/1.1\r\nHost: x\r\n".encode()
            + f"Authorization: Bearer {live.tokens['monitor']}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
        sock.sendall(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        sock.settimeout(2)
        chunk = f"{CHUNK:x}\r\n".encode() + b"1" * CHUNK + b"\r\n"
        try:
            while sent < FLOOD:
                sock.sendall(chunk)
                sent += CHUNK
        except (TimeoutError, ConnectionError):
            pass
        sock.settimeout(30)
        status, _, _ = _answer(sock)
    assert status == 413 and sent < FLOOD // 2

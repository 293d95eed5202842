"""`ceasefire serve` itself, as a user starts it, and the per-token rate limit (429)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api.apikit import Live, database, running
from store.storekit import BACKENDS

from ceasefire.api.state import Settings
from ceasefire.server import create_app

CLI = [sys.executable, "-m", "ceasefire.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_on_loopback_until_stopped(tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as (settings, tokens):
        port = _free_port()
        server = subprocess.Popen(
            [*CLI, "serve", "--db", settings.db, "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}/api/v1"
            deadline = time.monotonic() + 20
            while True:
                try:
                    document = httpx.get(f"{base}/openapi.json", timeout=2).json()
                    break
                except httpx.TransportError:
                    assert server.poll() is None and time.monotonic() < deadline, server.stderr and server.stderr.read()
                    time.sleep(0.1)
            assert "/api/v1/reports" in document["paths"]
            answer = httpx.get(f"{base}/clocks", headers={"Authorization": f"Bearer {tokens['observer']}"})
            assert answer.status_code == 200 and answer.json()["agreement"] == "syria-2016-09"
        finally:
            server.terminate()
            server.communicate(timeout=20)


@pytest.mark.parametrize("db", ["missing.db", "postgresql://nobody@127.0.0.1:1/none"], ids=["no-file", "no-server"])
def test_serve_refuses_a_database_it_cannot_serve_in_one_line(tmp_path: Path, db: str) -> None:
    target = str(tmp_path / db) if "://" not in db else db
    done = subprocess.run(
        [*CLI, "serve", "--db", target, "--port", str(_free_port())], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module", params=BACKENDS)
def limited(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server allowing each token 3 requests at once, then one a minute."""
    with database(request.param, tmp_path_factory.mktemp("limited")) as (settings, tokens):
        limited = Settings(db=settings.db, key=settings.key, evidence=settings.evidence, rate_per_minute=1, burst=3)
        app = create_app(limited)
        with running(app) as url:
            yield Live(url, app, limited, tokens)


def test_each_token_has_its_own_rate_and_429_past_it(limited: Live) -> None:
    with limited.client("monitor") as client:
        statuses = [client.get("/clocks").status_code for _ in range(4)]
        refused = client.get("/clocks")
    assert statuses == [200, 200, 200, 429]
    assert refused.headers["content-type"] == "application/problem+json" and int(refused.headers["Retry-After"]) >= 1
    with limited.client("analyst") as client:  # another token is not slowed down
        assert client.get("/clocks").status_code == 200
    with limited.client() as client:  # the public has a rate of its own, per address
        assert [client.get("/clocks").status_code for _ in range(4)] == [200, 200, 200, 429]

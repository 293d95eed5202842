"""Helpers of the API tests: a real uvicorn server on a free loopback port, over a database
built like a task force's (the Syria agreement, its incidents imported, one token per role)."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from store.storekit import SYRIA, pg_url

from ceasefire.api.reports import EXAMPLE_REPORT
from ceasefire.api.state import Settings
from ceasefire.service.workflow import import_events, init_database
from ceasefire.store import open_store

MAX_UPLOAD = 64 * 1024  # bytes of one evidence file, small for the tests
# Rate limits high enough that no test but the rate-limit test (its own settings) meets them:
# the role matrix alone posts a few hundred reports with one token.
TEST_RATE = {"rate_per_minute": 60_000.0, "burst": 1_000}

# name -> (role, party): the tokens every test database holds.
TOKENS = {
    "admin": ("admin", None),
    "analyst": ("analyst", None),
    "monitor": ("monitor", None),
    "monitor2": ("monitor", None),
    "gov": ("party", "syria-gov"),
    "gov2": ("party", "syria-gov"),
    "opposition": ("party", "opposition"),
    "observer": ("observer", None),
}


@dataclass
class Live:
    """A running server: its base URL, app, settings and a bearer token per name in TOKENS."""

    url: str
    app: FastAPI
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, name: str | None = None, **headers: str) -> httpx.Client:
        auth = {"Authorization": f"Bearer {self.tokens[name]}"} if name else {}
        return httpx.Client(base_url=self.url + "/api/v1", headers={**auth, **headers}, timeout=30)

    def session(self, name: str) -> str:
        """A new dashboard session of token ``name`` (what signing in puts in the cookie)."""
        return session_of(self.settings, self.tokens[name])


def session_of(settings: Settings, token: str) -> str:
    """A new dashboard session (the ``cf_session`` cookie's value) of a live ``token``."""
    store = open_store(settings.db, key=settings.key, evidence=settings.evidence)
    try:
        record = store.find_token(token)
        assert record is not None, "not a live token"
        return store.create_session(record.id)
    finally:
        store.close()


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a free 127.0.0.1 port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False, ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def database(backend: str, folder: Path) -> Iterator[tuple[Settings, dict[str, str]]]:
    """A database with the Syria agreement and incidents, their verification run published (as
    a task force does once it checked it), and one token per TOKENS entry."""
    schema = None
    if backend == "postgres":
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        settings = Settings(
            db=f"{pg_url()}?options=-csearch_path%3D{schema},public",
            key=folder / "log.key",
            evidence=folder / "evidence",
            max_upload=MAX_UPLOAD,
            **TEST_RATE,
        )
    else:
        settings = Settings(db=str(folder / "cf.db"), max_upload=MAX_UPLOAD, **TEST_RATE)
    store = open_store(settings.db, key=settings.key, evidence=settings.evidence, create=True)
    try:
        init_database(store, SYRIA / "agreement.yaml")
        run = import_events(store, [SYRIA / "incidents.csv"]).run
        assert run is not None
        store.publish_run(None, run.id)
        tokens = {name: store.create_token(role, party, name)[0] for name, (role, party) in TOKENS.items()}
    finally:
        store.close()
    try:
        yield settings, tokens
    finally:
        if schema:
            import psycopg

            with psycopg.connect(pg_url(), autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


REPORT = EXAMPLE_REPORT


def report(**changes: Any) -> dict[str, Any]:
    return {**REPORT, **changes}


# Inside east Aleppo and the truce: a bound party's air strike on civilians, a violation whose
# findings are drawn from a report (publication and paging tests).
STRIKE = report(
    title="strike",
    occurred_on="2016-09-22",
    lat=36.2105,
    lon=37.1771,
    event_type="Explosions/Remote violence",
    sub_event_type="Air/drone strike",
    actor1="Military Forces of Russia (2000-)",
    actor2="Civilians (Syria)",
    weapon="aircraft",
)

# The demo's convoy report: the same strike as the imported SYR-ILL-0041, so the two link into
# one event (issue 13; ceasefire/demo.py).
CONVOY = report(
    title="Aid convoy struck at Urum al-Kubra",
    occurred_on="2016-09-19",
    lat=36.146,
    lon=36.944,
    event_type="Explosions/Remote violence",
    sub_event_type="Air/drone strike",
    actor1="Unidentified Military Forces",
    actor2="Civilians (Syria)",
    weapon="aircraft",
    fatalities=20,
)

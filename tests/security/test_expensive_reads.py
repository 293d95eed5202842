"""Issue 11, class 5: cheap requests did expensive work. An anonymous bulletin PDF ran WeasyPrint
each time, holding a store; ``GET /log/checkpoint`` read every checkpoint row; proofs rebuilt the
Merkle tree from every leaf; the agreement bundle and the claim verdicts were parsed and judged
again on each public request; the report page took the write lock on every view. Each is now
bounded, counted here against a real server on both backends."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import weasyprint  # type: ignore[import-untyped]
from api.apikit import Live, database, report, running
from store.storekit import BACKENDS, SYRIA

from ceasefire.bulletin import render
from ceasefire.server import create_app
from ceasefire.service import bundles
from ceasefire.service import claims as claims_service
from ceasefire.service.workflow import import_news
from ceasefire.store import journal, logtree, open_store
from ceasefire.store.postgres import WRITE_LOCK_SQL

CHECKPOINTS = 20_000


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server over a database with news claims and many thousands of stored checkpoints."""
    with database(request.param, tmp_path_factory.mktemp("reads")) as (settings, tokens):
        settings = dataclasses.replace(settings, checkpoint_every=0)
        store = open_store(settings.db, key=settings.key, evidence=settings.evidence)
        try:
            import_news(store, sorted((SYRIA / "news").glob("*.txt")))
            store.checkpoint()
            _copy_latest_checkpoint(store.journal.db, CHECKPOINTS)
        finally:
            store.close()
        app = create_app(settings)
        with running(app) as url:
            yield Live(url, app, settings, tokens)


def _copy_latest_checkpoint(db: Any, copies: int) -> None:
    """``copies`` more rows repeating the latest checkpoint: a server up for two weeks."""
    columns = "origin, size, root_hash, timestamp, key_id, signature"
    with db.write():
        top, *latest = db.execute(f"SELECT id, {columns} FROM checkpoints ORDER BY id DESC LIMIT 1")[0]
        db.executemany(
            f"INSERT INTO checkpoints (id, {columns}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(top + n, *latest) for n in range(1, copies + 1)],
        )


class Calls:
    """Counts the calls of the functions wrapped with :meth:`wrap`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch, self.count = monkeypatch, 0

    def wrap(self, owner: object, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        self.monkeypatch.setattr(owner, name, counted)


def _first_day(live: Live) -> str:
    days = httpx.get(f"{live.url}/bulletin/index.json", timeout=30).json()["days"]
    return str(days[0]["date"])


def test_bulletin_rendered_once_per_viewer_class(served: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    pages, pdfs = Calls(monkeypatch), Calls(monkeypatch)
    pages.wrap(render, "html")
    pdfs.wrap(weasyprint.HTML, "write_pdf")
    day = _first_day(served)
    with httpx.Client(base_url=served.url, timeout=60) as public:
        first = public.get(f"/bulletin/{day}.pdf")
        assert first.status_code == 200 and first.content.startswith(b"%PDF")
        for _ in range(3):
            assert public.get(f"/bulletin/{day}.pdf").content == first.content
            assert public.get(f"/bulletin/{day}.html").status_code == 200
    assert (pages.count, pdfs.count) == (1, 1)
    headers = {"Authorization": f"Bearer {served.tokens['gov']}"}
    for _ in range(2):  # another viewer class: its own page, once
        assert httpx.get(f"{served.url}/bulletin/{day}.html", headers=headers, timeout=60).status_code == 200
    assert pages.count == 2


def test_agreement_and_claims_parsed_once(served: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed, judged = Calls(monkeypatch), Calls(monkeypatch)
    parsed.wrap(bundles, "load_agreement")
    judged.wrap(claims_service, "assess_claims")
    with served.client() as public:
        answers = [public.get("/claims") for _ in range(5)]
    assert all(a.status_code == 200 for a in answers) and answers[0].json()["total"] > 0
    # each claim judged once on its own findings (issue 14: not the run's, all at once), not per request
    assert judged.count == answers[0].json()["total"] and parsed.count <= 1
    day = _first_day(served)
    for name in ("analyst", "opposition", "monitor"):  # bulletins of other viewer classes
        headers = {"Authorization": f"Bearer {served.tokens[name]}"}
        assert httpx.get(f"{served.url}/bulletin/{day}.json", headers=headers, timeout=60).status_code == 200
    assert parsed.count <= 1


def test_checkpoint_reads_the_latest_only(served: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    every = Calls(monkeypatch)
    every.wrap(journal.Journal, "checkpoints")
    with served.client("observer") as public:
        started = time.monotonic()
        answers = [public.get("/log/checkpoint") for _ in range(5)]
        spent = time.monotonic() - started
    assert [a.status_code for a in answers] == [200] * 5, answers[0].text
    assert every.count == 0
    assert spent < 5, f"5 checkpoint reads took {spent:.2f} s over {CHECKPOINTS} stored checkpoints"


def test_proofs_use_the_cached_tree(served: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = Calls(monkeypatch)
    builds.wrap(logtree, "stored_tree")
    monkeypatch.setattr(journal, "stored_tree", logtree.stored_tree)
    with served.client("observer") as public:
        size = public.get("/log/checkpoint").json()["size"]
        for _ in range(15):
            assert public.get("/log/proof", params={"index": 0}).status_code == 200
            assert public.get("/log/consistency", params={"from": 1, "to": size}).status_code == 200
    assert builds.count <= served.settings.connections  # at most once per pooled connection


@contextmanager
def _write_lock_held(live: Live) -> Iterator[None]:
    """The database's write lock, held by another connection (a long write elsewhere)."""
    if live.settings.db.startswith("postgres"):
        import psycopg

        with psycopg.connect(live.settings.db) as conn:  # the store's schema: its lock
            conn.execute(WRITE_LOCK_SQL)
            yield
            conn.rollback()
        return
    conn = sqlite3.connect(live.settings.db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_report_page_takes_no_write_lock(served: Live) -> None:
    with served.client("monitor") as client:
        report_id = client.post("/reports", json=report(title="a view is a read")).json()["id"]
        headers = dict(client.headers)
    done = threading.Event()
    with _write_lock_held(served):
        try:
            page = httpx.get(f"{served.url}/reports/{report_id}", headers=headers, timeout=8)
        finally:
            done.set()
    assert page.status_code == 200 and "a view is a read" in page.text

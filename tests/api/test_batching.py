"""Group commit of submissions (ceasefire/api/writer.py over store.reports.submit_reports), on
SQLite and PostgreSQL: a batch is one transaction with one log entry per submission and ONE
signed checkpoint; every receipt verifies against it; a bad submission fails alone; a 201 comes
only after the batch committed.

To make the server batch on cue, a test holds the database's write lock from a connection of its
own (``Database.write``: SQLite ``BEGIN IMMEDIATE``, PostgreSQL the advisory lock) while requests
arrive: the writer's first transaction waits for it and the others queue behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from api.apikit import Live, database, report
from store.storekit import BACKENDS

from ceasefire.api.reports import ReportIn
from ceasefire.api.state import Settings
from ceasefire.api.writer import ReportWriter, Written
from ceasefire.ledger import Receipt, canonical_json, verify_receipt
from ceasefire.store import SQLStore, open_store
from ceasefire.store.errors import IdempotencyMismatch, UnknownRecord
from ceasefire.store.protocol import Submitted, Submitter
from ceasefire.store.reports import BatchRolledBack, ReportRequest, receipt_text, submit_reports

# -- the store: submit_reports ------------------------------------------------------------------


@dataclass
class Opener:
    """Opens stores on one test database (closed at the end of the module)."""

    settings: Settings
    tokens: dict[str, str]
    opened: list[SQLStore] = field(default_factory=list)

    def __call__(self) -> SQLStore:
        self.opened.append(open_store(self.settings.db, key=self.settings.key, evidence=self.settings.evidence))
        return self.opened[-1]

    def submitter(self, store: SQLStore, name: str = "monitor") -> Submitter:
        found = store.find_token(self.tokens[name])
        assert found is not None
        return Submitter(found.id, found.role, found.party)


@pytest.fixture(scope="module", params=BACKENDS)
def opener(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opener]:
    """One database per backend (the Syria example, one token per role)."""
    with database(request.param, tmp_path_factory.mktemp("batching")) as (settings, tokens):
        opened = Opener(settings, tokens)
        yield opened
        for store in opened.opened:
            store.close()


@pytest.fixture
def store(opener: Opener) -> SQLStore:
    return opener()


def _request(
    who: Submitter,
    title: str,
    key: str | None = None,
    sha: str = "a" * 64,
    report_id: int | None = None,
) -> ReportRequest:
    submission = ReportIn.model_validate(report(title=title)).submission()
    return ReportRequest(who, submission, report_id, (key, sha) if key else None)


def _counts(store: SQLStore) -> tuple[int, int, int]:
    """(log entries, checkpoints, report rows) stored now."""
    rows = store.db.execute("SELECT COUNT(*) FROM report_versions")[0][0]
    return store.log_size(), len(store.checkpoints()), int(rows)


def _check_receipt(store: SQLStore, done: Submitted) -> None:
    public = store.public_key()
    assert public is not None
    verify_receipt(done.receipt, public, store.log_entry(done.log_index))  # raises when it does not hold


def test_a_batch_is_one_transaction_with_one_checkpoint(store: SQLStore, opener: Opener) -> None:
    who, tag = opener.submitter(store), time.time_ns()
    size, checkpoints, rows = _counts(store)
    requests = [_request(who, f"batch {n}", f"one-{tag}-{n}" if n % 2 else None) for n in range(5)]
    outcomes = submit_reports(store.journal, requests)
    assert all(isinstance(o, Submitted) for o in outcomes), outcomes
    done = [o for o in outcomes if isinstance(o, Submitted)]
    assert [d.log_index for d in done] == list(range(size, size + 5))  # consecutive, in order
    assert len({d.report_id for d in done}) == 5
    assert _counts(store) == (size + 5, checkpoints + 1, rows + 5)  # ONE new checkpoint
    signed = store.checkpoints()[-1]
    assert signed.size == size + 5 and all(d.receipt.checkpoint == signed for d in done)
    for d in done:
        _check_receipt(store, d)
        assert receipt_text(d.receipt) == d.receipt.to_json()  # the writer's fast form: same bytes
    assert store.verify_log().ok


def test_a_bad_request_fails_alone_and_a_repeat_replays_inside_the_batch(store: SQLStore, opener: Opener) -> None:
    who, tag = opener.submitter(store), time.time_ns()
    first = submit_reports(store.journal, [_request(who, "earlier", f"used-{tag}", "b" * 64)])[0]
    assert isinstance(first, Submitted)
    size, checkpoints, rows = _counts(store)
    outcomes = submit_reports(
        store.journal,
        [
            _request(who, "ok 1", f"k1-{tag}", "c" * 64),
            _request(who, "reuses a key", f"used-{tag}", "d" * 64),  # earlier batch, another request
            _request(who, "ok 2", f"k2-{tag}", "e" * 64),
            _request(who, "version of nothing", report_id=10**12),
            _request(who, "ok 1 again", f"k1-{tag}", "c" * 64),  # same key and request, this batch
            _request(who, "k2, another body", f"k2-{tag}", "f" * 64),  # same key, other request
            _request(who, "earlier again", f"used-{tag}", "b" * 64),  # replays the earlier batch
        ],
    )
    kinds = [type(o).__name__ for o in outcomes]
    assert kinds == [
        "Submitted",
        "IdempotencyMismatch",
        "Submitted",
        "UnknownRecord",
        "Submitted",
        "IdempotencyMismatch",
        "Submitted",
    ]
    ok1, ok2, again, earlier = (outcomes[i] for i in (0, 2, 4, 6))
    assert isinstance(ok1, Submitted) and isinstance(ok2, Submitted) and isinstance(again, Submitted)
    assert again == replace(ok1, replayed=True) and not ok1.replayed
    assert earlier == replace(first, replayed=True)
    assert isinstance(outcomes[1], IdempotencyMismatch) and isinstance(outcomes[3], UnknownRecord)
    assert _counts(store) == (size + 2, checkpoints + 1, rows + 2)  # only ok 1 and ok 2 written
    assert store.db.execute("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?", (f"k1-{tag}",))[0][0] == 1
    for done in (ok1, ok2):
        _check_receipt(store, done)
    assert store.verify_log().ok


class Boom(Exception):
    """An error raised after a request's rows and log entry were written."""


def test_a_write_failing_midway_is_undone_alone(
    store: SQLStore, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = opener.submitter(store)
    append = store.journal.append

    def failing(kind: str, row: dict[str, Any], *args: Any) -> int:
        index = append(kind, row, *args)
        if row.get("title") == "boom":
            raise Boom(f"after entry {index}")
        return index

    monkeypatch.setattr(store.journal, "append", failing)
    size, checkpoints, rows = _counts(store)
    outcomes = submit_reports(store.journal, [_request(who, "before"), _request(who, "boom"), _request(who, "after")])
    assert isinstance(outcomes[1], Boom)
    written = [o for o in outcomes if isinstance(o, Submitted)]
    assert [w.log_index for w in written] == [size, size + 1]  # boom's entry was rolled back
    assert _counts(store) == (size + 2, checkpoints + 1, rows + 2)
    assert not store.db.execute("SELECT 1 FROM report_versions WHERE title = 'boom'")
    assert store.verify_log().ok


def test_a_batch_failing_before_its_commit_stores_nothing(
    store: SQLStore, opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = opener.submitter(store)
    before = _counts(store)

    def no_key() -> None:
        raise OSError("the key file is gone")

    monkeypatch.setattr(store.journal, "checkpoint", no_key)
    with pytest.raises(BatchRolledBack) as raised:
        submit_reports(store.journal, [_request(who, "lost 1"), _request(who, "lost 2")])
    assert isinstance(raised.value.cause, OSError)
    assert _counts(store) == before


# -- the writer thread ----------------------------------------------------------------------------


@contextlib.contextmanager
def write_lock(store: SQLStore) -> Iterator[None]:
    """Hold the database's write lock (the writer's next transaction waits for it)."""
    with store.db.write():
        yield


async def _until(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


def _run_writer(holder: SQLStore, writer: ReportWriter, requests: list[ReportRequest]) -> list[Any]:
    """Queue ``requests`` while the write lock is held (none answered meanwhile), then the answers."""

    async def scenario() -> list[Any]:
        with write_lock(holder):
            tasks = [asyncio.ensure_future(writer.submit(r)) for r in requests]
            await _until(lambda: writer.received == len(requests))
            await asyncio.sleep(0.2)
            assert not any(t.done() for t in tasks)  # nothing answered before a commit
        return list(await asyncio.gather(*tasks, return_exceptions=True))

    try:
        return asyncio.run(scenario())
    finally:
        writer.close()


def test_the_writer_writes_what_is_queued_in_one_transaction(opener: Opener) -> None:
    holder = opener()
    who, tag = opener.submitter(holder), time.time_ns()
    writer = ReportWriter(opener)
    size, checkpoints, rows = _counts(holder)
    written = _run_writer(holder, writer, [_request(who, f"w{tag} {n}", f"w{tag}-{n % 6}") for n in range(8)])
    assert all(isinstance(w, Written) for w in written), written
    assert [w.submitted.log_index for w in written[:6]] == list(range(size, size + 6))  # arrival order
    assert [w.submitted.replayed for w in written] == [False] * 6 + [True] * 2  # keys 0, 1 again
    assert 1 <= writer.batches <= 2  # the waiting first transaction, then all that queued meanwhile
    assert _counts(holder) == (size + 6, checkpoints + writer.batches, rows + 6)
    for w in written:
        _check_receipt(holder, w.submitted)
        assert w.entry == holder.log_entry(w.submitted.log_index)


def test_a_batch_that_rolled_back_is_written_again_one_by_one(opener: Opener) -> None:
    holder = opener()
    who, tag = opener.submitter(holder), time.time_ns()
    failures = [OSError("a passing failure")]  # the first transaction with two or more fails once

    def open_failing_once() -> SQLStore:
        store = opener()
        signed = store.journal.checkpoint

        def checkpoint() -> Any:
            batch = store.db.execute("SELECT COUNT(*) FROM report_versions WHERE title LIKE ?", (f"r{tag} %",))
            if batch[0][0] >= 2 and failures:
                raise failures.pop()
            return signed()

        store.journal.checkpoint = checkpoint  # type: ignore[method-assign]
        return store

    writer = ReportWriter(open_failing_once)
    size, checkpoints, rows = _counts(holder)
    written = _run_writer(holder, writer, [_request(who, f"r{tag} {n}") for n in range(5)])
    assert not failures  # it failed once, before its commit
    assert all(isinstance(w, Written) for w in written), written
    assert sorted(w.submitted.log_index for w in written) == list(range(size, size + 5))
    assert _counts(holder) == (size + 5, checkpoints + writer.batches, rows + 5)  # each stored once
    assert holder.verify_log().ok


# -- through the API ------------------------------------------------------------------------------


def _holder(live: Live) -> SQLStore:
    return open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)


async def _post_all(
    live: Live, holder: SQLStore, posts: list[tuple[dict[str, Any], dict[str, str]]]
) -> list[httpx.Response]:
    """Send ``posts`` (body, headers) at once while the write lock is held; all get queued in
    the writer and none is answered before the lock goes; then the answers."""
    writer: ReportWriter = live.app.state.writer
    headers = {"Authorization": f"Bearer {live.tokens['monitor']}"}
    async with httpx.AsyncClient(base_url=live.url + "/api/v1", headers=headers, timeout=60) as client:
        with write_lock(holder):
            before = writer.received
            tasks = [asyncio.ensure_future(client.post("/reports", json=b, headers=h)) for b, h in posts]
            await _until(lambda: writer.received - before == len(posts))
            await asyncio.sleep(0.2)
            assert not any(t.done() for t in tasks)  # no answer before the batch committed
        return list(await asyncio.gather(*tasks))


def test_concurrent_submissions_share_transactions_and_checkpoints(live: Live) -> None:
    holder = _holder(live)
    try:
        before = len(holder.checkpoints())
        posts = [
            (report(title=f"together {n}"), {"Idempotency-Key": f"together-{time.time_ns()}-{n}"}) for n in range(12)
        ]
        answers = asyncio.run(_post_all(live, holder, posts))
        assert [a.status_code for a in answers] == [201] * 12, [a.text for a in answers]
        done = [a.json() for a in answers]
        indexes = sorted(d["log_index"] for d in done)
        assert indexes == list(range(indexes[0], indexes[0] + 12))
        signed = {json.dumps(d["receipt"]["checkpoint"], sort_keys=True) for d in done}
        assert 1 <= len(signed) <= 2  # the waiting first transaction, then one for all the others
        assert len(holder.checkpoints()) - before < 12  # not one per report
        public = holder.public_key()
        assert public is not None
        for d in done:
            verify_receipt(Receipt.from_json(json.dumps(d["receipt"])), public, d["entry"].encode("utf-8"))
            rows = holder.db.execute("SELECT COUNT(*) FROM report_versions WHERE report_id = ?", (d["id"],))
            assert rows[0][0] == 1
        assert holder.verify_log().ok
    finally:
        holder.close()


def test_a_bad_submission_in_a_batch_fails_alone(live: Live) -> None:
    tag = time.time_ns()
    with live.client("monitor", **{"Idempotency-Key": f"first-{tag}"}) as client:
        first = client.post("/reports", json=report(title="first"))
    assert first.status_code == 201
    holder = _holder(live)
    try:
        posts = [
            (report(title="another body"), {"Idempotency-Key": f"first-{tag}"}),
            (report(title="fresh 1"), {"Idempotency-Key": f"fresh1-{tag}"}),
            (report(title="fresh 2"), {}),
        ]
        answers = asyncio.run(_post_all(live, holder, posts))
        assert [a.status_code for a in answers] == [422, 201, 201], [a.text for a in answers]
        assert answers[0].json()["errors"][0]["field"] == "Idempotency-Key"
        fresh = [a.json() for a in answers[1:]]
        assert abs(fresh[1]["log_index"] - fresh[0]["log_index"]) == 1  # consecutive: the 422 wrote nothing
        posts = [(report(title="first"), {"Idempotency-Key": f"first-{tag}"}), (report(title="fresh 3"), {})]
        answers = asyncio.run(_post_all(live, holder, posts))
        assert [a.status_code for a in answers] == [201, 201]
        assert answers[0].json() == first.json() and answers[0].headers["Idempotent-Replayed"] == "true"
        assert holder.db.execute("SELECT COUNT(*) FROM report_versions WHERE title = 'first'")[0][0] == 1
        assert holder.verify_log().ok
    finally:
        holder.close()


def test_the_stored_request_hash_is_the_canonical_json_one(live: Live) -> None:
    """Keys stored before group commit must still match: the hash is of ``canonical_json``."""
    key, body = f"hash-{time.time_ns()}", report(title="hash Ünïcode ✓", sources=[{"name": "Ç", "url": ""}])
    with live.client("monitor", **{"Idempotency-Key": key}) as client:
        assert client.post("/reports", json=body).status_code == 201
    document = {
        "method": "POST",
        "path": "/api/v1/reports",
        "body": ReportIn.model_validate(body).model_dump(mode="json"),
    }
    holder = _holder(live)
    try:
        stored = holder.db.execute("SELECT request_sha256 FROM idempotency_keys WHERE idem_key = ?", (key,))
    finally:
        holder.close()
    assert stored[0][0] == hashlib.sha256(canonical_json(document)).hexdigest()


def test_the_writer_stops_with_the_server(tmp_path: Path) -> None:
    from api.apikit import running

    from ceasefire.server import create_app

    with database("sqlite", tmp_path) as (settings, tokens):
        app = create_app(settings)
        with running(app) as url:
            answer = httpx.post(
                f"{url}/api/v1/reports",
                json=report(),
                timeout=30,
                headers={"Authorization": f"Bearer {tokens['monitor']}"},
            )
            assert answer.status_code == 201
            thread = app.state.writer._thread
            assert thread is not None and thread.is_alive()
        assert not thread.is_alive()  # the lifespan closed it (and its store)

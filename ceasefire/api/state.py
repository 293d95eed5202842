"""What the app holds for its lifetime: settings, a pool of store connections, the rate limiter.

A :class:`~ceasefire.store.SQLStore` is one connection used by one thread at a time; routes run
in a thread pool, so each request borrows a store from :class:`StorePool` and gives it back.
Writes are serialized by the database itself (``Database.write``), not here.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
import anyio.to_thread

from ceasefire.store import SQLStore, open_store

__all__ = ["RateLimiter", "Settings", "StorePool"]


@dataclass(frozen=True)
class Settings:
    """How ``ceasefire serve`` runs (docs/api.md): database, key, evidence, limits."""

    db: str
    key: Path | None = None
    evidence: Path | None = None
    rate_per_minute: float = 600.0  # requests per token per minute, on average
    burst: int = 60  # requests a token may make at once
    connections: int = 8  # store connections (and so concurrent requests touching the store)
    checkpoint_every: float = 60.0  # seconds between signed checkpoints while serving (0: none)
    max_upload: int = 50 * 1024 * 1024  # bytes of one evidence file
    max_body: int = 1024 * 1024  # bytes of any other request body (JSON, forms), checked as it streams
    tile_url: str | None = None  # the dashboard map's tile layer ({z}/{x}/{y} URL); None: outlines only
    public_url: str | None = None  # where people reach the site (https://...: cookies are Secure)
    # daily quotas (UTC days), per token and per party (api/quotas.py, issue 11); 0: none
    reports_per_day: int = 500  # report versions (submissions and corrections)
    evidence_per_day: int = 500 * 1024 * 1024  # bytes of evidence attached
    min_free_disk: int = 1024 * 1024 * 1024  # uploads answer 507 below this much free disk
    warm_public: bool = False  # make the public's views at start and after each new run (api/warmer.py, issue 14)


class StorePool:
    """Up to ``size`` stores opened on ``settings.db``, lent one request at a time.

    Requests wait for a store in the event loop (``borrow``), never in a worker thread: a worker
    thread blocked on the pool would starve the requests that hold stores of the threads they
    need to finish, and the server would hang once more requests wait than it has threads.
    """

    def __init__(self, settings: Settings, size: int) -> None:
        self.settings, self._free, self._size = settings, queue.LifoQueue[SQLStore](), size
        self._slots = threading.Semaphore(size)  # for ``store``, used outside requests
        self._async_slots: anyio.Semaphore | None = None  # made in the event loop, on first use
        self._all: list[SQLStore] = []
        self._lock = threading.Lock()

    def open(self) -> SQLStore:
        store = open_store(self.settings.db, key=self.settings.key, evidence=self.settings.evidence)
        with self._lock:
            self._all.append(store)
        return store

    @contextmanager
    def store(self) -> Iterator[SQLStore]:
        with self._slots:
            try:
                store = self._free.get_nowait()
            except queue.Empty:
                store = self.open()
            try:
                yield store
            finally:
                self._free.put(store)

    @asynccontextmanager
    async def borrow(self) -> AsyncIterator[SQLStore]:
        """A store for one request; waiting for a free one costs no worker thread."""
        if self._async_slots is None:
            self._async_slots = anyio.Semaphore(self._size)
        async with self._async_slots:
            try:
                store = self._free.get_nowait()
            except queue.Empty:
                store = await anyio.to_thread.run_sync(self.open)
            try:
                yield store
            finally:
                self._free.put(store)

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                store.close()
            self._all.clear()


class RateLimiter:
    """A token bucket per access token (or per address of the public): ``burst`` requests at
    once, refilled at ``per_minute``.

    In-process: each server process counts its own requests.
    """

    def __init__(self, per_minute: float, burst: int) -> None:
        self.rate, self.burst = per_minute / 60.0, float(burst)
        self._buckets: dict[int | str, tuple[float, float]] = {}  # token id or address -> (tokens, last time)
        self._lock = threading.Lock()

    def take(self, token_id: int | str) -> float:
        """0 when the request may go ahead; else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(token_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[token_id] = (tokens - 1, now)
                return 0.0
            self._buckets[token_id] = (tokens, now)
            return (1 - tokens) / self.rate if self.rate > 0 else 60.0

"""The public's views of a run made before its first visitor asks, in the background (issue 14).

At a million incidents the first request for a run's figures reads and counts for a second or
more (the map's columns, the claims' verdicts, a bulletin and its PDF); every later request is a
lookup, since each is kept per run and viewer class (``findings.FigureCache``, ``memo.Memo``). A
:class:`Warmer` makes them ahead: when the server starts, when a run is stored or published
through it (``wake``), and when it sees a run stored or published by another process (it looks
every ``poll_s`` seconds at the newest run and the published ones: a cheap read).

Warming runs the request path's own code under the same keys, through the same caches, so a
request arriving meanwhile waits for the same computation (``memo.Memo``) or makes its own key's
(another run's, another viewer class's): it never reads a stale run's figures. Each step borrows
a store from the pool for its own length only (``StorePool.store``) and writes nothing, so it
takes no write lock. Steps make the public's views (``who`` None): what a signed-in viewer may
see differs, and is made by their first request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Sequence

from starlette.applications import Starlette

from ceasefire.api.state import StorePool
from ceasefire.store import SQLStore

__all__ = ["Step", "Warmer", "wake", "warmer_of"]

Step = Callable[[Starlette, SQLStore], object]
log = logging.getLogger("ceasefire.api")


class Warmer:
    """One daemon thread making ``steps`` in order whenever there may be something new to make."""

    def __init__(self, app: Starlette, pool: StorePool, steps: Sequence[Step], poll_s: float = 5.0) -> None:
        self.app, self.pool, self.steps, self.poll_s = app, pool, tuple(steps), poll_s
        self.rounds = 0  # rounds of warming finished (tests, benchmarks)
        self._wanted, self._stopping = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._lock, self._busy = threading.Lock(), False
        self._size = -1  # the log's size when the runs were last read
        self._seen: Hashable = None  # what was read then

    def start(self) -> None:
        """Warm now, then after each ``wake`` and each change of the runs seen (idempotent)."""
        if self._thread is None:
            self._wanted.set()
            self._thread = threading.Thread(target=self._serve, name="ceasefire-warmer", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Warm again soon (a run was stored or published); returns at once. Wakes coalesce: a
        wake during a round makes one more round. Nothing happens unless started."""
        self._wanted.set()

    def idle(self) -> bool:
        """Whether nothing is being made or waits to be (tests and benchmarks wait for it)."""
        with self._lock:
            return not self._busy and not self._wanted.is_set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current step (it is not interrupted: a step may typeset a PDF)."""
        self._stopping.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _serve(self) -> None:
        seen: Hashable = None  # the runs the last round was made for
        while True:
            woken = self._wanted.wait(self.poll_s)
            if self._stopping.is_set():
                return
            with self._lock:
                self._wanted.clear()
                self._busy = True
            try:
                now = self._runs()
                if woken or now != seen:
                    seen = now
                    self._round()
            finally:
                with self._lock:
                    self._busy = False

    def _runs(self) -> Hashable:
        """The newest run and the published ones: what a run stored or published changes. Read
        again only when the log grew (one indexed read: every run and publication is logged)."""
        try:
            with self.pool.store() as db:
                size = db.log_size()
                if size != self._size:
                    runs = db.runs()
                    self._size, self._seen = size, (runs[-1].id if runs else None, frozenset(db.published_runs()))
        except Exception:  # broad: the store may be briefly unusable; the next look tries again
            log.exception("warming: reading the runs failed")
        return self._seen

    def _round(self) -> None:
        for step in self.steps:
            if self._stopping.is_set():
                return
            try:
                with self.pool.store() as db:
                    step(self.app, db)
            except Exception:  # broad: warming is an optimisation, and the request path reports errors
                log.exception("warming %s failed; the first request for it makes it", getattr(step, "__name__", step))
        self.rounds += 1


def warmer_of(app: Starlette) -> Warmer | None:
    """``app``'s warmer (None: an app made without one, as some tests make them)."""
    found: Warmer | None = getattr(app.state, "warmer", None)
    return found


def wake(app: Starlette) -> None:
    """Have ``app``'s server make the public's views of the newest run now, in the background:
    a new run, or a publication that changes what the public sees of one (issue 14: the first
    visitor after it need not wait); nothing for an app made without a warmer."""
    warmer = warmer_of(app)
    if warmer is not None:
        warmer.wake()

"""Answers worth keeping: a small LRU per app, so a cheap public request never redoes expensive
work (issue 11: a bulletin PDF took 1-2 s of WeasyPrint on every anonymous request).

Keys name everything the answer depends on. Everything the server shows is logged, so the log's
size (``SQLStore.log_size``, one indexed read) with the viewer's class (``auth.viewer_class``)
pins the visible state: a new report, publication, run or claim makes new keys, and the old ones
age out. Concurrent requests for one key wait for one computation instead of each running it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from starlette.applications import Starlette

__all__ = ["Memo", "memo_of"]

V = TypeVar("V")
_CREATE = threading.Lock()


class Memo(Generic[V]):
    """Up to ``size`` values by key, least recently used dropped first; thread-safe."""

    def __init__(self, size: int = 64) -> None:
        self.size, self.made = size, 0  # ``made``: values computed (tests, benchmarks)
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._making: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``make()`` kept (an exception is not kept)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            making = self._making.setdefault(key, threading.Lock())
        with making:  # one computation per key; the others wait for it
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = make()
                with self._lock:
                    self.made += 1
                    self._values[key] = value
                    while len(self._values) > self.size:
                        self._values.popitem(last=False)
            finally:
                with self._lock:
                    self._making.pop(key, None)
        return value


def memo_of(app: Starlette, name: str, size: int = 64) -> Memo[Any]:
    """The app's memo called ``name`` (made on first use: one per app, so per database)."""
    with _CREATE:
        found: Memo[Any] | None = getattr(app.state, f"memo_{name}", None)
        if found is None:
            found = Memo(size)
            setattr(app.state, f"memo_{name}", found)
        return found

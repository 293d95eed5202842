"""Slices of a table worked on by a few threads, results in slice order (issue 16).

The columnar outputs format findings a slice of rows at a time with Arrow's compute kernels and
numpy, which release the GIL: two threads keep both cores of a small machine busy. A slice's
result never depends on which thread made it, so the output is the same bytes with any
number of threads (tests/test_columnar.py compares one thread with several).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

__all__ = ["THREADS", "in_order"]

THREADS = min(4, os.cpu_count() or 1)  # more than the cores only adds memory (each slice's text)

T = TypeVar("T")
S = TypeVar("S")


def in_order(work: Callable[[S], T], items: Iterable[S], threads: int | None = None) -> Iterator[T]:
    """``work(item)`` for each item, yielded in the items' order. At most ``threads`` results
    are made ahead of the one being consumed, so a writer consuming them holds a bounded
    number of slices in memory; one thread (or ``THREADS == 1``), or a single item, runs in this
    thread. ``items`` is read at once (slice starts: a short list)."""
    threads = THREADS if threads is None else threads
    todo = list(items)
    if threads <= 1 or len(todo) <= 1:  # no pool for a single slice (small tables, the examples)
        yield from map(work, todo)
        return
    queue = iter(todo)
    with ThreadPoolExecutor(threads, thread_name_prefix="ceasefire-slices") as pool:
        pending: deque[Future[T]] = deque(pool.submit(work, item) for item in islice(queue, threads))
        while pending:
            done = pending.popleft()
            for item in queue:  # keep the pool busy while the caller consumes this result
                pending.append(pool.submit(work, item))
                break
            yield done.result()

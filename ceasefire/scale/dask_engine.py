"""Partitions verified on a Dask distributed cluster (issue 6).

``dask_runner(agreement, scheduler)`` connects to the scheduler at ``scheduler``
(``tcp://HOST:PORT``), or starts a ``LocalCluster`` of worker processes on this machine when it
is None, sends the agreement to every worker once, and gives a function that maps
``partition.verify_chunk`` over (index, task) pairs and yields each result as it completes. The
cluster stays up for as many calls as the ``with`` block makes (the engine makes a second one
only for partitions holding repeated ids). Workers read Parquet partitions themselves (the paths
must be readable on every worker); partitions of text files travel with the task. An
``InputError`` raised on a worker (a bad row) is raised here unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ceasefire.errors import UsageError
from ceasefire.model import Agreement
from ceasefire.scale.partition import PartResult, Runner, Task, verify_chunk

__all__ = ["client_for", "dask_runner"]


@contextmanager
def client_for(scheduler: str | None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler``, or on a new local cluster of processes."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
        except OSError as error:
            raise UsageError(
                f"--scheduler {scheduler}: cannot connect ({error}): is `dask scheduler` running?"
            ) from None
        with client:
            yield client
        return
    workers = max(1, min(os.cpu_count() or 1, 8))
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)  # type: ignore[no-untyped-call]
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


@contextmanager
def dask_runner(agreement: Agreement, scheduler: str | None) -> Iterator[Runner]:
    """A function running (index, task) pairs on the cluster, yielding results as they complete;
    ``progress`` gets each Parquet partition's rows when it is done."""
    from distributed import as_completed

    with client_for(scheduler) as client:
        shared = client.scatter(agreement, broadcast=True)

        def run(
            tasks: Sequence[tuple[int, Task]], progress: Callable[[int], None] | None
        ) -> Iterator[tuple[int, PartResult]]:
            futures = client.map(verify_chunk, [shared] * len(tasks), [t for _, t in tasks], pure=False)
            pending = {f.key: pair for f, pair in zip(futures, tasks, strict=True)}
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                index, task = pending.pop(future.key)
                result = future.result()
                future.release()
                if progress is not None and task.chunk.part is not None:
                    progress(task.chunk.rows)
                yield index, result

        yield run

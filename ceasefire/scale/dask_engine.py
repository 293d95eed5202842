"""Partitions verified on a Dask distributed cluster (issue 6).

``run_dask(agreement, tasks, scheduler)`` connects to the scheduler at ``scheduler``
(``tcp://HOST:PORT``), or starts a ``LocalCluster`` of worker processes on this machine when it
is None, sends the agreement to every worker once, maps ``partition.verify_chunk`` over the
tasks and gathers the results in task order. Workers read Parquet partitions themselves (the
paths must be readable on every worker); partitions of text files travel with the task. An
``InputError`` raised on a worker (a bad row) is raised here unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ceasefire.errors import UsageError
from ceasefire.model import Agreement
from ceasefire.scale.partition import PartResult, Task, verify_chunk

__all__ = ["client_for", "run_dask"]


@contextmanager
def client_for(scheduler: str | None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler``, or on a new local cluster of processes."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
        except OSError as error:
            raise UsageError(f"--scheduler {scheduler}: cannot connect ({error}): is `dask scheduler` running?") from None
        with client:
            yield client
        return
    workers = max(1, min(os.cpu_count() or 1, 8))
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)  # type: ignore[no-untyped-call]
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


def run_dask(
    agreement: Agreement, tasks: Sequence[Task], scheduler: str | None,
    progress: Callable[[int], None] | None = None,
) -> list[PartResult]:  # fmt: skip
    """Every task on the cluster; the results in task order."""
    from distributed import as_completed

    with client_for(scheduler) as client:
        shared = client.scatter(agreement, broadcast=True)
        futures = client.map(verify_chunk, [shared] * len(tasks), tasks, pure=False)
        order = {f.key: i for i, f in enumerate(futures)}
        results: list[PartResult | None] = [None] * len(tasks)
        done = 0
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            index = order[future.key]
            results[index] = future.result()
            done += tasks[index].chunk.rows
            if progress is not None:
                progress(done)
            future.release()
    return [r for r in results if r is not None]

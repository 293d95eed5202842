"""Partitioned verification: cut the inputs into partitions, run them locally or on Dask, reduce.

``verify_partitioned(agreement, paths, engine="local"|"dask", ...)``:

1. every input becomes ``Chunk``s: a Parquet file or hive folder one per group of row groups
   (``PART_ROWS`` rows; for data kept by date, as GDELT and ACLED bulk users keep it, these are
   time partitions), a text file (CSV, TSV, GeoJSON) its incidents read by the ordinary readers;
2. each chunk is verified apart (``partition.verify_chunk``, which runs
   ``verification.verify_table`` as every other path does): in this process one after the
   other (``local``: memory holds one partition plus the reduced results so far), or on a Dask
   cluster (``dask``; ``scale.dask_engine``); each result goes to a ``reduce.Reduction`` as it
   arrives;
   with records of several files, every partition sends back all its records, not only those
   with findings (``Task.link``), so that the reduction can link them;
3. repeated ids (as in ``ceasefire verify``, the first occurrence inside the period is kept) are
   found from the id hashes the partitions return, not by reading the ids a second time on the
   client; in the rare input that has some, only the partitions holding a repeat are verified
   again, without it;
4. the reduction puts the results together in input order and, with records of several files,
   links all of them at once and merges the findings per event
   (``verification.link_findings``, as ``verify_table`` does).

``progress`` is called with the number of input rows read so far: text files as the client reads
them, Parquet row groups as the local engine reads them, Parquet partitions as Dask workers finish
them; so a progress bar moves from the first row group on.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import partial

from ceasefire.model import Agreement
from ceasefire.scale.convert import incident_batches
from ceasefire.scale.partition import Chunk, PartResult, Runner, Task, verify_chunk
from ceasefire.scale.reduce import Reduction
from ceasefire.sources import BadRows, read_events
from ceasefire.sources.parquet import PART_ROWS, is_parquet, layout, parquet_parts
from ceasefire.verification import Intake, Verification

__all__ = ["ENGINES", "chunks", "run_local", "run_partitions", "runner", "several_files", "verify_partitioned"]

ENGINES = ("local", "dask")
Progress = Callable[[int], None]


def chunks(
    paths: Sequence[str | os.PathLike[str]],
    bad_rows: BadRows,
    part_rows: int = PART_ROWS,
    progress: Progress | None = None,
) -> list[Chunk]:
    """The partitions of every input, in input order (text files are read now; ``progress``
    gets the rows of each batch read)."""
    out: list[Chunk] = []
    for path in paths:
        if is_parquet(path):
            parts = parquet_parts(path, part_rows)
            layouts = {p.path: layout(p) for p in {p.path: p for p in parts}.values()}
            out += [Chunk(layouts[p.path], part=p) for p in parts]
            continue
        for table in incident_batches(read_events(path, bad_rows), part_rows):
            out.append(Chunk("incidents", table=table))
            if progress is not None:
                progress(table.num_rows)
    return out


def several_files(parts: Sequence[Chunk]) -> bool:
    """Whether the partitions hold records of more than one file, so that they may link
    (issue 13); reads each Parquet partition's ``file`` column until a second file shows."""
    seen: set[str] = set()
    for chunk in parts:
        seen |= chunk.files()
        if len(seen) > 1:
            return True
    return False


def run_local(
    agreement: Agreement, tasks: Sequence[tuple[int, Task]], progress: Progress | None = None
) -> Iterator[tuple[int, PartResult]]:
    """The partitions one after the other in this process, each result as it is ready."""
    for index, task in tasks:
        yield index, verify_chunk(agreement, task, progress)


@contextmanager
def runner(agreement: Agreement, engine: str, scheduler: str | None = None) -> Iterator[Runner]:
    """A function running (index, task) pairs: in this process, or on a Dask cluster that stays
    up until the block ends."""
    if engine != "dask":
        yield partial(run_local, agreement)
        return
    from ceasefire.scale.dask_engine import dask_runner

    with dask_runner(agreement, scheduler) as run:
        yield run


def run_partitions(
    agreement: Agreement,
    paths: Sequence[str | os.PathLike[str]],
    *,
    engine: str = "local",
    scheduler: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
    part_rows: int = PART_ROWS,
) -> Reduction:
    """Every partition verified, repeated ids dropped: the reduction, ready to put together."""
    bad_rows = BadRows(skip=skip_bad_rows)
    read = _running_total(progress)
    parts = chunks(paths, bad_rows, part_rows, read)
    intake = Intake(files=[os.fspath(p) for p in paths])
    intake.read(bad_rows)
    link = several_files(parts)
    reduction = Reduction(agreement, intake, date_from, date_to, link=link)
    tasks = [Task(c, date_from, date_to, None, skip_bad_rows, link) for c in parts]
    with runner(agreement, engine, scheduler) as run:
        for index, result in run(list(enumerate(tasks)), read):
            reduction.add(index, result)
        again = [(i, replace(tasks[i], drop=drop)) for i, drop in reduction.repeats().items()]
        for index, result in run(again, None):  # rows counted already
            reduction.add(index, result)
    return reduction


def verify_partitioned(
    agreement: Agreement,
    paths: Sequence[str | os.PathLike[str]],
    *,
    engine: str = "local",
    scheduler: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
    part_rows: int = PART_ROWS,
) -> Verification:
    """Verify the inputs partition by partition; the result equals ``pipeline.verify``'s."""
    return run_partitions(
        agreement,
        paths,
        engine=engine,
        scheduler=scheduler,
        date_from=date_from,
        date_to=date_to,
        skip_bad_rows=skip_bad_rows,
        progress=progress,
        part_rows=part_rows,
    ).verification()


def _running_total(progress: Progress | None) -> Progress | None:
    """A callback taking rows read by one step, calling ``progress`` with the total so far."""
    if progress is None:
        return None
    total = 0

    def add(rows: int) -> None:
        nonlocal total
        total += rows
        progress(total)

    return add

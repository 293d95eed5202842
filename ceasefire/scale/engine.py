"""Partitioned verification: plan the partitions, run them locally or on Dask, reduce.

``verify_partitioned(agreement, paths, engine="local"|"dask", ...)``:

1. every input becomes ``Chunk``s: a Parquet file or hive folder one per group of row groups
   (``PART_ROWS`` rows; for data kept by date, as GDELT and ACLED bulk users keep it, these are
   time partitions), a text file (CSV, TSV, GeoJSON) its incidents read by the ordinary readers;
2. the plan reads only the id column (and, if an id repeats, the dates) to find repeated ids:
   as in ``ceasefire verify``, the first occurrence inside the period is kept;
3. each chunk is verified apart (``partition.verify_chunk``): in this process one after the
   other (``local``: memory holds one partition plus the findings so far), or on a Dask
   cluster (``dask``; ``scale.dask_engine``);
4. ``partition.reduce_parts`` puts the results together in input order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ceasefire.model import Agreement
from ceasefire.pipeline import Intake, Verification
from ceasefire.scale.convert import incident_batches
from ceasefire.scale.normalize import id_array, reported_days
from ceasefire.scale.parquet import PART_ROWS, is_parquet, layout, parquet_parts
from ceasefire.scale.partition import Chunk, PartResult, Task, reduce_parts, verify_chunk
from ceasefire.sources import BadRows, read_events

__all__ = ["ENGINES", "chunks", "plan", "run_local", "verify_partitioned"]

ENGINES = ("local", "dask")
Progress = Callable[[int], None]
ID_COLUMNS = ["id", "event_id_cnty", "data_id"]
DATE_COLUMNS = ["date", "date_reported", "event_date", "time_precision"]


def chunks(paths: Sequence[str | os.PathLike[str]], bad_rows: BadRows, part_rows: int = PART_ROWS) -> list[Chunk]:
    """The partitions of every input, in input order (text files are read now)."""
    out: list[Chunk] = []
    for path in paths:
        if is_parquet(path):
            parts = parquet_parts(path, part_rows)
            layouts = {p.path: layout(p) for p in {p.path: p for p in parts}.values()}
            out += [Chunk(layouts[p.path], part=p) for p in parts]
        else:
            out += [Chunk("incidents", table=t) for t in incident_batches(read_events(path, bad_rows), part_rows)]
    return out


def plan(parts: Sequence[Chunk], date_from: dt.date | None, date_to: dt.date | None) -> tuple[list[npt.NDArray[np.bool_] | None], int]:
    """Per chunk, the rows to drop as repeats of an earlier id inside the period; their count."""
    ids = [id_array(c.read(ID_COLUMNS), c.layout) for c in parts]
    every = pa.chunked_array([chunk for column in ids for chunk in column.chunks], pa.string())
    if pc.count_distinct(every).as_py() == len(every):  # the usual case: nothing to look up
        return [None] * len(parts), 0
    inside = np.concatenate([_inside(c, date_from, date_to) for c in parts])
    position = np.flatnonzero(inside)
    table = pa.table({"id": every.filter(pa.array(inside)), "pos": pa.array(position)})
    first = table.group_by("id", use_threads=False).aggregate([("pos", "min")])["pos_min"].to_numpy()
    drop = inside.copy()
    drop[first] = False
    bounds = np.cumsum([0, *(len(c) for c in ids)])
    return [drop[a:b] for a, b in itertools.pairwise(bounds)], int(drop.sum())


def _inside(chunk: Chunk, date_from: dt.date | None, date_to: dt.date | None) -> npt.NDArray[np.bool_]:
    day = reported_days(chunk.read(DATE_COLUMNS), chunk.layout)
    inside = np.ones(len(day), bool)
    if date_from is not None:
        inside &= (day >= date_from.toordinal()) | (day == 0)
    if date_to is not None:
        inside &= day <= date_to.toordinal()
    return inside


def run_local(agreement: Agreement, tasks: Sequence[Task], progress: Progress | None = None) -> list[PartResult]:
    """The partitions one after the other in this process."""
    results, done = [], 0
    for task in tasks:
        results.append(verify_chunk(agreement, task))
        done += task.chunk.rows
        if progress is not None:
            progress(done)
    return results


def verify_partitioned(
    agreement: Agreement, paths: Sequence[str | os.PathLike[str]], *, engine: str = "local",
    scheduler: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
    skip_bad_rows: bool = False, progress: Progress | None = None, part_rows: int = PART_ROWS,
) -> Verification:  # fmt: skip
    """Verify the inputs partition by partition; the result equals ``pipeline.verify``'s."""
    bad_rows = BadRows(skip=skip_bad_rows)
    parts = chunks(paths, bad_rows, part_rows)
    drops, duplicates = plan(parts, date_from, date_to)
    tasks = [Task(c, date_from, date_to, d, skip_bad_rows) for c, d in zip(parts, drops, strict=True)]
    if engine == "dask":
        from ceasefire.scale.dask_engine import run_dask

        results = run_dask(agreement, tasks, scheduler, progress)
    else:
        results = run_local(agreement, tasks, progress)
    intake = Intake(files=[os.fspath(p) for p in paths], duplicates=duplicates, bad_rows=list(bad_rows.messages),
                    bad_row_count=bad_rows.count, not_incidents=bad_rows.ignored)  # fmt: skip
    return reduce_parts(agreement, results, intake, date_from, date_to)

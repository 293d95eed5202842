"""Verify partitions of the incidents apart (issue 6); ``scale.reduce`` puts them together.

Every finding depends on its own incident only; the clocks and summaries aggregate per day. So a
partition (``Chunk``: some row groups of a Parquet file, or incidents read from a text file) is
verified on its own (``verify_chunk``, with ``verification.verify_table``, the path every
input takes) into a ``PartResult``: its findings (columnar), the
incidents they concern (an ``IncidentTable``, ids as Arrow strings), its clocks' daily violation
counts, a 128-bit hash of the id of every incident inside the period (the reduction finds
repeated ids with them) and a few counts.

Linking (issue 13) is the exception: an event's records may lie in any partitions, and the
one-to-one assignment of links is global. So when the input holds records of several files
(``Task.link``), a partition links nothing and sends back every record it admitted, not only
those with findings; the reduction links them all at once (``scale.reduce``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ceasefire.actor_resolution import AliasResolver
from ceasefire.findings import FindingTable
from ceasefire.model import Agreement
from ceasefire.rules.clocks import DailyCounts
from ceasefire.sources.columns import incident_columns
from ceasefire.sources.parquet import Part, part_columns
from ceasefire.sources.rows import BadRows
from ceasefire.table import IncidentTable
from ceasefire.verification import verify_table

Progress = Callable[[int], None]

__all__ = ["Chunk", "PartResult", "Runner", "Task", "id_hashes", "verify_chunk"]

HASH_KEYS = ("ceasefire:ids:a0", "ceasefire:ids:b1")  # two 64-bit SipHashes: 128 bits per id


@dataclass(frozen=True)
class Chunk:
    """One partition of the input: a Parquet ``part``, or an in-memory ``table``; ``layout`` is
    ``incidents`` or ``acled`` (see ``sources.parquet``)."""

    layout: str
    part: Part | None = None
    table: pa.Table | None = None

    @property
    def rows(self) -> int:
        return self.part.rows if self.part is not None else (self.table.num_rows if self.table is not None else 0)

    def columns(self, bad_rows: BadRows, progress: Progress | None = None) -> dict[str, Any]:
        """Raw columns for ``IncidentTable.from_columns``; bad rows reported and dropped.
        ``progress`` gets the rows of each Parquet row group read (a table in memory was read,
        and counted, when the chunk was made)."""
        if self.part is not None:
            return part_columns(self.part, self.layout, bad_rows, progress)
        assert self.table is not None
        return incident_columns(self.table)

    def files(self) -> set[str]:
        """The distinct ``file`` values of the chunk's records (an ACLED-layout part: its path),
        read from the ``file`` column alone (``scale.engine`` asks, to know whether to link)."""
        if self.table is not None:
            return _distinct(self.table.column("file"))
        assert self.part is not None
        if self.layout != "incidents":
            return {self.part.path}
        read = self.part.read(["file"])
        return _distinct(read.column("file")) if "file" in read.column_names else {""}  # as ``incident_columns``


@dataclass(frozen=True)
class Task:
    """What a worker needs besides the agreement: a chunk, the period, the duplicates to drop."""

    chunk: Chunk
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # per incident of the chunk inside the period (bad rows left out), in order: True for a
    # repeat of an earlier id (``scale.reduce.Reduction.repeats``)
    drop: npt.NDArray[np.bool_] | None = None
    skip_bad_rows: bool = False
    # the input holds records of several files (issue 13): send back every record, for the
    # reduction to link them all at once; else only those with findings
    link: bool = False


@dataclass(frozen=True)
class PartResult:
    findings: FindingTable  # ``incident`` indexes ``incidents``
    incidents: IncidentTable  # the incidents with findings, in input order; ids as Arrow strings
    daily: DailyCounts
    id_hash: npt.NDArray[np.uint64]  # (n, 2): every incident inside the period (``id_hashes``)
    admitted: int  # incidents verified
    outside_period: int
    last_day: int  # the latest possible date of any incident (ordinal; 0: none)
    unresolved: tuple[str, ...]
    bad_rows: BadRows = field(default_factory=BadRows)
    seconds: float = 0.0


# Runs (index, task) pairs, yielding (index, result) as each is done; the second argument gets the
# input rows read (``scale.engine``).
Runner = Callable[[Sequence[tuple[int, Task]], Callable[[int], None] | None], Iterator[tuple[int, PartResult]]]


def verify_chunk(agreement: Agreement, task: Task, progress: Progress | None = None) -> PartResult:
    """Read, normalize and verify one partition (runs on a worker or in-process) with
    ``verification.verify_table``, as every other path does; ``progress`` gets the rows of each
    row group as it is read."""
    start = time.perf_counter()
    bad_rows = BadRows(skip=task.skip_bad_rows)
    raw = task.chunk.columns(bad_rows, progress)
    keep, inside = _admitted(raw, task)
    id_hash = id_hashes(raw["id"][inside])
    if not keep.all():
        raw = {k: v[keep] for k, v in raw.items()}
    resolver = AliasResolver(agreement)
    table = IncidentTable.from_columns(raw, resolver)
    del raw
    # the period is applied already (``_admitted``, which also needs it for the id hashes): not
    # passed again, or the table would be copied for nothing; the partition's clocks are not
    # used (the reduction judges the summed ``daily`` counts)
    # Not linked here (issue 13): a partition holds only some of an event's records; the
    # reduction links the records of every partition at once (``Task.link``).
    v = verify_table(agreement, table, resolver, link=False)
    findings, incidents = v.findings, v.table
    if not task.link:
        rows, local = np.unique(v.findings.incident, return_inverse=True)
        findings, incidents = replace(v.findings, incident=local.astype(np.intp)), v.table.take(rows)
    return PartResult(
        findings=findings,
        incidents=_compact(incidents),
        id_hash=id_hash,
        daily=v.daily,
        admitted=len(v.table),
        outside_period=int(np.count_nonzero(~inside)),
        last_day=int(v.table.day1.max(initial=0)),
        unresolved=tuple(resolver.unresolved()),
        bad_rows=bad_rows,
        seconds=time.perf_counter() - start,
    )


def _admitted(raw: Mapping[str, Any], task: Task) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(rows inside the period and not repeats, rows inside the period)."""
    n = len(raw["id"])
    reported = np.asarray(raw.get("date_reported", np.zeros(n, np.int64)))
    day = np.where(reported > 0, reported, np.asarray(raw["date"]))
    inside = np.ones(n, bool)
    if task.date_from is not None:
        inside &= day >= task.date_from.toordinal()
    if task.date_to is not None:
        inside &= day <= task.date_to.toordinal()
    keep = inside.copy()
    if task.drop is not None:
        keep[np.flatnonzero(inside)[task.drop]] = False
    return keep, inside


def _distinct(column: pa.ChunkedArray) -> set[str]:
    """The distinct values of a string column (dictionary-encoded or not), nulls as ""."""
    values = pc.unique(column)
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    return {v or "" for v in values.to_pylist()}


def id_hashes(ids: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """(n, 2) uint64: two SipHashes of each id (str). The reduction takes equal pairs for equal
    ids: two different ids among 10^9 share a pair with probability below 10^-20."""
    out = np.empty((len(ids), 2), np.uint64)
    for k, key in enumerate(HASH_KEYS):
        out[:, k] = pd.util.hash_array(np.asarray(ids, dtype=object), hash_key=key, categorize=False)
    return out


def _compact(table: IncidentTable) -> IncidentTable:
    """The table with its ids as Arrow strings (~14 bytes an id rather than ~65 as ``str``)."""
    ids: Any = pd.arrays.ArrowStringArray(pa.array(np.asarray(table.columns["id"], dtype=object), pa.string()))
    return replace(table, columns={**table.columns, "id": ids})

"""Verify partitions of the incidents apart, then reduce them to one ``Verification``.

Every finding depends on its own incident only; the clocks and summaries aggregate per day. So a
partition (``Chunk``: some row groups of a Parquet file, or incidents read from a text file) is
verified on its own (``verify_chunk``) into a ``PartResult``: its findings (columnar), the
incidents they concern (Arrow, compact for the trip back from a worker), its clocks' daily
violation counts and a few counts. ``reduce_parts`` concatenates the findings in input order,
sums the daily counts and computes the clocks: the findings are those of the local engine on
the same incidents, in the same order, and so are the clocks and summaries.

The reduced ``Verification.table`` holds only the incidents that have findings (``Finding.extra
["row"]`` indexes it); ``intake.incidents`` counts all of them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from ceasefire.actors import AliasResolver
from ceasefire.findings import FindingTable
from ceasefire.model import Agreement
from ceasefire.pipeline import Intake, Verification
from ceasefire.rules import evaluate
from ceasefire.rules.clocks import DailyCounts, clocks_from_counts, daily_violations, merge_daily
from ceasefire.scale.normalize import (
    EPOCH_ORDINAL,
    INCIDENT_SCHEMA,
    acled_columns,
    incident_columns,
)
from ceasefire.scale.parquet import Part
from ceasefire.sources.rows import BadRows
from ceasefire.table import FIELDS, STRING_FIELDS, IncidentTable

__all__ = ["Chunk", "PartResult", "reduce_parts", "verify_chunk"]

ACLED_READ = ("event_id_cnty", "data_id", "event_date", "time_precision", "event_type", "sub_event_type",
              "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "country", "admin1",
              "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities", "weapon",
              "attacker")  # fmt: skip


@dataclass(frozen=True)
class Chunk:
    """One partition of the input: a Parquet ``part``, or an in-memory ``table``; ``layout`` is
    ``incidents`` or ``acled`` (see ``scale.parquet``)."""

    layout: str
    part: Part | None = None
    table: pa.Table | None = None

    @property
    def rows(self) -> int:
        return self.part.rows if self.part is not None else (self.table.num_rows if self.table is not None else 0)

    def read(self, columns: list[str] | None = None) -> pa.Table:
        if self.table is not None:
            return self.table if columns is None else self.table.select([c for c in columns if c in self.table.column_names])
        assert self.part is not None
        return self.part.read(columns)

    def columns(self, bad_rows: BadRows) -> dict[str, Any]:
        """Raw columns for ``IncidentTable.from_columns``; bad rows reported and dropped."""
        if self.layout == "incidents":
            return incident_columns(self.read())
        assert self.part is not None
        return acled_columns(self.read(list(ACLED_READ)), self.part.path, self.part.first_row, bad_rows)


@dataclass(frozen=True)
class Task:
    """What a worker needs besides the agreement: a chunk, the period, the duplicates to drop."""

    chunk: Chunk
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    drop: npt.NDArray[np.bool_] | None = None  # per row of the chunk: a repeated id (plan)
    skip_bad_rows: bool = False


@dataclass(frozen=True)
class PartResult:
    findings: FindingTable  # ``incident`` indexes ``incidents``
    incidents: pa.Table  # raw columns of the incidents with findings, in input order
    daily: DailyCounts
    admitted: int  # incidents verified
    outside_period: int
    last_day: int  # the latest possible date of any incident (ordinal; 0: none)
    unresolved: tuple[str, ...]
    bad_rows: BadRows = field(default_factory=BadRows)
    seconds: float = 0.0


def verify_chunk(agreement: Agreement, task: Task) -> PartResult:
    """Read, normalize and verify one partition (runs on a worker or in-process)."""
    start = time.perf_counter()
    bad_rows = BadRows(skip=task.skip_bad_rows)
    raw = task.chunk.columns(bad_rows)
    keep, outside = _admitted(raw, task)
    if not keep.all():
        raw = {k: v[keep] for k, v in raw.items()}
    resolver = AliasResolver(agreement)
    table = IncidentTable.from_columns(raw, resolver)
    findings = evaluate(agreement, table, resolver)
    rows, local = np.unique(findings.incident, return_inverse=True)
    return PartResult(
        findings=replace(findings, incident=local.astype(np.intp)),
        incidents=to_arrow(table, rows),
        daily=daily_violations(agreement, table, findings),
        admitted=len(table), outside_period=outside,
        last_day=int(table.day1.max(initial=0)),
        unresolved=tuple(resolver.unresolved()), bad_rows=bad_rows,
        seconds=time.perf_counter() - start,
    )  # fmt: skip


def _admitted(raw: Mapping[str, Any], task: Task) -> tuple[npt.NDArray[np.bool_], int]:
    """Rows inside the period and not repeats; the number outside the period."""
    n = len(raw["id"])
    keep = np.ones(n, bool) if task.drop is None else ~task.drop[: n]
    reported = np.asarray(raw.get("date_reported", np.zeros(n, np.int64)))
    day = np.where(reported > 0, reported, np.asarray(raw["date"]))
    inside = np.ones(n, bool)
    if task.date_from is not None:
        inside &= day >= task.date_from.toordinal()
    if task.date_to is not None:
        inside &= day <= task.date_to.toordinal()
    return keep & inside, int(np.count_nonzero(~inside))


def to_arrow(table: IncidentTable, rows: npt.NDArray[np.intp]) -> pa.Table:
    """Some incidents as Arrow in the ``incidents`` layout (strings dictionary-encoded, the id
    plain): what ``ceasefire convert`` writes and what partitions send back."""
    data: dict[str, Any] = {
        name: pa.array((days[rows] - EPOCH_ORDINAL).astype(np.int32)).cast(pa.date32())
        for name, days in (("date", table.day0), ("date_end", table.day1), ("date_reported", table.day))
    }
    for name in FIELDS:
        if name in data:
            continue
        values = table.columns[name][rows]
        if name in STRING_FIELDS and name != "id":
            cat = values if isinstance(values, pd.Categorical) else pd.Categorical(values)
            data[name] = pa.DictionaryArray.from_arrays(
                pa.array(np.asarray(cat.codes, np.int32)), pa.array(np.asarray(cat.categories, dtype=object), pa.string())
            )
        else:
            data[name] = pa.array(values)
    return pa.table(data).select(INCIDENT_SCHEMA.names).cast(INCIDENT_SCHEMA)


def reduce_parts(
    agreement: Agreement, parts: Sequence[PartResult], intake: Intake,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> Verification:  # fmt: skip
    """One verification from the results of consecutive partitions of the input, in order."""
    resolver = AliasResolver(agreement)
    incidents = [p.incidents for p in parts if p.incidents.num_rows] or [INCIDENT_SCHEMA.empty_table()]
    columns = incident_columns(pa.concat_tables(incidents).unify_dictionaries())
    del incidents
    table = IncidentTable.from_columns(columns, resolver)
    del columns
    findings = _concat_findings([p.findings for p in parts], [p.incidents.num_rows for p in parts])
    for name in sorted({a for p in parts for a in p.unresolved}):
        resolver.resolve(name)  # so that the unresolved actors are those of every partition
    last = max((p.last_day for p in parts), default=0)
    last_day = date_to if date_to is not None else (dt.date.fromordinal(last) if last else None)
    clocks = clocks_from_counts(agreement, merge_daily(p.daily for p in parts), last_day)
    intake.incidents = sum(p.admitted for p in parts)
    intake.outside_period += sum(p.outside_period for p in parts)
    intake.bad_row_count += sum(p.bad_rows.count for p in parts)
    intake.bad_rows += [m for p in parts for m in p.bad_rows.messages][: 100 - len(intake.bad_rows)]
    return Verification(agreement, table, findings, clocks, resolver, intake, date_from, date_to)


def _concat_findings(tables: Sequence[FindingTable], sizes: Sequence[int]) -> FindingTable:
    """Findings of consecutive partitions, incidents renumbered and places unified by name;
    written into preallocated columns, so memory holds the result once."""
    places: list[tuple[str, str]] = list(dict.fromkeys(p for ft in tables for p in ft.places))
    names = [f for f in FindingTable.__slots__ if f != "places"]
    empty = FindingTable.concat([], places)
    total = sum(len(ft) for ft in tables)
    merged = {f: np.empty(total, getattr(empty, f).dtype) for f in names}
    start = offset = 0
    for ft, size in zip(tables, sizes, strict=True):
        remap = np.array([places.index(p) for p in ft.places] + [-1], np.int16)
        stop = start + len(ft)
        for f in names:
            merged[f][start:stop] = getattr(ft, f)
        merged["incident"][start:stop] += offset
        merged["place_id"][start:stop] = remap[ft.place_id]
        start, offset = stop, offset + size
    return FindingTable(**merged, places=tuple(places))

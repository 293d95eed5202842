"""Partition results put together into one ``Verification``, in input order (issue 6).

A ``Reduction`` takes the ``PartResult`` of each partition as it arrives (in any order; a
partition verified again replaces its first result) and keeps it as plain columns. Three steps:

* ``repeats()``: the incident ids that repeat an earlier one inside the period, found from the
  128-bit id hashes the partitions send (a sort of the first 64 bits; the rest only when those
  repeat): per partition, the rows to drop, to verify again with ``Task.drop``;
* ``verification()``: the incident table and the findings built column by column, each
  partition's piece of a column released as soon as it is copied, so memory holds the result
  and what is left of the partitions, never both in full; the clocks from the summed daily
  counts. The result equals ``verification.verify_table``'s on the same incidents;
* with records of several files (``link``), ``verification()`` also links every record at once
  and merges the findings per event (``verification.link_findings``, issue 13), then keeps the
  records of events with findings.

The reduced ``Verification.table`` holds only the incidents that have findings (``Finding.row``
indexes it; its ids are Arrow strings); ``intake.incidents`` counts all of them. Its
``combo`` codes are distinct per partition only: rows sharing one still share their attribution
inputs, which is all the rules ask of them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from ceasefire.actor_resolution import AliasResolver
from ceasefire.corroboration import Events
from ceasefire.findings import FindingTable
from ceasefire.linking.grades import SourceColumns
from ceasefire.model import Agreement
from ceasefire.rules.clocks import DailyCounts, clocks_from_counts, daily_violations, merge_daily
from ceasefire.scale.partition import PartResult
from ceasefire.sources.columns import INCIDENT_SCHEMA, incident_columns
from ceasefire.sources.rows import BadRows
from ceasefire.table import IncidentTable, SideColumns
from ceasefire.verification import Intake, Verification, link_findings

__all__ = ["Reduction", "Tally"]

Columns = dict[str, Any]
_NAMED = {"event_code": "event_names", "sub_event_code": "sub_event_names"}  # codes -> their names
_FINDINGS = [f for f in FindingTable.__slots__ if f != "places"]


@dataclass(frozen=True)
class Tally:
    """What the reduction keeps of a partition besides its columns."""

    daily: DailyCounts
    admitted: int
    outside_period: int
    last_day: int
    unresolved: tuple[str, ...]
    bad_rows: BadRows
    seconds: float
    rows: int  # incidents with findings


class Reduction:
    """The results of the partitions ``0 .. n-1`` of one input, reduced (see the module)."""

    def __init__(
        self,
        agreement: Agreement,
        intake: Intake,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        *,
        link: bool = False,
    ) -> None:
        """``link``: the partitions send every record (``partition.Task.link``), to be linked."""
        self.agreement, self.intake, self.date_from, self.date_to = agreement, intake, date_from, date_to
        self.link = link
        self.incidents: dict[int, Columns] = {}
        self.findings: dict[int, Columns] = {}
        self.tallies: dict[int, Tally] = {}
        self.id_hash: dict[int, npt.NDArray[np.uint64]] = {}  # from the first run of each
        self.repeats_s = 0.0  # seconds spent looking for repeated ids

    def add(self, index: int, part: PartResult) -> None:
        """The result of partition ``index``; a second one for the same index replaces the first."""
        self.incidents[index] = _flatten(part.incidents)
        self.findings[index] = {f: getattr(part.findings, f) for f in _FINDINGS} | {"places": part.findings.places}
        self.id_hash.setdefault(index, part.id_hash)
        self.tallies[index] = Tally(
            part.daily,
            part.admitted,
            part.outside_period,
            part.last_day,
            part.unresolved,
            part.bad_rows,
            part.seconds,
            len(part.incidents),
        )

    def repeats(self) -> dict[int, npt.NDArray[np.bool_]]:
        """Per partition with repeated ids: which of its incidents inside the period repeat an
        earlier id (input order: the first occurrence is kept). Sets ``intake.duplicates``."""
        start = time.perf_counter()
        try:
            return self._repeats()
        finally:
            self.repeats_s = time.perf_counter() - start

    def _repeats(self) -> dict[int, npt.NDArray[np.bool_]]:
        order = sorted(self.id_hash)
        first = np.concatenate([self.id_hash[i][:, 0] for i in order]) if order else np.zeros(0, np.uint64)
        ranked = np.sort(first)
        if not (ranked[1:] == ranked[:-1]).any():  # the usual case: no id repeats
            return {}
        candidates = np.flatnonzero(pd.Series(first).duplicated(keep=False).to_numpy())
        pairs = np.concatenate([self.id_hash[i] for i in order])[candidates]
        drop = np.zeros(len(first), bool)
        drop[candidates[pd.DataFrame(pairs).duplicated(keep="first").to_numpy()]] = True
        self.intake.duplicates = int(drop.sum())
        bounds = np.cumsum([0, *(len(self.id_hash[i]) for i in order)])
        masks = {i: drop[bounds[k] : bounds[k + 1]] for k, i in enumerate(order)}
        return {i: mask for i, mask in masks.items() if mask.any()}

    def verification(self) -> Verification:
        """The reduced verification (consumes the partitions' columns: call it once)."""
        order = sorted(self.tallies)
        parts = [self.tallies[i] for i in order]
        sizes = [p.rows for p in parts]
        table = _table([self.incidents.pop(i) for i in order], sizes, self.agreement)
        findings = _findings([self.findings.pop(i) for i in order], sizes)
        resolver = AliasResolver(self.agreement)
        for name in sorted({a for p in parts for a in p.unresolved}):
            resolver.resolve(name)  # so that the unresolved actors are those of every partition
        last = max((p.last_day for p in parts), default=0)
        last_day = self.date_to if self.date_to is not None else (dt.date.fromordinal(last) if last else None)
        daily = merge_daily(p.daily for p in parts)
        events = None
        if self.link:
            table, findings, events, daily = _linked(self.agreement, table, findings, daily)
        clocks = clocks_from_counts(self.agreement, daily, last_day)
        intake = self.intake
        intake.incidents = sum(p.admitted for p in parts)
        intake.outside_period += sum(p.outside_period for p in parts)
        intake.bad_row_count += sum(p.bad_rows.count for p in parts)
        intake.bad_rows += [m for p in parts for m in p.bad_rows.messages][: 100 - len(intake.bad_rows)]
        return Verification(
            self.agreement,
            table,
            findings,
            clocks,
            resolver,
            intake,
            self.date_from,
            self.date_to,
            daily=daily,
            events=events,
        )


def _linked(
    agreement: Agreement, table: IncidentTable, findings: FindingTable, daily: DailyCounts
) -> tuple[IncidentTable, FindingTable, Events | None, DailyCounts]:
    """Every record linked at once and the findings merged per event, as ``verify_table`` does
    (``verification.link_findings``; the clocks' daily counts then count events); then the table
    cut down to the records of events with findings, the other records' only use."""
    findings, events = link_findings(agreement, table, findings)
    if events is None:
        keep = np.zeros(len(table), bool)
        keep[findings.incident] = True
    else:
        daily = daily_violations(agreement, table, findings)
        keep = np.isin(events.links.event, events.links.event[findings.incident])
    rows = np.flatnonzero(keep)
    renumber = np.full(len(table) + 1, -1, np.intp)
    renumber[rows] = np.arange(len(rows))
    findings = replace(findings, incident=renumber[findings.incident])
    if events is not None:
        kept = events.sources
        events = Events(events.links.take(rows), SourceColumns(kept.key[rows], kept.names, kept.grade[rows]))
    return table.take(rows), findings, events, daily


def _flatten(table: IncidentTable) -> Columns:
    """Every array of the table under one name (``columns.id``, ``side1.parties``, ``day0`` ...)."""
    flat: Columns = {f"columns.{k}": v for k, v in table.columns.items()}
    for name in IncidentTable.__slots__:
        value = getattr(table, name)
        if isinstance(value, SideColumns):
            flat |= {f"{name}.{f}": getattr(value, f) for f in SideColumns.__slots__}
        elif name != "columns":
            flat[name] = value
    return flat


def _table(pieces: list[Columns], sizes: Sequence[int], agreement: Agreement) -> IncidentTable:
    """The partitions' incident tables as one, built column by column, each piece released."""
    if not pieces:
        return IncidentTable.from_columns(incident_columns(INCIDENT_SCHEMA.empty_table()), AliasResolver(agreement))
    merged: Columns = {}
    for code, names in _NAMED.items():
        merged[code], merged[names] = _recoded([p.pop(code) for p in pieces], [p.pop(names) for p in pieces])
    merged["combo"] = _shifted([p.pop("combo") for p in pieces], [len(p["combo_rows"]) for p in pieces])
    merged["combo_rows"] = _shifted([p.pop("combo_rows") for p in pieces], sizes)
    for key in list(pieces[0]):
        merged[key] = _concat([p.pop(key) for p in pieces])
        _give_back()
    columns = {k.removeprefix("columns."): merged.pop(k) for k in list(merged) if k.startswith("columns.")}
    sides: dict[str, Any] = {
        s: SideColumns(**{f: merged.pop(f"{s}.{f}") for f in SideColumns.__slots__}) for s in ("side1", "side2")
    }
    return IncidentTable(columns=columns, **sides, **merged)


def _concat(values: list[Any]) -> Any:
    """One column from its pieces: Categoricals and Arrow strings keep their encoding."""
    if isinstance(values[0], pd.Categorical):
        return pd.api.types.union_categoricals(values)
    if isinstance(values[0], pd.arrays.ArrowStringArray):
        arrays = [pa.chunked_array(v.__arrow_array__()) for v in values]  # no copy: the chunks are shared
        return pd.arrays.ArrowStringArray(pa.chunked_array([c for a in arrays for c in a.chunks], arrays[0].type))
    return np.concatenate(values)


def _shifted(codes: list[npt.NDArray[np.intp]], counts: Sequence[int]) -> npt.NDArray[np.intp]:
    """Codes of consecutive pieces numbered on: piece k's code c becomes c + counts[0..k-1]."""
    offsets = np.cumsum([0, *counts])[: len(counts)]
    out = np.empty(sum(len(c) for c in codes), np.intp)
    start = 0
    for piece, offset in zip(codes, offsets, strict=True):
        out[start : start + len(piece)] = piece + offset
        start += len(piece)
    return out


def _recoded(
    codes: list[npt.NDArray[np.intp]], names: list[tuple[str, ...]]
) -> tuple[npt.NDArray[np.intp], tuple[str, ...]]:
    """Codes into per-piece name lists, recoded into their union (-1 stays -1)."""
    union = list(dict.fromkeys(n for piece in names for n in piece))
    index = {n: i for i, n in enumerate(union)}
    recode = [np.array([*(index[n] for n in piece), -1], np.intp) for piece in names]
    return np.concatenate([r[c] for r, c in zip(recode, codes, strict=True)]) if codes else np.zeros(0, np.intp), tuple(
        union
    )


def _findings(pieces: list[Columns], sizes: Sequence[int]) -> FindingTable:
    """Findings of consecutive partitions, incidents renumbered and places unified by name;
    built column by column, each piece released."""
    places = list(dict.fromkeys(p for piece in pieces for p in piece["places"]))
    remap = [np.array([places.index(p) for p in piece.pop("places")] + [-1], np.int16) for piece in pieces]
    merged: Columns = {"incident": _shifted([p.pop("incident") for p in pieces], sizes)}
    merged["place_id"] = np.concatenate(
        [r[p.pop("place_id")] for r, p in zip(remap, pieces, strict=True)] or [np.zeros(0, np.int16)]
    )
    for name in _FINDINGS:
        if name not in merged:
            merged[name] = (
                np.concatenate([p.pop(name) for p in pieces]) if pieces else getattr(FindingTable.concat([], ()), name)
            )
            _give_back()
    return FindingTable(**merged, places=tuple(places))


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    libc = ctypes.util.find_library("c")
    trim: Callable[[int], int] | None = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
    return trim


def _give_back() -> None:
    """Hand the memory of freed pieces back to the system. numpy allocates partition-sized
    arrays (a few MB) from malloc's arenas, and glibc keeps those pages after they are freed:
    without this the reduce's peak holds the pieces and the result in full (+1.2 GB at 10M
    incidents). A no-op where the C library has no ``malloc_trim`` (macOS, musl)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)

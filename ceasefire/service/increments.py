"""Incremental runs (issue 14): which days of a run must be stored again, and which can be
read from the run before it.

A run still verifies every incident (the engine is fast; clocks, summaries and linking see the
same table as a full run), but stores ``finding_rows`` only for the days it *recomputed*: the
days of what changed since the run it builds on (new imports' incidents, reports with a new
version or a new publication, and every day an earlier version of those gave), each widened by
the linking window, then widened again by every linked event that touches them until no event
crosses the boundary (a finding lists every record of its event and weighs their sources), and
every day whose count of findings differs from the earlier run's (a safeguard: a finding of a
day that changed although nothing near it did is stored again rather than read from before).
Every other day's findings are those of the earlier run, byte for byte, so the run maps the day
to the run holding its rows (``run_days``). A full run is the case with nothing to build on.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.linking import LinkSettings
from ceasefire.store.increments import DaySource
from ceasefire.verification import Verification

__all__ = ["Basis", "Plan", "plan_days"]

# Days either side of a changed record within which a finding can depend on it: the linking lag
# on both records' ranges, plus one day of margin.
WINDOW = 2 * LinkSettings().lag_days + 1
_ISO_EPOCH = 719_163  # date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Basis:
    """The run an incremental run builds on: its id and where its findings of each day are
    (ISO day -> ``DaySource``); ``changed`` marks the table's records that are new or changed
    since it, ``moved`` the ISO days earlier versions of changed reports gave."""

    run_id: int
    days: dict[str, DaySource]
    changed: npt.NDArray[np.bool_]
    moved: Collection[str]


@dataclass(frozen=True)
class Plan:
    """``store``: which findings (aligned with ``v.findings``) the run stores; ``days``: each
    day with findings (ISO, ascending) -> (run holding its rows: None for this run, count)."""

    store: npt.NDArray[np.bool_]
    days: dict[str, tuple[int | None, int]]


def plan_days(v: Verification, basis: Basis | None) -> Plan:
    """What a run of ``v`` stores and maps (everything, with no ``basis``)."""
    day = v.table.day[v.findings.incident]
    unique, counts = np.unique(day, return_counts=True)
    iso = _iso(unique)
    if basis is None:
        return Plan(np.ones(len(day), bool), {d: (None, int(c)) for d, c in zip(iso, counts.tolist(), strict=True)})
    redo = _recomputed(v, basis, dict(zip(iso, counts.tolist(), strict=True)))
    store = np.isin(day, np.fromiter(redo, np.int64, len(redo)))
    days = {
        d: (None if o in redo else basis.days[d].source_run, int(c))
        for d, o, c in zip(iso, unique.tolist(), counts.tolist(), strict=True)
    }
    return Plan(store, days)


def _recomputed(v: Verification, basis: Basis, counts: dict[str, int]) -> set[int]:
    """The ordinal days whose findings are stored again (see the module docstring)."""
    t = v.table
    redo = _spans(t.day0[basis.changed], t.day1[basis.changed], t.day[basis.changed], WINDOW)
    redo |= {_ordinal(d) + k for d in basis.moved for k in range(-WINDOW, WINDOW + 1)}
    while True:
        before = len(redo)
        redo |= _linked_days(v, redo)
        differ = set(counts) ^ set(basis.days)
        differ |= {d for d, n in counts.items() if d in basis.days and basis.days[d].findings != n}
        redo |= {_ordinal(d) for d in differ}
        if len(redo) == before:
            return redo


def _linked_days(v: Verification, redo: set[int]) -> set[int]:
    """The days of every record of each event of several records that touches ``redo`` (a
    record's days or range meet it): such an event's finding is dated by one of its records."""
    if v.events is None or not redo:
        return set()
    t, links = v.table, v.events.links
    days = np.fromiter(redo, np.int64, len(redo))
    touched = links.linked & (np.isin(t.day, days) | _overlaps(t.day0, t.day1, days))
    members = np.isin(links.event, np.unique(links.event[touched]))
    return {int(d) for d in np.unique(t.day[members]).tolist()}


def _overlaps(
    day0: npt.NDArray[np.int64], day1: npt.NDArray[np.int64], days: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Rows whose range ``day0..day1`` holds any of ``days``."""
    ordered = np.sort(days)
    return np.searchsorted(ordered, day1, "right") > np.searchsorted(ordered, day0, "left")


def _spans(
    day0: npt.NDArray[np.int64], day1: npt.NDArray[np.int64], day: npt.NDArray[np.int64], margin: int
) -> set[int]:
    """Every day of each row's range and reported day, ``margin`` days wider either side."""
    out: set[int] = set()
    pairs = {(int(a), int(b)) for a, b in zip(np.minimum(day0, day), np.maximum(day1, day), strict=True)}
    for first, last in pairs:
        out.update(range(first - margin, last + margin + 1))
    return out


def _iso(ordinals: npt.NDArray[np.int64]) -> list[str]:
    return [str(d) for d in (np.asarray(ordinals, np.int64) - _ISO_EPOCH).astype("datetime64[D]")]


def _ordinal(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64)) + _ISO_EPOCH

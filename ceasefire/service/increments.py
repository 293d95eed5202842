"""Incremental runs (issue 14): which findings a run stores and how it maps its days.

A run stores ``finding_rows`` only for the days it *recomputed* and maps every other day to the
run holding that day's rows (``run_days``): a full run recomputes every day (``plan_days``); an
incremental run (``service.partial_runs``) the days near what changed since the run it builds
on, widened by the days a record's link candidates lie within and by every linked event touching them
(``linked_days``), until no event crosses the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.verification import Verification

__all__ = ["Plan", "iso_days", "linked_days", "ordinal", "plan_days", "spans"]

_ISO_EPOCH = 719_163  # date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Plan:
    """``store``: which findings (aligned with ``v.findings``) the run stores; ``days``: each
    day with findings (ISO, ascending) -> (run holding its rows: None for this run, count)."""

    store: npt.NDArray[np.bool_]
    days: dict[str, tuple[int | None, int]]


def plan_days(v: Verification) -> Plan:
    """A full run of ``v``: every finding stored, every day this run's."""
    day = v.table.day[v.findings.incident]
    unique, counts = np.unique(day, return_counts=True)
    return Plan(np.ones(len(day), bool), {d: (None, c) for d, c in zip(iso_days(unique), counts.tolist(), strict=True)})


def linked_days(v: Verification, redo: set[int]) -> set[int]:
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


def spans(
    day0: npt.NDArray[np.int64], day1: npt.NDArray[np.int64], day: npt.NDArray[np.int64], margin: int
) -> set[int]:
    """Every day of each row's range and reported day, ``margin`` days wider either side."""
    out: set[int] = set()
    pairs = {(int(a), int(b)) for a, b in zip(np.minimum(day0, day), np.maximum(day1, day), strict=True)}
    for first, last in pairs:
        out.update(range(first - margin, last + margin + 1))
    return out


def iso_days(ordinals: npt.ArrayLike) -> list[str]:
    return [str(d) for d in (np.asarray(ordinals, np.int64) - _ISO_EPOCH).astype("datetime64[D]")]


def ordinal(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64)) + _ISO_EPOCH

"""Incremental runs that verify only the days near what changed (issue 14: the run after 100
reports over a million incidents in under two seconds).

A run built on the one before it (``workflow.verify_stored``) recomputes the days ``redo``: the
days of what changed since that run (incidents of imports logged since, every day any version of
a report with a version or publication logged since gave), each widened by the linking window
(``BAND``, the days a record's link candidates lie within). It reads from the database only
the records whose days meet ``redo`` widened by ``HALO`` (``incidents_by_date``, with each import's ``Extent``), plus the reports
there, and verifies them (``verify_table``). Then, until nothing moves:

- every event of several records that touches ``redo`` adds its records' days (a finding names
  every record of its event);
- the *band*, the days within ``BAND`` of ``redo`` but outside it (a record of ``redo`` has its
  candidates within ``BAND`` days), must give the findings the run built on stored for them:
  they depend on no change, so a difference means the records read did not hold all that decides a link near ``redo`` (linking is a greedy
  one-to-one assignment per file pair, whose choices can in principle pass from record to
  record) or that a change reaches further than the window: those days join ``redo``.

``redo`` grown, the records are read again, at most ``ROUNDS`` times; after that, or when the
records read cannot be a full run's (a link decision naming a record read and one not read; a
repeated incident id anywhere, which a full run drops by import order; one file only where a
full run has several, which links nothing), the caller makes a full run. The days of ``redo``
are stored from this verification, every other day is mapped to the run holding it, and the
summary is counted per day (``service.run_summary``). tests/store/test_incremental_runs.py holds
every answer equal to a full run's on both backends.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ceasefire.actor_resolution import AliasResolver
from ceasefire.linking import LinkDecisions, LinkSettings
from ceasefire.model import Agreement, RunSummary
from ceasefire.service.increments import Plan, iso_days, linked_days, ordinal, spans
from ceasefire.service.run_rows import run_rows
from ceasefire.service.run_summary import basis_sums, summary_of, verified_sums
from ceasefire.service.stored_columns import handed_columns, import_extents
from ceasefire.store import SQLStore
from ceasefire.store import increments as stored
from ceasefire.store.incidents import concat_columns
from ceasefire.store.pages import RunRows
from ceasefire.store.protocol import ImportRecord, RunRecord
from ceasefire.table import IncidentTable, factorize, normalized_columns
from ceasefire.verification import Intake, Verification, verify_table

__all__ = ["BAND", "HALO", "ROUNDS", "Partial", "Records", "partial_run"]

# Days from a record to its link candidates' (date ranges widened by the reporting lag on both
# records' sides): the band compared with the run built on; the records read reach a band wider
# still, where the band's records have their candidates.
BAND = 2 * LinkSettings().lag_days
HALO = 2 * BAND
ROUNDS = 4


@dataclass(frozen=True)
class Records:
    """What a run reads besides the stored incidents (``workflow.verify_stored``): the reports'
    latest versions as raw columns (one row each, in id order), which stay apart, who submitted
    each, the analysts' link decisions and the records each names."""

    agreement: Agreement
    reports: dict[str, Any]
    unpublished: frozenset[str]
    reporters: dict[str, str]
    decisions: LinkDecisions
    decided: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Partial:
    """An incremental run ready to store: its verification of the records read, summary, rows
    (``count``: all its findings) and how many incidents a full run would have verified."""

    verification: Verification
    summary: RunSummary
    rows: RunRows
    incidents: int


@dataclass(frozen=True)
class _Built:
    """What the run built on gives the new one: the run, where its rows of each day are, and
    (for the summary) how many incidents there are now, the reports changed since, the last day."""

    run: RunRecord
    days: dict[str, stored.DaySource]
    incidents: int
    changed: frozenset[int]
    last_day: dt.date | None


def partial_run(store: SQLStore, records: Records, basis: RunRecord, intake: Intake) -> Partial | None:
    """The run over ``store``'s records built on run ``basis`` (see the module), or None when it
    cannot be built on it (the caller then makes a full run)."""
    imports = store.imports()
    incidents = _incident_count(store, basis, imports, len(records.reports["id"]))
    fresh = _fresh_columns(store, imports, basis)
    if incidents is None or fresh is None:
        return None
    changed = store.changed_reports(basis.log_index)
    built = _Built(basis, store.run_days(basis.id), incidents, changed.ids, _last_day(store, records))
    redo = _changed_days(fresh, changed.days)
    for _ in range(ROUNDS):
        v = _verify_near(store, records, redo, len(imports), intake)
        if v is None:
            return None
        grown = redo | linked_days(v, redo)
        if grown == redo:
            differ = _band_differences(store, v, redo, built.days)
            if not differ:
                return _finished(store, v, redo, built)
            grown |= differ
        redo = grown
    return None


def _last_day(store: SQLStore, records: Records) -> dt.date | None:
    """The last day of every record (a full run's clocks run to it): the imports' and the reports'."""
    reports = np.asarray(records.reports["date"], np.int64).tolist()
    last = max(itertools.chain((e.last for e in import_extents(store).values()), reports), default=0)
    return dt.date.fromordinal(last) if last > 0 else None


def _incident_count(store: SQLStore, basis: RunRecord, imports: Sequence[ImportRecord], reports: int) -> int | None:
    """How many incidents a full run verifies now, when no id is repeated (else None): the run
    built on counted every record then (its count is their sum), and no imported id takes a
    report's form. Imports since are checked as they are read (``_fresh_columns``)."""
    before = sum(r.incidents for r in imports if r.log_index < basis.log_index)
    if basis.incidents != before + stored.reports_before(store.db, basis.log_index):
        return None
    if any(e.report_ids for e in import_extents(store).values()):
        return None
    return sum(r.incidents for r in imports) + reports


def _fresh_columns(store: SQLStore, imports: Sequence[ImportRecord], basis: RunRecord) -> dict[str, Any] | None:
    """The raw columns of the imports logged since run ``basis`` (those just stored taken from
    ``remember``), or None when one of their ids is repeated (within them, or stored before)."""
    new = [r for r in imports if r.log_index >= basis.log_index]
    parts = []
    for record in new:
        part = handed_columns(store, record.id, record.sha256)
        parts.append(part if part is not None else store.incident_columns(imports=(record.id - 1, record.id)))
    columns = normalized_columns(_joined(parts) if parts else store.incident_columns(imports=(0, 0)))
    ids = np.asarray(columns["id"], dtype=object)
    if pd.Series(ids, dtype=object).duplicated().any():
        return None
    if new and stored.repeated_ids(store.db, new[0].id, ids.tolist()):
        return None
    return columns


def _joined(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out = parts[0]
    for part in parts[1:]:
        out = concat_columns(out, part)
    return out


def _changed_days(fresh: dict[str, Any], moved: Collection[str]) -> set[int]:
    """The days of the records new since the run built on and of every version of the reports
    changed since, each widened by ``BAND`` (the band then checks that nothing reaches further)."""
    lo, hi = _extents(fresh)
    redo = spans(lo, hi, hi, BAND)
    return redo | {ordinal(d) + k for d in moved for k in range(-BAND, BAND + 1)}


def _extents(raw: dict[str, Any]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each raw record's first and last day: its ``date``..``date_end`` and ``date_reported``."""
    day0 = np.asarray(raw["date"], np.int64)
    end, told = np.asarray(raw["date_end"], np.int64), np.asarray(raw["date_reported"], np.int64)
    day1 = np.where(end > 0, np.maximum(end, day0), day0)
    day = np.where(told > 0, told, day0)
    return np.minimum(day0, day), np.maximum(day1, day)


def _merged(days: Collection[int], margin: int) -> list[tuple[int, int]]:
    """``days`` widened by ``margin`` either side, as disjoint (first, last) spans, ascending."""
    out: list[tuple[int, int]] = []
    for day in sorted(days):
        if out and day - margin <= out[-1][1] + 1:
            out[-1] = (out[-1][0], day + margin)
        else:
            out.append((day - margin, day + margin))
    return out


def _near(raw: dict[str, Any], windows: Sequence[tuple[int, int]]) -> dict[str, Any]:
    """The rows of ``raw`` whose days meet one of ``windows``."""
    if not windows:
        return {name: column[:0] for name, column in raw.items()}
    lo, hi = _extents(raw)
    starts = np.array([w[0] for w in windows], np.int64)
    ends = np.array([w[1] for w in windows], np.int64)
    k = np.searchsorted(ends, lo)  # the first window ending at or after each record's first day
    keep = (k < len(windows)) & (starts[np.minimum(k, len(windows) - 1)] <= hi)
    return {name: column[keep] for name, column in raw.items()}


def _verify_near(store: SQLStore, records: Records, redo: set[int], files: int, intake: Intake) -> Verification | None:
    """The verification of the records whose days meet ``redo`` widened by ``HALO``; None when
    they cannot be verified apart (see the module)."""
    windows = _merged(redo, HALO)
    extents = import_extents(store).values()
    below, above = max((e.below for e in extents), default=0), max((e.above for e in extents), default=0)
    raw = normalized_columns(stored.incidents_near(store.db, windows, below, above))
    joined = concat_columns(_near(raw, windows), _near(records.reports, windows))
    ids = set(np.asarray(joined["id"], dtype=object).tolist())
    if any((a in ids) != (b in ids) for a, b in records.decided):
        return None
    resolver = AliasResolver(records.agreement)
    table = IncidentTable.from_columns(joined, resolver)
    if len(table) > 0 and len(factorize(table.columns["file"])[1]) < 2 <= files + len(records.reports["id"]):
        return None
    apart = pd.Series(table.columns["id"], dtype=object).isin(records.unpublished).to_numpy()
    return verify_table(
        records.agreement,
        table,
        resolver,
        intake=intake,
        apart=apart,
        reporters=records.reporters,
        decisions=records.decisions,
    )


def _band_differences(store: SQLStore, v: Verification, redo: set[int], days: dict[str, stored.DaySource]) -> set[int]:
    """The days within ``BAND`` of ``redo`` (outside it) whose findings in ``v`` are not those
    the run built on holds for them (``days``: where its rows of each day are), by id and the
    records each names: the rest of a finding follows from its records and their links."""
    band = sorted({d + k for d in redo for k in range(-BAND, BAND + 1)} - redo)
    ft, ids = v.findings, np.asarray(v.table.columns["id"], dtype=object)
    picked = np.flatnonzero(np.isin(v.table.day[ft.incident], np.array(band, np.int64)))
    rows = ft.incident[picked]
    prefixes = np.array([f"{o.id}:" for o in v.agreement.obligations], dtype=object)
    named = prefixes[ft.obligation[picked]] + ids[rows]
    events = _events(v, rows)
    mine: dict[int, dict[str, frozenset[str] | None]] = {}
    for day, finding, row in zip(v.table.day[rows].tolist(), named.tolist(), rows.tolist(), strict=True):
        mine.setdefault(day, {})[finding] = events.get(row)
    query = "SELECT finding_id, incidents FROM finding_rows WHERE run_id = ? AND date = ?"
    differ = set()
    for day, iso in zip(band, iso_days(band), strict=True):
        found = store.db.execute(query, (days[iso].source_run, iso)) if iso in days else []
        theirs = {str(f): _several(str(i)) for f, i in found}
        if theirs != mine.get(day, {}):
            differ.add(day)
    return differ


def _several(incidents: str) -> frozenset[str] | None:
    """The ids a finding row's ``incidents`` (canonical JSON) names when more than one, else None."""
    named = json.loads(incidents) if "," in incidents else ()  # one id: ["ID"] (no comma outside an id)
    return frozenset(named) if len(named) > 1 else None


def _events(v: Verification, rows: npt.NDArray[np.int64]) -> dict[int, frozenset[str]]:
    """The ids of every record of the event of each of ``rows`` in an event of several records."""
    if v.events is None:
        return {}
    links, ids = v.events.links, np.asarray(v.table.columns["id"], dtype=object)
    linked = np.flatnonzero(links.linked)
    wanted = np.intersect1d(links.event[rows], links.event[linked])
    members = linked[np.isin(links.event[linked], wanted)]
    named: dict[int, set[str]] = {}
    for row in members.tolist():
        named.setdefault(int(links.event[row]), set()).add(str(ids[row]))
    return {int(r): frozenset(named[int(links.event[r])]) for r in rows.tolist() if int(links.event[r]) in named}


def _finished(store: SQLStore, v: Verification, redo: set[int], built: _Built) -> Partial | None:
    """The run of ``v`` storing the days ``redo`` and mapping every other day the run built on
    has to the run holding it; None when its unresolved actors cannot be told."""
    summary = store.run_summary(built.run.id)
    unresolved = set(summary.unresolved_actors) | set(v.resolver.unresolved())
    gone = stored.report_actor_names(store.db, built.changed) & set(summary.unresolved_actors)
    if gone - set(v.resolver.unresolved()):  # an earlier version's name: maybe named by no record now
        return None
    before = basis_sums(store, built.run.id, redo)
    if before is None:
        return None
    day = v.table.day[v.findings.incident]
    keep = np.isin(day, np.fromiter(redo, np.int64, len(redo)))
    unique, counts = np.unique(day[keep], return_counts=True)
    mapped = {d: (s.source_run, s.findings) for d, s in built.days.items() if ordinal(d) not in redo}
    mine: dict[str, tuple[int | None, int]] = {
        d: (None, n) for d, n in zip(iso_days(unique), counts.tolist(), strict=True)
    }
    rows = run_rows(v, Plan(keep, dict(sorted({**mapped, **mine}.items()))))
    v.intake.incidents = built.incidents
    new = summary_of(v.agreement, before + verified_sums(v, keep), built.last_day, unresolved)
    return Partial(v, new, rows, built.incidents)

"""What a viewer may know of a run, counted instead of listed (issue 14): the scorecards, the
clocks, the run counts and the bulletins' index read these, never every finding.

A viewer's tallies are the run's summary rows (0025, ``store/aggregates.py``: the findings drawn
from no submitted report, the same for every viewer) plus the findings drawn from the reports
the viewer may see, counted when read (few). A finding drawn from a report the viewer may not see
is counted nowhere (issue 11), so every figure here equals the one ``findings.run_figures``
derives from the findings the viewer may see. Kept once per run and viewer class and set of
visible reports (``findings.figures_key``), like the figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from fastapi import APIRouter

from ceasefire.api.auth import Caller, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import (
    Counts,
    FigureCache,
    FiguresDep,
    agreement_of_run,
    figures_key,
    imported_extent,
    report_days,
    run_dict,
    sees_everything,
    stored_form,
    visible_reports,
    visible_run,
)
from ceasefire.model import STATUSES, Agreement, RunSummary
from ceasefire.rules.clocks import DailyCounts, clocks_from_counts
from ceasefire.store import SQLStore
from ceasefire.store.aggregates import FindingCount, IncidentCount, tally_findings, tally_incidents
from ceasefire.store.pages import FindingFilter
from ceasefire.store.protocol import RunRecord

__all__ = ["DayTotals", "Tallies", "router", "run_tallies", "viewer_tallies"]

router = APIRouter(tags=["findings"])

DayTotals = Mapping[str, int]  # violation, possible, exempt, incidents: incidents at worst status


@dataclass(frozen=True)
class Tallies:
    """A viewer's findings of a run counted by (date, obligation, status, parties), the day's
    incidents at their worst status, the summary (counts, clocks) of those findings, how many of
    the run's incidents and findings the viewer may know of, and the reports hidden from it."""

    counts: tuple[FindingCount, ...]
    days: Mapping[dt.date, DayTotals]
    summary: RunSummary
    incidents: int
    findings: int
    hidden: frozenset[int]

    def counted(self) -> Counts:
        return Counts(self.incidents, self.findings)

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The run's first and last days as the viewer sees it: its findings' and clocks' days."""
        dates = {c.date for c in self.counts} | {d.date for c in self.summary.clocks for d in c.days}
        return (min(dates), max(dates)) if dates else None


NO_TALLIES = Tallies((), {}, RunSummary({}, {}), 0, 0, frozenset())


def viewer_tallies(cache: FigureCache, db: SQLStore, who: Caller | None, run: RunRecord | None) -> Tallies:
    """The tallies of ``run`` for ``who`` (see the module docstring), made once per key."""
    if run is None:
        return NO_TALLIES
    reports = None if sees_everything(who) else visible_reports(db, who)
    return cache.get(("tallies", figures_key(db, who, run)), lambda: run_tallies(db, run, reports, cache))


def run_tallies(db: SQLStore, run: RunRecord, reports: set[int] | None, cache: FigureCache) -> Tallies:
    """The tallies of ``run`` for who sees the imported incidents and ``reports`` (None: every
    report): equal to what ``findings.run_figures`` derives from those findings."""
    hidden = frozenset() if reports is None else frozenset(db.run_report_ids(run.id) - reports)
    base, base_days = cache.get((run.id, "counts"), lambda: db.run_counts(run.id))
    extra = db.report_findings(run.id, hidden)
    counts = (*base, *tally_findings(extra))
    touched = {f.date for f in extra}  # days whose incidents are counted again from their findings
    days = _day_totals([c for c in base_days if c.date not in touched])
    for day in sorted(touched):
        days[day] = _day_totals(tally_incidents(db.selected_findings(run.id, FindingFilter(day, day, hidden=hidden))))[
            day
        ]
    if reports is None:
        return Tallies(counts, days, db.run_summary(run.id), run.incidents, run.findings, hidden)
    imported, last = imported_extent(cache, db, run)
    seen = [day for rid, day in report_days(db, run.incidents - imported) if rid in reports]
    known = [d for d in (last, *seen) if d is not None]
    last_day = dt.date.fromordinal(max(known)) if known else None
    agreement = agreement_of_run(db, run)
    clocks = clocks_from_counts(agreement, _daily(agreement, counts), last_day)
    summary = RunSummary(_by_party(agreement, counts), _by_obligation(agreement, counts), tuple(clocks), ())
    return Tallies(counts, days, summary, imported + len(seen), sum(c.findings for c in counts), hidden)


def _day_totals(counts: Iterable[IncidentCount]) -> dict[dt.date, DayTotals]:
    out: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for c in counts:
        out[c.date][{"possible_violation": "possible"}.get(c.status, c.status)] += c.incidents
        out[c.date]["incidents"] += c.incidents
    return {day: {k: t[k] for k in ("violation", "possible", "exempt", "incidents")} for day, t in out.items()}


def _daily(agreement: Agreement, counts: Sequence[FindingCount]) -> DailyCounts:
    """As ``rules.clocks.daily_from_findings``, from counts: per clock, its ``over``
    obligations' violation findings per day."""
    out: DailyCounts = {}
    for o in agreement.obligations:
        if o.rule is None or o.rule.kind != "condition":
            continue
        per_day: Counter[int] = Counter()
        for c in counts:
            if c.status == "violation" and c.obligation in o.rule.over:
                per_day[c.date.toordinal()] += c.findings
        days = sorted(per_day)
        out[o.id] = (np.array(days, np.int64), np.array([per_day[d] for d in days], np.int64))
    return out


def _by_party(agreement: Agreement, counts: Sequence[FindingCount]) -> dict[str, dict[str, int]]:
    """As ``findings._by_party``: per party, its violations and possible violations."""
    out = {p.id: {"violation": 0, "possible_violation": 0} for p in agreement.parties}
    for c in counts:
        for party in c.parties:
            if party in out and c.status in out[party]:
                out[party][c.status] += c.findings
    return out


def _by_obligation(agreement: Agreement, counts: Sequence[FindingCount]) -> dict[str, dict[str, int]]:
    """As ``findings._by_obligation``: per obligation with findings, agreement order."""
    counted: dict[str, dict[str, int]] = {}
    for c in counts:
        counted.setdefault(c.obligation, dict.fromkeys(STATUSES, 0))[c.status] += c.findings
    return {o.id: counted[o.id] for o in agreement.obligations if o.id in counted}


@router.get("/clocks", summary="Clocks (conditions) of the latest verification run")
def clocks(db: StoreDep, who: ViewerDep, cache: FiguresDep) -> JSONBody:
    """``{"agreement", "run", "clocks": [...]}``: the ``verify --format json`` clocks, judged
    from the findings the caller may see (counted: :func:`viewer_tallies`)."""
    run = visible_run(db, who)
    seen = viewer_tallies(cache, db, who, run)
    return {
        "agreement": run.agreement_id if run else None,
        "run": run_dict(run, db.published_runs(), seen.counted()),
        "clocks": [stored_form(c.to_document()) for c in seen.summary.clocks],
    }

"""A run's summary from counts of its findings per day (issue 14): what ``Verification.summary``
gives for a full run, for a run that verified only some days (``service.partial_runs``).

Every figure of a ``RunSummary`` but the unresolved actors is a sum over findings of their
(day, obligation, status, parties): the counts by party and by obligation, and each clock's
violations per day (``rules.clocks``). So an incremental run counts the days it recomputed from
its own findings and every other day from the run it builds on: that run's summary rows
(``finding_counts``, 0025: the findings drawn from no submitted report) and its findings drawn
from reports (few), and the summary is that of a full run over the same records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ceasefire.findings import Status
from ceasefire.model import Agreement, RunSummary
from ceasefire.rules.clocks import DailyCounts, clocks_from_counts
from ceasefire.service.increments import iso_days, ordinal
from ceasefire.store import SQLStore
from ceasefire.store.aggregates import summary_sums
from ceasefire.verification import Verification

__all__ = ["Sums", "basis_sums", "summary_of", "verified_sums"]


@dataclass(frozen=True)
class Sums:
    """Findings by (obligation, status, party ids), and ``violation`` findings by (day ordinal,
    obligation): all a summary needs but the unresolved actors."""

    totals: Counter[tuple[str, str, tuple[str, ...]]] = field(default_factory=Counter)
    violations: Counter[tuple[int, str]] = field(default_factory=Counter)

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.totals + other.totals, self.violations + other.violations)


def basis_sums(store: SQLStore, run_id: int, skip: Collection[int]) -> Sums | None:
    """The sums of run ``run_id``'s findings on every day but those in ``skip`` (ordinals): its
    summary rows, and its findings drawn from reports; None without summary rows (before 0025)."""
    summed = summary_sums(store.db, run_id, set(iso_days(sorted(skip))))
    if summed is None:
        return None
    totals, violations = summed
    return Sums(totals, Counter({(ordinal(d), o): n for (d, o), n in violations.items()}))


def verified_sums(v: Verification, keep: npt.NDArray[np.bool_]) -> Sums:
    """The sums of ``v``'s findings where ``keep`` (aligned with ``v.findings``) is true."""
    ft = v.findings
    key = np.stack(
        [
            v.table.day[ft.incident[keep]],
            ft.obligation[keep].astype(np.int64),
            ft.status[keep].astype(np.int64),
            ft.parties[keep].view(np.int64),
        ],
        axis=1,
    )
    out = Sums()
    if not len(key):
        return out
    unique, counts = np.unique(key, axis=0, return_counts=True)
    obligations = v.agreement.obligations
    for (day, k, s, mask), n in zip(unique.tolist(), counts.tolist(), strict=True):
        parties = v.resolver.mask_to_ids(int(np.int64(mask).view(np.uint64)))
        out.totals[(obligations[k].id, Status.NAMES[s], parties)] += n
        if s == Status.VIOLATION:
            out.violations[(day, obligations[k].id)] += n
    return out


def summary_of(agreement: Agreement, sums: Sums, last_day: dt.date | None, unresolved: Iterable[str]) -> RunSummary:
    """The summary of a run whose findings ``sums`` sums, whose records' last day is
    ``last_day``, and whose actors ``unresolved`` matched no alias (as ``Verification.summary``)."""
    by_party = {p.id: {"violation": 0, "possible_violation": 0} for p in agreement.parties}
    by_obligation: dict[str, dict[str, int]] = {}
    for (obligation, status, parties), n in sums.totals.items():
        if not n:
            continue
        for party in parties:
            if status in by_party[party]:
                by_party[party][status] += n
        tally = by_obligation.setdefault(obligation, {"violation": 0, "possible_violation": 0, "exempt": 0})
        if status in tally:
            tally[status] += n
    ordered = {o.id: by_obligation[o.id] for o in agreement.obligations if o.id in by_obligation}
    clocks = clocks_from_counts(agreement, _daily(agreement, sums), last_day)
    return RunSummary(by_party, ordered, tuple(clocks), tuple(sorted(set(unresolved))))


def _daily(agreement: Agreement, sums: Sums) -> DailyCounts:
    """Each clock's violations of its ``over`` obligations per day (``rules.clocks``)."""
    out: DailyCounts = {}
    for o in agreement.obligations:
        if o.rule is None or o.rule.kind != "condition":
            continue
        per_day: Counter[int] = Counter()
        for (day, obligation), n in sums.violations.items():
            if obligation in o.rule.over:
                per_day[day] += n
        days = np.array(sorted(d for d, n in per_day.items() if n), np.int64)
        out[o.id] = (days, np.array([per_day[d] for d in days.tolist()], np.int64))
    return out

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

import numpy as np
import numpy.typing as npt

from ceasefire.findings import Status
from ceasefire.model import Agreement, RunSummary
from ceasefire.rules.clocks import DailyCounts, clocks_from_counts
from ceasefire.store import SQLStore
from ceasefire.verification import Verification

__all__ = ["DayCounts", "basis_counts", "summary_of", "verified_counts"]

# (day ordinal, obligation id, status name, party ids) -> findings
DayCounts = Counter[tuple[int, str, str, tuple[str, ...]]]


def basis_counts(store: SQLStore, run_id: int, skip: Collection[int]) -> DayCounts:
    """The counts of run ``run_id``'s findings on every day but those in ``skip`` (ordinals)."""
    counts: DayCounts = Counter()
    found, _ = store.run_counts(run_id)
    for c in found:
        if (day := c.date.toordinal()) not in skip:
            counts[(day, c.obligation, c.status, c.parties)] += c.findings
    for f in store.report_findings(run_id, frozenset()):
        if (day := f.date.toordinal()) not in skip:
            counts[(day, f.obligation, f.status, f.parties)] += 1
    return counts


def verified_counts(v: Verification, keep: npt.NDArray[np.bool_]) -> DayCounts:
    """The counts of ``v``'s findings where ``keep`` (aligned with ``v.findings``) is true."""
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
    if not len(key):
        return Counter()
    unique, counts = np.unique(key, axis=0, return_counts=True)
    obligations = v.agreement.obligations
    return Counter(
        {
            (day, obligations[k].id, Status.NAMES[s], v.resolver.mask_to_ids(int(np.int64(m).view(np.uint64)))): n
            for (day, k, s, m), n in zip(unique.tolist(), counts.tolist(), strict=True)
        }
    )


def summary_of(
    agreement: Agreement, counts: DayCounts, last_day: dt.date | None, unresolved: Iterable[str]
) -> RunSummary:
    """The summary of a run whose findings ``counts`` counts, whose records' last day is
    ``last_day``, and whose actors ``unresolved`` matched no alias (as ``Verification.summary``)."""
    by_party = {p.id: {"violation": 0, "possible_violation": 0} for p in agreement.parties}
    by_obligation: dict[str, dict[str, int]] = {}
    for (_, obligation, status, parties), n in counts.items():
        for party in parties:
            if status in by_party[party]:
                by_party[party][status] += n
        tally = by_obligation.setdefault(obligation, {"violation": 0, "possible_violation": 0, "exempt": 0})
        if status in tally:
            tally[status] += n
    ordered = {o.id: by_obligation[o.id] for o in agreement.obligations if o.id in by_obligation}
    clocks = clocks_from_counts(agreement, _daily(agreement, counts), last_day)
    return RunSummary(by_party, ordered, tuple(clocks), tuple(sorted(set(unresolved))))


def _daily(agreement: Agreement, counts: DayCounts) -> DailyCounts:
    """Each clock's violations of its ``over`` obligations per day (``rules.clocks``)."""
    out: DailyCounts = {}
    for o in agreement.obligations:
        if o.rule is None or o.rule.kind != "condition":
            continue
        per_day: Counter[int] = Counter()
        for (day, obligation, status, _), n in counts.items():
            if status == "violation" and obligation in o.rule.over:
                per_day[day] += n
        days = np.array(sorted(per_day), np.int64)
        out[o.id] = (days, np.array([per_day[d] for d in days.tolist()], np.int64))
    return out

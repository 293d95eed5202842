"""``condition`` rules: clocks such as "7 consecutive days with at most N violations".

A clock counts, per calendar day in the agreement's timezone, the findings of status
``violation`` of its ``over`` obligations, on the date their incident's source reports. Its days are
the calendar days that start at or after the obligation's start (a start at 19:00 makes the next
day the first) and before its end, up to the last day of the data (or ``--to``), and at most
``MAX_DAYS`` of them: event files are read without a bound on their dates (a file's findings must
not depend on the day it is read), and one event dated 9999-12-31 used to make an open-ended
clock list some three million days, every one of them built, judged and printed (~20 s; issue
10). No agreement's clock runs for a century. A day is quiet
when its count is at most ``max_per_day``; ``met_on`` is the last day of the first run of
``consecutive_days`` quiet days, or None.

Counting and judging are separate steps so that partitions of the incidents can be verified
apart (issue 6): ``daily_violations`` counts one partition, ``merge_daily`` sums partitions, and
``clocks_from_counts`` judges the sums (``verification.verify_table`` counts and judges one
table). ``daily_from_findings`` counts stored findings instead of a table: the server judges the
clocks a viewer may see from the findings that viewer may see (issue 11), with the same rule.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from ceasefire.findings import FindingTable, Status
from ceasefire.model import Agreement, Clock, ClockDay, Finding, Obligation
from ceasefire.rules import window
from ceasefire.table import IncidentTable

__all__ = [
    "MAX_DAYS",
    "DailyCounts",
    "clocks_from_counts",
    "daily_from_findings",
    "daily_violations",
    "first_run_end",
    "merge_daily",
]

Ints = npt.NDArray[np.int64]
# Per clock obligation id: (day ordinals, ascending and distinct; violations on each of them).
DailyCounts = dict[str, tuple[Ints, Ints]]
MAX_DAYS = 36_525  # a century of days: the most a clock lists (see the module)


def _conditions(agreement: Agreement) -> list[Obligation]:
    return [o for o in agreement.obligations if o.rule is not None and o.rule.kind == "condition"]


def daily_violations(agreement: Agreement, table: IncidentTable, findings: FindingTable) -> DailyCounts:
    """For each clock, the number of ``violation`` findings of its ``over`` obligations per day."""
    out: DailyCounts = {}
    violation = findings.status == Status.VIOLATION
    for o in _conditions(agreement):
        assert o.rule is not None
        over = np.array([ob.id in o.rule.over for ob in agreement.obligations], dtype=bool)
        day = table.day[findings.incident[violation & over[findings.obligation]]]
        out[o.id] = _per_day(day)
    return out


def _per_day(day: Ints) -> tuple[Ints, Ints]:
    """(distinct days ascending, how many of ``day`` fall on each): ``np.unique`` by counting,
    as days of data span far fewer values than there are findings."""
    first, last = (int(day.min()), int(day.max())) if len(day) else (0, -1)
    if last - first > 4 * len(day) + 1024:  # a few findings years apart: sorting is cheaper
        days, found = np.unique(day, return_counts=True)
        return days.astype(np.int64), found.astype(np.int64)
    counts = np.bincount(day - first, minlength=last - first + 1)
    days = np.flatnonzero(counts)
    return (days + first).astype(np.int64), counts[days].astype(np.int64)


def daily_from_findings(agreement: Agreement, findings: Sequence[Finding]) -> DailyCounts:
    """What ``daily_violations`` counts, from materialized findings: a finding's ``date`` is its
    incident's reported day (``materialize``), the day ``daily_violations`` counts it on."""
    violation = np.fromiter((f.status == "violation" for f in findings), bool, len(findings))
    obligation = np.array([f.obligation for f in findings], dtype=object)
    day = np.fromiter((f.date.toordinal() for f in findings), np.int64, len(findings))
    out: DailyCounts = {}
    for o in _conditions(agreement):
        assert o.rule is not None
        sel = violation & np.isin(obligation, list(o.rule.over))
        days, counts = np.unique(day[sel], return_counts=True)
        out[o.id] = (days.astype(np.int64), counts.astype(np.int64))
    return out


def merge_daily(parts: Iterable[Mapping[str, tuple[Ints, Ints]]]) -> DailyCounts:
    """The sum of the daily counts of several partitions of the same incidents."""
    gathered: dict[str, list[tuple[Ints, Ints]]] = {}
    for part in parts:
        for key, value in part.items():
            gathered.setdefault(key, []).append(value)
    out: DailyCounts = {}
    for key, values in gathered.items():
        days, inverse = np.unique(np.concatenate([d for d, _ in values]), return_inverse=True)
        sums = np.bincount(inverse, weights=np.concatenate([c for _, c in values]), minlength=len(days))
        out[key] = (days.astype(np.int64), sums.astype(np.int64))
    return out


def clocks_from_counts(
    agreement: Agreement, counts: Mapping[str, tuple[Ints, Ints]], last_day: dt.date | None
) -> list[Clock]:
    """One clock per ``condition`` obligation from its daily counts (absent: none that day)."""
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    return [_clock(agreement, o, counts.get(o.id, empty), last_day) for o in _conditions(agreement)]


def _clock(agreement: Agreement, o: Obligation, daily: tuple[Ints, Ints], last_day: dt.date | None) -> Clock:
    assert o.rule is not None
    start, end = window(agreement, o)
    first = math.ceil(start)
    last = (math.ceil(end) - 1) if math.isfinite(end) else first - 1
    if last_day is not None:
        last = min(last, last_day.toordinal()) if math.isfinite(end) else last_day.toordinal()
    n_days = min(max(0, last - first + 1), MAX_DAYS)
    days, violations = daily[0] - first, daily[1]
    inside = (days >= 0) & (days < n_days)
    counts = np.bincount(days[inside], weights=violations[inside], minlength=n_days)[:n_days].astype(np.int64)
    quiet = counts <= o.rule.max_per_day
    met = first_run_end(quiet, o.rule.consecutive_days)
    return Clock(
        obligation=o.id,
        over=o.rule.over,
        max_per_day=o.rule.max_per_day,
        consecutive_days=o.rule.consecutive_days,
        met_on=None if met is None else dt.date.fromordinal(first + met),
        days=tuple(
            ClockDay(dt.date.fromordinal(first + i), int(c), bool(q))
            for i, (c, q) in enumerate(zip(counts, quiet, strict=True))
        ),
    )


def first_run_end(quiet: np.ndarray, length: int) -> int | None:
    """Index of the last day of the first run of ``length`` consecutive quiet days."""
    run = 0
    for i, q in enumerate(quiet.tolist()):  # one step per day, not per incident
        run = run + 1 if q else 0
        if run >= length:
            return i
    return None

"""``condition`` rules: clocks such as "7 consecutive days with at most N violations".

A clock counts, per calendar day in the agreement's timezone, the findings of status
``violation`` of its ``over`` obligations, on the date their incident's source reports. Its days are
the calendar days that start at or after the obligation's start (a start at 19:00 makes the next
day the first) and before its end, up to the last day of the data (or ``--to``). A day is quiet
when its count is at most ``max_per_day``; ``met_on`` is the last day of the first run of
``consecutive_days`` quiet days, or None.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from ceasefire.findings import FindingTable, Status
from ceasefire.model import Agreement, Clock, ClockDay, Obligation
from ceasefire.rules import window
from ceasefire.table import IncidentTable

__all__ = ["clocks", "first_run_end"]


def clocks(
    agreement: Agreement, table: IncidentTable, findings: FindingTable, last_day: dt.date | None
) -> list[Clock]:
    """One clock per ``condition`` obligation; ``last_day`` defaults to the data's last day."""
    if last_day is None and len(table):
        last_day = dt.date.fromordinal(int(table.day1.max()))
    return [
        _clock(agreement, table, findings, o, last_day)
        for o in agreement.obligations
        if o.rule is not None and o.rule.kind == "condition"
    ]


def _clock(
    agreement: Agreement, table: IncidentTable, findings: FindingTable, o: Obligation,
    last_day: dt.date | None,
) -> Clock:  # fmt: skip
    assert o.rule is not None
    start, end = window(agreement, o)
    first = math.ceil(start)
    last = (math.ceil(end) - 1) if math.isfinite(end) else first - 1
    if last_day is not None:
        last = min(last, last_day.toordinal()) if math.isfinite(end) else last_day.toordinal()
    over = [k for k, ob in enumerate(agreement.obligations) if ob.id in o.rule.over]
    sel = np.isin(findings.obligation, over) & (findings.status == Status.VIOLATION)
    days = table.day[findings.incident[sel]] - first
    n_days = max(0, last - first + 1)
    counts = np.bincount(days[(days >= 0) & (days < n_days)], minlength=n_days)[:n_days]
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

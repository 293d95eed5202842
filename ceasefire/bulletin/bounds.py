"""A bulletin bounded to a few pages whatever the run's size (issue 14), as a monitoring
mission's daily report summarises: each long table keeps its first rows and says how many more
there are and where to find them (the findings list and the export hold every one).

``bounded(bulletin)`` -> the same bulletin with at most ``TABLE_ROWS`` rows a count table (rows
with counts first, in table order), ``ACCESS_LINES`` findings and ``ACCESS_LINES`` nearby
incidents a route or besieged area, the last ``CLOCK_DAYS`` days of each clock's strip and
``CLAIMS`` claims; ``more``, ``earlier`` and ``more_claims`` count what was left out (0: nothing,
and then the JSON twin leaves them out, so a bulletin that fits reads as it always did).
"""

from __future__ import annotations

import dataclasses

from ceasefire.bulletin.content import AccessState, Bulletin, ClockState, CountTable

__all__ = ["ACCESS_LINES", "CLAIMS", "CLOCK_DAYS", "TABLE_ROWS", "bounded"]

TABLE_ROWS = 25  # a zone table lists every zone of the agreement: 200 in a big one
ACCESS_LINES = 12
CLOCK_DAYS = 31  # the strip's last month; /clocks has every day
CLAIMS = 12


def bounded(b: Bulletin) -> Bulletin:
    """``b`` with its long tables cut (see the module docstring)."""
    return dataclasses.replace(
        b,
        counts=tuple(_table(t) for t in b.counts),
        access=tuple(_access(a) for a in b.access),
        clocks=tuple(_clock(c) for c in b.clocks),
        claims=b.claims[:CLAIMS],
        more_claims=max(len(b.claims) - CLAIMS, 0),
    )


def _table(t: CountTable) -> CountTable:
    if len(t.rows) <= TABLE_ROWS:
        return t
    # stable: the rows with a count either day keep their order, ahead of the empty ones
    rows = sorted(t.rows, key=lambda r: not (r.violation or r.possible or r.was_violation or r.was_possible))
    return dataclasses.replace(t, rows=tuple(rows[:TABLE_ROWS]), more=len(t.rows) - TABLE_ROWS)


def _access(a: AccessState) -> AccessState:
    left = max(len(a.findings) - ACCESS_LINES, 0) + max(len(a.nearby) - ACCESS_LINES, 0)
    if not left:
        return a
    return dataclasses.replace(a, findings=a.findings[:ACCESS_LINES], nearby=a.nearby[:ACCESS_LINES], more=left)


def _clock(c: ClockState) -> ClockState:
    if len(c.days) <= CLOCK_DAYS:
        return c
    return dataclasses.replace(c, days=c.days[-CLOCK_DAYS:], earlier=len(c.days) - CLOCK_DAYS)

"""What an incremental run needs to know about the run before it (issue 14; 0023_run_days).

``run_days`` says which run holds a run's findings of each day; ``changed_reports`` which
submitted reports gained a version or were published since a log index, with every date any of
their versions gave (a report moved to another day changes the findings of both days).
"""

from __future__ import annotations

from dataclasses import dataclass

from ceasefire.store.database import Database
from ceasefire.store.log_entries import has_table

__all__ = ["ChangedReports", "DaySource", "changed_reports", "run_days"]


@dataclass(frozen=True)
class DaySource:
    """The run whose ``finding_rows`` hold a run's findings of one day, and how many there are."""

    source_run: int
    findings: int


@dataclass(frozen=True)
class ChangedReports:
    ids: frozenset[int]
    days: frozenset[str]  # ISO dates of every version of those reports


def run_days(db: Database, run_id: int) -> dict[str, DaySource]:
    """Day (ISO) -> where run ``run_id``'s findings of that day are; empty for a run written
    before 0023 (its rows are all its own: an incremental run cannot build on it)."""
    if not has_table(db, "run_days"):
        return {}
    rows = db.execute("SELECT day, source_run, findings FROM run_days WHERE run_id = ? ORDER BY seq", (run_id,))
    return {str(day): DaySource(int(source), int(count)) for day, source, count in rows}


def changed_reports(db: Database, since: int) -> ChangedReports:
    """The reports with a version or a publication logged at or after log index ``since``."""
    rows = db.execute(
        "SELECT report_id FROM report_versions WHERE log_index >= ?"
        " UNION SELECT report_id FROM report_publications WHERE log_index >= ?",
        (since, since),
    )
    ids = frozenset(int(r[0]) for r in rows)
    if not ids:
        return ChangedReports(ids, frozenset())
    marks = ", ".join("?" * len(ids))
    days = db.execute(f"SELECT DISTINCT occurred_on FROM report_versions WHERE report_id IN ({marks})", sorted(ids))
    return ChangedReports(ids, frozenset(str(d[0]) for d in days))

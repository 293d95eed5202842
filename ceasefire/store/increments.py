"""What an incremental run needs to know about the run before it (issue 14; 0023_run_days).

``run_days`` says which run holds a run's findings of each day; ``changed_reports`` which
submitted reports gained a version or were published since a log index, with every date any of
their versions gave (a report moved to another day changes the findings of both days);
``import_extent`` how far an import's records reach from their ``date`` (what reading the records
near some days must widen the ``date`` range by: ``incidents_by_date`` then finds them), and
``incidents_near`` those records; ``repeated_ids``, ``reports_before`` and ``Extent.report_ids``
what says a run's table has no repeated id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ceasefire.model import REPORT_PREFIX
from ceasefire.store.database import Database, Value
from ceasefire.store.incidents import Columns, read_columns_where
from ceasefire.store.log_entries import has_table

__all__ = [
    "ChangedReports",
    "DaySource",
    "Extent",
    "changed_reports",
    "import_extent",
    "incidents_near",
    "repeated_ids",
    "report_actor_names",
    "reports_before",
    "run_days",
]


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


@dataclass(frozen=True)
class Extent:
    """How far one import's records reach from their ``date`` (day ordinals): each record's days
    (``date``..``date_end`` and ``date_reported``) lie within ``date - below``..``date + above``;
    ``last``: the latest ``date_end`` (else ``date``) of any (0: no record); ``report_ids``:
    whether an id may have the form a submitted report's takes (``report-N``)."""

    below: int
    above: int
    last: int
    report_ids: bool = False


def import_extent(db: Database, import_id: int) -> Extent:
    """The ``Extent`` of import ``import_id``, from its distinct date triples (few: days x spans)."""
    rows = db.execute("SELECT DISTINCT date, date_end, date_reported FROM incidents WHERE import_id = ?", (import_id,))
    below = above = last = 0
    for date, end, reported in rows:
        day = _day(date)
        until = max(day, _day(end) if end else day)
        told = _day(reported) if reported else day
        below, above = max(below, day - told), max(above, until - day, told - day)
        last = max(last, until)
    # LIKE: SQLite's ignores case, which only finds more; a range would depend on the collation.
    like = "SELECT 1 FROM incidents WHERE import_id = ? AND incident_id LIKE ? LIMIT 1"
    return Extent(below, above, last, bool(db.execute(like, (import_id, f"{REPORT_PREFIX}%"))))


def _day(iso: object) -> int:
    return dt.date.fromisoformat(str(iso)[:10]).toordinal()


def incidents_near(db: Database, spans: Sequence[tuple[int, int]], below: int, above: int) -> Columns:
    """The stored incidents (duplicates included, import then file order) whose ``date`` is in
    some span (first, last day ordinals) widened by ``above`` before and ``below`` after: every
    record whose days (``Extent``) meet a span, and a few more (the caller keeps what it needs)."""
    ranges = [(_iso(first - above), _iso(last + below)) for first, last in spans]
    where = "WHERE " + " OR ".join("i.date BETWEEN ? AND ?" for _ in ranges) if ranges else "WHERE 1 = 0"
    return read_columns_where(db, where, [d for pair in ranges for d in pair], encoded=False)


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(max(ordinal, 1)).isoformat()


def repeated_ids(db: Database, import_id: int, ids: Sequence[str]) -> int:
    """How many of ``ids`` (import ``import_id``'s) an earlier import stores too."""
    found = 0
    for start in range(0, len(ids), 500):
        chunk: list[Value] = list(ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT COUNT(DISTINCT incident_id) FROM incidents WHERE import_id < ? AND incident_id IN ({marks})"
        found += int(db.execute(sql, (import_id, *chunk))[0][0])
    return found


def reports_before(db: Database, log_index: int) -> int:
    """How many reports had a version logged before log index ``log_index``."""
    rows = db.execute("SELECT COUNT(DISTINCT report_id) FROM report_versions WHERE log_index < ?", (log_index,))
    return int(rows[0][0])


def report_actor_names(db: Database, ids: Collection[int]) -> set[str]:
    """Every actor name any version of the reports ``ids`` gave (``;`` lists split, as resolved)."""
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    rows = db.execute(f"SELECT actor1, actor2 FROM report_versions WHERE report_id IN ({marks})", sorted(ids))
    return {n.strip() for row in rows for field in row for n in str(field).split(";") if n.strip()}

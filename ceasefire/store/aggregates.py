"""A run's findings counted: the per-run summary tables of 0025, written once when the run is
stored and read by the pages that aggregate (scorecards, clocks, run counts, bulletins: issue 14).

The tables hold the findings drawn from no submitted report, which every viewer of the run may
see alike; the findings drawn from reports (few) are what differs between viewers (issue 11), so
they are left out here and counted when read, from the run's rows (``pages.report_findings``).
Both tables are derived from the findings the run's log entry chains, so they are not in the log
(as ``finding_incidents``): ``log verify`` has nothing more to check, and a changed count could be
recomputed from the chained rows.

- ``finding_counts``: (run, date, obligation, status, parties) -> findings;
- ``incident_counts``: (run, date, worst status) -> incidents, an incident being a finding's
  first incident (else the finding itself) counted once a day at the worst status of its findings
  that day, as the bulletin counts them (``bulletin.daily``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from ceasefire.ledger import canonical_json
from ceasefire.model import Finding, worst_status
from ceasefire.store.database import Database, Value
from ceasefire.store.log_entries import has_table
from ceasefire.store.pages import RunDays, report_id_of, run_findings

__all__ = [
    "FindingCount",
    "IncidentCount",
    "count_rows",
    "drawn_from_reports",
    "incident_of",
    "run_counts",
    "summary_sums",
    "tally_findings",
    "tally_incidents",
    "write_counts",
]


@dataclass(frozen=True)
class FindingCount:
    """How many findings of a run have these values."""

    date: dt.date
    obligation: str
    status: str
    parties: tuple[str, ...]
    findings: int


@dataclass(frozen=True)
class IncidentCount:
    """How many incidents of a day are at worst ``status`` (see the module docstring)."""

    date: dt.date
    status: str
    incidents: int


def incident_of(f: Finding) -> str:
    """The incident a finding is counted under: its first, else the finding's own id."""
    return f.incidents[0] if f.incidents else f.id


def tally_findings(findings: Iterable[Finding]) -> list[FindingCount]:
    """The ``finding_counts`` of ``findings``, in order of their first finding."""
    counts = Counter((f.date, f.obligation, f.status, f.parties) for f in findings)
    return [FindingCount(*key, n) for key, n in counts.items()]


def tally_incidents(findings: Iterable[Finding]) -> list[IncidentCount]:
    """The ``incident_counts`` of ``findings``."""
    statuses: dict[tuple[dt.date, str], list[str]] = {}
    for f in findings:
        statuses.setdefault((f.date, incident_of(f)), []).append(f.status)
    counts = Counter((day, worst_status(found, "exempt")) for (day, _), found in statuses.items())
    return [IncidentCount(day, status, n) for (day, status), n in counts.items()]


def drawn_from_reports(f: Finding) -> bool:
    """Whether any incident of ``f`` is a submitted report (``report-N``)."""
    return any(report_id_of(i) is not None for i in f.incidents)


def count_rows(run_id: int, findings: Sequence[Finding]) -> tuple[list[tuple[Value, ...]], list[tuple[Value, ...]]]:
    """The ``finding_counts`` and ``incident_counts`` rows of run ``run_id``: its findings drawn
    from no submitted report."""
    base = [f for f in findings if not drawn_from_reports(f)]
    counted = [
        (run_id, c.date.isoformat(), c.obligation, c.status, _parties(c.parties), c.findings)
        for c in tally_findings(base)
    ]
    incidents = [(run_id, c.date.isoformat(), c.status, c.incidents) for c in tally_incidents(base)]
    return list[tuple[Value, ...]](counted), list[tuple[Value, ...]](incidents)


_COUNT_COLUMNS = {
    "finding_counts": "date, obligation, status, parties, findings",
    "incident_counts": "date, status, incidents",
}
# A finding row's first incident (else NULL), per backend, as 0026 counts it.
_FIRST_INCIDENT = {"sqlite": "json_extract(f.incidents, '$[0]')", "postgres": "(f.incidents::jsonb ->> 0)"}


def write_counts(db: Database, run_id: int, days: RunDays) -> None:
    """Store the summary rows of run ``run_id`` (in the caller's transaction), once its rows and
    their ``finding_incidents`` are stored: the days it stores itself counted from those rows by
    the database (the rows :func:`count_rows` gives for them, in the same order; issue 14: not a
    ``Finding`` per row), every other day's summary rows copied from the run ``days`` says holds
    that day in ``run_days`` (which has the rows of every day it covers, being written the same
    way), so an incremental run counts only what it recomputed."""
    db.execute(_COUNTED.format(first=_FIRST_INCIDENT[db.dialect]), (run_id, run_id))
    db.execute(
        "INSERT INTO finding_counts (run_id, date, obligation, status, parties, findings) "
        "SELECT ?, date, obligation, status, parties, COUNT(*) FROM counted "
        "GROUP BY date, obligation, status, parties ORDER BY MIN(seq)",
        (run_id,),
    )
    db.execute(_WORST, (run_id,))
    db.execute("DROP TABLE counted")
    if any(source is not None for source, _ in days.values()):
        for table, columns in _COUNT_COLUMNS.items():
            picked = ", ".join(f"c.{c}" for c in columns.split(", "))
            db.execute(
                f"INSERT INTO {table} (run_id, {columns}) SELECT ?, {picked} FROM {table} c"
                " JOIN run_days d ON d.run_id = ? AND d.source_run = c.run_id AND d.day = c.date"
                " WHERE d.source_run <> ?",
                (run_id, run_id, run_id),
            )


def summary_sums(
    db: Database, run_id: int, skip: Collection[str]
) -> tuple[Counter[tuple[str, str, tuple[str, ...]]], Counter[tuple[str, str]]] | None:
    """What run ``run_id``'s findings on every day but ``skip`` (ISO days) sum to: findings by
    (obligation, status, parties) and ``violation`` findings by (day, obligation), from its
    summary rows, and from its rows for the findings drawn from reports (few, not in them);
    None for a database without summary rows (before 0025)."""
    if not has_table(db, "finding_counts"):
        return None
    where = "run_id = ?" + (f" AND date NOT IN ({', '.join('?' * len(skip))})" if skip else "")
    rows = db.execute(
        f"SELECT obligation, status, parties, SUM(findings) FROM finding_counts WHERE {where}"
        " GROUP BY obligation, status, parties",
        (run_id, *sorted(skip)),
    )
    totals = Counter({(str(o), str(s), _party_ids(ps)): int(n) for o, s, ps, n in rows})
    rows = db.execute(
        f"SELECT date, obligation, SUM(findings) FROM finding_counts WHERE {where} AND status = 'violation'"
        " GROUP BY date, obligation",
        (run_id, *sorted(skip)),
    )
    violations = Counter({(str(d), str(o)): int(n) for d, o, n in rows})
    for day, obligation, status, parties in _report_rows(db, run_id, skip):
        totals[(obligation, status, _party_ids(parties))] += 1
        violations[(day, obligation)] += status == "violation"
    return totals, violations


def _party_ids(parties: object) -> tuple[str, ...]:
    return tuple(str(p) for p in json.loads(str(parties)))


def _report_rows(db: Database, run_id: int, skip: Collection[str]) -> list[tuple[str, str, str, str]]:
    """(date, obligation, status, parties) of run ``run_id``'s findings drawn from reports on
    every day but ``skip``, read from the run holding each day's rows (``run_days``)."""
    days: dict[int, set[str]] = {}
    for day, source in db.execute("SELECT day, source_run FROM run_days WHERE run_id = ?", (run_id,)):
        if str(day) not in skip:
            days.setdefault(int(source), set()).add(str(day))
    out = []
    for source, kept in days.items():
        # no DISTINCT: SQLite then walks every link of the run by (run_id, seq) instead of the few by report
        drawn = "SELECT seq FROM finding_incidents WHERE run_id = ? AND report_id IS NOT NULL"
        seqs = sorted({int(r[0]) for r in db.execute(drawn, (source,))})
        for start in range(0, len(seqs), 500):
            chunk = seqs[start : start + 500]
            rows = db.execute(
                "SELECT date, obligation, status, parties FROM finding_rows"
                f" WHERE run_id = ? AND seq IN ({', '.join('?' * len(chunk))})",
                (source, *chunk),
            )
            out += [(str(d), str(o), str(s), str(p)) for d, o, s, p in rows if str(d) in kept]
    return out


# the run's findings drawn from no submitted report, with the incident each is counted under
# (its first, else itself: ``incident_of``), as 0026 reads them for the runs stored before it;
# NOT IN reads the few seqs drawn from reports once (PostgreSQL ran NOT EXISTS as a probe per row)
_COUNTED = """CREATE TEMPORARY TABLE counted AS
SELECT f.seq, f.date, f.obligation, f.status, f.parties, COALESCE({first}, f.finding_id) AS incident
FROM finding_rows f
WHERE f.run_id = ? AND f.seq NOT IN (
    SELECT x.seq FROM finding_incidents x WHERE x.run_id = ? AND x.report_id IS NOT NULL
)"""

# ``tally_incidents`` in SQL: each (day, incident) at its worst status, counted per (day, status)
# in the order of each pair's first finding
_WORST = """INSERT INTO incident_counts (run_id, date, status, incidents)
SELECT ?, date, CASE worst WHEN 0 THEN 'violation' WHEN 1 THEN 'possible_violation' ELSE 'exempt' END, COUNT(*)
FROM (
    SELECT date, MIN(seq) AS first,
           MIN(CASE status WHEN 'violation' THEN 0 WHEN 'possible_violation' THEN 1 ELSE 2 END) AS worst
    FROM counted GROUP BY date, incident
) AS worst_of
GROUP BY date, worst ORDER BY MIN(first)"""


def _parties(parties: Sequence[str]) -> str:
    return canonical_json(list(parties)).decode("utf-8")


def run_counts(db: Database, run_id: int) -> tuple[list[FindingCount], list[IncidentCount]]:
    """The ``finding_counts`` and ``incident_counts`` of run ``run_id``. A database not migrated
    to 0025 yet (readers never migrate) has them counted from the run's findings instead."""
    if not has_table(db, "finding_counts"):
        base = [f for f in run_findings(db, run_id) if not drawn_from_reports(f)]
        return tally_findings(base), tally_incidents(base)
    rows = db.execute(
        "SELECT date, obligation, status, parties, findings FROM finding_counts WHERE run_id = ?", (run_id,)
    )
    found = [
        FindingCount(dt.date.fromisoformat(str(d)), str(o), str(s), tuple(str(p) for p in json.loads(str(ps))), int(n))
        for d, o, s, ps, n in rows
    ]
    rows = db.execute("SELECT date, status, incidents FROM incident_counts WHERE run_id = ?", (run_id,))
    return found, [IncidentCount(dt.date.fromisoformat(str(d)), str(s), int(n)) for d, s, n in rows]

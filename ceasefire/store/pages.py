"""A run's findings as typed rows, and pages of them and of incidents, read with keyset paging
in SQL (issue 14).

Runs stored since 0019 keep their findings in ``finding_rows``, one typed column per
``model.Finding`` field (:func:`finding_row`, :func:`row_finding`); older runs keep one canonical
JSON document each in ``findings``. :func:`findings_table` says which a run uses; both have the
columns the filters read (``run_id``, ``seq``, ``finding_id``, ``obligation``, ``status``,
``date``, ``parties``).

A page is at most ``limit`` rows after a key (never an ``OFFSET`` scan), in a stable order:
findings by their ``seq`` in the run, incidents by ``(import_id, seq)``. Filters are applied in
SQL. A viewer who may not see some submitted reports passes them as ``hidden``: a finding drawn
from any of them is left out (issue 11), found through ``finding_incidents`` (0017).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ceasefire.ledger import canonical_json
from ceasefire.model import REPORT_PREFIX, Finding
from ceasefire.store.database import Database, Row, Value
from ceasefire.store.log_entries import FINDING_ROW_COLUMNS, INCIDENT_COLUMNS, has_table

__all__ = [
    "FindingFilter",
    "IncidentKey",
    "RunRows",
    "count_findings",
    "count_incidents",
    "finding_incident_rows",
    "finding_page",
    "finding_row",
    "findings_table",
    "first_incidents",
    "incident_findings",
    "incident_page",
    "report_id_of",
    "row_finding",
    "run_findings",
    "run_report_ids",
    "run_rows",
]

IncidentKey = tuple[int, int]  # (import_id, seq)


@dataclass(frozen=True)
class FindingFilter:
    """Which findings of a run a page holds: those passing every given filter (as
    ``exports.filter_findings``) and drawn from none of the ``hidden`` reports."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    party: str | None = None
    obligation: str | None = None
    status: str | None = None
    hidden: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RunRows:
    """A run's findings as the store writes them, made once the run's id is known: ``rows(run_id)``
    the ``finding_rows`` rows (``FINDING_ROW_COLUMNS`` order, ``seq`` from 0 in output order),
    ``links(run_id)`` the ``finding_incidents`` rows (every incident each finding names). Built
    from ``Finding`` objects (:func:`run_rows`) or from the engine's columns with no object per
    finding (``service.run_rows``): the rows are the same either way."""

    count: int
    rows: Callable[[int], Iterable[tuple[Value, ...]]]
    links: Callable[[int], Iterable[tuple[Value, ...]]]


def run_rows(findings: Sequence[Finding]) -> RunRows:
    """The rows of findings given as objects (:func:`finding_row`, :func:`finding_incident_rows`)."""
    return RunRows(
        len(findings),
        lambda run_id: (finding_row(run_id, seq, f) for seq, f in enumerate(findings)),
        lambda run_id: (link for seq, f in enumerate(findings) for link in finding_incident_rows(run_id, seq, f)),
    )


def report_id_of(incident_id: str) -> int | None:
    """N for ``report-N`` (a submitted report's incident), else None."""
    rest = incident_id[len(REPORT_PREFIX) :] if incident_id.startswith(REPORT_PREFIX) else ""
    return int(rest) if rest.isascii() and rest.isdigit() and len(rest) <= 18 else None


def finding_row(run_id: int, seq: int, f: Finding) -> tuple[Value, ...]:
    """The ``finding_rows`` row of a finding, in ``FINDING_ROW_COLUMNS`` order (numbers as the
    Python numbers the finding's document holds, so the row and the document agree)."""
    return (
        run_id,
        seq,
        f.id,
        f.obligation,
        f.category,
        f.status,
        canonical_json(list(f.parties)).decode("utf-8"),
        f.attribution,
        canonical_json(list(f.incidents)).decode("utf-8"),
        f.date.isoformat(),
        float(f.lat),
        float(f.lon),
        float(f.confidence),
        f.explanation,
        f.rule,
        None if f.distance_m is None else float(f.distance_m),
        float(f.radius_m),
        f.event_type,
        f.sub_event_type,
        f.weapon,
        f.location,
        f.actor1,
        f.actor2,
        int(f.fatalities),
        f.source,
        f.sources,
    )


def row_finding(row: Sequence[Value]) -> Finding:
    """The finding a ``finding_rows`` row holds (columns in ``FINDING_ROW_COLUMNS`` order)."""
    (_, _, fid, obligation, category, status, parties, attribution, incidents, day, *rest) = row
    lat, lon, confidence, explanation, rule, distance_m, radius_m, *text, fatalities, source, sources = rest
    event_type, sub_event_type, weapon, location, actor1, actor2 = (str(t) for t in text)
    return Finding(
        id=str(fid),
        obligation=str(obligation),
        category=str(category),
        status=str(status),
        parties=tuple(json.loads(str(parties))),
        attribution=str(attribution),
        incidents=tuple(json.loads(str(incidents))),
        date=dt.date.fromisoformat(str(day)),
        lat=float(lat or 0.0),
        lon=float(lon or 0.0),
        confidence=float(confidence or 0.0),
        explanation=str(explanation),
        rule=str(rule),
        distance_m=None if distance_m is None else float(distance_m),
        radius_m=float(radius_m or 0.0),
        event_type=event_type,
        sub_event_type=sub_event_type,
        weapon=weapon,
        location=location,
        actor1=actor1,
        actor2=actor2,
        fatalities=int(fatalities or 0),
        source=str(source),
        sources=None if sources is None else int(sources),
    )


def findings_table(db: Database, run_id: int) -> str:
    """Where run ``run_id`` keeps its findings: ``finding_rows`` (runs since 0019) or ``findings``."""
    if not has_table(db, "finding_rows"):  # a database read before its migrations ran
        return "findings"
    typed = db.execute("SELECT 1 FROM finding_rows WHERE run_id = ? LIMIT 1", (run_id,))
    return "finding_rows" if typed else "findings"


def _selected(table: str) -> str:
    return "f.document" if table == "findings" else ", ".join(f"f.{c}" for c in FINDING_ROW_COLUMNS)


def _decoded(table: str, row: Sequence[Value]) -> Finding:
    return Finding.from_document(json.loads(str(row[0]))) if table == "findings" else row_finding(row)


def run_findings(db: Database, run_id: int) -> list[Finding]:
    """Every finding of run ``run_id``, in stored order."""
    table = findings_table(db, run_id)
    rows = db.execute(f"SELECT {_selected(table)} FROM {table} f WHERE f.run_id = ? ORDER BY f.seq", (run_id,))
    return [_decoded(table, row) for row in rows]


def finding_incident_rows(run_id: int, seq: int, finding: Finding) -> list[tuple[Value, ...]]:
    """The ``finding_incidents`` rows of one finding."""
    return [(run_id, seq, i, report_id_of(i)) for i in finding.incidents]


def _hidden_sql(hidden: frozenset[int], alias: str) -> tuple[str, list[Value]]:
    if not hidden:
        return "", []
    marks = ", ".join("?" * len(hidden))
    sql = (
        " AND NOT EXISTS (SELECT 1 FROM finding_incidents x WHERE x.run_id = "
        f"{alias}.run_id AND x.seq = {alias}.seq AND x.report_id IN ({marks}))"
    )
    return sql, list[Value](sorted(hidden))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _finding_where(run_id: int, where: FindingFilter) -> tuple[str, list[Value]]:
    sql, params = "WHERE f.run_id = ?", list[Value]([run_id])
    if where.date_from is not None:
        sql, params = sql + " AND f.date >= ?", [*params, where.date_from.isoformat()]
    if where.date_to is not None:
        sql, params = sql + " AND f.date <= ?", [*params, where.date_to.isoformat()]
    if where.party is not None:
        # parties holds the canonical JSON array of ids: an element is the quoted id, whole
        pattern = "%" + _like(canonical_json(where.party).decode("utf-8")) + "%"
        sql, params = sql + " AND f.parties LIKE ? ESCAPE '\\'", [*params, pattern]
    for column in ("obligation", "status"):
        value = getattr(where, column)
        if value is not None:
            sql, params = sql + f" AND f.{column} = ?", [*params, value]
    hidden, more = _hidden_sql(where.hidden, "f")
    return sql + hidden, [*params, *more]


def finding_page(db: Database, run_id: int, where: FindingFilter, after: str | None, limit: int) -> list[Finding]:
    """Up to ``limit`` findings of the run after the one with id ``after`` (None: from the
    first; an id not in the run, or hidden: none). Keyed by id, not ``seq``: a cursor holding a
    seq would tell a viewer, by its gaps, that findings it may not see exist (issue 11). Ids are
    stable across runs, so a cursor of an older run goes on after the same finding."""
    table = findings_table(db, run_id)
    sql, params = _finding_where(run_id, where)
    if after is not None:
        # the id must be one the viewer may see: a hidden one answers as an unknown one does
        hide, more = _hidden_sql(where.hidden, "s")
        sql += f" AND f.seq > (SELECT MIN(s.seq) FROM {table} s WHERE s.run_id = f.run_id AND s.finding_id = ?{hide})"
        params = [*params, after, *more]
    query = f"SELECT {_selected(table)} FROM {table} f {sql} ORDER BY f.seq LIMIT ?"
    return [_decoded(table, row) for row in db.execute(query, (*params, limit))]


def count_findings(db: Database, run_id: int, where: FindingFilter) -> int:
    sql, params = _finding_where(run_id, where)
    return int(db.execute(f"SELECT COUNT(*) FROM {findings_table(db, run_id)} f {sql}", params)[0][0])


def run_report_ids(db: Database, run_id: int) -> set[int]:
    """The submitted reports any finding of the run draws on."""
    rows = db.execute(
        "SELECT DISTINCT report_id FROM finding_incidents WHERE run_id = ? AND report_id IS NOT NULL", (run_id,)
    )
    return {int(r[0]) for r in rows}


_FIRST = (
    "NOT EXISTS (SELECT 1 FROM incidents j WHERE j.incident_id = i.incident_id"
    " AND (j.import_id < i.import_id OR (j.import_id = i.import_id AND j.seq < i.seq)))"
)


def _incident_where(before: int, date_from: dt.date | None, date_to: dt.date | None) -> tuple[str, list[Value]]:
    """Imported incidents logged before log index ``before``, the first of each id (as a run
    verifies them), dated (the reported day, else the event's) within the dates given."""
    sql, params = f"WHERE m.log_index < ? AND {_FIRST}", list[Value]([before])
    day = "COALESCE(i.date_reported, i.date)"
    if date_from is not None:
        sql, params = sql + f" AND {day} >= ?", [*params, date_from.isoformat()]
    if date_to is not None:
        sql, params = sql + f" AND {day} <= ?", [*params, date_to.isoformat()]
    return sql, params


_INCIDENTS = "FROM incidents i JOIN imports m ON m.id = i.import_id"


def incident_page(
    db: Database,
    before: int,
    dates: tuple[dt.date | None, dt.date | None],
    after: IncidentKey | None,
    limit: int,
) -> list[Row]:
    """Up to ``limit`` ``incidents`` rows (every column) of the imported incidents a run logged
    at ``before`` verified, after the key ``after`` (None: from the first)."""
    sql, params = _incident_where(before, *dates)
    if after is not None:
        sql += " AND (i.import_id > ? OR (i.import_id = ? AND i.seq > ?))"
        params = [*params, after[0], after[0], after[1]]
    columns = ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS)
    query = f"SELECT {columns} {_INCIDENTS} {sql} ORDER BY i.import_id, i.seq LIMIT ?"
    return list(db.dicts(query, (*params, limit)))


def count_incidents(db: Database, before: int, dates: tuple[dt.date | None, dt.date | None]) -> int:
    sql, params = _incident_where(before, *dates)
    return int(db.execute(f"SELECT COUNT(*) {_INCIDENTS} {sql}", params)[0][0])


def incident_findings(
    db: Database, run_id: int, incident_ids: Sequence[str], hidden: frozenset[int]
) -> dict[str, list[tuple[str, str]]]:
    """(finding id, status) of the run's findings on each of ``incident_ids`` that are drawn
    from none of the ``hidden`` reports, in the run's order."""
    if not incident_ids:
        return {}
    wanted = sorted(set(incident_ids))
    marks = ", ".join("?" * len(wanted))
    hide, more = _hidden_sql(hidden, "f")
    rows = db.execute(
        "SELECT fi.incident_id, f.finding_id, f.status FROM finding_incidents fi"
        f" JOIN {findings_table(db, run_id)} f ON f.run_id = fi.run_id AND f.seq = fi.seq"
        f" WHERE fi.run_id = ? AND fi.incident_id IN ({marks}){hide} ORDER BY f.seq",
        (run_id, *wanted, *more),
    )
    out: dict[str, list[tuple[str, str]]] = {}
    for incident_id, finding_id, status in rows:
        out.setdefault(str(incident_id), []).append((str(finding_id), str(status)))
    return out


def first_incidents(db: Database, before: int, ids: Sequence[str]) -> list[Row]:
    """The ``incidents`` rows of ``ids`` imported before log index ``before``, each id's first
    (as a run verifies them) first: the caller keeps the first row of each id."""
    if not ids:
        return []
    wanted = sorted(set(ids))
    columns = ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS)
    marks = ", ".join("?" * len(wanted))
    query = (
        f"SELECT {columns} {_INCIDENTS} WHERE m.log_index < ? AND i.incident_id IN ({marks})"
        " ORDER BY i.import_id, i.seq"
    )
    return list(db.dicts(query, (before, *wanted)))

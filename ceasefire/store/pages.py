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

The exports read a run through :func:`export_rows`: the same filters, a chunk of plain rows at a
time keyed by ``seq``, each finding joined in SQL with its first incident's stored fields.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ceasefire.ledger import canonical_json
from ceasefire.model import REPORT_PREFIX, Finding
from ceasefire.store.database import Database, Row, Value
from ceasefire.store.log_entries import FINDING_ROW_COLUMNS, INCIDENT_COLUMNS, has_table

if TYPE_CHECKING:
    pass

__all__ = [
    "ClaimScope",
    "FindingFilter",
    "FindingSource",
    "IncidentKey",
    "RunDays",
    "RunRows",
    "by_code_point",
    "claim_findings",
    "count_findings",
    "count_incidents",
    "finding_incident_rows",
    "finding_page",
    "finding_row",
    "finding_source",
    "finding_where",
    "findings_by_id",
    "findings_table",
    "first_incidents",
    "imported_extent",
    "incident_findings",
    "incident_page",
    "report_findings",
    "report_id_of",
    "reported_by_day",
    "row_finding",
    "run_findings",
    "run_report_ids",
    "run_rows",
    "selected_findings",
    "top_findings",
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


# A run's days with findings (ISO, ascending) -> (the run holding their rows, None: this run; count)
RunDays = dict[str, tuple[int | None, int]]


@dataclass(frozen=True)
class RunRows:
    """A run's findings as the store writes them, made once the run's id is known: ``rows(run_id)``
    the ``finding_rows`` rows it stores (``FINDING_ROW_COLUMNS`` order, ``seq`` from 0 in output
    order), ``links(run_id)`` their ``finding_incidents`` rows (every incident each names) and
    ``days`` where its findings of each day are (``run_days``: an incremental run stores only the
    days it recomputed). ``count``: all its findings. Built from ``Finding`` objects
    (:func:`run_rows`) or from the engine's columns with no object per finding
    (``service.run_rows``): the rows are the same either way."""

    count: int
    rows: Callable[[int], Iterable[tuple[Value, ...]]]
    links: Callable[[int], Iterable[tuple[Value, ...]]]
    days: RunDays

    def day_rows(self, run_id: int) -> list[tuple[Value, ...]]:
        """The ``run_days`` rows of run ``run_id``."""
        return [
            (run_id, seq, day, run_id if source is None else source, count)
            for seq, (day, (source, count)) in enumerate(sorted(self.days.items()))
        ]


def run_rows(findings: Sequence[Finding], days: RunDays | None = None) -> RunRows:
    """The rows of findings given as objects (:func:`finding_row`, :func:`finding_incident_rows`):
    every one stored (``days`` None), or those of the days ``days`` holds in this run."""
    if days is None:
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.date.isoformat()] = counts.get(f.date.isoformat(), 0) + 1
        days = {day: (None, n) for day, n in counts.items()}
    mine = [f for f in findings if days[f.date.isoformat()][0] is None]
    return RunRows(
        len(findings),
        lambda run_id: (finding_row(run_id, seq, f) for seq, f in enumerate(mine)),
        lambda run_id: (link for seq, f in enumerate(mine) for link in finding_incident_rows(run_id, seq, f)),
        days,
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
    """Where run ``run_id`` keeps its own findings: ``finding_rows`` (runs since 0019) or ``findings``."""
    if not has_table(db, "finding_rows"):  # a database read before its migrations ran
        return "findings"
    typed = db.execute("SELECT 1 FROM finding_rows WHERE run_id = ? LIMIT 1", (run_id,))
    return "finding_rows" if typed else "findings"


@dataclass(frozen=True)
class FindingSource:
    """Where a run's findings are read: the SQL every reader of findings goes through (issue 14).

    A run written since 0023 holds, for each day in its ``run_days``, the rows of that day's
    ``source_run`` (itself, or an earlier run whose findings of that day did not change); an
    older run holds its own rows (``findings_table``). Two forms give the run's rows as alias ``f``:
    ``FROM {scan} WHERE {picked}`` (parameter: the run id) reads them in the run's order,
    ``ORDER BY {order}``, its days driving the scan (no sort); ``FROM {table} f{lookup} WHERE
    {kept}f.run_id {runs}`` (parameters: ``lookup_params`` then the run id) finds them by another
    index (a finding id, or from the ``finding_incidents`` of some incidents, joined before it),
    ``{runs}`` also picking another table's rows of the same runs (``x.run_id {runs}``)."""

    run_id: int
    table: str
    mapped: bool

    @property
    def scan(self) -> str:
        return "run_days d CROSS JOIN finding_rows f" if self.mapped else f"{self.table} f"  # SQLite: d drives

    @property
    def picked(self) -> str:
        return "d.run_id = ? AND f.run_id = d.source_run AND f.date = d.day" if self.mapped else "f.run_id = ?"

    @property
    def order(self) -> str:
        return "d.day, f.seq" if self.mapped else "f.seq"

    @property
    def lookup(self) -> str:
        return " CROSS JOIN run_days d" if self.mapped else ""  # SQLite: after the tables before it

    @property
    def kept(self) -> str:
        """The condition (ending in AND) that keeps, of a lookup's rows, those the run reads."""
        return "d.run_id = ? AND d.source_run = f.run_id AND d.day = f.date AND " if self.mapped else ""

    @property
    def lookup_params(self) -> list[Value]:
        return [self.run_id] if self.mapped else []

    @property
    def runs(self) -> str:
        return "IN (SELECT source_run FROM run_days WHERE run_id = ?)" if self.mapped else "= ?"


def finding_source(db: Database, run_id: int) -> FindingSource:
    """Where the findings of run ``run_id`` are read (:class:`FindingSource`)."""
    if has_table(db, "run_days") and db.execute("SELECT 1 FROM run_days WHERE run_id = ? LIMIT 1", (run_id,)):
        return FindingSource(run_id, "finding_rows", True)
    return FindingSource(run_id, findings_table(db, run_id), False)


def _selected(table: str) -> str:
    return "f.document" if table == "findings" else ", ".join(f"f.{c}" for c in FINDING_ROW_COLUMNS)


def _decoded(table: str, row: Sequence[Value]) -> Finding:
    return Finding.from_document(json.loads(str(row[0]))) if table == "findings" else row_finding(row)


def run_findings(db: Database, run_id: int) -> list[Finding]:
    """Every finding of run ``run_id``, in stored order."""
    src = finding_source(db, run_id)
    query = f"SELECT {_selected(src.table)} FROM {src.scan} WHERE {src.picked} ORDER BY {src.order}"
    return [_decoded(src.table, row) for row in db.execute(query, (run_id,))]


def finding_incident_rows(run_id: int, seq: int, finding: Finding) -> list[tuple[Value, ...]]:
    """The ``finding_incidents`` rows of one finding."""
    return [(run_id, seq, i, report_id_of(i)) for i in finding.incidents]


_RUN_SHIFT = 1 << 32  # (run, seq) as one integer: a scalar IN the database reads once per statement


def _hidden_sql(hidden: frozenset[int], src: FindingSource, alias: str = "f") -> tuple[str, list[Value]]:
    """The condition (starting with AND) leaving out the findings of ``src``'s runs drawn from the
    ``hidden`` reports, and its parameters; said of the (run_id, seq) of ``alias`` (the findings,
    or rows joined to them by that key). The subquery is not correlated: the database reads
    the few hidden findings once per statement (by ``finding_incidents_by_report``) rather than
    probing ``finding_incidents`` for every finding, which cost a 1M export 3x its read."""
    if not hidden:
        return "", []
    marks = ", ".join("?" * len(hidden))
    sql = (
        f" AND {alias}.run_id * {_RUN_SHIFT} + {alias}.seq NOT IN (SELECT x.run_id * {_RUN_SHIFT} + x.seq FROM finding_incidents x"
        f" WHERE x.run_id {src.runs} AND x.report_id IN ({marks}))"
    )
    return sql, list[Value]([src.run_id, *sorted(hidden)])


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def finding_where(src: FindingSource, where: FindingFilter, join: str = "") -> tuple[str, list[Value]]:
    """``FROM ... WHERE ...`` of the run's findings passing ``where``, and its parameters (those
    of ``join``, a join after the findings' tables, come first: the caller puts them there)."""
    sql, params = f"FROM {src.scan} {join} WHERE {src.picked}", list[Value]([src.run_id])
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
    hidden, more = _hidden_sql(where.hidden, src)
    return sql + hidden, [*params, *more]


def finding_page(db: Database, run_id: int, where: FindingFilter, after: str | None, limit: int) -> list[Finding]:
    """Up to ``limit`` findings of the run after the one with id ``after`` (None: from the
    first; an id not in the run, or hidden: none). Keyed by id, not ``seq``: a cursor holding a
    seq would tell a viewer, by its gaps, that findings it may not see exist (issue 11). Ids are
    stable across runs, so a cursor of an older run goes on after the same finding."""
    src = finding_source(db, run_id)
    sql, params = finding_where(src, where)
    if after is not None:
        key = _finding_key(db, src, after, where.hidden)
        if key is None:
            return []
        # the run's order: (date, seq) when its days come from several runs, else seq
        # said of d's seq (in day order), not of its day: SQLite would carry a range on d.day over to
        # f.date and range-scan every later day's rows instead of reading each day's by (run, date)
        after_day = " AND d.seq >= (SELECT seq FROM run_days WHERE run_id = ? AND day = ?) AND (d.day > ? OR f.seq > ?)"
        sql += after_day if src.mapped else " AND f.seq > ?"
        params = [*params, run_id, key[0], key[0], key[1]] if src.mapped else [*params, key[1]]
    query = f"SELECT {_selected(src.table)} {sql} ORDER BY {src.order} LIMIT ?"
    return [_decoded(src.table, row) for row in db.execute(query, (*params, limit))]


def _finding_key(db: Database, src: FindingSource, finding_id: str, hidden: frozenset[int]) -> tuple[str, int] | None:
    """(date, seq) of the run's first finding with id ``finding_id`` the viewer may see (a
    hidden one answers as an unknown one does); None when there is none."""
    hide, more = _hidden_sql(hidden, src)
    date, order = ("f.date", "f.date, f.seq") if src.mapped else ("''", "f.seq")
    query = (
        f"SELECT {date}, f.seq FROM {src.table} f{src.lookup} WHERE {src.kept}f.run_id {src.runs} AND f.finding_id = ?{hide}"
        f" ORDER BY {order} LIMIT 1"
    )
    rows = db.execute(query, (*src.lookup_params, src.run_id, finding_id, *more))
    return (str(rows[0][0]), int(rows[0][1])) if rows else None


def selected_findings(db: Database, run_id: int, where: FindingFilter) -> list[Finding]:
    """Every finding of the run passing ``where``, in the run's order (a day's, a few days':
    the caller bounds it by dates)."""
    src = finding_source(db, run_id)
    sql, params = finding_where(src, where)
    query = f"SELECT {_selected(src.table)} {sql} ORDER BY {src.order}"
    return [_decoded(src.table, row) for row in db.execute(query, params)]


def report_findings(db: Database, run_id: int, hidden: frozenset[int]) -> list[Finding]:
    """The findings of the run drawn from at least one submitted report and from none of the
    ``hidden`` ones, in the run's order: what the run's summary tables (0025) leave out, since it
    differs between viewers (issue 11). Few: reports are few beside imported incidents. Found by
    their seqs first, then read by seq: joined in one query, PostgreSQL planned a correlated scan
    per finding (half an hour at 100k findings). An incremental run's rows of a day are those of
    the run its ``run_days`` names for that day."""
    src = finding_source(db, run_id)
    if not src.mapped:
        return [f for _, _, f in _report_findings_of(db, src.table, run_id, hidden, None)]
    days: dict[int, set[str]] = {}
    for day, source in db.execute("SELECT day, source_run FROM run_days WHERE run_id = ?", (run_id,)):
        days.setdefault(int(source), set()).add(str(day))
    found = [row for source, kept in days.items() for row in _report_findings_of(db, src.table, source, hidden, kept)]
    return [f for _, _, f in sorted(found, key=lambda row: (row[0], row[1]))]


def _report_findings_of(
    db: Database, table: str, run_id: int, hidden: frozenset[int], days: set[str] | None
) -> list[tuple[str, int, Finding]]:
    """(date, seq, finding) of the rows ``report_findings`` wants among run ``run_id``'s own rows
    (only those dated in ``days`` when given)."""
    drawn = "SELECT DISTINCT seq FROM finding_incidents WHERE run_id = ? AND report_id IS NOT NULL"
    seqs = {int(r[0]) for r in db.execute(drawn, (run_id,))}
    if hidden and seqs:
        marks = ", ".join("?" * len(hidden))
        left_out = f"SELECT DISTINCT seq FROM finding_incidents WHERE run_id = ? AND report_id IN ({marks})"
        seqs -= {int(r[0]) for r in db.execute(left_out, (run_id, *sorted(hidden)))}
    wanted, out = sorted(seqs), list[tuple[str, int, Finding]]()
    for lo in range(0, len(wanted), 500):  # bounded statements
        part = wanted[lo : lo + 500]
        query = f"SELECT f.seq, {_selected(table)} FROM {table} f WHERE f.run_id = ? AND f.seq IN ({', '.join('?' * len(part))}) ORDER BY f.seq"
        for seq, *row in db.execute(query, (run_id, *part)):
            finding = _decoded(table, row)
            if days is None or finding.date.isoformat() in days:
                out.append((finding.date.isoformat(), int(seq), finding))
    return out


def count_findings(db: Database, run_id: int, where: FindingFilter) -> int:
    if db.dialect == "postgres":
        return _count_findings_pg(db, run_id, where)
    sql, params = finding_where(finding_source(db, run_id), where)
    return int(db.execute(f"SELECT COUNT(*) {sql}", params)[0][0])


def _count_findings_pg(db: Database, run_id: int, where: FindingFilter) -> int:
    """``count_findings`` on PostgreSQL: the findings passing the filters, less those of them
    drawn from a hidden report (few: found from ``finding_incidents`` by report, then by key).
    PostgreSQL planned the ``NOT EXISTS`` as a hash anti-join over a scan of every
    ``finding_incidents`` row (0.9 s a count at 1M, two counts a page). With no filter but the
    hidden reports the first figure is the sum of the run's ``run_days``."""
    src, shown = finding_source(db, run_id), dataclasses.replace(where, hidden=frozenset())
    sql, params = finding_where(src, shown)
    if src.mapped and shown == FindingFilter():
        total = int(db.execute("SELECT COALESCE(SUM(findings), 0) FROM run_days WHERE run_id = ?", (run_id,))[0][0])
    else:
        total = int(db.execute(f"SELECT COUNT(*) {sql}", params)[0][0])
    if not where.hidden:
        return total
    drawn = (
        f" AND (f.run_id, f.seq) IN (SELECT x.run_id, x.seq FROM finding_incidents x WHERE x.run_id {src.runs}"
        f" AND x.report_id IN ({', '.join('?' * len(where.hidden))}))"
    )
    left_out = db.execute(f"SELECT COUNT(*) {sql}{drawn}", (*params, run_id, *sorted(where.hidden)))
    return total - int(left_out[0][0])


def run_report_ids(db: Database, run_id: int) -> set[int]:
    """The submitted reports any finding of the run draws on."""
    src = finding_source(db, run_id)
    rows = db.execute(
        f"SELECT DISTINCT x.report_id FROM finding_incidents x CROSS JOIN {src.table} f{src.lookup}"
        f" WHERE f.run_id = x.run_id AND f.seq = x.seq AND {src.kept}x.run_id {src.runs} AND x.report_id IS NOT NULL",
        (*src.lookup_params, run_id),
    )
    return {int(r[0]) for r in rows}


# The first stored row of its id (as a run verifies them): not one of the rows the import listed
# as repeating an earlier id (0038: a probe of a small table's key; asking of each row whether an
# earlier row has its id read every incident, 2 s of PostgreSQL's CPU a page at 1M)
_FIRST = "NOT EXISTS (SELECT 1 FROM incident_repeats r WHERE r.import_id = i.import_id AND r.seq = i.seq)"


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
    """How many imported incidents a run logged at ``before`` verified (the first of each id),
    dated within ``dates``; without dates, from the imports' counts (:func:`_first_count`)."""
    if dates == (None, None):
        return _first_count(db, before)
    sql, params = _incident_where(before, *dates)
    return int(db.execute(f"SELECT COUNT(*) {_INCIDENTS} {sql}", params)[0][0])


def _first_count(db: Database, before: int) -> int:
    """The rows the imports logged before ``before`` stored (``imports.incidents``, which their
    log entries chain) less those repeating an earlier id (0038): no incident row read."""
    stored = db.execute("SELECT COALESCE(SUM(incidents), 0) FROM imports WHERE log_index < ?", (before,))
    repeats = db.execute(
        "SELECT COUNT(*) FROM incident_repeats r JOIN imports m ON m.id = r.import_id WHERE m.log_index < ?", (before,)
    )
    return int(stored[0][0]) - int(repeats[0][0])


def reported_by_day(db: Database, before: int) -> dict[dt.date, int]:
    """How many imported incidents a run logged at ``before`` verified were reported each day
    (the reported day, else the event's: as a bulletin counts them), in one query."""
    sql, params = _incident_where(before, None, None)
    day = "COALESCE(i.date_reported, i.date)"
    rows = db.execute(f"SELECT {day}, COUNT(*) {_INCIDENTS} {sql} GROUP BY {day}", params)
    return {dt.date.fromisoformat(str(d)): int(n) for d, n in rows}


def imported_extent(db: Database, before: int) -> tuple[int, dt.date | None]:
    """How many imported incidents a run logged at ``before`` verified (the first of each id)
    and the last day any of them may have happened on (its end date, else its date): the latest
    of their latest date and their latest end date, each read down its index from the top, which
    stops at the first such row (no scan of every incident: 0.3 s of PostgreSQL CPU per run at
    1M). An end date before its own date never is the latest, so the two maxima are the answer."""
    days = [_latest(db, before, column) for column in ("date", "date_end")]
    last = max((d for d in days if d is not None), default=None)
    return _first_count(db, before), None if last is None else dt.date.fromisoformat(last)


def _latest(db: Database, before: int, column: str) -> str | None:
    """The latest ``column`` (an ISO day) of the first rows imported before ``before``; None: none.
    ``+i.import_id``: not by the import's key, which SQLite chose, sorting every incident."""
    sql = (
        f"SELECT i.{column} FROM incidents i WHERE +i.import_id IN (SELECT id FROM imports WHERE log_index < ?)"
        f" AND {_FIRST} AND i.{column} IS NOT NULL ORDER BY i.{column} DESC LIMIT 1"
    )
    rows = db.execute(sql, (before,))
    return str(rows[0][0]) if rows else None


def incident_findings(
    db: Database, run_id: int, incident_ids: Sequence[str], hidden: frozenset[int]
) -> dict[str, list[tuple[str, str]]]:
    """(finding id, status) of the run's findings on each of ``incident_ids`` that are drawn
    from none of the ``hidden`` reports, in the run's order."""
    if not incident_ids:
        return {}
    wanted = sorted(set(incident_ids))
    marks = ", ".join("?" * len(wanted))
    src = finding_source(db, run_id)
    # the hidden findings left out by their links' key, not the findings': PostgreSQL costs the
    # hidden set's subquery once per probe of finding_rows and chose to scan all of it instead
    # (0.35 s of a map page's 100 incidents at 1M, 13 ms so)
    hide, more = _hidden_sql(hidden, src, "fi")
    rows = db.execute(
        f"SELECT fi.incident_id, f.finding_id, f.status FROM finding_incidents fi CROSS JOIN {src.table} f{src.lookup}"
        f" WHERE f.run_id = fi.run_id AND f.seq = fi.seq AND {src.kept}fi.run_id {src.runs}"
        f" AND fi.incident_id IN ({marks}){hide} ORDER BY {'f.date, f.seq' if src.mapped else 'f.seq'}",
        (*src.lookup_params, run_id, *wanted, *more),
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


# -- the map (issue 14): a run's incidents and findings as a few plain values, read in chunks --

# What ``map_incident_rows`` gives of each incident: ``day`` is the date shown (``date_reported``,
# else ``date``) as a proleptic Gregorian ordinal (``date.toordinal``), computed in SQL.
MAP_INCIDENT_FIELDS = ("incident_id", "lat", "lon", "day", "location", "event_type", "radius_m")
# What ``map_finding_rows`` gives of each finding: ``parties`` its canonical JSON array, ``named``
# how many incidents it names and ``incidents`` the one id when it names one (most do: parsed in
# SQL), else its canonical JSON array.
MAP_FINDING_FIELDS = ("status", "obligation", "parties", "named", "incidents")
MapChunk = list[tuple[Any, ...]]
_ORDINAL = {
    "sqlite": "CAST(julianday(COALESCE(i.date_reported, i.date)) - 1721424.5 AS INTEGER)",
    "postgres": "(CAST(COALESCE(i.date_reported, i.date) AS date) - DATE '0001-01-01' + 1)",
}
_NAMED = {
    "sqlite": ("json_array_length(f.incidents)", "json_extract(f.incidents, '$[0]')"),
    "postgres": ("jsonb_array_length(CAST(f.incidents AS jsonb))", "(CAST(f.incidents AS jsonb) ->> 0)"),
}


def map_incident_rows(db: Database, before: int, take: Callable[[MapChunk], None]) -> None:
    """Hand ``take`` every incident imported before log index ``before`` (duplicate ids
    included), import order then file order, as ``MAP_INCIDENT_FIELDS`` tuples, a chunk at a
    time (one query; the caller turns each chunk into arrays before the next is read)."""
    sql = (
        f"SELECT i.incident_id, i.lat, i.lon, {_ORDINAL[db.dialect]}, i.location, i.event_type,"
        f" i.radius_m {_INCIDENTS} WHERE m.log_index < ? ORDER BY i.import_id, i.seq"
    )
    with db.read():
        for chunk in db.chunks(sql, (before,)):
            take(chunk)


def map_finding_rows(db: Database, run_id: int, take: Callable[[MapChunk], None]) -> None:
    """Hand ``take`` every finding of run ``run_id``, in the run's order, as
    ``MAP_FINDING_FIELDS`` tuples, a chunk at a time (a run stored as documents, before 0019:
    from its decoded findings)."""
    src = finding_source(db, run_id)
    with db.read():
        if src.table == "findings":
            query = f"SELECT f.document FROM {src.scan} WHERE {src.picked} ORDER BY {src.order}"
            for chunk in db.chunks(query, (run_id,)):
                take([_map_values(Finding.from_document(json.loads(str(row[0])))) for row in chunk])
            return
        named, first = _NAMED[db.dialect]
        columns = f"f.status, f.obligation, f.parties, {named}, CASE WHEN {named} = 1 THEN {first} ELSE f.incidents END"
        query = f"SELECT {columns} FROM {src.scan} WHERE {src.picked} ORDER BY {src.order}"
        for chunk in db.chunks(query, (run_id,)):
            take(chunk)


def _map_values(f: Finding) -> tuple[Any, ...]:
    parties, incidents = (canonical_json(list(v)).decode("utf-8") for v in (f.parties, f.incidents))
    return (f.status, f.obligation, parties, len(f.incidents), f.incidents[0] if len(f.incidents) == 1 else incidents)


def findings_with_ids(db: Database, run_id: int, ids: Sequence[str]) -> list[Finding]:
    """The findings of run ``run_id`` whose id is one of ``ids``, in the run's order (a map
    popup's few: read by the finding-id index in one statement, never the whole run)."""
    return list(_findings_of_ids(db, run_id, sorted(set(ids)), max(len(ids), 1)))


def _findings_of_ids(db: Database, run_id: int, ids: Sequence[str], chunk: int) -> Iterator[Finding]:
    """The run's findings whose id is one of ``ids`` (distinct), ``chunk`` ids a statement, each
    statement's in the run's order."""
    src = finding_source(db, run_id)
    order = "f.date, f.seq" if src.mapped else "f.seq"
    for lo in range(0, len(ids), chunk):
        part = ids[lo : lo + chunk]
        where = f"{src.kept}f.run_id {src.runs} AND f.finding_id IN ({', '.join('?' * len(part))})"
        query = f"SELECT {_selected(src.table)} FROM {src.table} f{src.lookup} WHERE {where} ORDER BY {order}"
        for row in db.execute(query, (*src.lookup_params, run_id, *part)):
            yield _decoded(src.table, row)


# -- the claims ledger (issue 14): the findings a claim's verdict or evidence reads, not the run's --

# What a claim looks at: obligations, categories (a finding of either is wanted) and parties
# (a finding naming any of them is wanted)
ClaimScope = tuple[Sequence[str], Sequence[str], Sequence[str]]


def _marks(items: Sequence[object]) -> str:
    return ", ".join("?" * len(items)) or "NULL"  # IN (NULL): nothing is in it


def _scope_sql(table: str, scope: ClaimScope, statuses: Sequence[str]) -> tuple[str, list[Value]]:
    """The conditions (each after AND) on ``f`` of a finding of ``statuses`` within ``scope``
    (documents, before 0019, have no category column: with categories, their obligation is
    left to the caller)."""
    obligations, categories, parties = scope
    sql, params = f" AND f.status IN ({_marks(statuses)})", list[Value](statuses)
    if table != "findings":
        sql += f" AND (f.obligation IN ({_marks(obligations)}) OR f.category IN ({_marks(categories)}))"
        params += [*obligations, *categories]
    elif not categories:
        sql, params = sql + f" AND f.obligation IN ({_marks(obligations)})", [*params, *obligations]
    # parties holds the canonical JSON array of ids: an element is the quoted id, whole
    sql += " AND (" + " OR ".join("f.parties LIKE ? ESCAPE '\\'" for _ in parties) + ")"
    return sql, [*params, *("%" + _like(canonical_json(p).decode("utf-8")) + "%" for p in parties)]


# The columns a claim's verdict reads (``news.verdicts``) and its evidence ranks by (confidence)
_CLAIM_COLUMNS = ("finding_id", "obligation", "category", "status", "parties", "date", "confidence")


def claim_findings(
    db: Database,
    run_id: int,
    span: tuple[dt.date, dt.date],
    scope: ClaimScope,
    statuses: Sequence[str],
    hidden: frozenset[int],
) -> list[Finding]:
    """The run's findings of ``statuses`` within ``scope``, dated within ``span`` (both days
    included) and drawn from none of the ``hidden`` reports, in the run's order: what one
    claim's verdict may rest on, read by day (a fortnight's rows, not the run's). Each carries
    only what a verdict reads (id, obligation, category, status, parties, date, confidence),
    the rest left empty: thousands of them back a verdict at a million findings, and whole
    rows cost twice the time to read (:func:`findings_by_id` reads the few a page shows)."""
    if not scope[2] or not (scope[0] or scope[1]):
        return []
    src = finding_source(db, run_id)
    params: list[Value]
    if src.table == "findings":  # documents (before 0019): whole findings
        sql, params = finding_where(src, FindingFilter(span[0], span[1], hidden=hidden))
        more, values = _scope_sql(src.table, scope, statuses)
        rows = db.execute(f"SELECT {_selected(src.table)} {sql}{more} ORDER BY {src.order}", [*params, *values])
        return [_decoded(src.table, row) for row in rows]
    if src.mapped:  # the days by their seq: a range on d.day would become one on f.date (see finding_page)
        seqs = "SELECT COALESCE(MIN(seq), 0), COALESCE(MAX(seq), -1) FROM run_days WHERE run_id = ? AND day >= ? AND day <= ?"
        first, last = db.execute(seqs, (run_id, span[0].isoformat(), span[1].isoformat()))[0]
        sql = f"FROM {src.scan} WHERE {src.picked} AND d.seq >= ? AND d.seq <= ?"
        params = [run_id, first, last]
    else:
        sql, params = f"FROM {src.scan} WHERE {src.picked} AND f.date >= ? AND f.date <= ?", [run_id, *map(str, span)]
    more, values = _scope_sql(src.table, scope, statuses)
    hide, hidden_params = _hidden_sql(hidden, src)
    columns = ", ".join(f"f.{c}" for c in _CLAIM_COLUMNS)
    query = f"SELECT {columns} {sql}{more}{hide} ORDER BY {src.order}"
    return [_claim_finding(row) for row in db.execute(query, [*params, *values, *hidden_params])]


def _claim_finding(row: Sequence[Value]) -> Finding:
    fid, obligation, category, status, parties, day, confidence = row
    return Finding(
        id=str(fid),
        obligation=str(obligation),
        category=str(category),
        status=str(status),
        parties=tuple(json.loads(str(parties))),
        attribution="",
        incidents=(),
        date=dt.date.fromisoformat(str(day)),
        lat=0.0,
        lon=0.0,
        confidence=float(confidence or 0.0),
        explanation="",
    )


def findings_by_id(db: Database, run_id: int, ids: Sequence[str]) -> list[Finding]:
    """The run's findings with ``ids`` (the first of each id, in the order of ``ids``), whole."""
    out: dict[str, Finding] = {}
    for finding in _findings_of_ids(db, run_id, sorted(set(ids)), 500):  # bounded statements
        out.setdefault(finding.id, finding)
    return [out[i] for i in ids if i in out]


def top_findings(
    db: Database,
    run_id: int,
    scope: ClaimScope,
    statuses: Sequence[str],
    hidden: frozenset[int],
    limit: int,
) -> list[Finding]:
    """Up to ``limit`` of the run's findings of ``statuses`` within ``scope`` drawn from none of
    the ``hidden`` reports, the most confident first (then by date and id): a claim's strongest
    evidence. Read a few at a time down ``finding_rows_by_confidence`` (0037) for each obligation
    and run holding the run's rows, merged: not the obligation's every finding."""
    if not scope[2] or not (scope[0] or scope[1]) or limit <= 0:
        return []
    src = finding_source(db, run_id)
    if src.table == "findings":  # documents (before 0019): no confidence column to order by
        sql, params = finding_where(src, FindingFilter(hidden=hidden))
        more, values = _scope_sql(src.table, scope, statuses)
        rows = db.execute(f"SELECT {_selected(src.table)} {sql}{more}", [*params, *values])
        return sorted((_decoded(src.table, row) for row in rows), key=_strength)[:limit]
    sources = [run_id]
    if src.mapped:
        sources = [
            int(r[0]) for r in db.execute("SELECT DISTINCT source_run FROM run_days WHERE run_id = ?", (run_id,))
        ]
    found = [
        f
        for source in sources
        for obligation in scope[0]
        for f in _strongest(db, src, source, (obligation, scope[2]), (statuses, hidden), limit)
    ]
    return sorted(found, key=_strength)[:limit]


def _strength(f: Finding) -> tuple[float, dt.date, str]:
    return (-f.confidence, f.date, f.id)


def _strongest(
    db: Database,
    src: FindingSource,
    source: int,
    scope: tuple[str, Sequence[str]],
    kept: tuple[Sequence[str], frozenset[int]],
    limit: int,
) -> list[Finding]:
    """``top_findings`` among run ``source``'s own rows of one obligation that the run reads."""
    (obligation, parties), (statuses, hidden) = scope, kept
    # (status || ''): not by the (run, obligation, status) index, which would sort the whole obligation
    sql = f"FROM finding_rows f{src.lookup} WHERE {src.kept}f.run_id = ? AND f.obligation = ?"
    sql += (
        f" AND (f.status || '') IN ({_marks(statuses)}) AND ("
        + " OR ".join("f.parties LIKE ? ESCAPE '\\'" for _ in parties)
        + ")"
    )
    hide, hidden_params = _hidden_sql(hidden, src)
    order = f"ORDER BY f.confidence DESC, f.date, f.finding_id{by_code_point(db)} LIMIT ?"
    patterns = ["%" + _like(canonical_json(p).decode("utf-8")) + "%" for p in parties]
    params = [*src.lookup_params, source, obligation, *statuses, *patterns, *hidden_params, limit]
    return [
        _decoded(src.table, row) for row in db.execute(f"SELECT {_selected(src.table)} {sql}{hide} {order}", params)
    ]


def by_code_point(db: Database) -> str:
    """Text ordered as Python orders it (by code point), whatever the database's locale."""
    return ' COLLATE "C"' if db.dialect == "postgres" else ""

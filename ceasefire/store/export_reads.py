"""Exports' reads (issue 14): a run's findings with their first incidents, a chunk at a time, as
plain rows (``export_rows``) or as Arrow tables with no Python object per value
(``export_table``), in the run's order, resumable from a position (``after``). The server reads
``export_chunk``: ``export_table``'s findings with those of the viewer's hidden reports left out
in Arrow rather than in SQL.

Split from ``store.pages`` (the readers of pages and endpoints), whose finding sources
(``finding_source``: a run's own rows or, for an incremental run, each day's source run) and
filters it uses.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ceasefire.model import FINDING_EXPORT_COLUMNS, Finding
from ceasefire.store.database import Database, Row, Value
from ceasefire.store.log_entries import FINDING_ROW_COLUMNS
from ceasefire.store.pages import (
    FindingFilter,
    FindingSource,
    finding_row,
    finding_source,
    finding_where,
    first_incidents,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "EXPORT_FINDING_COLUMNS",
    "EXPORT_FLOATS",
    "EXPORT_INCIDENT_FIELDS",
    "EXPORT_INTS",
    "ExportChunk",
    "export_chunk",
    "export_names",
    "export_rows",
    "export_schema",
    "export_table",
]

# -- exports (issue 14): a run's findings as plain rows, a chunk at a time --------------------

# The fields of a finding's first incident an export shows (``exports.INCIDENT_FIELDS``, "id"
# being the incident id), then the finding's own columns (``exports.FINDING_COLUMNS``).
EXPORT_INCIDENT_FIELDS = (
    "id",
    "date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "location",
    "lat",
    "lon",
    "geo_precision",
    "source_name",
    "notes",
    "fatalities",
    "weapon",
)
EXPORT_FINDING_COLUMNS = FINDING_EXPORT_COLUMNS
# Where the incident is not stored (a submitted report's), the field as the finding carries it
# (``exports._from_finding``): the finding's column, or none.
_FROM_FINDING = {
    "date_precision": "NULL",
    "assoc_actor_1": "''",
    "assoc_actor_2": "''",
    "country": "''",
    "admin1": "''",
    "geo_precision": "NULL",
    "source_name": "f.source",
    "notes": "''",
}


# row_finding reads these as ``float(x or 0.0)``, which makes -0.0 (kept by PostgreSQL) 0.0; so
# does adding 0.0 in SQL (IEEE 754: -0 + 0 = +0).
_UNSIGNED_ZERO = frozenset({"lat", "lon", "confidence", "radius_m"})


def _finding_sql(column: str) -> str:
    return f"(f.{column} + 0.0)" if column in _UNSIGNED_ZERO else f"f.{column}"


def _record_sql(dialect: str) -> str:
    """The id of the record a ``finding_rows`` row was made from (``Finding.record``: its
    ``finding_id`` is ``OBLIGATION:RECORD``), NULL for a finding of no incident (its ``incidents``,
    a JSON array, is empty). Not the first of ``incidents``: they are in (file, id) order, and an
    event's representative for an obligation may be any of them."""
    first = "(f.incidents::jsonb ->> 0)" if dialect == "postgres" else "json_extract(f.incidents, '$[0]')"
    return f"CASE WHEN {first} IS NULL THEN NULL ELSE substr(f.finding_id, length(f.obligation) + 2) END"


def _export_select(dialect: str) -> tuple[str, str]:
    """The columns an export with incidents reads, and the join they need."""
    first = _record_sql(dialect)
    fields = []
    for name in EXPORT_INCIDENT_FIELDS:
        if name == "id":
            fields.append(f"COALESCE({first}, '')")
        elif name == "date":
            fields.append("COALESCE(i.date_reported, i.date, f.date)")
        else:
            fields.append(f"COALESCE(i.{name}, {_FROM_FINDING.get(name, _finding_sql(name))})")
    own = [_finding_sql(c) for c in EXPORT_FINDING_COLUMNS]
    # the first stored row of the incident id (as ``first_incidents``), imported before the run
    join = (
        f"LEFT JOIN incidents i ON i.incident_id = {first} AND (i.import_id, i.seq) = (SELECT j.import_id, j.seq"
        " FROM incidents j JOIN imports m ON m.id = j.import_id"
        f" WHERE j.incident_id = {first} AND m.log_index < ? ORDER BY j.import_id, j.seq LIMIT 1)"
    )
    return ", ".join(fields + own), join


# An export's position in an incremental run (rows in order of its days, then of each day's
# source run): the day's place in ``run_days`` and the row's seq, as one integer.
_DAY_SHIFT = 1 << 32
_RUN_SHIFT = 1 << 32  # a finding's (run, seq) as one integer: the hidden ones looked up in Arrow


def export_rows(
    db: Database, run_id: int, before: int, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
) -> list[tuple[Any, ...]]:
    """Up to ``limit`` findings of run ``run_id`` (logged at ``before``) passing ``where``, after the
    one at position ``after`` (None: from the first), in the run's order, each as a tuple: its
    position (``seq``; in an incremental run the day's place times 2**32 plus ``seq``), then with
    ``incidents`` the ``EXPORT_INCIDENT_FIELDS`` of its first incident (the first stored row of
    that id imported before the run; the finding's own fields where there is none) and the
    ``EXPORT_FINDING_COLUMNS``; without, ``FINDING_ROW_COLUMNS`` after ``seq``. Numbers as floats
    and ints, dates as ISO text, ``parties`` and ``incidents`` as JSON arrays.

    One query per chunk, keyed by position (never an ``OFFSET``): the caller may read the next
    chunk on another connection, so none is held while an answer streams to a slow client."""
    src = finding_source(db, run_id)
    if src.table == "findings":
        return _document_rows(db, run_id, before, where, after, limit, incidents=incidents)
    sql, params = _export_query(db, src, before, where, after, incidents=incidents)
    rows = db.execute(f"{sql} LIMIT ?", (*params, limit))
    return rows if incidents else [row[:-2] for row in rows]


def _export_query(
    db: Database, src: FindingSource, before: int, where: FindingFilter, after: int | None, *, incidents: bool
) -> tuple[str, list[Value]]:
    """``export_rows``'s query of a run stored in ``finding_rows`` (no ``LIMIT``), and its
    parameters; without ``incidents``, the first incident's id (``''``: none) and the row's
    ``run_id`` end each row."""
    own = ", ".join(map(_finding_sql, FINDING_ROW_COLUMNS[2:]))
    first = f"COALESCE({_record_sql(db.dialect)}, '')"
    columns, join = _export_select(db.dialect) if incidents else (f"{own}, {first}, f.run_id", "")
    sql, params = finding_where(src, where, join)
    params = [before, *params] if incidents else params
    position = f"d.seq * {_DAY_SHIFT} + f.seq" if src.mapped else "f.seq"
    if after is not None and src.mapped:
        day, seq = divmod(after, _DAY_SHIFT)
        sql, params = sql + " AND d.seq >= ? AND (d.seq > ? OR f.seq > ?)", [*params, day, day, seq]
    elif after is not None:
        sql, params = sql + " AND f.seq > ?", [*params, after]
    return f"SELECT {position}, {columns} {sql} ORDER BY {src.order}", params


def _document_rows(
    db: Database, run_id: int, before: int, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
) -> list[tuple[Any, ...]]:
    """``export_rows`` of a run stored as documents (before 0019), from its ``Finding`` objects."""
    sql, params = finding_where(FindingSource(run_id, "findings", False), where)
    if after is not None:
        sql, params = sql + " AND f.seq > ?", [*params, after]
    rows = db.execute(f"SELECT f.seq, f.document {sql} ORDER BY f.seq LIMIT ?", (*params, limit))
    found = [(int(seq), Finding.from_document(json.loads(str(doc)))) for seq, doc in rows]
    if not incidents:
        return [(seq, *finding_row(run_id, seq, f)[2:]) for seq, f in found]
    stored: dict[str, Row] = {}
    for row in first_incidents(db, before, [f.record for _, f in found if f.incidents]):
        stored.setdefault(str(row["incident_id"]), row)
    return [(seq, *_incident_fields(f, stored), *_own_columns(run_id, seq, f)) for seq, f in found]


def _incident_fields(f: Finding, stored: dict[str, Row]) -> tuple[Any, ...]:
    first = f.record
    row = stored.get(first)
    if row is None:
        own: dict[str, Value] = {"id": first, "date": f.date.isoformat(), "source_name": f.source}
        own |= {"date_precision": None, "geo_precision": None, "lat": float(f.lat), "lon": float(f.lon)}
        own["fatalities"] = int(f.fatalities)
        return tuple(own.get(name, getattr(f, name, "")) for name in EXPORT_INCIDENT_FIELDS)
    values = {**row, "id": row["incident_id"], "date": row["date_reported"] or row["date"]}
    return tuple(values[name] for name in EXPORT_INCIDENT_FIELDS)


def _own_columns(run_id: int, seq: int, f: Finding) -> tuple[Any, ...]:
    values = dict(zip(FINDING_ROW_COLUMNS, finding_row(run_id, seq, f), strict=True))
    return tuple(values[name] for name in EXPORT_FINDING_COLUMNS)


# -- exports as Arrow tables (issue 14): export_rows's chunks with no Python object per value --

EXPORT_FLOATS = frozenset({"lat", "lon", "confidence", "distance_m", "radius_m"})
EXPORT_INTS = frozenset({"seq", "date_precision", "geo_precision", "fatalities", "sources"})


def export_names(*, incidents: bool) -> tuple[str, ...]:
    """The fields of ``export_rows``'s tuples: ``seq``, then with ``incidents`` the
    ``EXPORT_INCIDENT_FIELDS`` and ``EXPORT_FINDING_COLUMNS``, without ``FINDING_ROW_COLUMNS[2:]``."""
    own = (*EXPORT_INCIDENT_FIELDS, *EXPORT_FINDING_COLUMNS) if incidents else FINDING_ROW_COLUMNS[2:]
    return ("seq", *own)


def export_schema(*, incidents: bool) -> pa.Schema:
    """``export_names`` typed: float64 (``EXPORT_FLOATS``), int64 (``EXPORT_INTS``), else text."""
    import pyarrow as pa  # the server extra: the core store never reads Arrow

    def kind(name: str) -> pa.DataType:
        return pa.float64() if name in EXPORT_FLOATS else pa.int64() if name in EXPORT_INTS else pa.string()

    return pa.schema([(name, kind(name)) for name in export_names(incidents=incidents)])


def export_table(
    db: Database, run_id: int, before: int, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
) -> pa.Table:
    """``export_rows`` as an Arrow table of ``export_schema``: the same values, read by the
    backend's ``Database.arrow`` with no Python object per value (a run stored as documents,
    before 0019, from its rows). With ``incidents``, the chunk's findings and their first
    incidents are read by two queries and joined here (``_joined``): one lookup per distinct
    incident instead of a correlated subquery per finding, three times the cost in SQLite."""
    from ceasefire.store.arrow_reads import rows_table

    schema = export_schema(incidents=incidents)
    src = finding_source(db, run_id)
    if src.table == "findings":
        return rows_table(_document_rows(db, run_id, before, where, after, limit, incidents=incidents), schema)
    sql, params = _export_query(db, src, before, where, after, incidents=False)
    found = db.arrow(f"{sql} LIMIT ?", [*params, limit], _found_schema(), limit)
    return _completed(db, before, found, incidents=incidents)


@dataclass(frozen=True)
class ExportChunk:
    """One chunk of an export (``export_chunk``): its findings, a table of ``export_schema``, and
    the position the next chunk is read after (None: this chunk is the last)."""

    table: pa.Table
    after: int | None


def export_chunk(
    db: Database, run_id: int, before: int, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
) -> ExportChunk:
    """``export_table``'s findings of the ``limit`` the run holds after position ``after``, those
    drawn from ``where.hidden`` left out in Arrow (``_visible``): the chunk may hold fewer than
    ``limit`` and not be the last. The same findings, chunk after chunk, as ``export_table``'s, at
    the cost of the unfiltered read: in SQL the filter cost a 1M export half its read (issue 14)."""
    src = finding_source(db, run_id)
    if src.table == "findings":
        table = export_table(db, run_id, before, where, after, limit, incidents=incidents)
        return ExportChunk(table, int(table.column(0)[-1].as_py()) if table.num_rows == limit else None)
    sql, params = _export_query(db, src, before, dataclasses.replace(where, hidden=frozenset()), after, incidents=False)
    found = db.arrow(f"{sql} LIMIT ?", [*params, limit], _found_schema(), limit)
    following = int(found.column(0)[-1].as_py()) if found.num_rows == limit else None
    found = _visible(db, src, where.hidden, found)
    return ExportChunk(_completed(db, before, found, incidents=incidents), following)


def _visible(db: Database, src: FindingSource, hidden: frozenset[int], found: pa.Table) -> pa.Table:
    """``found`` without the findings drawn from the ``hidden`` reports: their (run, seq), read
    once per chunk by ``finding_incidents_by_report`` (a few rows), looked up in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not hidden or not found.num_rows:
        return found
    marks = ", ".join("?" * len(hidden))
    keys = db.execute(
        f"SELECT DISTINCT x.run_id * {_RUN_SHIFT} + x.seq FROM finding_incidents x"
        f" WHERE x.run_id {src.runs} AND x.report_id IN ({marks})",
        [src.run_id, *sorted(hidden)],
    )
    if not keys:
        return found
    seq = pc.bit_wise_and(found.column("seq"), _DAY_SHIFT - 1)  # a mapped position's day is above
    key = pc.add(pc.multiply(found.column("run_id"), _RUN_SHIFT), seq)
    return found.filter(pc.invert(pc.is_in(key, value_set=pa.array([int(k) for (k,) in keys], pa.int64()))))


def _completed(db: Database, before: int, found: pa.Table, *, incidents: bool) -> pa.Table:
    """A chunk read by ``_export_query`` without incidents as a table of ``export_schema``: with
    ``incidents``, its first incidents joined (``_joined``)."""
    schema = export_schema(incidents=incidents)
    if not incidents:
        return found.drop_columns(["first", "run_id"]).cast(schema)
    return _joined(found, _stored_incidents(db, before, found), schema)


_STORED = ("incident_id", "import_id", "seq", "date_reported", *EXPORT_INCIDENT_FIELDS[1:])
# the first stored row of its id (0038: the rows repeating an earlier id are listed), so each id
# read has one row and the join needs no sort: an id's first row is in the earliest import holding
# it, so it is imported before the run whenever any row of the id is
_FIRST_ROW = "NOT EXISTS (SELECT 1 FROM incident_repeats r WHERE r.import_id = i.import_id AND r.seq = i.seq)"


def _found_schema() -> pa.Schema:
    """``_export_query``'s columns without incidents: ``export_schema``'s, the first incident id, ``run_id``."""
    import pyarrow as pa

    return export_schema(incidents=False).append(pa.field("first", pa.string())).append(pa.field("run_id", pa.int64()))


def _stored_incidents(db: Database, before: int, found: pa.Table) -> pa.Table:
    """The ``incidents`` rows imported before log index ``before`` of the records of ``found``
    (its ``first`` column), the first stored row of each id alone (``_FIRST_ROW``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pc.unique(found.column("first")).to_pylist()
    listed = (
        "SELECT jsonb_array_elements_text(?::jsonb)" if db.dialect == "postgres" else "SELECT value FROM json_each(?)"
    )
    sql = (
        f"SELECT {', '.join(f'i.{c}' for c in _STORED)} FROM incidents i JOIN imports m ON m.id = i.import_id"
        f" WHERE m.log_index < ? AND i.incident_id IN ({listed}) AND {_FIRST_ROW}"
    )
    fields = [
        (c, pa.int64() if c in EXPORT_INTS or c == "import_id" else pa.float64() if c in EXPORT_FLOATS else pa.string())
        for c in _STORED
    ]
    return db.arrow(sql, [before, json.dumps([i for i in ids if i])], pa.schema(fields), len(ids))


def _joined(found: pa.Table, stored: pa.Table, schema: pa.Schema) -> pa.Table:
    """``export_rows``'s rows with incidents: each finding of ``found`` with the row of its record
    in ``stored`` (one per id: its first stored row), or, where there is none,
    the finding's own fields (``_FROM_FINDING``), as ``_export_select`` reads them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    at = pc.index_in(found.column("first"), value_set=stored.column("incident_id"))  # one row per id
    picked = stored.take(at)
    size = found.num_rows
    arrays = [found.column("seq"), found.column("first")]
    for name in EXPORT_INCIDENT_FIELDS[1:]:
        kind = schema.field(name).type
        if name == "date":
            arrays.append(pc.coalesce(picked.column("date_reported"), picked.column("date"), found.column("date")))
            continue
        own = _FROM_FINDING.get(name, f"f.{name}")
        if own in ("NULL", "''"):
            fallback = pa.repeat(pa.scalar(None if own == "NULL" else "", kind), size)
        else:
            fallback = found.column(own[2:])
        arrays.append(pc.coalesce(picked.column(name), fallback))
    arrays += [found.column(c) for c in EXPORT_FINDING_COLUMNS]
    return pa.Table.from_arrays(arrays, schema=schema)

"""Exports' reads (issue 14): a run's findings with the incidents they were made from, a chunk at
a time, as plain rows (``export_rows``) or as Arrow tables with no Python object per value
(``export_table``), in the run's order, resumable from a position (``after``). The server reads
``export_chunk``: ``export_table``'s findings with those of the viewer's hidden reports left out
in Arrow rather than in SQL. Each finding's incident fields are those its run stored beside it
(``finding_records``, 0040, ``store.finding_records``), read in the same query down their
primary key.

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
from ceasefire.store.finding_records import RECORD_FIELDS
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

# The fields of a finding's record an export shows (``exports.INCIDENT_FIELDS``: "id", the
# incident id, then the fields a run stores in ``finding_records``), then the finding's own
# columns (``exports.FINDING_COLUMNS``).
EXPORT_INCIDENT_FIELDS = ("id", *RECORD_FIELDS)
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
    """The columns an export with incidents reads, and the join they need: the fields of the
    record's first stored row a run wrote beside each finding (``finding_records``, 0040: read
    down its primary key in the findings' order, not one probe of ``incidents`` per finding)."""
    first = _record_sql(dialect)
    fields = []
    for name in EXPORT_INCIDENT_FIELDS:
        if name == "id":
            fields.append(f"COALESCE({first}, '')")
        else:
            fields.append(f"COALESCE(x.{name}, {_FROM_FINDING.get(name, _finding_sql(name))})")
    own = [_finding_sql(c) for c in EXPORT_FINDING_COLUMNS]
    return ", ".join(fields + own), "LEFT JOIN finding_records x ON x.run_id = f.run_id AND x.seq = f.seq"


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
    ``incidents`` the ``EXPORT_INCIDENT_FIELDS`` of its record (the first stored row of that id
    imported before the run, as the run stored them in ``finding_records``; the finding's own
    fields where there is none) and the
    ``EXPORT_FINDING_COLUMNS``; without, ``FINDING_ROW_COLUMNS`` after ``seq``. Numbers as floats
    and ints, dates as ISO text, ``parties`` and ``incidents`` as JSON arrays.

    One query per chunk, keyed by position (never an ``OFFSET``): the caller may read the next
    chunk on another connection, so none is held while an answer streams to a slow client."""
    src = finding_source(db, run_id)
    if src.table == "findings":
        return _document_rows(db, run_id, before, where, after, limit, incidents=incidents)
    sql, params = _export_query(db, src, where, after, incidents=incidents)
    rows = db.execute(f"{sql} LIMIT ?", (*params, limit))
    return [row[: -1 if incidents else -2] for row in rows]


def _export_query(
    db: Database, src: FindingSource, where: FindingFilter, after: int | None, *, incidents: bool
) -> tuple[str, list[Value]]:
    """``export_rows``'s query of a run stored in ``finding_rows`` (no ``LIMIT``), and its
    parameters; each row ends in the row's ``run_id``, after, without ``incidents``, the id of
    the finding's record (``''``: none)."""
    own = ", ".join(map(_finding_sql, FINDING_ROW_COLUMNS[2:]))
    first = f"COALESCE({_record_sql(db.dialect)}, '')"
    columns, join = _export_select(db.dialect) if incidents else (f"{own}, {first}", "")
    sql, params = finding_where(src, where, join)
    position = f"d.seq * {_DAY_SHIFT} + f.seq" if src.mapped else "f.seq"
    if after is not None and src.mapped:
        day, seq = divmod(after, _DAY_SHIFT)
        sql, params = sql + " AND d.seq >= ? AND (d.seq > ? OR f.seq > ?)", [*params, day, day, seq]
    elif after is not None:
        sql, params = sql + " AND f.seq > ?", [*params, after]
    return f"SELECT {position}, {columns}, f.run_id {sql} ORDER BY {src.order}", params


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
    before 0019, from its rows), by one query: with ``incidents``, the fields of each finding's
    record stored beside it (``finding_records``, 0040)."""
    from ceasefire.store.arrow_reads import rows_table

    src = finding_source(db, run_id)
    if src.table == "findings":
        return rows_table(
            _document_rows(db, run_id, before, where, after, limit, incidents=incidents),
            export_schema(incidents=incidents),
        )
    sql, params = _export_query(db, src, where, after, incidents=incidents)
    found = db.arrow(f"{sql} LIMIT ?", [*params, limit], _found_schema(incidents=incidents), limit)
    return _completed(found, incidents=incidents)


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
    sql, params = _export_query(db, src, dataclasses.replace(where, hidden=frozenset()), after, incidents=incidents)
    found = db.arrow(f"{sql} LIMIT ?", [*params, limit], _found_schema(incidents=incidents), limit)
    following = int(found.column(0)[-1].as_py()) if found.num_rows == limit else None
    found = _visible(db, src, where.hidden, found)
    return ExportChunk(_completed(found, incidents=incidents), following)


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


def _found_schema(*, incidents: bool) -> pa.Schema:
    """``_export_query``'s columns: ``export_schema``'s, without ``incidents`` the id of the
    finding's record (``first``), then ``run_id``."""
    import pyarrow as pa

    schema = export_schema(incidents=incidents)
    if not incidents:
        schema = schema.append(pa.field("first", pa.string()))
    return schema.append(pa.field("run_id", pa.int64()))


def _completed(found: pa.Table, *, incidents: bool) -> pa.Table:
    """A chunk read by ``_export_query`` as a table of ``export_schema``."""
    return found.drop_columns(["run_id"] if incidents else ["first", "run_id"]).cast(export_schema(incidents=incidents))

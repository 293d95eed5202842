"""The incident fields an export shows beside each finding, stored with the run (0040, issue 14).

A CSV, HXL or Parquet row is a finding with the incident it was made from: the first stored row
of its record's id (``Finding.record``), imported before its run. ``write_records`` stores those
fields in ``finding_records`` when a run is written, in the run's own transaction, so an export
reads them beside its findings down the primary key (``store.export_reads``) instead of one
index probe and one random page of ``incidents`` per finding. ``records_select`` is the one
statement that says what a row holds: the run writes with it and ``log verify`` recomputes with
it (the table is derived from ``finding_rows`` and ``incidents``, which the log chains).
"""

from __future__ import annotations

from ceasefire.store.bulk import bulk_rows
from ceasefire.store.database import Database

__all__ = ["RECORD_FIELDS", "records_select", "write_records"]

# the incident's fields an export shows (store.export_reads.EXPORT_INCIDENT_FIELDS but its id),
# ``date`` being its date_reported, else its date
RECORD_FIELDS = (
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


def records_select(where: str) -> str:
    """The ``finding_records`` rows (``run_id``, ``seq``, ``RECORD_FIELDS``) of the ``finding_rows``
    rows ``f`` that ``where`` keeps: each finding with the first stored row of its record's id (a
    row ``incident_repeats`` does not list) imported before its run. A finding of no incident
    (``incidents`` is ``[]``) or of a submitted report (not in ``incidents``) has none."""
    fields = ", ".join("COALESCE(i.date_reported, i.date)" if name == "date" else f"i.{name}" for name in RECORD_FIELDS)
    return (
        f"SELECT f.run_id, f.seq, {fields} FROM finding_rows f"
        " JOIN runs u ON u.id = f.run_id"
        " JOIN incidents i ON i.incident_id = substr(f.finding_id, length(f.obligation) + 2)"
        " JOIN imports m ON m.id = i.import_id"
        f" WHERE {where} AND f.incidents <> '[]' AND m.log_index < u.log_index"
        " AND NOT EXISTS (SELECT 1 FROM incident_repeats r WHERE r.import_id = i.import_id AND r.seq = i.seq)"
    )


def write_records(db: Database, run_id: int, rows: int) -> None:
    """Store the ``finding_records`` of run ``run_id``'s own ``finding_rows`` (about ``rows``), inside
    the caller's write transaction, after the run's row and its findings."""
    # ``seq >= 0``: SQLite then walks the findings down their primary key, in the order they are
    # stored, instead of down an index by obligation (a random page per finding: 5.0 s -> 4.1 s at 1M)
    own = records_select("f.run_id = ? AND f.seq >= 0")
    with bulk_rows(db, "finding_records", rows):
        db.execute(f"INSERT INTO finding_records (run_id, seq, {', '.join(RECORD_FIELDS)}) {own}", (run_id,))

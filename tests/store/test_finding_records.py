"""The incident fields an export shows beside each finding (0040_finding_records, issue 14), on
every backend: written by every run, filled by the migration for the runs stored before, equal
either way to each finding's record looked up row by row in Python, append-only, and recomputed
by ``log verify``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from store.storekit import SYRIA, OpenTarget, a_day_later, assert_append_only, older_demo, verified_after
from store.test_incremental_runs import STRIKE

from ceasefire import exports
from ceasefire.service.workflow import import_events, init_database, verify_stored
from ceasefire.store import SQLStore
from ceasefire.store.finding_records import RECORD_FIELDS
from ceasefire.store.protocol import Submitter

Key = tuple[int, int]


def _expected(store: SQLStore) -> dict[Key, tuple[Any, ...]]:
    """For each stored finding (run, seq), the fields of its record (the id after "OBLIGATION:")
    as the first stored row of that id gives them, when that row was imported before the run:
    the oracle, one finding at a time in Python."""
    logged = {run.id: run.log_index for run in store.runs()}
    first: dict[str, dict[str, Any]] = {}
    sql = (
        "SELECT i.*, m.log_index AS imported FROM incidents i JOIN imports m ON m.id = i.import_id"
        " ORDER BY i.import_id, i.seq"
    )
    for row in store.db.dicts(sql):
        first.setdefault(str(row["incident_id"]), row)
    expected: dict[Key, tuple[Any, ...]] = {}
    for run_id, seq, finding_id, obligation, incidents in store.db.execute(
        "SELECT run_id, seq, finding_id, obligation, incidents FROM finding_rows"
    ):
        row = first.get(str(finding_id)[len(str(obligation)) + 1 :])
        if not json.loads(str(incidents)) or row is None or row["imported"] >= logged[int(run_id)]:
            continue
        values = {**row, "date": row["date_reported"] or row["date"]}
        expected[(int(run_id), int(seq))] = tuple(values[name] for name in RECORD_FIELDS)
    return expected


def _stored(store: SQLStore) -> dict[Key, tuple[Any, ...]]:
    rows = store.db.execute(f"SELECT run_id, seq, {', '.join(RECORD_FIELDS)} FROM finding_records")
    return {(int(row[0]), int(row[1])): tuple(row[2:]) for row in rows}


@pytest.fixture
def store(open_target: OpenTarget) -> SQLStore:
    """Three runs: the Syria file; with a monitor's report and six rows repeating ids that have
    findings; and a full run of it all."""
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    first = import_events(store, [SYRIA / "incidents.csv"]).run
    assert first is not None
    store.submit_report(Submitter(1, "monitor"), STRIKE)
    judged = {f.record for f in store.run_findings(first.id)}
    import_events(store, [a_day_later(open_target.tmp_path, judged, "again.csv", first_twice=True)[0]])
    verify_stored(store, incremental=False)
    return store


def test_the_records_hold_every_incident_field_an_export_shows() -> None:
    """The table's columns (0040: frozen) are the fields the export writers name, in their order."""
    assert ("id", *RECORD_FIELDS) == exports.INCIDENT_FIELDS


def test_every_run_stores_each_findings_record(store: SQLStore) -> None:
    runs = store.runs()
    assert len(runs) == 3
    expected = _expected(store)
    assert _stored(store) == expected
    # every run has records, and findings without one: those drawn from the report
    findings = store.db.execute("SELECT run_id, COUNT(*) FROM finding_rows GROUP BY run_id ORDER BY run_id")
    for run_id, count in findings:
        assert 0 < sum(1 for key in expected if key[0] == run_id) <= count
    reported = store.db.execute("SELECT run_id, seq FROM finding_incidents WHERE report_id IS NOT NULL")
    assert reported and not {(int(r), int(s)) for r, s in reported} & set(expected)
    repeated = (
        "SELECT COUNT(*) FROM finding_rows f JOIN incidents i ON i.incident_id = substr(f.finding_id,"
        " length(f.obligation) + 2) JOIN incident_repeats r ON r.import_id = i.import_id AND r.seq = i.seq"
    )
    assert store.db.execute(repeated)[0][0] >= 10  # findings of repeated ids, in the last two runs
    assert store.verify_log().ok  # derived rows: not in the log, and the log still verifies


def test_the_migration_fills_the_rows_runs_write(store: SQLStore, open_target: OpenTarget) -> None:
    """A database whose runs were stored before 0040 (this one, with what 0040 made dropped and
    the migrations forgotten) gets the rows the runs would have written, and still verifies."""
    written = _stored(store)
    with store.db.write():
        store.db.execute("DROP TABLE finding_records")  # its triggers go with it
        store.db.execute("DELETE FROM schema_migrations WHERE name >= '0040' AND name < '0042'")
    store.close()
    again = open_target()
    assert again.migrate() == ["0040_finding_records", "0041_finding_records_append_only"]
    assert _stored(again) == written
    assert again.verify_log().ok


def test_the_migration_fills_a_database_of_an_older_version(tmp_path: Path) -> None:
    """The demo database of an earlier version (runs before and after 0019, a report's findings)."""
    store = older_demo(tmp_path)
    try:
        assert "0040_finding_records" in store.migrate()
        verify_stored(store, incremental=False)
        assert _stored(store) == _expected(store) and _stored(store)
        assert store.verify_log().ok
    finally:
        store.close()


def test_finding_records_is_append_only(store: SQLStore, open_target: OpenTarget) -> None:
    assert_append_only(open_target, "finding_records", "notes = 'changed'")


_ONE = "(SELECT MAX(seq) FROM finding_records WHERE run_id = 1)"
_MISSING = "1 rows where a finding's record is missing or differs"
_NOT_RECORD = "1 rows where a row is not the record of its finding"


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        (f"UPDATE finding_records SET notes = notes || '!' WHERE run_id = 1 AND seq = {_ONE}", [_MISSING, _NOT_RECORD]),
        (f"DELETE FROM finding_records WHERE run_id = 1 AND seq = {_ONE}", [_MISSING]),
        (
            "INSERT INTO finding_records SELECT run_id, seq + 100000, date, date_precision, event_type, sub_event_type,"
            " actor1, assoc_actor_1, actor2, assoc_actor_2, country, admin1, location, lat, lon, geo_precision,"
            f" source_name, notes, fatalities, weapon FROM finding_records WHERE run_id = 1 AND seq = {_ONE}",
            [_NOT_RECORD],
        ),
    ],
    ids=["a-field-changed", "a-row-deleted", "a-row-added"],
)
def test_log_verify_finds_finding_records_that_are_not_the_findings_records(
    store: SQLStore, statement: str, said: list[str]
) -> None:
    """The table is derived, not logged: ``log verify`` recomputes it, so a field an export would
    show changed (or a row missing or added) is found although no entry changed."""
    assert store.verify_log().ok
    problems = verified_after(store, "finding_records", statement)
    assert [p.split(" (")[0] for p in problems] == [f"table finding_records: {s}" for s in said]
    assert store.verify_log().ok  # undone

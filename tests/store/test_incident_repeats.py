"""Which stored incidents repeat an earlier incident id (0038_incident_repeats, issue 14), on every
backend: written by the import, filled by the migration for the rows stored before, and read by
the incident pages and counts, which answer as when each asked of every row whether an earlier
row holds its id."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from store.storekit import DATA, SYRIA, OpenTarget, a_day_later, assert_append_only, verified_after

from ceasefire.service.workflow import import_events, init_database
from ceasefire.store import SQLStore, pages
from ceasefire.store.protocol import RunRecord

# the first stored row of its id, asked of every row (how the pages found them before 0038): the oracle
_ASKED = (
    "NOT EXISTS (SELECT 1 FROM incidents j WHERE j.incident_id = i.incident_id"
    " AND (j.import_id < i.import_id OR (j.import_id = i.import_id AND j.seq < i.seq)))"
)


def _second_file(folder: Path) -> Path:
    """Three incidents of the Syria file again (a day later, so a page reading the wrong row
    shows), the third twice more, and one new id: four rows repeat an earlier id."""
    with (SYRIA / "incidents.csv").open(encoding="utf-8", newline="") as fp:
        reader = csv.reader(fp)
        header, rows = next(reader), [row for _, row in zip(range(4), reader, strict=False)]
    day = header.index("event_date")
    for row in rows:
        row[day] = (dt.date.fromisoformat(row[day]) + dt.timedelta(days=1)).isoformat()
    rows[3][0] = "SYR-ILL-9999"
    path = folder / "again.csv"
    with path.open("w", encoding="utf-8", newline="") as fp:
        csv.writer(fp).writerows([header, *rows[:3], rows[2], rows[3], rows[2]])
    return path


def _ucdp(folder: Path, name: str, end: str) -> Path:
    """tests/data/events/ucdp_ged.csv with event 900002 ending on ``end``."""
    with (DATA / "events" / "ucdp_ged.csv").open(encoding="utf-8", newline="") as fp:
        rows = list(csv.reader(fp))
    column = rows[0].index("date_end")
    for row in rows[1:]:
        if row[0] == "900002":
            row[column] = end
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as fp:
        csv.writer(fp).writerows(rows)
    return path


@pytest.fixture
def store(open_target: OpenTarget) -> SQLStore:
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, [SYRIA / "incidents.csv"])
    import_events(store, [_second_file(open_target.tmp_path)])
    return store


def _runs(store: SQLStore) -> list[RunRecord]:
    runs = store.runs()
    assert len(runs) == 2  # one before the second import, one after
    return runs


def test_the_import_lists_every_row_repeating_an_earlier_id(store: SQLStore) -> None:
    rows = store.db.execute("SELECT import_id, seq, incident_id FROM incidents ORDER BY import_id, seq")
    seen: set[str] = set()
    expected = []
    for import_id, seq, incident_id in rows:
        if incident_id in seen:
            expected.append((import_id, seq))
        seen.add(incident_id)
    assert len(expected) == 5  # three of the first file, then the third twice within the second
    assert store.db.execute("SELECT import_id, seq FROM incident_repeats ORDER BY import_id, seq") == expected
    assert store.verify_log().ok  # derived rows: not in the log, and the log still verifies


def test_the_migration_fills_the_rows_the_import_writes(store: SQLStore, open_target: OpenTarget) -> None:
    """A database whose incidents were stored before 0038 (this one, what 0038 made dropped and
    the migrations forgotten) gets the rows the import would have written, and still verifies."""
    written = store.db.execute("SELECT import_id, seq FROM incident_repeats ORDER BY import_id, seq")
    assert len(written) == 5
    with store.db.write():
        store.db.execute("DROP TABLE incident_repeats")  # its triggers go with it
        store.db.execute("DROP INDEX incidents_by_date_end")
        store.db.execute("DELETE FROM schema_migrations WHERE name >= '0038' AND name < '0040'")
    store.close()
    again = open_target()
    assert again.migrate() == ["0038_incident_repeats", "0039_incident_repeats_append_only"]
    assert again.db.execute("SELECT import_id, seq FROM incident_repeats ORDER BY import_id, seq") == written
    assert again.verify_log().ok


@pytest.mark.parametrize("dates", [(None, None), (dt.date(2016, 9, 11), dt.date(2016, 9, 12))], ids=["all", "dated"])
def test_pages_read_the_first_row_of_each_id(store: SQLStore, dates: tuple[dt.date | None, dt.date | None]) -> None:
    for run in _runs(store):
        where, params = pages._incident_where(run.log_index, *dates)
        asked = where.replace(pages._FIRST, _ASKED)
        assert asked != where
        columns = ", ".join(f"i.{c}" for c in pages.INCIDENT_COLUMNS)
        sql = f"SELECT {columns} {pages._INCIDENTS} {asked} ORDER BY i.import_id, i.seq"
        first = list(store.db.dicts(sql, params))
        read, after = [], None
        while page := pages.incident_page(store.db, run.log_index, dates, after, 7):
            read += page
            after = (int(page[-1]["import_id"]), int(page[-1]["seq"]))
        assert read == first
        assert pages.count_incidents(store.db, run.log_index, dates) == len(first)


def test_counts_and_extent_read_the_first_row_of_each_id(store: SQLStore) -> None:
    old, new = _runs(store)
    for run in (old, new):
        sql = f"SELECT COALESCE(i.date_reported, i.date) AS day, i.date, i.date_end {pages._INCIDENTS} WHERE m.log_index < ? AND {_ASKED}"
        first = list(store.db.dicts(sql, (run.log_index,)))
        days: dict[dt.date, int] = {}
        for row in first:
            days[dt.date.fromisoformat(row["day"])] = days.get(dt.date.fromisoformat(row["day"]), 0) + 1
        last = max(max(r["date"], r["date_end"] or r["date"]) for r in first)
        assert pages.reported_by_day(store.db, run.log_index) == days
        assert pages.imported_extent(store.db, run.log_index) == (len(first), dt.date.fromisoformat(last))
    assert pages.count_incidents(store.db, new.log_index, (None, None)) == old.incidents + 1  # one new id


def test_incident_repeats_is_append_only(store: SQLStore, open_target: OpenTarget) -> None:
    assert_append_only(open_target, "incident_repeats", "seq = seq + 100")


def test_the_last_day_is_the_latest_end_of_a_first_row(store: SQLStore, open_target: OpenTarget) -> None:
    """An end date later than every date is the last day; a repeated id's later end is not."""
    import_events(store, [_ucdp(open_target.tmp_path, "first.csv", "2017-01-05")])
    import_events(store, [_ucdp(open_target.tmp_path, "again.csv", "2017-06-01")])
    runs = store.runs()
    for run in runs:
        sql = f"SELECT i.date, i.date_end {pages._INCIDENTS} WHERE m.log_index < ? AND {_ASKED}"
        first = store.db.execute(sql, (run.log_index,))
        last = max(max(day, end or day) for day, end in first)
        assert pages.imported_extent(store.db, run.log_index) == (len(first), dt.date.fromisoformat(last))
    assert pages.imported_extent(store.db, runs[-1].log_index)[1] == dt.date(2017, 1, 5)


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        (
            "DELETE FROM incident_repeats WHERE seq = (SELECT MIN(seq) FROM incident_repeats)",
            "1 rows where an incident",
        ),
        (
            "INSERT INTO incident_repeats SELECT import_id, seq FROM incidents WHERE incident_id = 'SYR-ILL-9999'",
            "1 rows where a listed row",
        ),
    ],
    ids=["a-repeat-unlisted", "a-first-row-listed"],
)
def test_log_verify_finds_incident_repeats_that_do_not_match_the_incidents(
    store: SQLStore, statement: str, said: str
) -> None:
    """The table is derived, not logged: ``log verify`` recomputes it, so an incident hidden from
    every page by a listed row (or shown twice by a missing one) is found although no entry changed."""
    assert store.verify_log().ok
    problems = verified_after(store, "incident_repeats", statement)
    assert len(problems) == 1 and problems[0].startswith(f"table incident_repeats: {said}")
    assert store.verify_log().ok  # undone


def test_exports_join_the_first_row_of_each_id(store: SQLStore, open_target: OpenTarget) -> None:
    """The export's chunks (``export_chunk``: each record's row read where ``incident_repeats``
    does not list it) show the first stored row of a repeated id (its date a day before the
    repeat's), as the SQL join of ``export_rows`` (a sorted subquery per finding) does."""
    judged = {f.record for f in store.run_findings(_runs(store)[0].id)}
    path, again = a_day_later(open_target.tmp_path, judged, "judged-again.csv")
    run = import_events(store, [path]).run
    assert run is not None
    rows_read = store.export_rows(run, pages.FindingFilter(), None, 10_000, incidents=True)
    table = store.export_chunk(run, pages.FindingFilter(), None, 10_000, incidents=True).table
    names = table.column_names
    assert set(again) <= set(table.column("id").to_pylist()) and len(rows_read) == table.num_rows
    for name in ("id", "date", "notes"):
        assert table.column(name).to_pylist() == [r[names.index(name)] for r in rows_read], name

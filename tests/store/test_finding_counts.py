"""A run's summary rows (0025_finding_counts, issue 14), on every backend: written with the run,
filled by the migration for runs stored before, and equal, either way, to the findings drawn from
no submitted report counted one by one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from store.storekit import SYRIA, OpenTarget, older_demo
from store.test_incremental_runs import STRIKE

from ceasefire.model import Finding
from ceasefire.service.workflow import import_events, init_database, verify_stored
from ceasefire.store import SQLStore, open_store
from ceasefire.store.aggregates import (
    FindingCount,
    IncidentCount,
    count_rows,
    drawn_from_reports,
    tally_findings,
    tally_incidents,
)
from ceasefire.store.protocol import Submitter


def _findings(counts: Iterable[FindingCount]) -> Counter[tuple[object, ...]]:
    return Counter({(c.date, c.obligation, c.status, c.parties): c.findings for c in counts})


def _incidents(counts: Iterable[IncidentCount]) -> Counter[tuple[object, ...]]:
    return Counter({(c.date, c.status): c.incidents for c in counts})


def _agree(store: SQLStore, run_id: int) -> list[Finding]:
    """Assert the stored counts of the run are its findings' (less those drawn from reports)."""
    base = [f for f in store.run_findings(run_id) if not drawn_from_reports(f)]
    found, incidents = store.run_counts(run_id)
    assert _findings(found) == _findings(tally_findings(base))
    assert _incidents(incidents) == _incidents(tally_incidents(base))
    return base


def test_a_run_writes_its_counts(open_target: OpenTarget) -> None:
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    done = import_events(store, [SYRIA / "incidents.csv"])
    assert done.run is not None
    assert _agree(store, done.run.id)
    assert store.verify_log().ok  # derived rows: not in the log, and the log still verifies


def test_the_migration_fills_the_runs_stored_before(tmp_path: Path) -> None:
    store = older_demo(tmp_path)
    try:
        assert "0025_finding_counts" in store.migrate()
        old = store.runs()[-1]
        assert _agree(store, old.id)
        assert len(store.run_findings(old.id)) > len(_agree(store, old.id))  # some are drawn from reports
        _, new = verify_stored(store)
        assert _agree(store, new.id)
        assert store.verify_log().ok
    finally:
        store.close()


def test_stored_counts_are_count_rows_in_order(open_target: OpenTarget) -> None:
    """Rows counted in SQL (PostgreSQL) or in Python (SQLite) are ``count_rows`` of the run's
    own findings, row for row and in the same order, findings drawn from reports left out."""
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, [SYRIA / "incidents.csv"])
    store.submit_report(Submitter(1, "monitor"), STRIKE)
    _, run = verify_stored(store, incremental=False)
    findings = store.run_findings(run.id)
    assert any(drawn_from_reports(f) for f in findings)
    counted, incidents = count_rows(run.id, findings)
    order = "ctid" if store.db.dialect == "postgres" else "rowid"
    columns = "run_id, date, obligation, status, parties, findings"
    assert store.db.execute(f"SELECT {columns} FROM finding_counts WHERE run_id = ? ORDER BY {order}", (run.id,)) == [
        tuple(row) for row in counted
    ]
    rows = store.db.execute(
        f"SELECT run_id, date, status, incidents FROM incident_counts WHERE run_id = ? ORDER BY {order}", (run.id,)
    )
    assert rows == [tuple(row) for row in incidents]


def test_the_counts_are_written_in_the_order_count_rows_gives(tmp_path: Path) -> None:
    """The database counts a run's own rows (issue 14: no ``Finding`` per row); SQLite's readers
    see the rows in the order they went in, which is the order of ``count_rows``."""
    store = open_store(tmp_path / "counts.db", create=True)
    init_database(store, SYRIA / "agreement.yaml")
    done = import_events(store, [SYRIA / "incidents.csv"])
    assert done.run is not None
    counted, incidents = count_rows(done.run.id, store.run_findings(done.run.id))
    columns = "run_id, date, obligation, status, parties, findings"
    assert store.db.execute(f"SELECT {columns} FROM finding_counts ORDER BY rowid") == counted
    columns = "run_id, date, status, incidents"
    assert store.db.execute(f"SELECT {columns} FROM incident_counts ORDER BY rowid") == incidents

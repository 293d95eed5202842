"""A run's findings as typed columns (0019_finding_rows, issue 14), on every backend.

A run stores its findings as typed rows, reads back findings whose documents equal the engine's
byte for byte, lists which incidents each names (``finding_incidents``) and chains the rows into
its log entry; a database written before (findings as documents) still verifies after the
migrations and a new run on it writes typed rows and verifies too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from store.storekit import SYRIA, OpenTarget, older_demo

from ceasefire.ledger import canonical_json
from ceasefire.service.workflow import import_events, init_database, verify_stored
from ceasefire.store.pages import FindingFilter


def test_stored_findings_are_the_engines_byte_for_byte(open_target: OpenTarget) -> None:
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    done = import_events(store, [SYRIA / "incidents.csv"])
    assert done.run is not None and done.verification is not None
    made = [canonical_json(f.to_document()) for f in done.verification.finding_objects()]
    stored = [canonical_json(f.to_document()) for f in store.run_findings(done.run.id)]
    assert stored == made and made
    assert store.db.execute("SELECT COUNT(*) FROM findings")[0][0] == 0  # no document is written
    named = store.db.execute("SELECT COUNT(*) FROM finding_incidents WHERE run_id = ?", (done.run.id,))[0][0]
    engine = list(done.verification.finding_objects())
    assert named == sum(len(f.incidents) for f in engine)
    page = store.finding_page(done.run.id, FindingFilter(status="violation"), None, 1000)
    assert [f.id for f in page] == [f.id for f in engine if f.status == "violation"]
    assert store.verify_log().ok


def test_a_database_written_before_migrates_verifies_and_runs_on(tmp_path: Path) -> None:
    store = older_demo(tmp_path)
    try:
        old_run = store.runs()[-1]
        before = [f.to_document() for f in store.run_findings(old_run.id)]
        applied = store.migrate()
        assert {"0017_finding_incidents", "0019_finding_rows"} <= set(applied)
        assert store.verify_log().ok
        assert [f.to_document() for f in store.run_findings(old_run.id)] == before  # read from the documents
        reports = store.run_report_ids(old_run.id)  # filled from the stored documents
        assert reports == {int(i[7:]) for f in before for i in f["incidents"] if i.startswith("report-")}
        _, new_run = verify_stored(store)
        assert store.db.execute("SELECT COUNT(*) FROM finding_rows WHERE run_id = ?", (new_run.id,))[0][0] > 0
        assert store.verify_log().ok
    finally:
        store.close()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE finding_rows SET explanation = explanation || '.' WHERE seq = 2", "DELETE FROM finding_rows"],
    ids=["changed", "all-deleted"],
)
def test_changed_typed_rows_break_the_log(open_target: OpenTarget, statement: str) -> None:
    from store.test_tamper import tampered

    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, [SYRIA / "incidents.csv"])
    report = tampered(store, statement)
    assert not report.ok and report.first() is not None and report.first().kind == "run"  # type: ignore[union-attr]


@pytest.mark.parametrize("example", ["syria-2016-09", "donbas-2015"])
def test_rows_from_the_engines_columns_are_the_objects_rows(example: str) -> None:
    from ceasefire import pipeline
    from ceasefire.agreement import load_agreement
    from ceasefire.service.run_rows import run_rows
    from ceasefire.store.pages import run_rows as object_rows

    folder = Path(__file__).parents[2] / "examples" / example
    events = next(p for p in sorted(folder.iterdir()) if p.name.startswith("incidents."))
    v = pipeline.verify(load_agreement(folder / "agreement.yaml"), [events])
    columns, objects = run_rows(v), object_rows(list(v.finding_objects()))
    assert columns.count == objects.count > 0
    assert list(columns.rows(5)) == list(objects.rows(5))
    assert list(columns.links(5)) == list(objects.links(5))

"""Incremental runs (issue 14): a run after a few new reports or an appended file stores only the
findings of the days that changed and reads the others from the run before it (``run_days``);
every reader of a run's findings (``store.pages``) then answers exactly what it answers for a
full run on the same inputs, on every backend, and the log still verifies."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from store.storekit import SYRIA, OpenTarget

from ceasefire.model import Finding
from ceasefire.service.workflow import import_events, init_database, stored_records, verify_stored
from ceasefire.store.pages import FindingFilter
from ceasefire.store.protocol import ReportSubmission, Submitter
from ceasefire.verification import verify_table

LINES = (SYRIA / "incidents.csv").read_text(encoding="utf-8").splitlines(keepends=True)
MONITOR, ANALYST = Submitter(1, "monitor"), Submitter(2, "analyst")
STRIKE = ReportSubmission(
    "Air strike",
    "Strike on a market.",
    "2016-09-19",
    36.2,
    37.1,
    "Explosions/Remote violence",
    "Air/drone strike",
    "Military Forces of Syria (2000-)",
    "Civilians (Syria)",
    "aircraft",
    3,
    (("SOHR", "https://example.org/1"),),
)
FILTERS = [
    FindingFilter(),
    FindingFilter(status="violation"),
    FindingFilter(party="syria-gov"),
    FindingFilter(date_from=dt.date(2016, 9, 15), date_to=dt.date(2016, 9, 20)),
]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    head, tail = tmp_path / "head.csv", tmp_path / "tail.csv"
    head.write_text("".join(LINES[:70]), encoding="utf-8")
    tail.write_text("".join(LINES[:1] + LINES[70:]), encoding="utf-8")
    return head, tail


def _reads(store: Any, run_id: int, hidden: frozenset[int]) -> dict[str, Any]:
    """What every reader of a run's findings answers (ids, not the run's own numbers)."""
    out: dict[str, Any] = {"all": [f.to_document() for f in store.run_findings(run_id)]}
    for k, where in enumerate(FILTERS):
        where = dataclasses.replace(where, hidden=hidden)
        pages, after = [], None
        while page := store.finding_page(run_id, where, after, 7):
            pages.append([f.id for f in page])
            after = page[-1].id
        out[f"pages{k}"], out[f"count{k}"] = pages, store.count_findings(run_id, where)
    incidents = sorted({i for f in out["all"] for i in f["incidents"]})
    out["by_incident"] = store.incident_findings(run_id, incidents, hidden)
    out["reports"] = store.run_report_ids(run_id)
    out["summary"] = store.run_summary(run_id)
    out["report_findings"] = [f.to_document() for f in store.report_findings(run_id, hidden)]
    out["selected"] = [
        f.to_document() for f in store.selected_findings(run_id, dataclasses.replace(FILTERS[0], hidden=hidden))
    ]
    found, days = store.run_counts(run_id)
    out["counts"] = sorted(map(repr, found)), sorted(map(repr, days))
    run = next(r for r in store.runs() if r.id == run_id)
    rows, after = [], None
    while chunk := store.export_rows(run, FILTERS[0], after, 5, incidents=True):  # chunks across days
        rows += [row[1:] for row in chunk]
        after = int(chunk[-1][0])
    out["export"] = rows
    return out


def _everything(store: Any) -> list[Finding]:
    """The findings of every stored record verified at once (what a full run would store)."""
    whole = stored_records(store, store.current_agreement())
    v = verify_table(
        whole.agreement,
        whole.table,
        whole.resolver,
        apart=whole.apart,
        reporters=whole.reporters,
        decisions=whole.decisions,
    )
    return list(v.finding_objects())


def test_incremental_runs_answer_what_a_full_run_answers(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    head, tail = _files(tmp_path)
    init_database(store, SYRIA / "agreement.yaml")
    first = import_events(store, [head]).run
    assert first is not None
    near = store.submit_report(MONITOR, STRIKE)  # beside a stored strike: linked to it
    store.publish_report(ANALYST, near.report_id)
    apart = store.submit_report(MONITOR, dataclasses.replace(STRIKE, occurred_on="2016-09-20", lat=35.93))
    second = verify_stored(store)[1]
    assert [f.to_document() for f in store.run_findings(second.id)] == [f.to_document() for f in _everything(store)]
    stored = store.db.execute("SELECT COUNT(*) FROM finding_rows WHERE run_id = ?", (second.id,))[0][0]
    assert 0 < stored < second.findings  # only the changed days are stored again
    moved = dataclasses.replace(STRIKE, occurred_on="2016-09-13")
    store.submit_report(MONITOR, moved, report_id=near.report_id)  # a new version on another day
    third = import_events(store, [tail]).run  # an appended file, then the run
    assert third is not None
    full, hidden = verify_stored(store, incremental=False)[1], frozenset({apart.report_id})
    for viewer in (frozenset(), hidden):
        assert _reads(store, third.id, viewer) == _reads(store, full.id, viewer)
    assert store.verify_log().ok


@pytest.mark.parametrize(
    "statement",
    ["UPDATE run_days SET source_run = source_run + 1 WHERE seq = 0", "DELETE FROM run_days"],
    ids=["changed", "all-deleted"],
)
def test_changed_day_mappings_break_the_log(open_target: OpenTarget, tmp_path: Path, statement: str) -> None:
    from store.test_tamper import tampered

    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, [SYRIA / "incidents.csv"])
    report = tampered(store, statement)
    assert not report.ok and report.first() is not None and report.first().kind == "run"  # type: ignore[union-attr]


def test_a_link_decision_since_the_last_run_makes_the_next_run_a_full_one(
    open_target: OpenTarget, tmp_path: Path
) -> None:
    """A decision may join or part records of any day, so the run after it stores every day."""
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    first = import_events(store, [_files(tmp_path)[0]]).run
    assert first is not None
    near = store.submit_report(MONITOR, STRIKE)
    store.publish_report(ANALYST, near.report_id)
    linked = next(f for f in verify_stored(store)[0].finding_objects() if f"report-{near.report_id}" in f.incidents)
    other = next(i for i in linked.incidents if not i.startswith("report-"))
    store.add_link_decision(ANALYST, f"report-{near.report_id}", other, "split", "not the same strike")
    decided = verify_stored(store)[1]
    stored = store.db.execute("SELECT COUNT(*) FROM finding_rows WHERE run_id = ?", (decided.id,))[0][0]
    assert stored == decided.findings  # every day stored again, none borrowed
    full = verify_stored(store, incremental=False)[1]
    assert _reads(store, decided.id, frozenset()) == _reads(store, full.id, frozenset())


def test_an_incremental_run_reads_only_the_records_near_what_changed(open_target: OpenTarget, tmp_path: Path) -> None:
    """A run after a report verifies only the records of the days near it (``partial_runs``),
    and every answer is still a full run's: after a report, and after a new version of it moved
    to the other end of the data (both days recomputed), on every backend."""
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, list(_files(tmp_path)))  # two files: their records link
    late = store.submit_report(MONITOR, dataclasses.replace(STRIKE, occurred_on="2016-09-26"))
    v, run = verify_stored(store)
    assert len(v.table) < run.incidents  # the days near 2016-09-26 only
    full = verify_stored(store, incremental=False)[1]
    assert _reads(store, run.id, frozenset()) == _reads(store, full.id, frozenset())
    store.publish_report(ANALYST, late.report_id)
    store.submit_report(MONITOR, dataclasses.replace(STRIKE, occurred_on="2016-09-11"), report_id=late.report_id)
    moved = verify_stored(store)[1]  # the records of both ends read (most of these 17 days)
    stored = store.db.execute("SELECT COUNT(*) FROM finding_rows WHERE run_id = ?", (moved.id,))[0][0]
    assert 0 < stored < moved.findings
    full = verify_stored(store, incremental=False)[1]
    for viewer in (frozenset(), frozenset({late.report_id})):
        assert _reads(store, moved.id, viewer) == _reads(store, full.id, viewer)
    assert store.verify_log().ok


def test_a_repeated_id_makes_the_next_run_a_full_one(open_target: OpenTarget, tmp_path: Path) -> None:
    """An appended file repeating a stored id: a full run keeps the first by import order,
    which records read by date cannot tell, so the run verifies everything (and answers the same)."""
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    head, tail = _files(tmp_path)
    import_events(store, [head])
    again = tmp_path / "again.csv"
    again.write_text("".join([LINES[0], LINES[5].replace("2016-09-1", "2016-09-2", 1)]), encoding="utf-8")
    done = import_events(store, [again, tail])
    assert done.verification is not None and done.run is not None
    assert len(done.verification.table) == done.run.incidents  # everything read
    full = verify_stored(store, incremental=False)[1]
    assert _reads(store, done.run.id, frozenset()) == _reads(store, full.id, frozenset())


def test_a_run_with_nothing_changed_reads_nothing(open_target: OpenTarget, tmp_path: Path) -> None:
    """``POST /runs`` again with nothing new: no record read, no row stored, a full run's answers."""
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, list(_files(tmp_path)))
    store.submit_report(MONITOR, STRIKE)
    verify_stored(store)
    v, same = verify_stored(store)
    assert len(v.table) == 0
    assert store.db.execute("SELECT COUNT(*) FROM finding_rows WHERE run_id = ?", (same.id,))[0][0] == 0
    full = verify_stored(store, incremental=False)[1]
    assert _reads(store, same.id, frozenset()) == _reads(store, full.id, frozenset())

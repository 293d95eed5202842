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

from ceasefire.service.workflow import import_events, init_database, verify_stored
from ceasefire.store.pages import FindingFilter
from ceasefire.store.protocol import ReportSubmission, Submitter

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


def test_incremental_runs_answer_what_a_full_run_answers(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    head, tail = _files(tmp_path)
    init_database(store, SYRIA / "agreement.yaml")
    first = import_events(store, [head]).run
    assert first is not None
    near = store.submit_report(MONITOR, STRIKE)  # beside a stored strike: linked to it
    store.publish_report(ANALYST, near.report_id)
    apart = store.submit_report(MONITOR, dataclasses.replace(STRIKE, occurred_on="2016-09-20", lat=35.93))
    v2, second = verify_stored(store)
    assert [f.to_document() for f in store.run_findings(second.id)] == [f.to_document() for f in v2.finding_objects()]
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

"""The demo database tells the September 2016 story (issue 5, "Done when"): the 7-day clock
never reaches seven, the 17 and 19 September incidents are findings, every role has a token,
and what the public reads is published."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire.cli.serve_commands import EXAMPLE
from ceasefire.demo import DEMO_TOKENS, Demo, build_demo
from ceasefire.store import SQLStore, open_store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[SQLStore, Demo]:
    store = open_store(str(tmp_path_factory.mktemp("demo") / "demo.db"), create=True)
    return store, build_demo(store, EXAMPLE)


def test_every_role_has_a_working_token(demo: tuple[SQLStore, Demo]) -> None:
    store, built = demo
    assert set(built.tokens) == set(DEMO_TOKENS)
    for label, token in built.tokens.items():
        record = store.find_token(token)
        assert record is not None and (record.role, record.party) == DEMO_TOKENS[label]


def test_the_run_and_the_case_are_published_and_the_log_verifies(demo: tuple[SQLStore, Demo]) -> None:
    store, built = demo
    assert store.published_runs() == {built.run.id} and store.runs()[-1] == built.run
    assert store.published_cases() == {built.case_id}
    case = store.case(built.case_id)
    assert case is not None and [s.kind for s in case.steps] == ["request", "response", "assessment"]
    assert store.verify_log().ok


def test_the_seven_day_clock_never_reaches_seven(demo: tuple[SQLStore, Demo]) -> None:
    store, built = demo
    clocks = {c["obligation"]: c for c in store.run_summary(built.run.id).to_document()["clocks"]}
    jic = clocks["jic-condition"]
    assert jic["consecutive_days"] == 7 and jic["met_on"] is None
    longest = run = 0
    for day in jic["days"]:
        run = run + 1 if day["quiet"] else 0
        longest = max(longest, run)
    assert longest < 7


def test_the_17_and_19_september_incidents_are_findings(demo: tuple[SQLStore, Demo]) -> None:
    store, built = demo
    findings = [f.to_document() for f in store.run_findings(built.run.id)]
    by_incident = {i for f in findings for i in f["incidents"]}
    assert {"SYR-ILL-0029", "SYR-ILL-0041"} <= by_incident  # Jabal Tharda, Urum al-Kubra convoy
    convoy = [f for f in findings if "SYR-ILL-0041" in f["incidents"]]
    assert any(f["obligation"] == "humanitarian-access" for f in convoy)


def test_reports_are_verified_with_the_incidents(demo: tuple[SQLStore, Demo]) -> None:
    store, built = demo
    findings = [f.to_document() for f in store.run_findings(built.run.id)]
    from_reports = {i for f in findings for i in f["incidents"] if i.startswith("report-")}
    assert from_reports == {f"report-{r}" for r in built.reports}


def test_the_news_claims_are_stored(demo: tuple[SQLStore, Demo]) -> None:
    store, _ = demo
    if not list(Path(EXAMPLE, "news").glob("*.txt")):
        pytest.skip("the example has no news/ articles")
    assert store.stored_claims()


def test_the_convoy_report_and_the_imported_incident_are_one_event(demo: tuple[SQLStore, Demo]) -> None:
    """Issue 13: the monitor's convoy report is published and linked, not hidden."""
    store, built = demo
    (finding,) = [f for f in store.run_findings(built.run.id) if f.id == "cease-attacks:SYR-ILL-0041"]
    assert finding.incidents == ("SYR-ILL-0041", f"report-{built.reports[0]}") and finding.sources == 2
    assert "grade A" in finding.explanation  # a monitor's report


def test_an_unpublished_report_links_to_nothing(tmp_path: Path) -> None:
    from ceasefire.demo import _REPORTS
    from ceasefire.service.workflow import import_events, init_database, verify_stored
    from ceasefire.store.protocol import Submitter

    store = open_store(str(tmp_path / "apart.db"), create=True)
    init_database(store, EXAMPLE / "agreement.yaml")
    import_events(store, [EXAMPLE / "incidents.csv"])
    _, record = store.create_token("monitor", None, "monitor")
    report = store.submit_report(Submitter(record.id, "monitor"), _REPORTS[0][1]).report_id
    _, run = verify_stored(store)
    ids = {f.id: f.incidents for f in store.run_findings(run.id)}
    assert ids["cease-attacks:SYR-ILL-0041"] == ("SYR-ILL-0041",)
    assert ids[f"cease-attacks:report-{report}"] == (f"report-{report}",)

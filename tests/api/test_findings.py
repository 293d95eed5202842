"""Findings and clocks of the latest stored run, as `verify --format json` gives them."""

from __future__ import annotations

from typing import Any

import pytest
from api.apikit import Live

from ceasefire.store import open_store


def stored(live: Live) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    store = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        run = store.runs()[-1]
        return [f.to_document() for f in store.run_findings(run.id)], store.run_summary(run.id).to_document()
    finally:
        store.close()


def get(live: Live, path: str, who: str = "observer", **params: str) -> dict[str, Any]:
    with live.client(who) as client:
        answer = client.get(
            path, params={"limit": "1000", **params}
        )  # issue 14: one page holds every row of these small data sets
    assert answer.status_code == 200, answer.text
    assert answer.json().get("next") is None
    return dict(answer.json())


def test_findings_are_the_latest_runs_findings(live: Live) -> None:
    findings, _ = stored(live)
    data = get(live, "/findings")
    assert data["agreement"] == "syria-2016-09" and data["findings"] == findings and data["total"] == len(findings)
    assert {
        "id",
        "obligation",
        "category",
        "status",
        "parties",
        "attribution",
        "incidents",
        "date",
        "lat",
        "lon",
        "confidence",
        "explanation",
    } <= set(findings[0])


FILTERS = [
    ({"status": "violation"}, lambda f: f["status"] == "violation"),
    ({"party": "syria-gov"}, lambda f: "syria-gov" in f["parties"]),
    ({"obligation": "cease-attacks"}, lambda f: f["obligation"] == "cease-attacks"),
    ({"from": "2016-09-15", "to": "2016-09-17"}, lambda f: "2016-09-15" <= f["date"] <= "2016-09-17"),
    (
        {"party": "syria-gov", "status": "possible_violation"},
        lambda f: "syria-gov" in f["parties"] and f["status"] == "possible_violation",
    ),
]


@pytest.mark.parametrize(("params", "keep"), FILTERS, ids=["status", "party", "obligation", "dates", "party-status"])
def test_findings_filters(live: Live, params: dict[str, str], keep: Any) -> None:
    findings, _ = stored(live)
    expected = [f for f in findings if keep(f)]
    assert expected, "the filter must keep something for the test to mean anything"
    assert get(live, "/findings", **params)["findings"] == expected


def test_clocks_are_the_runs_clocks(live: Live) -> None:
    _, summary = stored(live)
    clocks = get(live, "/clocks", who="gov")["clocks"]
    assert clocks == summary["clocks"] and clocks and {"obligation", "met_on", "days"} <= set(clocks[0])

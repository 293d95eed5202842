"""A split holds on the server (issue 13): after an analyst splits the convoy report from the
imported incident, no run's finding names both, even though a third record (the same strike in
another imported file) links to each; the explanation names the split that cut the link."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from api.apikit import CONVOY, Live
from store.storekit import SYRIA

from ceasefire.service.workflow import import_events
from ceasefire.store import open_store

INCIDENT = "SYR-ILL-0041"
TWIN = "SYR-TWIN-0041"  # the same strike, from another file


@pytest.fixture(scope="module")
def convoy(live: Live, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The convoy report, published, and a second file holding INCIDENT again as TWIN: the
    report's record id (``report-ID``)."""
    with (SYRIA / "incidents.csv").open(newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    twin = {**next(r for r in rows if r["event_id_cnty"] == INCIDENT), "event_id_cnty": TWIN}
    path = Path(tmp_path_factory.mktemp("twin")) / "twin.csv"
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.DictWriter(fp, list(twin))
        writer.writeheader()
        writer.writerow(twin)
    store = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        import_events(store, [path])
    finally:
        store.close()
    with live.client("monitor") as monitor, live.client("analyst") as analyst:
        made = monitor.post("/reports", json=CONVOY)
        assert made.status_code == 201, made.text
        assert analyst.post(f"/reports/{made.json()['id']}/publish").status_code == 200
        return f"report-{made.json()['id']}"


def _incidents(live: Live) -> list[tuple[set[str], str]]:
    """A new run's findings that name INCIDENT, TWIN or the convoy: (their records, explanation)."""
    with live.client("analyst") as analyst:
        assert analyst.post("/runs").status_code == 201
        findings = analyst.get("/findings", params={"limit": 1000}).json()["findings"]
    return [(set(f["incidents"]), f["explanation"]) for f in findings if {INCIDENT, TWIN} & set(f["incidents"])]


def test_a_split_is_not_undone_by_a_third_record(live: Live, convoy: str) -> None:
    before = _incidents(live)
    assert before and all({convoy, INCIDENT, TWIN} <= records for records, _ in before)
    with live.client("analyst") as analyst:
        split = analyst.post("/links", json={"records": [convoy, INCIDENT], "decision": "split", "reason": "two"})
        assert split.status_code == 201, split.text
    after = _incidents(live)
    assert after and all(not {convoy, INCIDENT} <= records for records, _ in after)
    assert all({INCIDENT, TWIN} <= records for records, _ in after)  # the twin stays with the better match
    said = (f"(an analyst split {INCIDENT} and {convoy})", f"(an analyst split {convoy} and {INCIDENT})")
    assert all("Links cut:" in text and any(s in text for s in said) for _, text in after)

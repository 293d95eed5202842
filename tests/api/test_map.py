"""``/api/v1/map`` (issue 14): clusters and markers of a box at a zoom level, the map's filters
applied on the server, the same incidents and counts as the map page's JSON twin, what each
viewer may see only, and bad parameters as problem+json naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest
from api.apikit import CONVOY, Live, report

SYRIA_BOX = "35,32,42,38"
QUERIES = (
    {},
    {"status": "violation"},
    {"from": "2016-09-17", "to": "2016-09-19", "party": "syria-gov"},
    {"obligation": "no-air-ops-designated", "status": "possible_violation,violation"},
)


def _get(live: Live, path: str, who: str | None = None, **query: str) -> Any:
    auth = {"Authorization": f"Bearer {live.tokens[who]}"} if who else {}
    answer = httpx.get(live.url + path, params=query, headers=auth, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _markers(body: Any) -> int:
    return sum(c["count"] for c in body["clusters"]) + len(body["incidents"])


@pytest.mark.parametrize("query", QUERIES, ids=["all", "violations", "days-party", "obligation"])
@pytest.mark.parametrize("zoom", ["3", "7", "12"])
def test_clusters_and_markers_stand_for_every_incident_the_twin_keeps(
    live: Live, query: dict[str, str], zoom: str
) -> None:
    twin = _get(live, "/index.json", **query)
    body = _get(live, "/api/v1/map", bbox="-180,-85,180,85", zoom=zoom, **query)
    assert body["shown"] == twin["shown"] == body["in_box"] == _markers(body)
    assert body["counts"] == twin["counts"] and body["total"] == twin["total"]
    shown_ids = {row["id"] for row in twin["incidents"]}
    assert {i["id"] for i in body["incidents"]} <= shown_ids
    statuses = {row["id"]: row["status"] for row in twin["incidents"]}
    assert all(i["status"] == statuses[i["id"]] for i in body["incidents"])
    for c in body["clusters"]:
        assert c["count"] == sum(c["counts"].values()) > 1
        west, south, east, north = c["bbox"]
        assert west <= c["lon"] <= east and south <= c["lat"] <= north


def test_zooming_in_splits_clusters_until_every_incident_is_a_marker(live: Live) -> None:
    counts = [len(_get(live, "/api/v1/map", bbox=SYRIA_BOX, zoom=str(z))["clusters"]) for z in (2, 5, 8)]
    assert counts[0] <= counts[1] <= counts[2]
    close = _get(live, "/api/v1/map", bbox=SYRIA_BOX, zoom="14")
    assert close["clusters"] == [] and len(close["incidents"]) == close["in_box"] > 0


def test_a_box_keeps_only_what_it_holds_and_the_extent_covers_everything(live: Live) -> None:
    whole = _get(live, "/api/v1/map", zoom="5")
    west, south, east, north = whole["extent"]
    half = f"{west},{south},{(west + east) / 2},{north}"
    part = _get(live, "/api/v1/map", bbox=half, zoom="5")
    assert 0 < part["in_box"] < whole["in_box"] and part["shown"] == whole["shown"]
    nowhere = _get(live, "/api/v1/map", bbox="-10,-10,-9,-9", zoom="5")
    assert nowhere["in_box"] == 0 and nowhere["clusters"] == nowhere["incidents"] == []


def test_a_markers_popup_reads_the_incident_and_its_findings(live: Live) -> None:
    row = _get(live, "/index.json", status="violation")["incidents"][0]
    body = _get(live, f"/api/v1/map/incidents/{row['id']}")
    assert body["incident"]["id"] == row["id"] and body["incident"]["findings"] == row["findings"]
    assert [f["id"] for f in body["findings"]] == row["findings"]
    assert all(f["explanation"] for f in body["findings"])
    feature = next(f for f in _get(live, "/api/v1/incidents")["features"] if f["properties"]["id"] == row["id"])
    for name in ("event_type", "actor1", "actor2", "fatalities", "radius_m", "source_name", "location"):
        assert body["incident"][name] == feature["properties"][name], name
    missing = httpx.get(live.url + "/api/v1/map/incidents/nothing-such", timeout=30)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "0,50,10,40"}, "bbox"),
        ({"bbox": "0,0,nan,1"}, "bbox"),
        ({"zoom": "far"}, "zoom"),
        ({"zoom": "40"}, "zoom"),
        ({"from": "yesterday"}, "from"),
        ({"status": "guilty"}, "status"),
    ],
    ids=["three-numbers", "not-numbers", "south-above-north", "nan", "zoom-word", "zoom-high", "date", "status"],
)
def test_a_bad_parameter_is_a_422_naming_the_field(live: Live, query: dict[str, str], field: str) -> None:
    answer = httpx.get(live.url + "/api/v1/map", params=query, timeout=30)
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"].startswith(field + ":"), answer.json()


def test_the_list_pages_in_a_stable_order(live: Live) -> None:
    whole = _get(live, "/index.json")
    first = _get(live, "/index.json", limit="7")
    assert [r["id"] for r in first["incidents"]] == [r["id"] for r in whole["incidents"][:7]]
    rows, cursor = list(first["incidents"]), first["next"]
    while cursor:
        page = _get(live, "/index.json", limit="7", cursor=cursor)
        rows += page["incidents"]
        cursor = page.get("next")
    assert rows == whole["incidents"] and "next" not in whole
    bad = httpx.get(live.url + "/index.json", params={"cursor": "x"}, timeout=30)
    assert bad.status_code == 422 and "cursor" in bad.text


def test_an_unpublished_report_never_reaches_another_viewers_clusters(live: Live) -> None:
    """A party's report, verified in a published run but not published itself: the party and
    analysts see it on the map; the public, observers and the other party see the map as it was
    (counts, clusters, markers), and its popup is a 404 to them (issue 11)."""
    others = (None, "observer", "opposition")
    views = {"zoom": "14", "bbox": SYRIA_BOX}
    before = {who: _get(live, "/api/v1/map", who, **views) for who in others}
    with live.client("gov") as gov, live.client("analyst") as analyst:
        made = gov.post("/reports", json=report(occurred_on="2016-09-14", lat=36.2, lon=37.1))
        assert made.status_code == 201, made.text
        run = analyst.post("/runs")
        assert run.status_code == 201 and analyst.post(f"/runs/{run.json()['id']}/publish").status_code == 200
    hidden = f"report-{made.json()['id']}"
    for who in others:
        after = _get(live, "/api/v1/map", who, **views)
        for key in ("shown", "total", "counts", "in_box", "clusters", "incidents"):
            assert after[key] == before[who][key], (who, key)
        for zoom in ("3", "6"):
            assert _get(live, "/api/v1/map", who, zoom=zoom)["counts"] == before[who]["counts"]
        auth = {"Authorization": f"Bearer {live.tokens[who]}"} if who else {}
        assert httpx.get(live.url + f"/api/v1/map/incidents/{hidden}", headers=auth, timeout=30).status_code == 404
    for who in ("gov", "analyst"):
        body = _get(live, "/api/v1/map", who, **views)
        assert hidden in {i["id"] for i in body["incidents"]}, who
        assert _get(live, f"/api/v1/map/incidents/{hidden}", who)["incident"]["id"] == hidden


def test_one_marker_per_event_and_its_popup_lists_every_record(live: Live) -> None:
    """A monitor's report of the strike ACLED recorded as SYR-ILL-0041, published and verified:
    the map keeps one marker for the event (issue 13), counted once, whose popup lists both
    records with their sources' grades and what each says."""
    views = {"zoom": "14", "bbox": SYRIA_BOX}
    before = _get(live, "/api/v1/map", **views)
    with live.client("monitor") as monitor, live.client("analyst") as analyst:
        made = monitor.post("/reports", json=CONVOY)
        assert made.status_code == 201, made.text
        assert analyst.post(f"/reports/{made.json()['id']}/publish").status_code == 200
        run = analyst.post("/runs")
        assert run.status_code == 201 and analyst.post(f"/runs/{run.json()['id']}/publish").status_code == 200
    convoy = f"report-{made.json()['id']}"
    after = _get(live, "/api/v1/map", **views)
    assert after["total"] == before["total"] and after["shown"] == before["shown"]
    markers = {i["id"]: i for i in after["incidents"]}
    assert convoy not in markers and markers["SYR-ILL-0041"]["records"] == 2
    listed_rows = {r["id"]: r for r in _get(live, "/index.json", **{"from": "2016-09-19"})["incidents"]}
    assert convoy not in listed_rows and listed_rows["SYR-ILL-0041"]["records"] == 2
    for record in ("SYR-ILL-0041", convoy):  # either record opens the event
        body = _get(live, f"/api/v1/map/incidents/{record}")
        listed = {r["id"]: r for r in body["records"]}
        assert set(listed) == {"SYR-ILL-0041", convoy}
        assert listed["SYR-ILL-0041"]["grade"] == "B" and listed[convoy]["grade"] == "A"
        assert listed[convoy]["fatalities"] == 20 and listed[convoy]["date"] == "2016-09-19"
        assert listed[convoy]["perpetrator"] == "Unidentified Military Forces"
        assert body["decisions"] == []


def test_the_columns_keep_ids_and_texts_as_the_records_hold_them() -> None:
    """Ids are kept as UTF-8 bytes (ASCII or not, same order as the text), a chunk's JSON arrays
    parse with escapes, and coded text joins renumbered into one list."""
    from ceasefire.api.mapcolumns import Coded, as_names, json_arrays

    names = as_names(["b-1", "a-2", "ç-3"])
    assert [bytes(n).decode("utf-8") for n in names] == ["b-1", "a-2", "ç-3"]
    assert sorted(["b-1", "a-2", "ç-3"]) == [bytes(n).decode("utf-8") for n in np.sort(names)]
    assert json_arrays(['["a"]', "[]", '["x\\"y","z"]']) == [["a"], [], ['x"y', "z"]]
    joined = Coded(np.array([0, 1], dtype=np.int32), ("p", "q")).then(
        Coded(np.array([1, 0], dtype=np.int32), ("r", "p"))
    )
    assert [joined.at(k) for k in range(4)] == ["p", "q", "p", "r"]

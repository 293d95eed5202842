"""Findings for other tools (ceasefire/exports.py), as `verify --format csv|hxl|geojson` writes
them: ACLED's column names (our own ACLED reader reads the CSV back), HXL hashtags libhxl
understands, and RFC 7946 GeoJSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import shapely.geometry

from ceasefire import exports
from ceasefire.model import Finding, Incident
from ceasefire.sources import read_events
from ceasefire.sources.rows import BadRows

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "examples" / "syria-2016-09"
# ACLED's own column names, in the order of ACLED's exports (columns we do not fill are left out)
ACLED = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
]
FINDING = [
    "finding_id",
    "obligation",
    "category",
    "status",
    "parties",
    "attribution",
    "confidence",
    "rule",
    "distance_m",
    "radius_m",
    "explanation",
]


def verify(fmt: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ceasefire.cli",
            "verify",
            str(SYRIA / "agreement.yaml"),
            str(SYRIA / "incidents.csv"),
            "--format",
            fmt,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return {fmt: verify(fmt) for fmt in ("json", "csv", "hxl", "geojson")}


def test_csv_columns_are_acleds_then_the_findings(outputs: dict[str, str]) -> None:
    header = next(csv.reader(io.StringIO(outputs["csv"])))
    assert [c for c in header if c in ACLED] == ACLED  # ACLED's names, in ACLED's order
    assert header[-len(FINDING) :] == FINDING and "weapon" in header
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    findings = json.loads(outputs["json"])["findings"]
    assert [r["finding_id"] for r in rows] == [f["id"] for f in findings]
    for row, f in zip(rows, findings, strict=True):
        assert row["event_id_cnty"] == f["id"].removeprefix(f"{f['obligation']}:") and row["event_date"] == f["date"]
        assert row["year"] == f["date"][:4] and row["parties"] == ";".join(f["parties"])
        assert float(row["latitude"]) == f["lat"] and float(row["confidence"]) == f["confidence"]


def test_our_acled_reader_reads_the_csv_back(outputs: dict[str, str], tmp_path: Path) -> None:
    """Each exported incident, read back as ACLED, is the incident of the original file."""
    path = tmp_path / "export.csv"
    path.write_text(outputs["csv"], encoding="utf-8")
    back = {i.id: i for i in read_events(path, BadRows())}
    original = {i.id: i for i in read_events(SYRIA / "incidents.csv", BadRows())}
    assert back and set(back) <= set(original)
    fields = (
        "date",
        "lat",
        "lon",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "fatalities",
        "date_precision",
        "geo_precision",
        "radius_m",
        "weapon",
        "admin1",
        "location",
    )
    for ident, incident in back.items():
        assert [getattr(incident, f) for f in fields] == [getattr(original[ident], f) for f in fields], ident


def test_hxl_second_row_holds_a_hashtag_for_every_column(outputs: dict[str, str]) -> None:
    rows = list(csv.reader(io.StringIO(outputs["hxl"])))
    header, tags = rows[0], rows[1]
    assert header == next(csv.reader(io.StringIO(outputs["csv"])))  # the same table as --format csv
    assert rows[2:] == list(csv.reader(io.StringIO(outputs["csv"])))[1:]
    assert all(t.startswith("#") for t in tags) and len(tags) == len(header)
    named = dict(zip(header, tags, strict=True))
    expected = {
        "event_date": "#date+occurred",
        "admin1": "#adm1+name",
        "location": "#loc+name",
        "latitude": "#geo+lat",
        "longitude": "#geo+lon",
        "event_type": "#event+type",
        "sub_event_type": "#event+type+sub",
        "actor1": "#org+perpetrator",
        "actor2": "#org+target",
        "fatalities": "#affected+killed",
        "source": "#meta+source",
        "finding_id": "#meta+id",
        "status": "#status+finding",
        "confidence": "#indicator+confidence+num",
    }
    assert {k: named[k] for k in expected} == expected


def _libhxl() -> Any:
    try:
        import hxl
    except ImportError as error:  # libhxl 5.2.2 imports `six` without declaring it (see docs/exports.md)
        pytest.skip(f"libhxl cannot be imported here ({error}); it needs the `six` package beside it")
    return hxl


def test_libhxl_sees_the_hashtags_and_every_row(outputs: dict[str, str]) -> None:
    hxl = _libhxl()
    rows = list(csv.reader(io.StringIO(outputs["hxl"])))
    source = hxl.data(rows)
    tags = [column.display_tag for column in source.columns]
    assert tags == rows[1]
    data = list(source)
    assert len(data) == len(rows) - 2 == len(json.loads(outputs["json"])["findings"])
    assert {row.get("#status+finding") for row in data} == {"violation", "possible_violation", "exempt"}
    assert [row.get("#affected+killed") for row in data] == [r[tags.index("#affected+killed")] for r in rows[2:]]
    report = hxl.validate(hxl.data(rows))  # libhxl's default schema: dates are dates, numbers numbers
    assert report["stats"]["error"] == 0 and report["stats"]["warning"] == 0, report["issues"]


def test_geojson_is_rfc_7946(outputs: dict[str, str]) -> None:
    collection = json.loads(outputs["geojson"])
    assert collection["type"] == "FeatureCollection" and "crs" not in collection  # RFC 7946 drops crs
    findings = json.loads(outputs["json"])["findings"]
    assert [f["id"] for f in collection["features"]] == [f["id"] for f in findings]
    for feature, finding in zip(collection["features"], findings, strict=True):
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        lon, lat = feature["geometry"]["coordinates"]  # longitude first (RFC 7946 section 3.1.1)
        assert (lon, lat) == (finding["lon"], finding["lat"]) and -180 <= lon <= 180 and -90 <= lat <= 90
        point = shapely.geometry.shape(feature["geometry"])
        assert point.geom_type == "Point" and point.is_valid
        assert {"lat", "lon"}.isdisjoint(feature["properties"]) and feature["properties"]["status"] == finding["status"]


def _finding(**kw: Any) -> Finding:
    return Finding.from_document(
        {
            "id": "cease:X1",
            "obligation": "cease",
            "category": "cessation_of_hostilities",
            "status": "violation",
            "parties": ["a", "b"],
            "attribution": "ambiguous",
            "incidents": ["X1"],
            "date": "2016-09-19",
            "lat": 36.1,
            "lon": 37.2,
            "confidence": 0.9,
            "explanation": "why",
            "rule": "no_attacks",
            "distance_m": None,
            "radius_m": 0.0,
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "weapon": None,
            "location": "Town",
            "actor1": "Army",
            "actor2": "Rebels",
            "fatalities": 3,
            "source": "SOHR",
            **kw,
        }
    )


def test_a_row_without_its_incident_is_filled_from_the_finding() -> None:
    row = dict(zip(exports.csv_header()[0], exports.csv_row(_finding(), None), strict=True))
    assert (row["event_id_cnty"], row["event_date"], row["year"], row["latitude"], row["longitude"]) == (
        "X1",
        "2016-09-19",
        "2016",
        36.1,
        37.2,
    )
    assert (row["actor1"], row["fatalities"], row["source"], row["weapon"], row["distance_m"]) == (
        "Army",
        3,
        "SOHR",
        "",
        "",
    )
    assert (row["admin1"], row["notes"], row["geo_precision"]) == ("", "", "")  # not in a finding


def test_a_row_with_its_incident_takes_the_reported_date() -> None:
    incident = Incident(
        id="X1",
        source="acled",
        date=dt.date(2016, 9, 18),
        lat=36.1,
        lon=37.2,
        event_type="Battles",
        admin1="Aleppo",
        notes="n",
        geo_precision=2,
        date_reported=dt.date(2016, 9, 19),
    )
    row = dict(
        zip(exports.csv_header()[0], exports.csv_row(_finding(), exports.incident_fields(incident)), strict=True)
    )
    assert (row["event_date"], row["admin1"], row["notes"], row["geo_precision"]) == ("2016-09-19", "Aleppo", "n", 2)


FILTERS = [
    ({}, ["a", "b", "c", "d"]),
    ({"status": "violation"}, ["a", "c"]),
    ({"party": "opp"}, ["b", "c"]),
    ({"obligation": "access"}, ["d"]),
    ({"date_from": "2016-09-18", "date_to": "2016-09-18"}, ["b", "c"]),
    ({"date_from": "2016-09-19"}, ["d"]),
    ({"party": "opp", "status": "violation"}, ["c"]),
]


@pytest.mark.parametrize(
    ("given", "kept"), FILTERS, ids=["none", "status", "party", "obligation", "day", "from", "both"]
)
def test_filters(given: dict[str, str], kept: list[str]) -> None:
    docs = [
        _finding(id="a", date="2016-09-17", parties=["gov"]),
        _finding(id="b", date="2016-09-18", parties=["opp"], status="possible_violation"),
        _finding(id="c", date="2016-09-18", parties=["gov", "opp"]),
        _finding(id="d", date="2016-09-19", parties=[], obligation="access", status="exempt"),
    ]
    args = {k: dt.date.fromisoformat(v) if k.startswith("date") else v for k, v in given.items()}
    assert [f.id for f in exports.filter_findings(docs, **args)] == kept

"""GeoJSON FeatureCollections of points with ACLED property names."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ceasefire.sources import BadRows, read_events, read_geojson

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"
POINTS = {i.id: i for i in read_events(EVENTS / "points.geojson", BadRows())}


@pytest.mark.parametrize(
    ("event_id", "expected"),
    [
        (
            "GJ3001",
            dict(
                source="geojson",
                date=dt.date(2016, 9, 19),
                lat=36.149,
                lon=36.95,
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                weapon="aircraft",
                actor2="",
                fatalities=20,
                source_name="Test Monitor",
                line=5,
            ),
        ),
        (
            "GJ3002",
            dict(
                date=dt.date(2016, 9, 16),
                date_end=dt.date(2016, 9, 22),
                lat=36.25,
                lon=37.1,
                radius_m=5_000.0,
                attacker="Rebel Front",
                weapon="tank",
                fatalities=3,
                line=6,
            ),
        ),
        (
            "7",
            dict(
                event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack",
                weapon="mlrs",
                geo_precision=1,
                line=7,
            ),
        ),
    ],
    ids=["air-strike", "coordinates-from-geometry", "upper-case-old-properties"],
)
def test_geojson_points(event_id: str, expected: dict[str, Any]) -> None:
    incident = POINTS[event_id]
    assert {k: getattr(incident, k) for k in expected} == expected


def test_compact_json_counts_lines_too() -> None:
    document = json.loads((EVENTS / "points.geojson").read_text())
    text = json.dumps(document, indent=1)
    incidents = list(read_geojson(io.StringIO(text), "indented.geojson", BadRows()))
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line == "  {"]
    assert [i.line for i in incidents] == starts
    one_line = list(read_geojson(io.StringIO(json.dumps(document)), "flat.geojson", BadRows()))
    assert [i.line for i in one_line] == [1, 1, 1]

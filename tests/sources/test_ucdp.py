"""UCDP GED CSV: violence types, sides, precision codes, date ranges."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ceasefire.sources import BadRows, read_events

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"
D = dt.date
UCDP = {i.id: i for i in read_events(EVENTS / "ucdp_ged.csv", BadRows())}


@pytest.mark.parametrize(
    ("event_id", "expected"),
    [
        (
            "UCDP900001",
            dict(
                source="ucdp",
                event_type="Battles",
                sub_event_type="Armed clash",
                actor1="Government of Testland",
                actor2="Rebel Front",
                date=D(2016, 9, 19),
                date_end=None,
                date_precision=1,
                geo_precision=1,
                radius_m=0.0,
                fatalities=5,
                weapon="artillery",
                lat=36.25,
                lon=37.1,
                country="Testland",
                admin1="North Province",
                location="Tell Example town",
                notes="Shelling hits the old town",
                source_name="Wire A;Wire B",
                line=2,
            ),
        ),
        (
            "UCDP900002",
            dict(
                event_type="Battles",
                actor1="Rebel Front",
                actor2="Other Front",
                date=D(2016, 9, 17),
                date_end=D(2016, 9, 19),
                date_precision=3,
                geo_precision=4,
                radius_m=100_000.0,
                fatalities=2,
                weapon="small_arms",
                line=3,
            ),
        ),
        (
            "UCDP900003",
            dict(
                event_type="Violence against civilians",
                sub_event_type="Attack",
                actor1="Rebel Front",
                actor2="Civilians",
                geo_precision=6,
                radius_m=300_000.0,
                fatalities=4,
                weapon="",
                line=4,
            ),
        ),
    ],
    ids=["state-based", "non-state-date-range", "one-sided"],
)
def test_ucdp_rows(event_id: str, expected: dict[str, Any]) -> None:
    incident = UCDP[event_id]
    assert {k: getattr(incident, k) for k in expected} == expected

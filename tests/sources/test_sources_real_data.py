"""Real third-party files from ../shared/data, when that folder is present beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire.errors import FormatNotRecognized
from ceasefire.sources import BadRows, detect_format, read_events

SHARED_DATA = Path(__file__).resolve().parents[2] / "../shared/data"


def shared(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"../shared/data absent: {path.resolve()} not found")
    return path


def test_hrw_damage_sites_are_not_an_events_file() -> None:
    # HRW/UNOSAT damage sites in Aleppo (MIT, see ../shared/data/SOURCES.md)
    path = shared("aleppo/HRW_forProcessingV02.csv")
    with pytest.raises(FormatNotRecognized) as raised:
        detect_format(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: not a recognized events file (expected ACLED CSV, ")
    assert "(OBJECTID, SiteID, DamageID1, ConfidenceID, SensorDate, SensorID, ...)" in message


def test_aleppo_neighbourhoods_are_geojson_but_not_points() -> None:
    # Center for Spatial Research: 133 neighbourhood polygons of Aleppo (MIT)
    path = shared("aleppo/Neighborhoods.geojson")
    assert detect_format(path) == "geojson"
    bad_rows = BadRows(skip=True)
    assert list(read_events(path, bad_rows)) == []
    assert bad_rows.count == 133
    assert bad_rows.messages[0] == f"{path}:6: feature 1: geometry: expected a Point, got MultiPolygon"

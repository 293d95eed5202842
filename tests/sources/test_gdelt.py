"""GDELT 1.0 / 2.0 event rows: layouts by column count, CAMEO mapping, ignored rows."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from ceasefire.sources import BadRows, read_events, read_gdelt
from ceasefire.sources.gdelt import GDELT_LAYOUTS, cameo_event

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"


def test_layouts_follow_the_codebooks() -> None:
    v1, v1_url, v2 = (GDELT_LAYOUTS[n][1] for n in (57, 58, 61))
    assert v1_url[:57] == v1 and v1_url[57] == "SOURCEURL"
    assert (v1.index("ActionGeo_Lat"), v1.index("EventCode"), v1[56]) == (53, 26, "DATEADDED")
    assert (v2.index("ActionGeo_Lat"), v2.index("ActionGeo_ADM2Code"), v2[60]) == (
        56,
        55,
        "SOURCEURL",
    )


@pytest.mark.parametrize("fixture", ["gdelt_v1.tsv", "gdelt_v2.tsv"], ids=["1.0", "2.0"])
@pytest.mark.parametrize(
    ("event_id", "expected"),
    [
        (
            "GDELT700001",
            dict(
                source="gdelt",
                date=dt.date(2016, 9, 19),
                event_type="Battles",
                sub_event_type="Armed clash",
                weapon="small_arms",
                actor1="TESTLAND",
                actor2="REBEL",
                lat=36.149,
                lon=36.95,
                geo_precision=4,
                radius_m=0.0,
                country="TS",
                admin1="North Province",
                location="Kafr Test, North Province, Testland",
                source_name="GDELT",
                line=1,
            ),
        ),
        (
            "GDELT700002",
            dict(
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                weapon="aircraft",
                geo_precision=5,
                radius_m=100_000.0,
                admin1="North Province",
            ),
        ),
        (
            "GDELT700004",
            dict(
                event_type="Explosions/Remote violence",
                sub_event_type="Suicide bomb",
                weapon="ied",
                geo_precision=1,
                radius_m=300_000.0,
                admin1="",
                line=4,
            ),
        ),
        (
            "GDELT700006",
            dict(
                sub_event_type="Shelling/artillery/missile attack",
                weapon="artillery",
                geo_precision=3,
                radius_m=0.0,
                admin1="Teststate",
            ),
        ),
        (
            "GDELT700007",
            dict(
                event_type="Violence against civilians",
                sub_event_type="Attack",
                weapon="",
                geo_precision=2,
                radius_m=100_000.0,
                admin1="Teststate",
            ),
        ),
    ],
    ids=["190-city", "195-adm1", "1831-country", "194-us-city", "202-us-state"],
)
def test_gdelt_rows(fixture: str, event_id: str, expected: dict[str, Any]) -> None:
    incidents = {i.id: i for i in read_events(EVENTS / fixture, BadRows())}
    incident = incidents[event_id]
    assert {k: getattr(incident, k) for k in expected} == expected
    assert incident.notes == "https://news.example.org/story"


def test_rows_outside_material_conflict_are_ignored_and_counted() -> None:
    bad_rows = BadRows()
    incidents = list(read_events(EVENTS / "gdelt_v2.tsv", bad_rows))
    assert [i.id for i in incidents] == [f"GDELT70000{n}" for n in (1, 2, 4, 6, 7)]
    assert (bad_rows.ignored, bad_rows.count) == (2, 0)


def test_gdelt_1_backfile_rows_have_no_source_url() -> None:
    lines = (EVENTS / "gdelt_v1.tsv").read_text().splitlines()
    backfile = "".join(line.rsplit("\t", 1)[0] + "\n" for line in lines)
    incidents = list(read_gdelt(io.StringIO(backfile), "old.tsv", BadRows()))
    assert len(incidents) == 5 and {i.notes for i in incidents} == {""}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("190", ("Battles", "Armed clash", "")),
        ("193", ("Battles", "Armed clash", "")),
        ("196", ("Battles", "Armed clash", "")),
        ("194", ("Explosions/Remote violence", "Shelling/artillery/missile attack", "artillery")),
        ("195", ("Explosions/Remote violence", "Air/drone strike", "aircraft")),
        ("1952", ("Explosions/Remote violence", "Air/drone strike", "aircraft")),
        ("183", ("Explosions/Remote violence", "Suicide bomb", "ied")),
        ("1833", ("Explosions/Remote violence", "Suicide bomb", "ied")),
        ("186", ("Violence against civilians", "Attack", "")),
        ("2041", ("Violence against civilians", "Attack", "")),
        ("0871", None),
        ("173", None),
        ("", None),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_cameo_codes(code: str, expected: tuple[str, str, str] | None) -> None:
    assert cameo_event(code) == expected

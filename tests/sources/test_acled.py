"""ACLED CSV: both column sets, normalization, precision, extra columns."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from ceasefire.model import Incident
from ceasefire.sources import BadRows, read_acled, read_events

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"
D = dt.date


def read(name: str) -> dict[str, Incident]:
    return {i.id: i for i in read_events(EVENTS / name, BadRows())}


CURRENT = read("acled_current.csv")
OLD = read("acled_pre2019.csv")


@pytest.mark.parametrize(
    ("event_id", "expected"),
    [
        (
            "TST1001",
            dict(
                source="acled",
                date=D(2016, 9, 19),
                date_end=None,
                date_precision=1,
                lat=36.149,
                lon=36.95,
                geo_precision=1,
                radius_m=0.0,
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                actor1="Air Force of Testland",
                actor2="Aid Workers (Testland)",
                weapon="aircraft",
                fatalities=20,
                country="Testland",
                admin1="North Province",
                location="Kafr Test",
                source_name="Test Monitor",
                line=2,
            ),
        ),
        (
            "TST1002",
            dict(
                date=D(2016, 9, 16),
                date_end=D(2016, 9, 22),
                date_precision=2,
                geo_precision=2,
                radius_m=5_000.0,
                event_type="Battles",
                sub_event_type="Armed clash",
                assoc_actor_1="Militia A; Militia B",
                actor2="Rebel Front",
                weapon="small_arms",
                fatalities=3,
                source_name="Test Monitor; Other Outlet",
                line=3,
            ),
        ),
        (
            "TST1003",
            dict(
                date=D(2016, 9, 1),
                date_end=D(2016, 9, 30),
                date_precision=3,
                geo_precision=3,
                radius_m=25_000.0,
                weapon="mortar",
                actor2="",
                line=4,
            ),
        ),
        (
            "TST1004",
            dict(
                date=D(2016, 9, 19),
                event_type="Violence against civilians",
                weapon="",
                notes='Gunmen shot a farmer; the "village council" reported it.',
                line=5,
            ),
        ),
        (
            "TST1005",
            dict(
                date=D(2016, 9, 19),
                event_type="Strategic developments",
                sub_event_type="Headquarters or base established",
                line=6,
            ),
        ),
    ],
    ids=[
        "air-strike-iso-date",
        "battle-plus-minus-3-days",
        "shelling-whole-month",
        "civilians-us-date-quoted-notes",
        "strategic-day-month-name",
    ],
)
def test_current_columns(event_id: str, expected: dict[str, Any]) -> None:
    incident = CURRENT[event_id]
    assert {k: getattr(incident, k) for k in expected} == expected
    assert incident.file == str(EVENTS / "acled_current.csv")


@pytest.mark.parametrize(
    ("event_id", "event_type", "sub_event_type", "weapon"),
    [
        ("OLD2001", "Battles", "Armed clash", "small_arms"),
        ("OLD2002", "Battles", "Government regains territory", ""),
        ("OLD2003", "Battles", "Non-state actor overtakes territory", ""),
        ("OLD2004", "Explosions/Remote violence", "Air/drone strike", "aircraft"),
        ("OLD2005", "Explosions/Remote violence", "Remote explosive/landmine/IED", "ied"),
        ("OLD2006", "Explosions/Remote violence", "", ""),
        ("OLD2007", "Violence against civilians", "", ""),
        ("OLD2008", "Riots", "", ""),
        ("OLD2009", "Protests", "", ""),
        ("OLD2010", "Strategic developments", "", ""),
        ("OLD2011", "Strategic developments", "Headquarters or base established", ""),
        ("OLD2012", "Strategic developments", "Non-violent transfer of territory", ""),
    ],
    ids=[
        "battle-no-change",
        "government-regains",
        "non-state-overtakes",
        "remote-air",
        "remote-ied",
        "remote-unknown",
        "civilians",
        "riots",
        "protests",
        "strategic",
        "headquarters",
        "transfer",
    ],
)
def test_pre2019_columns_map_to_current_taxonomy(
    event_id: str, event_type: str, sub_event_type: str, weapon: str
) -> None:
    incident = OLD[event_id]
    assert (incident.event_type, incident.sub_event_type, incident.weapon) == (
        event_type,
        sub_event_type,
        weapon,
    )


def test_pre2019_upper_case_header_and_ally_actor_columns() -> None:
    incident = OLD["OLD2008"]
    assert incident.actor1 == "Rioters (Testland)"
    assert incident.actor2 == "Police Forces of Testland"
    assert (incident.date, incident.lat, incident.lon, incident.line) == (
        D(2016, 9, 19),
        35.6,
        36.6,
        9,
    )
    assert len(OLD) == 12


def acled(header: str, *rows: str) -> list[Incident]:
    text = "\n".join((header, *rows)) + "\n"
    return list(read_acled(io.StringIO(text), "t.csv", BadRows()))


def test_data_id_is_the_id_when_there_is_no_event_id_cnty() -> None:
    (incident,) = acled(
        "data_id,event_date,event_type,actor1,ally_actor_1,latitude,longitude",
        "77,2016-09-19,Battles,A,B,1,2",
    )
    assert (incident.id, incident.assoc_actor_1, incident.geo_precision) == ("77", "B", 1)


def test_weapon_and_attacker_columns_are_honoured() -> None:
    header = "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,latitude,longitude,notes,weapon,attacker"
    first, second = acled(
        header,
        "E1,2016-09-19,Battles,Armed clash,A,B,1,2,Gunfire.,Tank,B",
        "E2,2016-09-19,Battles,Armed clash,A,B,1,2,Gunfire.,,",
    )
    assert (first.weapon, first.attacker) == ("tank", "B")
    assert (second.weapon, second.attacker) == ("small_arms", "")


def test_names_and_spacing_of_event_types_are_normalized() -> None:
    (incident,) = acled(
        "event_id_cnty,event_date,event_type,sub_event_type,actor1,latitude,longitude",
        "E1,2016-09-19,explosions / remote violence,AIR/DRONE STRIKE,A,1,2",
    )
    assert (incident.event_type, incident.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )


def test_imprecise_dates_keep_the_reported_date() -> None:
    """time_precision 2 and 3 widen the range but keep ACLED's own event_date for outputs."""
    import io

    from ceasefire.sources import BadRows, read_acled

    text = (
        "event_id_cnty,event_date,time_precision,event_type,actor1,latitude,longitude\n"
        "A1,2016-09-21,2,Battles,X,36.2,37.1\n"
        "A2,2016-09-21,3,Battles,X,36.2,37.1\n"
        "A3,2016-09-21,1,Battles,X,36.2,37.1\n"
    )
    got = list(read_acled(io.StringIO(text), "t.csv", BadRows()))
    assert [(i.date.day, (i.date_end or i.date).day, (i.date_reported or i.date).day) for i in got] == [
        (18, 24, 21),
        (1, 30, 21),
        (21, 21, 21),
    ]

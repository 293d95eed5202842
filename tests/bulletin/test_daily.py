"""The day's bulletin computed from hand-made findings: counts per party, obligation, area and
weapon (each incident once per row, at its worst status), the change against the day before,
the ranking of notable incidents, access states, clocks and claims."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from factories import ZONE, agreement, incident, obligation
from shapely.geometry import Polygon

from ceasefire.bulletin import content, daily
from ceasefire.bulletin.content import Grading, Inputs, RunInfo
from ceasefire.model import Clock, Finding, Rule, Zone
from ceasefire.news.verdicts import ClaimVerdict

DAY = dt.date(2016, 9, 19)
BESIEGED = Polygon([(37.0, 36.0), (37.1, 36.0), (37.1, 36.1), (37.0, 36.1)])
AGREEMENT = agreement(
    obligation("cease", Rule("no_attacks")),
    obligation("access", Rule("humanitarian_access", routes=("r",), distance_m=1000.0), category="humanitarian_access"),
    obligation(
        "protect", Rule("no_attacks", event_types=("Violence against civilians",)), category="civilian_protection"
    ),
    obligation("quiet", Rule("condition", over=("cease",), max_per_day=1, consecutive_days=3), category="coordination"),
    zones=(Zone("z", "Designated", "designated_area", ZONE), Zone("town", "Besieged town", "besieged_area", BESIEGED)),
)
IN_TOWN = (36.05, 37.05)  # (lat, lon) inside the besieged town
ON_ROAD = (35.2, 38.0)  # on route r of the factories (38.0 E, 35.0-35.5 N)
ELSEWHERE = (34.0, 39.0)  # in no zone, far from the road


def finding(
    incident_id: str,
    obligation_id: str,
    status: str,
    day: dt.date = DAY,
    *,
    parties: tuple[str, ...] = (),
    at: tuple[float, float] = ELSEWHERE,
    weapon: str = "artillery",
    fatalities: int = 0,
    confidence: float = 1.0,
    radius_m: float = 0.0,
) -> Finding:
    return Finding.from_document(
        {
            "id": f"{obligation_id}:{incident_id}",
            "category": "",
            "rule": "",
            "distance_m": None,
            "obligation": obligation_id,
            "status": status,
            "parties": list(parties),
            "attribution": "certain" if parties else "unknown",
            "incidents": [incident_id],
            "date": day.isoformat(),
            "lat": at[0],
            "lon": at[1],
            "confidence": confidence,
            "explanation": f"why {obligation_id}:{incident_id}",
            "weapon": weapon,
            "location": f"place {incident_id}",
            "fatalities": fatalities,
            "radius_m": radius_m,
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack",
            "actor1": "Army",
            "actor2": "Civilians",
            "source": "SOHR",
        }
    )


BEFORE = DAY - dt.timedelta(days=1)
FINDINGS = [
    # i1: one incident breaking two obligations, in the besieged town: counts once per party/weapon/area
    finding("i1", "cease", "violation", parties=("gov",), at=IN_TOWN),
    finding("i1", "access", "violation", parties=("gov",), at=IN_TOWN),
    # i2: unattributed air strike with the most dead, a possible violation only
    finding("i2", "cease", "possible_violation", weapon="aircraft", fatalities=20, confidence=0.5),
    # i4: possible for one obligation, violation for another: worst status (violation) per row
    finding("i4", "cease", "possible_violation", parties=("opp",), weapon="small_arms", confidence=0.8),
    finding("i4", "protect", "violation", parties=("opp",), weapon="small_arms", confidence=0.8),
    # i5: exempt only: counted nowhere but in the exempt total
    finding("i5", "cease", "exempt", weapon="aircraft"),
    # the day before
    finding("i6", "cease", "violation", BEFORE, parties=("gov",)),
    finding("i7", "cease", "possible_violation", BEFORE, parties=("opp",), weapon="mortar"),
]
INCIDENTS = {
    i: incident(i, day=day, admin1=admin1)
    for i, day, admin1 in (
        ("i1", 19, "North"),
        ("i2", 19, "South"),
        ("i4", 19, "North"),
        ("i5", 19, "South"),
        ("i6", 18, "North"),
        ("i7", 18, "East"),
    )
}
CLOCK = Clock.from_document(
    {
        "obligation": "quiet",
        "met_on": "2016-09-20",
        "over": ["cease"],
        "max_per_day": 1,
        "consecutive_days": 3,
        "days": [
            {"date": "2016-09-17", "violations": 0, "quiet": True},
            {"date": "2016-09-18", "violations": 1, "quiet": True},
            {"date": "2016-09-19", "violations": 2, "quiet": False},
            {"date": "2016-09-20", "violations": 0, "quiet": True},
        ],
    }
)
RUN = RunInfo(1, "2026-01-01T00:00:00Z", 1, 7, len(FINDINGS), 5)


def inputs(findings: list[Finding] = FINDINGS, **kw: Any) -> Inputs:
    return Inputs(
        agreement=kw.pop("agreement", AGREEMENT),
        run=RUN,
        findings=findings,
        clocks=[CLOCK],
        incidents=kw.pop("incidents", INCIDENTS),
        **kw,
    )


@pytest.fixture(scope="module")
def bulletin() -> content.Bulletin:
    return daily.compute(inputs(), DAY)


def row(b: content.Bulletin, table: str, label: str) -> tuple[int, int, int, int]:
    t = next(t for t in b.counts if t.title.startswith(table))
    r = next(r for r in t.rows if r.label == label)
    return r.violation, r.possible, r.was_violation, r.was_possible


COUNTS = [  # table, row label, (violations, possible, the day before: violations, possible)
    ("By party", "Government", (1, 0, 1, 0)),  # i1 counted once although it has two findings
    ("By party", "Opposition", (1, 0, 0, 1)),  # i4 at its worst (violation); i7 possible the day before
    ("By party", "Ally", (0, 0, 0, 0)),  # every party has a row, even without findings
    ("By party", "unattributed", (0, 1, 0, 0)),  # i2
    ("By obligation", "cease", (1, 2, 1, 1)),  # i1; i2 and i4 possible
    ("By obligation", "access", (1, 0, 0, 0)),
    ("By obligation", "protect", (1, 0, 0, 0)),
    ("By area: governorate", "North", (2, 0, 1, 0)),  # i1, i4; i6 before
    ("By area: governorate", "South", (0, 1, 0, 0)),  # i2 (i5 is exempt only)
    ("By area: governorate", "East", (0, 0, 0, 1)),  # only the day before: still a row
    ("By area: zone", "Besieged town", (1, 0, 0, 0)),
    ("By area: zone", "outside every zone", (1, 1, 1, 1)),
    ("By weapon", "artillery", (1, 0, 1, 0)),  # i1 once, not twice
    ("By weapon", "aircraft", (0, 1, 0, 0)),
    ("By weapon", "small_arms", (1, 0, 0, 0)),
    ("By weapon", "mortar", (0, 0, 0, 1)),
]


@pytest.mark.parametrize(("table", "label", "expected"), COUNTS, ids=[f"{t}-{label}" for t, label, _ in COUNTS])
def test_counts(bulletin: content.Bulletin, table: str, label: str, expected: tuple[int, int, int, int]) -> None:
    assert row(bulletin, table, label) == expected


def test_verified_obligations_only_and_clock_excluded(bulletin: content.Bulletin) -> None:
    labels = [r.label for r in next(t for t in bulletin.counts if t.title == "By obligation").rows]
    assert labels == ["cease", "access", "protect"]  # agreement order; the clock is not counted


def test_totals_and_change(bulletin: content.Bulletin) -> None:
    assert bulletin.totals == {"violation": 2, "possible": 1, "exempt": 1, "incidents": 4, "reported": 4}
    assert bulletin.was == {"violation": 1, "possible": 1, "exempt": 0, "incidents": 2, "reported": 2}
    assert bulletin.previous == "2016-09-18"
    assert (
        "2 incidents gave violations and 1 gave possible violations only (the day before: 1 and 1)" in bulletin.summary
    )


def test_notable_ranked_by_fatalities_then_status_then_confidence(bulletin: content.Bulletin) -> None:
    assert [n.incident for n in bulletin.notable] == ["i2", "i1", "i4"]  # i5 (exempt) is not notable
    assert [n.number for n in bulletin.notable] == [1, 2, 3]
    top = bulletin.notable[0]
    assert (top.fatalities, top.status, top.grading) == (20, "possible_violation", "ungraded")
    assert [f.obligation for f in bulletin.notable[1].findings] == ["access", "cease"]
    assert bulletin.notable[1].findings[0].explanation == "why access:i1"
    assert "Most serious: place i2, 20 reported killed (possible violation)." in bulletin.summary


def test_at_most_eight_notable() -> None:
    many = [finding(f"m{n}", "cease", "violation", parties=("gov",), fatalities=n) for n in range(12)]
    made = daily.compute(inputs(many), DAY)
    assert [n.fatalities for n in made.notable] == [11, 10, 9, 8, 7, 6, 5, 4]


def test_grading_from_a_case() -> None:
    grading = Grading(3, "violation", (("SOHR", "B", 2), ("State media", "E", 5)))
    made = daily.compute(inputs(gradings={"i1": grading}), DAY)
    graded = {n.incident: n.grading for n in made.notable}
    assert graded["i1"] == "case 3 (violation): SOHR B2; State media E5"
    assert graded["i2"] == graded["i4"] == "ungraded"


ACCESS = [  # findings of the day, route state, town state
    ([], "no obstruction reported", "no obstruction reported"),
    ([finding("a1", "access", "possible_violation", at=ON_ROAD)], "possibly obstructed", "no obstruction reported"),
    (
        [
            finding("a1", "access", "possible_violation", at=ON_ROAD),
            finding("a2", "access", "violation", at=(35.2, 38.005)),
        ],
        "obstructed",
        "no obstruction reported",
    ),  # 450 m from the road: within the obligation's 1 km
    (
        [finding("a3", "access", "violation", at=(35.2, 38.05))],
        "no obstruction reported",
        "no obstruction reported",
    ),  # 4.5 km off
    ([finding("a4", "access", "violation", at=IN_TOWN)], "no obstruction reported", "obstructed"),
    ([finding("a5", "cease", "violation", at=IN_TOWN)], "no obstruction reported", "no obstruction reported"),
]


@pytest.mark.parametrize(
    ("found", "road", "town"), ACCESS, ids=["none", "possible", "violation", "far", "town", "not-access"]
)
def test_access_states(found: list[dict[str, Any]], road: str, town: str) -> None:
    made = daily.compute(inputs([*found, finding("x", "cease", "exempt")]), DAY)
    states = {a.id: a.state for a in made.access}
    assert states == {"r": road, "town": town}


def test_other_incidents_near_a_place_are_listed() -> None:
    made = daily.compute(inputs([finding("a5", "cease", "violation", at=IN_TOWN)]), DAY)
    town = next(a for a in made.access if a.id == "town")
    assert [f.id for f in town.nearby] == ["cease:a5"] and town.findings == ()


@pytest.mark.parametrize(
    ("day", "run", "met", "shown"),
    [
        (DAY, 0, None, 3),  # the 19th is not quiet; met on the 20th is not yet known on the 19th
        (BEFORE, 2, None, 2),  # 17th and 18th quiet
        (DAY + dt.timedelta(days=1), 1, "2016-09-20", 4),
    ],
    ids=["loud-day", "two-quiet", "met"],
)
def test_clock_up_to_the_day(day: dt.date, run: int, met: str | None, shown: int) -> None:
    clock = daily.compute(inputs(), day).clocks[0]
    assert (clock.quiet_run, clock.met_on, len(clock.days)) == (run, met, shown)
    assert clock.days[-1][0] == day.isoformat() and clock.consecutive_days == 3


def test_claims_of_the_day_with_their_findings() -> None:
    claims = [
        {
            "speaker": "Ministry",
            "speaker_party": "opp",
            "cited_by": None,
            "kind": "accusation",
            "accused": ["gov"],
            "obligation": "cease",
            "quote": "They shelled us.",
            "date": "2016-09-19",
            "verdict": "supports",
            "explanation": "borne out",
            "findings": ["cease:i1", "cease:i6", "cease:gone"],
        },
        {
            "speaker": "Other",
            "speaker_party": "gov",
            "cited_by": None,
            "kind": "denial",
            "accused": ["gov"],
            "obligation": "cease",
            "quote": "Not us.",
            "date": "2016-09-18",
            "verdict": "contradicts",
            "explanation": "",
            "findings": [],
        },
    ]
    judged = [ClaimVerdict.from_document({"file": "", "category": None, "sentence": 0, **c}) for c in claims]
    made = daily.compute(inputs(claims=judged), DAY)
    assert [c.speaker for c in made.claims] == ["Ministry"]
    assert [f.id for f in made.claims[0].findings] == ["cease:i1", "cease:i6"]  # unknown ids dropped


def test_map_points_one_per_incident_with_notable_numbers(bulletin: content.Bulletin) -> None:
    points = {p.incident: (p.status, p.number) for p in bulletin.points}
    assert points == {
        "i1": ("violation", 2),
        "i2": ("possible_violation", 1),
        "i4": ("violation", 3),
        "i5": ("exempt", None),
    }


@pytest.mark.parametrize("day", [dt.date(2016, 9, 16), dt.date(2016, 9, 21)], ids=["before", "after"])
def test_a_day_outside_the_run_is_refused(day: dt.date) -> None:
    with pytest.raises(content.OutsideRun, match=r"outside run 1 \(2016-09-17 to 2016-09-20\)"):
        daily.compute(inputs(), day)


def test_days_of_the_run() -> None:
    lines = daily.days(FINDINGS, [CLOCK])
    assert [(d.date, d.violation, d.possible, d.incidents) for d in lines] == [
        ("2016-09-17", 0, 0, 0),
        ("2016-09-18", 1, 1, 2),
        ("2016-09-19", 2, 1, 4),
        ("2016-09-20", 0, 0, 0),
    ]


def _event(representative: str, records: tuple[str, ...], obligation_id: str = "cease", **kw: Any) -> Finding:
    """A finding of an event made from ``representative``, listing ``records`` (canonical order)."""
    return dataclasses.replace(finding(representative, obligation_id, "violation", **kw), incidents=records)


AREA_RECORDS = {  # record id -> admin1 ("": the record gives none, as a monitor's point)
    "acled-n": "North",
    "acled-s": "South",
    "ged-e": "East",
    "mon": "",
    "news": "",
}
AREA_CASES = [  # (representative, the event's records in canonical order, its area)
    ("acled-n", ("acled-n",), "North"),
    ("mon", ("acled-s", "mon"), "South"),  # the monitor's point takes the ACLED record's area
    ("mon", ("mon", "acled-s"), "South"),  # whichever record comes first
    ("mon", ("mon", "news", "ged-e", "acled-n"), "East"),  # the first record that gives one
    ("acled-n", ("acled-s", "acled-n"), "North"),  # records differ: the representative's wins
    ("mon", ("mon", "news"), "not known"),
    ("report-3", ("report-3", "acled-s"), "South"),  # a report is no incident at hand
]


@pytest.mark.parametrize(
    ("representative", "records", "area"), AREA_CASES, ids=[f"{r}-of-{'+'.join(e)}" for r, e, _ in AREA_CASES]
)
def test_an_events_area_is_the_admin1_its_records_give(
    representative: str, records: tuple[str, ...], area: str
) -> None:
    """In the "By area" table and the notable incident alike (issue 13)."""
    incidents = {i: incident(i, day=19, admin1=a) for i, a in AREA_RECORDS.items()}
    made = daily.compute(inputs([_event(representative, records)], incidents=incidents), DAY)
    (table,) = [t for t in made.counts if t.title.startswith("By area: governorate")]
    assert [(r.label, r.violation) for r in table.rows] == [(area, 1)]
    assert [n.admin1 for n in made.notable] == [area if area != "not known" else ""]


def test_an_event_judged_from_different_records_counts_in_one_area() -> None:
    """Two obligations whose findings of one event were made from different records, which name
    different governorates: the event counts once, in the area of its worst finding's record."""
    incidents = {i: incident(i, day=19, admin1=a) for i, a in AREA_RECORDS.items()}
    event = ("acled-n", "acled-s")
    found = [
        dataclasses.replace(_event("acled-n", event), status="possible_violation"),
        _event("acled-s", event, "protect"),
    ]
    made = daily.compute(inputs(found, incidents=incidents), DAY)
    (table,) = [t for t in made.counts if t.title.startswith("By area: governorate")]
    assert [(r.label, r.violation, r.possible) for r in table.rows] == [("South", 1, 0)]
    assert [n.admin1 for n in made.notable] == ["South"]

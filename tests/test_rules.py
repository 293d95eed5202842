"""The rule semantics of docs/contracts.md, one row per rule-table row and attribution case."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from factories import agreement, findings, incident, obligation, run

from ceasefire.model import Incident, Rule

GOV = "Military Forces of Testland (2000-)"
OPP = "Free Army"
ALLY = "Allied Air Force"
MILITIA = "Hill Militia"
ISIS = "Islamic State (Testland)"
UNKNOWN = "Unidentified Armed Group (Testland)"
CIVILIANS = "Civilians (Testland)"
AIR = {"sub_event_type": "Air/drone strike"}
BATTLE = {"event_type": "Battles", "sub_event_type": "Armed clash"}

NO_ATTACKS = obligation("cease", Rule("no_attacks"))

# (id, incident keywords, expected (status, parties, attribution) or None for no finding)
NO_ATTACKS_CASES: list[tuple[str, dict[str, Any], tuple[str, tuple[str, ...], str] | None]] = [
    ("one-sided-bound-perpetrator", {"actor1": GOV, "actor2": CIVILIANS}, ("violation", ("gov",), "certain")),
    ("one-sided-no-target-named", {"actor1": GOV}, ("violation", ("gov",), "certain")),
    ("one-sided-against-excluded", {"actor1": GOV, "actor2": ISIS}, ("exempt", ("gov",), "certain")),
    (
        "one-sided-mixed-target",
        {"actor1": GOV, "actor2": ISIS, "assoc_actor_2": OPP},
        ("possible_violation", ("gov",), "certain"),
    ),
    (
        "one-sided-joint-perpetrators",
        {"actor1": GOV, "assoc_actor_1": ALLY, "actor2": CIVILIANS},
        ("violation", ("gov", "ally"), "certain"),
    ),
    ("unknown-perpetrator", {"actor1": UNKNOWN, "actor2": CIVILIANS}, ("possible_violation", (), "unknown")),
    ("no-perpetrator-at-all", {"actor2": CIVILIANS}, ("possible_violation", (), "unknown")),
    ("unknown-against-excluded", {"actor1": UNKNOWN, "actor2": ISIS}, ("exempt", (), "unknown")),
    ("excluded-perpetrator", {"actor1": ISIS, "actor2": GOV}, None),
    ("party-not-bound", {"actor1": MILITIA, "actor2": CIVILIANS}, None),
    ("unresolved-named-actor", {"actor1": "Some Brigade", "actor2": CIVILIANS}, None),
    ("battle-two-bound-parties", {**BATTLE, "actor1": GOV, "actor2": OPP}, ("violation", ("gov", "opp"), "ambiguous")),
    (
        "battle-attacker-named",
        {**BATTLE, "actor1": GOV, "actor2": OPP, "attacker": OPP},
        ("violation", ("opp",), "certain"),
    ),
    ("battle-attacker-not-bound", {**BATTLE, "actor1": GOV, "actor2": MILITIA, "attacker": MILITIA}, None),
    ("battle-against-excluded", {**BATTLE, "actor1": GOV, "actor2": ISIS}, ("exempt", ("gov",), "certain")),
    ("battle-excluded-first", {**BATTLE, "actor1": ISIS, "actor2": OPP}, ("exempt", ("opp",), "certain")),
    (
        "battle-against-unbound-party",
        {**BATTLE, "actor1": GOV, "actor2": MILITIA},
        ("possible_violation", ("gov",), "ambiguous"),
    ),
    (
        "battle-against-mixed",
        {**BATTLE, "actor1": GOV, "actor2": OPP, "assoc_actor_2": ISIS},
        ("possible_violation", ("gov", "opp"), "ambiguous"),
    ),
    ("battle-infighting", {**BATTLE, "actor1": GOV, "actor2": "Army"}, None),
    ("battle-neither-bound", {**BATTLE, "actor1": MILITIA, "actor2": ISIS}, None),
    ("protest-not-an-attack", {"event_type": "Protests", "actor1": GOV}, None),
    ("strategic-not-an-attack", {"event_type": "Strategic developments", "actor1": GOV}, None),
    (
        "alias-case-insensitive",
        {"actor1": "military forces of testland", "actor2": CIVILIANS},
        ("violation", ("gov",), "certain"),
    ),
]


@pytest.mark.parametrize(("kw", "expected"), [c[1:] for c in NO_ATTACKS_CASES], ids=[c[0] for c in NO_ATTACKS_CASES])
def test_no_attacks_attribution(kw: dict[str, Any], expected: tuple[str, tuple[str, ...], str] | None) -> None:
    got = findings(agreement(NO_ATTACKS), incident(**kw)).get("cease:e1")
    assert got == expected


ZONE_IN = {"lat": 35.2, "lon": 36.2}  # the zone's centre, 20+ km from its edges
ZONE_OUT = {"lat": 35.2, "lon": 36.7}  # about 27 km east of the zone
ZONE_EDGE = {"lat": 35.2, "lon": 36.41}  # about 1 km outside the east edge

AIR_OBL = obligation("air", Rule("no_air_strikes", zones=("z",)), bound=("gov",), category="air_operations")
AIR_CASES: list[tuple[str, dict[str, Any], tuple[str, tuple[str, ...], str] | None]] = [
    ("bound-strike-inside", {**AIR, **ZONE_IN, "actor1": GOV}, ("violation", ("gov",), "certain")),
    ("bound-strike-outside", {**AIR, **ZONE_OUT, "actor1": GOV}, None),
    ("not-an-air-strike", {**ZONE_IN, "actor1": GOV, "sub_event_type": "Shelling/artillery/missile attack"}, None),
    ("drone-weapon-counts", {**ZONE_IN, "actor1": GOV, "weapon": "drone"}, ("violation", ("gov",), "certain")),
    (
        "unknown-strike-inside-aircraft-parties",
        {**AIR, **ZONE_IN, "actor1": "Unidentified Military Forces"},
        ("possible_violation", ("gov",), "ambiguous"),
    ),
    ("strike-on-excluded", {**AIR, **ZONE_IN, "actor1": GOV, "actor2": ISIS}, ("exempt", ("gov",), "certain")),
    ("unbound-party-strike", {**AIR, **ZONE_IN, "actor1": ALLY}, None),
    (
        "rough-location-straddles",
        {**AIR, **ZONE_EDGE, "actor1": GOV, "radius_m": 5000.0, "geo_precision": 2},
        ("possible_violation", ("gov",), "certain"),
    ),
    ("rough-location-far-out", {**AIR, **ZONE_OUT, "actor1": GOV, "radius_m": 5000.0, "geo_precision": 2}, None),
    (
        "rough-location-deep-inside",
        {**AIR, **ZONE_IN, "actor1": GOV, "radius_m": 5000.0, "geo_precision": 2},
        ("violation", ("gov",), "certain"),
    ),
]


@pytest.mark.parametrize(("kw", "expected"), [c[1:] for c in AIR_CASES], ids=[c[0] for c in AIR_CASES])
def test_no_air_strikes(kw: dict[str, Any], expected: tuple[str, tuple[str, ...], str] | None) -> None:
    assert findings(agreement(AIR_OBL), incident(**kw)).get("air:e1") == expected


def test_unknown_air_strike_lists_every_bound_aircraft_party() -> None:
    obl = obligation("air", Rule("no_air_strikes", zones=("z",)), bound=("gov", "opp", "ally"))
    got = findings(agreement(obl), incident(**AIR, **ZONE_IN, actor1=UNKNOWN))
    assert got["air:e1"] == ("possible_violation", ("gov", "ally"), "ambiguous")


def _east_of_route(km: float) -> dict[str, float]:
    """A point ``km`` east of the route at 38.0 E, 35.25 N (1 degree of longitude ≈ 91 km there)."""
    import pyproj

    lon, lat, _ = pyproj.Geod(ellps="WGS84").fwd(38.0, 35.25, 90.0, km * 1000)
    return {"lon": lon, "lat": lat}


KEEP_DIST = obligation(
    "kc", Rule("keep_clear", route="r", distance_m=2000.0), bound=("gov", "opp"), category="withdrawal"
)
KEEP_WEAPONS = obligation(
    "kw",
    Rule("keep_clear", route="r", weapons=(("artillery", 5000.0), ("mlrs", 10000.0))),
    bound=("gov", "opp"),
    category="withdrawal",
)
KEEP_CASES: list[tuple[str, Any, dict[str, Any], tuple[str, tuple[str, ...], str] | None]] = [
    ("distance-inside", KEEP_DIST, {**_east_of_route(1.0), "actor1": GOV}, ("violation", ("gov",), "certain")),
    ("distance-beyond", KEEP_DIST, {**_east_of_route(3.0), "actor1": GOV}, None),
    (
        "distance-battle",
        KEEP_DIST,
        {**_east_of_route(0.5), **BATTLE, "actor1": GOV, "actor2": OPP},
        ("violation", ("gov", "opp"), "ambiguous"),
    ),
    (
        "distance-strategic-development",
        KEEP_DIST,
        {**_east_of_route(1.0), "event_type": "Strategic developments", "actor1": OPP},
        ("violation", ("opp",), "certain"),
    ),
    ("distance-protest-ignored", KEEP_DIST, {**_east_of_route(1.0), "event_type": "Protests", "actor1": OPP}, None),
    (
        "distance-precision-straddles",
        KEEP_DIST,
        {**_east_of_route(4.0), "actor1": GOV, "radius_m": 5000.0},
        ("possible_violation", ("gov",), "certain"),
    ),
    (
        "weapons-artillery-inside",
        KEEP_WEAPONS,
        {**_east_of_route(4.0), "actor1": GOV, "weapon": "artillery"},
        ("violation", ("gov",), "certain"),
    ),
    ("weapons-artillery-beyond", KEEP_WEAPONS, {**_east_of_route(6.0), "actor1": GOV, "weapon": "artillery"}, None),
    (
        "weapons-mlrs-own-distance",
        KEEP_WEAPONS,
        {**_east_of_route(6.0), "actor1": GOV, "weapon": "mlrs"},
        ("violation", ("gov",), "certain"),
    ),
    ("weapons-unlisted-weapon", KEEP_WEAPONS, {**_east_of_route(0.1), "actor1": GOV, "weapon": "small_arms"}, None),
    ("weapons-unknown-weapon", KEEP_WEAPONS, {**_east_of_route(0.1), "actor1": GOV}, None),
]


@pytest.mark.parametrize(("obl", "kw", "expected"), [c[1:] for c in KEEP_CASES], ids=[c[0] for c in KEEP_CASES])
def test_keep_clear(obl: Any, kw: dict[str, Any], expected: tuple[str, tuple[str, ...], str] | None) -> None:
    assert findings(agreement(obl), incident(**kw)).get(f"{obl.id}:e1") == expected


def test_keep_clear_from_line_and_zone() -> None:
    line_rule = obligation("kl", Rule("keep_clear", line="l", distance_m=10_000.0), bound=("gov",))
    zone_rule = obligation("kz", Rule("keep_clear", zone="z", distance_m=3_000.0), bound=("gov",))
    near_line = incident("a", lat=34.5, lon=40.05, actor1=GOV)  # ~4.6 km east of the line
    far_line = incident("b", lat=34.5, lon=40.2, actor1=GOV)  # ~18 km
    in_zone = incident("c", **ZONE_IN, actor1=GOV)  # distance 0 inside the zone
    near_zone = incident("d", **ZONE_EDGE, actor1=GOV)  # ~0.9 km out
    got = findings(agreement(line_rule, zone_rule), near_line, far_line, in_zone, near_zone)
    assert set(got) == {"kl:a", "kz:c", "kz:d"}


TERRITORY = {"event_type": "Strategic developments", "sub_event_type": "Government regains territory"}
GAINS = obligation("gains", Rule("no_territorial_gains"), bound=("gov", "opp"), category="territorial_status_quo")
GAIN_CASES: list[tuple[str, dict[str, Any], tuple[str, tuple[str, ...], str] | None]] = [
    (
        "government-takes-from-opposition",
        {**TERRITORY, "actor1": GOV, "actor2": OPP},
        ("violation", ("gov",), "certain"),
    ),
    ("government-takes-from-excluded", {**TERRITORY, "actor1": GOV, "actor2": ISIS}, ("exempt", ("gov",), "certain")),
    (
        "opposition-overtakes",
        {
            "event_type": "Battles",
            "sub_event_type": "Non-state actor overtakes territory",
            "actor1": OPP,
            "actor2": GOV,
        },
        ("violation", ("opp",), "certain"),
    ),
    ("not-a-territory-change", {"actor1": GOV, "actor2": OPP}, None),
]


@pytest.mark.parametrize(("kw", "expected"), [c[1:] for c in GAIN_CASES], ids=[c[0] for c in GAIN_CASES])
def test_no_territorial_gains(kw: dict[str, Any], expected: tuple[str, tuple[str, ...], str] | None) -> None:
    assert findings(agreement(GAINS), incident(**kw)).get("gains:e1") == expected


ACCESS = obligation("aid", Rule("humanitarian_access"), bound=("gov", "opp", "ally"), category="humanitarian_access")
ACCESS_ROUTE = obligation(
    "aid-road",
    Rule("humanitarian_access", routes=("r",), distance_m=1000.0),
    bound=("gov", "opp"),
    category="route_access",
)
ACCESS_CASES: list[tuple[str, Any, dict[str, Any], tuple[str, tuple[str, ...], str] | None]] = [
    (
        "attack-on-aid-workers",
        ACCESS,
        {"actor1": GOV, "actor2": "Aid Workers (Testland)"},
        ("violation", ("gov",), "certain"),
    ),
    (
        "convoy-in-notes-unknown-perpetrator",
        ACCESS,
        {"actor1": UNKNOWN, "actor2": CIVILIANS, "notes": "An aid convoy of the Red Crescent was hit on the road."},
        ("possible_violation", (), "unknown"),
    ),
    (
        "looting-aid-supplies",
        ACCESS,
        {
            "event_type": "Strategic developments",
            "sub_event_type": "Looting/property destruction",
            "actor1": OPP,
            "notes": "Fighters seized aid supplies from a warehouse.",
        },
        ("violation", ("opp",), "certain"),
    ),
    ("attack-not-on-aid", ACCESS, {"actor1": GOV, "actor2": CIVILIANS, "notes": "Shelling of a market."}, None),
    ("military-convoy-is-not-aid", ACCESS, {"actor1": GOV, "notes": "A military convoy was ambushed."}, None),
    (
        "route-near",
        ACCESS_ROUTE,
        {**_east_of_route(0.5), "actor1": GOV, "actor2": "UN: United Nations"},
        ("violation", ("gov",), "certain"),
    ),
    ("route-far", ACCESS_ROUTE, {**_east_of_route(5.0), "actor1": GOV, "actor2": "UN: United Nations"}, None),
]


@pytest.mark.parametrize(("obl", "kw", "expected"), [c[1:] for c in ACCESS_CASES], ids=[c[0] for c in ACCESS_CASES])
def test_humanitarian_access(obl: Any, kw: dict[str, Any], expected: tuple[str, tuple[str, ...], str] | None) -> None:
    assert findings(agreement(obl), incident(**kw)).get(f"{obl.id}:e1") == expected


def test_no_attacks_event_and_zone_filters() -> None:
    only_vac = obligation("vac", Rule("no_attacks", event_types=("Violence against civilians",)))
    only_air = obligation("air", Rule("no_attacks", sub_event_types=("Air/drone strike",)))
    in_zone = obligation("inz", Rule("no_attacks", zones=("z",)))
    events = [
        incident("vac", event_type="Violence against civilians", actor1=GOV, **ZONE_OUT),
        incident("air", **AIR, actor1=GOV, **ZONE_IN),
        incident("battle", **BATTLE, actor1=GOV, actor2=OPP, **ZONE_OUT),
    ]
    got = findings(agreement(only_vac, only_air, in_zone), *events)
    assert set(got) == {"vac:vac", "air:air", "inz:air"}


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"day": 11}, None),  # before the obligation started
        ({"day": 12}, "possible_violation"),  # the start day: in force from 19:00 only
        ({"day": 13}, "violation"),
        ({"day": 1, "date_end": dt.date(2016, 9, 30), "date_precision": 3}, "possible_violation"),  # a month
        ({"day": 20, "date_end": dt.date(2016, 9, 26), "date_precision": 2}, "violation"),  # a week, all inside
    ],
    ids=["before", "start-day", "after", "month-straddles-start", "week-inside"],
)
def test_time_window(kw: dict[str, Any], expected: str | None) -> None:
    got = findings(agreement(NO_ATTACKS), incident(actor1=GOV, **kw)).get("cease:e1")
    assert (got[0] if got else None) == expected


def test_until_and_expiry_end_the_window() -> None:
    until = dt.datetime(2016, 9, 15, 0, 0, tzinfo=dt.UTC)  # 03:00 local on the 15th
    ended = obligation("ended", Rule("no_attacks"), until=until)
    got = findings(
        agreement(ended), incident("a", 14, actor1=GOV), incident("b", 15, actor1=GOV), incident("c", 16, actor1=GOV)
    )
    assert got["ended:a"][0] == "violation"
    assert got["ended:b"][0] == "possible_violation"
    assert "ended:c" not in got
    expired = agreement(NO_ATTACKS, expires=until)
    assert "cease:c" not in findings(expired, incident("c", 16, actor1=GOV))


def test_rule_less_obligation_is_never_verified() -> None:
    tracked = obligation("separate", None, category="separation_of_forces")
    assert findings(agreement(tracked), incident(actor1=GOV)) == {}


def test_every_incident_against_every_obligation() -> None:
    obls = [obligation(f"o{i}", Rule("no_attacks")) for i in range(4)]
    events = [incident(f"e{i}", 13 + i % 5, actor1=GOV) for i in range(25)]
    assert len(findings(agreement(*obls), *events)) == 4 * 25


def test_finding_explains_itself() -> None:
    ag = agreement(obligation("kw", Rule("keep_clear", route="r", weapons=(("artillery", 5000.0),)), bound=("gov",)))
    event = incident(**_east_of_route(4.0), actor1=GOV, weapon="artillery", location="Testville")
    (finding,) = run(ag, event).finding_objects()
    text = finding.explanation
    for part in (
        "kw (keep_clear)",
        "e1",
        "Testville",
        "2016-09-14",
        "gov",
        "4.0 km from route 'r'",
        "limit 5.0 km for artillery",
        "violation",
        "confidence 1.00",
    ):
        assert part in text, (part, text)
    assert finding.distance_m == pytest.approx(4000, rel=1e-3)


def test_confidence_reflects_uncertainty() -> None:
    ag = agreement(AIR_OBL)
    sure = incident("sure", **AIR, **ZONE_IN, actor1=GOV)
    rough = incident("rough", **AIR, **ZONE_EDGE, actor1=GOV, radius_m=5000.0)
    unknown = incident("unk", **AIR, **ZONE_IN, actor1=UNKNOWN)
    conf = {f.id: f.confidence for f in run(ag, sure, rough, unknown).finding_objects()}
    assert conf["air:sure"] == 1.0
    assert 0 < conf["air:rough"] < 0.5  # the disc's centre lies outside the zone
    assert conf["air:unk"] == 0.5


def test_duplicate_field_values_resolve_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from ceasefire.actor_resolution import AliasResolver

    calls: list[str] = []
    original = AliasResolver._resolve_uncached

    def counting(self: AliasResolver, actor: str) -> Any:
        calls.append(actor)
        return original(self, actor)

    monkeypatch.setattr(AliasResolver, "_resolve_uncached", counting)
    events = [incident(f"e{i}", actor1=GOV, actor2=CIVILIANS) for i in range(500)]
    assert len(findings(agreement(NO_ATTACKS), *events)) == 500
    assert sorted(calls) == sorted({GOV, CIVILIANS})


def test_incident_dataclass_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        incident().id = "x"  # type: ignore[misc]
    assert Incident.__slots__

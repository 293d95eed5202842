"""Frozen dataclasses passed between layers: agreements, incidents, findings, clocks, claims.

The vocabularies (categories, zone kinds, rule kinds, weapon classes, statuses) are the fixed
contract of ``ceasefire/agreement/v1`` (see docs/agreement.md). Geometries are shapely 2 objects
in WGS84 longitude/latitude; every distance in this package is in metres.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ATTRIBUTIONS",
    "CATEGORIES",
    "REPORT_PREFIX",
    "RULE_KINDS",
    "STATUSES",
    "WEAPON_CLASSES",
    "ZONE_KINDS",
    "Agreement",
    "Clock",
    "ClockDay",
    "ExcludedGroup",
    "Finding",
    "Incident",
    "Line",
    "NewsClaim",
    "Obligation",
    "Party",
    "Route",
    "Rule",
    "Zone",
]

CATEGORIES = (
    "cessation_of_hostilities",
    "air_operations",
    "humanitarian_access",
    "route_access",
    "withdrawal",
    "separation_of_forces",
    "territorial_status_quo",
    "civilian_protection",
    "detainees",
    "monitoring_and_reporting",
    "coordination",
)
ZONE_KINDS = ("designated_area", "besieged_area", "demilitarized_zone", "security_zone", "other")
RULE_KINDS = (
    "no_attacks",
    "no_air_strikes",
    "keep_clear",
    "no_territorial_gains",
    "humanitarian_access",
    "condition",
)
# The incident id of submitted report N is "report-N"; event files may not use the prefix, so a
# report and an imported event can never share an id (sources.fields.parse_id refuses it).
REPORT_PREFIX = "report-"

WEAPON_CLASSES = (
    "small_arms",
    "mortar",
    "artillery",
    "mlrs",
    "heavy_mlrs",
    "tank",
    "atgm",
    "aircraft",
    "drone",
    "missile",
    "ied",
    "chemical",
    "other",
)
STATUSES = ("violation", "possible_violation", "exempt")
ATTRIBUTIONS = ("certain", "ambiguous", "unknown")


@dataclass(frozen=True, slots=True)
class Party:
    """An actor bound by, or guaranteeing, the agreement."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    side: str | None = None
    guarantor: str | None = None
    aircraft: bool = False


@dataclass(frozen=True, slots=True)
class ExcludedGroup:
    """A group outside the truce: acts against it are not violations."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Zone:
    id: str
    name: str
    kind: str
    geometry: Any  # shapely Polygon | MultiPolygon


@dataclass(frozen=True, slots=True)
class Route:
    id: str
    name: str
    geometry: Any  # shapely LineString | MultiLineString


@dataclass(frozen=True, slots=True)
class Line:
    id: str
    name: str
    geometry: Any  # shapely LineString | MultiLineString


@dataclass(frozen=True, slots=True)
class Rule:
    """How an obligation is verified. Only the fields of its ``kind`` are set (docs/rules.md)."""

    kind: str
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    route: str | None = None
    zone: str | None = None
    line: str | None = None
    distance_m: float | None = None
    weapons: tuple[tuple[str, float], ...] = ()  # (weapon class, distance in metres)
    over: tuple[str, ...] = ()
    max_per_day: int = 0
    consecutive_days: int = 0


@dataclass(frozen=True, slots=True)
class Obligation:
    id: str
    category: str
    text: str
    bound: tuple[str, ...]
    start: dt.datetime  # timezone-aware; defaults to the agreement's ``effective``
    until: dt.datetime | None = None
    rule: Rule | None = None


@dataclass(frozen=True, slots=True)
class Agreement:
    id: str
    title: str
    effective: dt.datetime
    timezone: str
    parties: tuple[Party, ...]
    excluded: tuple[ExcludedGroup, ...] = ()
    zones: tuple[Zone, ...] = ()
    routes: tuple[Route, ...] = ()
    lines: tuple[Line, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    signed: dt.date | None = None
    expires: dt.datetime | None = None
    source: str = ""  # the file it was loaded from, for messages

    def party(self, party_id: str) -> Party:
        return next(p for p in self.parties if p.id == party_id)

    def obligation(self, obligation_id: str) -> Obligation:
        return next(o for o in self.obligations if o.id == obligation_id)


@dataclass(frozen=True, slots=True)
class Incident:
    """One event, normalized from any source.

    ``date``..``date_end`` is the range the event may have happened in (inclusive, local dates);
    ``date_reported`` is the date the source gives (ACLED's ``event_date``; None: ``date``), which
    outputs echo and daily counts use;
    ``radius_m`` is how far from (lat, lon) it may have happened (0 for an exact place).
    Actor fields keep the source's own strings; several actors in one field are separated by ';'.
    """

    id: str
    source: str  # acled | ucdp | gdelt | geojson | report
    date: dt.date
    lat: float
    lon: float
    event_type: str  # ACLED taxonomy (docs/inputs.md)
    sub_event_type: str = ""
    actor1: str = ""
    assoc_actor_1: str = ""
    actor2: str = ""
    assoc_actor_2: str = ""
    attacker: str = ""  # who started a battle, when the source names it
    weapon: str = ""  # a weapon class, or "" when not known
    date_end: dt.date | None = None  # None: same as ``date``
    date_precision: int = 1
    geo_precision: int = 1
    radius_m: float = 0.0
    fatalities: int = 0
    country: str = ""
    admin1: str = ""
    location: str = ""
    notes: str = ""
    source_name: str = ""  # the reporting source(s), e.g. ACLED's ``source`` column
    file: str = ""
    line: int = 0
    date_reported: dt.date | None = None

    @property
    def last_date(self) -> dt.date:
        return self.date_end or self.date


@dataclass(frozen=True, slots=True)
class Finding:
    """One incident judged against one obligation, explaining itself."""

    id: str
    obligation: str
    category: str
    status: str
    parties: tuple[str, ...]
    attribution: str
    incidents: tuple[str, ...]
    date: dt.date
    lat: float
    lon: float
    confidence: float
    explanation: str
    rule: str = ""
    distance_m: float | None = None
    radius_m: float = 0.0
    event_type: str = ""
    sub_event_type: str = ""
    weapon: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ClockDay:
    date: dt.date
    violations: int
    quiet: bool


@dataclass(frozen=True, slots=True)
class Clock:
    obligation: str
    over: tuple[str, ...]
    max_per_day: int
    consecutive_days: int
    met_on: dt.date | None
    days: tuple[ClockDay, ...]


@dataclass(frozen=True, slots=True)
class NewsClaim:
    """One attributed statement found in a news article (``ceasefire.news.claims`` extracts
    them, the store keeps them); fields as in ``claims --format json``."""

    file: str
    speaker: str
    speaker_party: str | None
    cited_by: str | None
    kind: str
    accused: tuple[str, ...]
    obligation: str | None
    category: str | None
    quote: str
    sentence: int
    date: dt.date | None = None  # the article's date; not in ``claims --format json``

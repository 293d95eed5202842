"""Frozen dataclasses passed between layers: agreements, incidents, findings, clocks, claims.

The vocabularies (categories, zone kinds, rule kinds, weapon classes, statuses) are the fixed
contract of ``ceasefire/agreement/v1`` (see docs/agreement.md). Geometries are shapely 2 objects
in WGS84 longitude/latitude; every distance in this package is in metres.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ceasefire.errors import DocumentError

__all__ = [
    "ATTRIBUTIONS",
    "CATEGORIES",
    "COUNTED",
    "FINDING_EXPORT_COLUMNS",
    "FINDING_KEYS",
    "REPORT_PREFIX",
    "RULE_KINDS",
    "SCHEMA_KEY",
    "SCHEMA_VERSION",
    "STATUSES",
    "WEAPON_CLASSES",
    "ZONE_KINDS",
    "Agreement",
    "Clock",
    "ClockDay",
    "ExcludedGroup",
    "FileCounts",
    "Finding",
    "Incident",
    "Line",
    "NewsClaim",
    "Obligation",
    "Party",
    "Route",
    "Rule",
    "RunSummary",
    "Zone",
    "check_schema",
    "severity",
    "worst_status",
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
# What an analyst decides of the link of two records (issue 13): one event, or not one event.
LINK_DECISIONS = ("confirm", "split")

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
STATUSES = ("violation", "possible_violation", "exempt")  # worst first: see severity()
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
    source_grades: tuple[tuple[str, str], ...] = ()  # (source type or "party", Admiralty letter A-F)

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


@dataclass(frozen=True, slots=True)
class Finding:
    """One incident judged against one obligation, explaining itself.

    ``location``..``source`` are the incident's own words (place name, actors, deaths, reporting
    sources), carried so a stored finding still says what happened. ``row`` indexes the
    ``Verification.table`` the finding was made from (-1: none at hand, e.g. read from a store);
    it is not part of the document and not compared.
    """

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
    location: str = ""
    actor1: str = ""
    actor2: str = ""
    fatalities: int = 0
    source: str = ""
    # Independent sources behind it (issue 13); None: a finding stored before, whose document has
    # no such key and must re-encode to the same bytes (its log entry hashes them).
    sources: int | None = None
    row: int = field(default=-1, compare=False)

    @property
    def record(self) -> str:
        """The id of the record this finding was made from (its event's representative for this
        obligation): the finding's id is ``OBLIGATION:RECORD`` (``findings.materialize``), whatever
        the order of ``incidents``; "" for a finding of no incident. Exports show this record's
        ACLED columns, as ``ceasefire verify`` does."""
        if not self.incidents:
            return ""
        prefix = f"{self.obligation}:"
        return self.id[len(prefix) :] if self.id.startswith(prefix) else self.id

    def to_document(self) -> dict[str, Any]:
        """The finding as JSON: the object of ``verify --format json``'s ``findings``, the stored
        form of a run's finding (canonical JSON of this), and the API's and exports' finding.
        Schema v1 (see ``SCHEMA_KEY``): the contract's keys in the contract's order."""
        return {
            "id": self.id,
            "obligation": self.obligation,
            "category": self.category,
            "status": self.status,
            "parties": list(self.parties),
            "attribution": self.attribution,
            "incidents": list(self.incidents),
            "date": self.date.isoformat(),
            "lat": self.lat,
            "lon": self.lon,
            "confidence": self.confidence,
            "explanation": self.explanation,
            "rule": self.rule,
            "distance_m": self.distance_m,
            "radius_m": self.radius_m,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "weapon": self.weapon or None,
            "location": self.location,
            "actor1": self.actor1,
            "actor2": self.actor2,
            "fatalities": self.fatalities,
            "source": self.source,
            **({} if self.sources is None else {"sources": self.sources}),
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Finding:
        """The finding ``to_document`` gave (and any finding a database ever stored: v1 is the
        only schema so far). DocumentError names a schema version this code does not know."""
        check_schema(doc, "finding")
        return cls(
            id=doc["id"],
            obligation=doc["obligation"],
            category=doc["category"],
            status=doc["status"],
            parties=tuple(doc["parties"]),
            attribution=doc["attribution"],
            incidents=tuple(doc["incidents"]),
            date=dt.date.fromisoformat(doc["date"]),
            lat=doc["lat"],
            lon=doc["lon"],
            confidence=doc["confidence"],
            explanation=doc["explanation"],
            rule=doc["rule"],
            distance_m=doc["distance_m"],
            radius_m=doc["radius_m"],
            event_type=doc["event_type"],
            sub_event_type=doc["sub_event_type"],
            weapon=doc["weapon"] or "",
            location=doc["location"],
            actor1=doc["actor1"],
            actor2=doc["actor2"],
            fatalities=doc["fatalities"],
            source=doc["source"],
            sources=doc.get("sources"),
        )


# A finding's keys in output order: its fields but ``row`` (the columnar JSON writer, the store's
# typed finding rows and ``to_document`` all follow this one list).
FINDING_KEYS = tuple(f.name for f in fields(Finding) if f.name != "row")
# The finding's own columns of every export, after its incident's (exports.py writes them, the
# store reads them in that order: store/pages.py).
FINDING_EXPORT_COLUMNS = (
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
)


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

    def to_document(self) -> dict[str, Any]:
        """The clock as JSON: an object of ``verify --format json``'s ``clocks`` (schema v1)."""
        return {
            "obligation": self.obligation,
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "days": [{"date": d.date.isoformat(), "violations": d.violations, "quiet": d.quiet} for d in self.days],
            "over": list(self.over),
            "max_per_day": self.max_per_day,
            "consecutive_days": self.consecutive_days,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Clock:
        check_schema(doc, "clock")
        return cls(
            obligation=doc["obligation"],
            over=tuple(doc["over"]),
            max_per_day=doc["max_per_day"],
            consecutive_days=doc["consecutive_days"],
            met_on=dt.date.fromisoformat(doc["met_on"]) if doc["met_on"] else None,
            days=tuple(ClockDay(dt.date.fromisoformat(d["date"]), d["violations"], d["quiet"]) for d in doc["days"]),
        )


Counts = Mapping[str, Mapping[str, int]]  # id -> status -> number of findings


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a verification run says beside its findings: counts by party and by obligation
    (``violation``, ``possible_violation``, ``exempt``), the clocks, and the actor names that
    matched no alias."""

    by_party: Counts
    by_obligation: Counts
    clocks: tuple[Clock, ...] = ()
    unresolved_actors: tuple[str, ...] = ()

    def to_document(self) -> dict[str, Any]:
        """``{"summary": {"by_party", "by_obligation"}, "clocks", "unresolved_actors"}``: those
        sections of ``verify --format json``, and the stored form of a run's summary (v1)."""
        return {
            "summary": {"by_party": _plain_counts(self.by_party), "by_obligation": _plain_counts(self.by_obligation)},
            "clocks": [c.to_document() for c in self.clocks],
            "unresolved_actors": list(self.unresolved_actors),
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> RunSummary:
        check_schema(doc, "run summary")
        return cls(
            by_party=_plain_counts(doc["summary"]["by_party"]),
            by_obligation=_plain_counts(doc["summary"]["by_obligation"]),
            clocks=tuple(Clock.from_document(c) for c in doc["clocks"]),
            unresolved_actors=tuple(doc["unresolved_actors"]),
        )


def _plain_counts(counts: Counts) -> dict[str, dict[str, int]]:
    return {key: dict(value) for key, value in counts.items()}


# Documents (``to_document``) carry their schema version under SCHEMA_KEY from version 2 on.
# Version 1 has no such key: it is the form every database stored before the key existed, so
# their rows, and the log entries hashed over them, stay exactly as they were.
SCHEMA_KEY = "schema"
SCHEMA_VERSION = 1


def check_schema(doc: Mapping[str, Any], what: str) -> None:
    """Raise DocumentError unless ``doc`` is of a schema version this code reads."""
    version = doc.get(SCHEMA_KEY, 1)
    if version != SCHEMA_VERSION:
        raise DocumentError(
            f"{what}: schema version {version!r} is not one this ceasefire reads ({SCHEMA_VERSION}); upgrade ceasefire"
        )


# Statuses worst first (STATUSES): a violation outranks a possible violation, which outranks an
# exemption; an unknown status ranks below them all. COUNTED: the statuses that are breaches.
COUNTED = ("violation", "possible_violation")


def severity(status: str) -> int:
    """0 for the worst status (``violation``), then 1, 2; ``len(STATUSES)`` for an unknown one."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def worst_status(statuses: Iterable[str], default: str) -> str:
    """The worst of ``statuses`` (the first of equals); ``default`` when there are none."""
    return min(statuses, key=severity, default=default)


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


@dataclass
class FileCounts:
    """What reading one events file found: its encoding, date order and rows by class
    (``sources.rows.BadRows`` fills it; ``verify``'s ``inputs`` section shows it)."""

    file: str
    format: str = ""
    version: str = ""
    encoding: str = ""
    date_order: str = ""  # "day-first" | "month-first" | "" (no day/month numbers in the dates)
    date_order_why: str = ""
    incidents: int = 0
    no_place: int = 0
    not_incidents: int = 0
    bad_rows: int = 0
    bad_rows_by_reason: dict[str, int] = field(default_factory=dict)
    first: dict[str, str] = field(default_factory=dict)  # class -> its first "FILE:LINE: ..." line

    def inputs(self) -> dict[str, object]:
        """The per-file object of verify's ``inputs`` section."""
        return {
            "file": self.file,
            "format": self.format,
            "encoding": self.encoding,
            "date_order": self.date_order or None,
            "date_order_why": self.date_order_why or None,
            "incidents": self.incidents,
            "no_place": self.no_place,
            "not_incidents": self.not_incidents,
            "bad_rows": self.bad_rows,
            "bad_rows_by_reason": dict(self.bad_rows_by_reason),
        }

    def summary(self) -> str:
        """One line for the table output: the counts by class."""
        order = f", dates {self.date_order}" if self.date_order else ""
        return (
            f"{self.file} ({self.format}, {self.encoding}{order}): {self.incidents} incidents, "
            f"{self.no_place} without a place, {self.not_incidents} not incidents, {self.bad_rows} bad rows"
        )

"""Findings: the engine's columnar output, and the ``Finding`` objects that explain themselves.

The engine produces a ``FindingTable`` (one row per incident × obligation that matters).
``materialize`` turns rows into ``model.Finding`` objects with a sentence a person can read:
which rule, which party, which incident, where (inside which zone, or how far from which route
or line), when, and why this status, attribution and confidence.

Confidence (docs/rules.md, "Confidence") = share of the location disc inside the rule's area
× share of the date range inside the obligation's period × a factor for the attribution reason
(1 when the source names a bound perpetrator; 0.9 for a battle between bound parties; 0.5 when
the perpetrator is unknown, the initiator is open or the targets mix excluded groups and others).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.actor_resolution import AliasResolver
from ceasefire.model import Agreement, Finding
from ceasefire.table import IncidentTable

__all__ = ["FindingTable", "Reason", "Status", "Who", "confidence", "materialize"]


class Status:
    NONE, VIOLATION, POSSIBLE, EXEMPT = 0, 1, 2, 3
    NAMES = ("none", "violation", "possible_violation", "exempt")


class Who:
    CERTAIN, AMBIGUOUS, UNKNOWN = 0, 1, 2
    NAMES = ("certain", "ambiguous", "unknown")


class Reason:
    """Why an incident got its status; each has a sentence in ``REASON_TEXT``."""

    NONE = 0
    PERPETRATOR = 1
    EXCLUDED_TARGET = 2
    MIXED_TARGET = 3
    UNKNOWN_PERPETRATOR = 4
    UNKNOWN_AIRCRAFT = 5
    BATTLE_BOTH_BOUND = 6
    BATTLE_INITIATOR_OPEN = 7
    BATTLE_ATTACKER_NAMED = 8
    UNKNOWN_AGAINST_EXCLUDED = 9
    BATTLE_EXCLUDED_ENEMY = 10
    BATTLE_MIXED = 11


REASON_TEXT = {
    Reason.PERPETRATOR: "{parties} carried it out and is bound by this obligation",
    Reason.EXCLUDED_TARGET: "it was directed only against {target}, outside the truce",
    Reason.MIXED_TARGET: "{parties} carried it out, but its targets mix a group outside the truce with others",
    Reason.UNKNOWN_PERPETRATOR: "the source does not say who carried it out",
    Reason.UNKNOWN_AIRCRAFT: "an unattributed air strike inside the zone; the bound parties that fly combat aircraft are {parties}",
    Reason.BATTLE_BOTH_BOUND: "a battle between bound parties {parties}: a violation surely happened, but the source does not say who started it",
    Reason.BATTLE_INITIATOR_OPEN: "a battle of bound party {parties} against {target}, who is not excluded; who started it is open",
    Reason.BATTLE_ATTACKER_NAMED: "the source names {parties} as the attacker",
    Reason.UNKNOWN_AGAINST_EXCLUDED: "it was directed only against {target}, outside the truce, whoever carried it out",
    Reason.BATTLE_EXCLUDED_ENEMY: "{parties} fought {target}, outside the truce",
    Reason.BATTLE_MIXED: "a battle of {parties} in which a group outside the truce fought alongside others",
}

_FACTOR = np.ones(12)
_FACTOR[
    [
        Reason.MIXED_TARGET,
        Reason.UNKNOWN_PERPETRATOR,
        Reason.UNKNOWN_AIRCRAFT,
        Reason.BATTLE_INITIATOR_OPEN,
        Reason.BATTLE_MIXED,
    ]
] = 0.5
_FACTOR[Reason.BATTLE_BOTH_BOUND] = 0.9


def confidence(
    reason: npt.NDArray[np.int8], place: npt.NDArray[np.float64], when: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    return np.round(_FACTOR[reason] * place * when, 2)


@dataclass(frozen=True, slots=True)
class FindingTable:
    """Findings as columns; ``incident`` indexes the IncidentTable, ``obligation`` the agreement."""

    obligation: npt.NDArray[np.int16]
    incident: npt.NDArray[np.intp]
    status: npt.NDArray[np.int8]
    who: npt.NDArray[np.int8]
    parties: npt.NDArray[np.uint64]
    reason: npt.NDArray[np.int8]
    place_share: npt.NDArray[np.float64]
    time_share: npt.NDArray[np.float64]
    confidence: npt.NDArray[np.float64]
    place_id: npt.NDArray[np.int16]
    distance_m: npt.NDArray[np.float64]
    limit_m: npt.NDArray[np.float64]
    boundary_m: npt.NDArray[np.float64]
    sources: npt.NDArray[np.int16]  # independent sources behind the finding (1 without linking)
    disputed: npt.NDArray[np.bool_]  # linked records name different perpetrators
    places: tuple[tuple[str, str], ...] = ()  # (kind, id) for each place_id

    def __len__(self) -> int:
        return len(self.incident)

    @classmethod
    def concat(cls, chunks: Sequence[FindingTable], places: Sequence[tuple[str, str]]) -> FindingTable:
        names = [f for f in cls.__slots__ if f != "places"]
        if not chunks:
            empty = {
                "obligation": np.int16,
                "incident": np.intp,
                "status": np.int8,
                "who": np.int8,
                "parties": np.uint64,
                "reason": np.int8,
                "place_id": np.int16,
                "sources": np.int16,
                "disputed": np.bool_,
            }
            return cls(**{f: np.zeros(0, empty.get(f, np.float64)) for f in names}, places=tuple(places))
        merged = {f: np.concatenate([getattr(c, f) for c in chunks]) for f in names}
        return cls(**merged, places=tuple(places))

    def where(self, mask: npt.NDArray[np.bool_]) -> FindingTable:
        """The rows where ``mask`` is true."""
        names = [f for f in self.__slots__ if f != "places"]
        return FindingTable(**{f: getattr(self, f)[mask] for f in names}, places=self.places)

    def order(self, table: IncidentTable) -> npt.NDArray[np.intp]:
        """Rows by date, then obligation, then input order: the order every output uses."""
        return np.lexsort((self.incident, self.obligation, table.day[self.incident]))

    def count_by_party(self, party_bit: int) -> dict[str, int]:
        has = (self.parties & np.uint64(1 << party_bit)) != 0
        return {
            "violation": int(np.count_nonzero(has & (self.status == Status.VIOLATION))),
            "possible_violation": int(np.count_nonzero(has & (self.status == Status.POSSIBLE))),
        }


INCIDENT_FIELDS = (
    "id",
    "lat",
    "lon",
    "radius_m",
    "event_type",
    "sub_event_type",
    "weapon",
    "location",
    "actor1",
    "actor2",
    "fatalities",
    "source_name",
    "source",
)
FINDING_FIELDS = (
    "incident",
    "obligation",
    "status",
    "who",
    "parties",
    "reason",
    "place_share",
    "time_share",
    "confidence",
    "place_id",
    "distance_m",
    "limit_m",
    "sources",
    "disputed",
)


@dataclass(frozen=True, slots=True)
class _Row:
    """One finding's values as plain Python objects (no numpy scalars in the per-finding loop)."""

    incident: int
    obligation: int
    status: int
    who: int
    parties: int
    reason: int
    place_share: float
    time_share: float
    confidence: float
    place_id: int
    distance_m: float
    limit_m: float
    sources: int
    disputed: bool
    id: str
    lat: float
    lon: float
    radius_m: float
    event_type: str
    sub_event_type: str
    weapon: str
    location: str
    actor1: str
    actor2: str
    fatalities: int
    source_name: str
    source: str
    day: int
    day0: int
    day1: int


def _rows(table: IncidentTable, ft: FindingTable) -> Iterator[_Row]:
    """The findings in output order, each with its incident's values, converted in bulk."""
    order = ft.order(table)
    rows = ft.incident[order]
    columns = [getattr(ft, f)[order].tolist() for f in FINDING_FIELDS]
    columns += [np.asarray(table.columns[f][rows]).tolist() for f in INCIDENT_FIELDS]
    columns += [getattr(table, f)[rows].tolist() for f in ("day", "day0", "day1")]
    return (_Row(*values) for values in zip(*columns, strict=True))


# For a finding's representative row and its ``disputed`` flag: the ids of its event's records
# and the sentences its explanation ends with (((), "") for a record linked to none).
Linked = Callable[[int, bool], tuple[tuple[str, ...], str]]


def materialize(
    agreement: Agreement, table: IncidentTable, ft: FindingTable, resolver: AliasResolver, linked: Linked | None = None
) -> Iterator[Finding]:
    """Findings as dataclasses, in output order (dates, obligations, input order); with
    ``linked`` (``corroboration.Events.describe``), a finding lists every record of its event."""
    party_ids: dict[int, tuple[str, ...]] = {}
    described: dict[int, str] = {}
    for r in _rows(table, ft):
        ob = agreement.obligations[r.obligation]
        parties = party_ids.get(r.parties) or party_ids.setdefault(r.parties, resolver.mask_to_ids(r.parties))
        what = described.get(r.incident) or described.setdefault(r.incident, _what(r))
        ids, more = linked(r.incident, r.disputed) if linked is not None else ((), "")
        yield Finding(
            id=f"{ob.id}:{r.id}",
            obligation=ob.id,
            category=ob.category,
            status=Status.NAMES[r.status],
            parties=parties,
            attribution=Who.NAMES[r.who],
            incidents=ids or (str(r.id),),
            date=dt.date.fromordinal(r.day),
            lat=r.lat,
            lon=r.lon,
            confidence=r.confidence,
            explanation=explain(agreement, ft.places, r, parties, what) + more,
            rule=ob.rule.kind if ob.rule else "",
            distance_m=None if math.isnan(r.distance_m) else round(r.distance_m, 1),
            radius_m=r.radius_m,
            event_type=str(r.event_type),
            sub_event_type=str(r.sub_event_type),
            weapon=str(r.weapon),
            location=str(r.location),
            actor1=str(r.actor1),
            actor2=str(r.actor2),
            fatalities=r.fatalities,
            source=shown_source(r.source, r.source_name),
            sources=r.sources,
            row=r.incident,
        )


def shown_source(source: str, source_name: str) -> str:
    """What a finding's ``source`` says: ``news`` for a record read from news text (MISSION: its
    incidents carry "source": "news"; the outlet stays the record's ``source_name``), else the
    source the record names (ACLED's and UCDP's own source column)."""
    return "news" if source == "news" else str(source_name)


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f} km"


def _what(r: _Row) -> str:
    kind = " / ".join(x for x in (str(r.event_type), str(r.sub_event_type)) if x)
    where = str(r.location) or f"{r.lat:.4f}, {r.lon:.4f}"
    d0, d1 = dt.date.fromordinal(r.day0), dt.date.fromordinal(r.day1)
    when = d0.isoformat() if d0 == d1 else f"{dt.date.fromordinal(r.day)} (between {d0} and {d1})"
    actor = str(r.actor1) or "an unnamed actor"
    target = f" against {r.actor2}" if r.actor2 else ""
    weapon = f" with {r.weapon}" if r.weapon else ""
    return f"{r.id}: {kind} at {where} on {when} by {actor}{target}{weapon}"


def _where(places: Sequence[tuple[str, str]], r: _Row) -> str:
    precision = "exact location" if r.radius_m == 0 else f"location known to ±{_km(r.radius_m)}"
    if r.place_id < 0:
        return precision
    kind, ident = places[r.place_id]
    if math.isnan(r.limit_m):  # a zone
        if r.place_share >= 1:
            return f"inside {kind} '{ident}' ({precision})"
        return f"{precision}: the area straddles the boundary of {kind} '{ident}' (about {r.place_share:.0%} inside)"
    limit_text = f"limit {_km(r.limit_m)}" + (f" for {r.weapon}" if r.weapon else "")
    text = f"{_km(r.distance_m)} from {kind} '{ident}' ({limit_text}; {precision})"
    return text if r.place_share >= 1 else text + f": may lie beyond the limit (about {r.place_share:.0%} within)"


def _when(agreement: Agreement, r: _Row) -> str:
    if r.time_share >= 1:
        return "within the obligation's period"
    start = agreement.obligations[r.obligation].start.isoformat()
    return f"the date range is only {r.time_share:.0%} inside the obligation's period (from {start})"


def explain(agreement: Agreement, places: Sequence[tuple[str, str]], r: _Row, parties: Sequence[str], what: str) -> str:
    """One paragraph: rule, incident, reason, place, time, verdict."""
    ob = agreement.obligations[r.obligation]
    reason = REASON_TEXT.get(r.reason, "").format(
        parties=" or ".join(parties) or "no bound party", target=r.actor2 or "an unnamed target"
    )
    kind = ob.rule.kind if ob.rule else "no rule"
    return (
        f"{ob.id} ({kind}): {what}. Why: {reason}; {_where(places, r)}; {_when(agreement, r)}. "
        f"{Status.NAMES[r.status]}, attribution {Who.NAMES[r.who]}, confidence {r.confidence:.2f}."
    )

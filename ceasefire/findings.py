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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.actors import AliasResolver
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
}  # fmt: skip

_FACTOR = np.ones(12)
_FACTOR[[Reason.MIXED_TARGET, Reason.UNKNOWN_PERPETRATOR, Reason.UNKNOWN_AIRCRAFT,
         Reason.BATTLE_INITIATOR_OPEN, Reason.BATTLE_MIXED]] = 0.5  # fmt: skip
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
    places: tuple[tuple[str, str], ...] = ()  # (kind, id) for each place_id

    def __len__(self) -> int:
        return len(self.incident)

    @classmethod
    def concat(cls, chunks: Sequence[FindingTable], places: Sequence[tuple[str, str]]) -> FindingTable:
        names = [f for f in cls.__slots__ if f != "places"]
        if not chunks:
            empty = {"obligation": np.int16, "incident": np.intp, "status": np.int8, "who": np.int8,
                     "parties": np.uint64, "reason": np.int8, "place_id": np.int16}  # fmt: skip
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


def materialize(
    agreement: Agreement, table: IncidentTable, ft: FindingTable, resolver: AliasResolver
) -> Iterator[Finding]:
    """Findings as dataclasses, in output order (dates, obligations, input order)."""
    cols = table.columns
    for row in ft.order(table).tolist():
        i = int(ft.incident[row])
        ob = agreement.obligations[int(ft.obligation[row])]
        parties = resolver.mask_to_ids(int(ft.parties[row]))
        distance = float(ft.distance_m[row])
        yield Finding(
            id=f"{ob.id}:{cols['id'][i]}",
            obligation=ob.id,
            category=ob.category,
            status=Status.NAMES[ft.status[row]],
            parties=parties,
            attribution=Who.NAMES[ft.who[row]],
            incidents=(str(cols["id"][i]),),
            date=table.date_of(i),
            lat=float(cols["lat"][i]),
            lon=float(cols["lon"][i]),
            confidence=float(ft.confidence[row]),
            explanation=explain(agreement, table, ft, row, parties),
            rule=ob.rule.kind if ob.rule else "",
            distance_m=None if np.isnan(distance) else round(distance, 1),
            radius_m=float(cols["radius_m"][i]),
            event_type=str(cols["event_type"][i]),
            sub_event_type=str(cols["sub_event_type"][i]),
            weapon=str(cols["weapon"][i]),
            extra={"row": i},
        )


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f} km"


def _what(table: IncidentTable, i: int) -> str:
    c = table.columns
    kind = " / ".join(x for x in (str(c["event_type"][i]), str(c["sub_event_type"][i])) if x)
    where = str(c["location"][i]) or f"{c['lat'][i]:.4f}, {c['lon'][i]:.4f}"
    d0, d1 = dt.date.fromordinal(int(table.day0[i])), dt.date.fromordinal(int(table.day1[i]))
    when = d0.isoformat() if d0 == d1 else f"{table.date_of(i)} (between {d0} and {d1})"
    actor = str(c["actor1"][i]) or "an unnamed actor"
    target = str(c["actor2"][i])
    weapon = f" with {c['weapon'][i]}" if c["weapon"][i] else ""
    return f"{c['id'][i]}: {kind} at {where} on {when} by {actor}" + (f" against {target}" if target else "") + weapon


def _where(table: IncidentTable, ft: FindingTable, row: int) -> str:
    i = int(ft.incident[row])
    radius = float(table.radius[i])
    precision = "exact location" if radius == 0 else f"location known to ±{_km(radius)}"
    pid = int(ft.place_id[row])
    if pid < 0:
        return precision
    kind, ident = ft.places[pid]
    share, limit = float(ft.place_share[row]), float(ft.limit_m[row])
    if np.isnan(limit):  # a zone
        if share >= 1:
            return f"inside {kind} '{ident}' ({precision})"
        return f"{precision}: the area straddles the boundary of {kind} '{ident}' (about {share:.0%} inside)"
    weapon = table.columns["weapon"][i]
    limit_text = f"limit {_km(limit)}" + (f" for {weapon}" if weapon else "")
    text = f"{_km(float(ft.distance_m[row]))} from {kind} '{ident}' ({limit_text}; {precision})"
    return text if share >= 1 else text + f": may lie beyond the limit (about {share:.0%} within)"


def _when(agreement: Agreement, table: IncidentTable, ft: FindingTable, row: int) -> str:
    if ft.time_share[row] >= 1:
        return "within the obligation's period"
    ob = agreement.obligations[int(ft.obligation[row])]
    return (f"the date range is only {ft.time_share[row]:.0%} inside the obligation's period "
            f"(from {ob.start.isoformat()})")  # fmt: skip


def explain(agreement: Agreement, table: IncidentTable, ft: FindingTable, row: int, parties: Sequence[str]) -> str:
    """One paragraph: rule, incident, reason, place, time, verdict."""
    i = int(ft.incident[row])
    ob = agreement.obligations[int(ft.obligation[row])]
    target = str(table.columns["actor2"][i]) or "an unnamed target"
    reason = REASON_TEXT.get(int(ft.reason[row]), "").format(
        parties=" or ".join(parties) or "no bound party", target=target
    )
    kind = ob.rule.kind if ob.rule else "no rule"
    return (
        f"{ob.id} ({kind}): {_what(table, i)}. Why: {reason}; "
        f"{_where(table, ft, row)}; {_when(agreement, table, ft, row)}. "
        f"{Status.NAMES[ft.status[row]]}, attribution {Who.NAMES[ft.who[row]]}, "
        f"confidence {ft.confidence[row]:.2f}."
    )

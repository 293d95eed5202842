"""What every rule shares: the incidents, their spatial index, cached geometry work, and the
``Judgement`` a rule returns (arrays over all incidents, ``Status.NONE`` where out of scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ceasefire.actors import AliasResolver
from ceasefire.findings import Status
from ceasefire.geo import (
    DiscMembership,
    LocalFrame,
    PointIndex,
    disc_share,
    distances_near,
    zone_membership,
)
from ceasefire.model import Agreement, Obligation
from ceasefire.rules.attribution import Attribution
from ceasefire.table import IncidentTable

__all__ = ["Judgement", "Place", "RuleContext", "judge"]

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Place:
    """Where each incident stands against a rule's area: its membership, which geometry
    (index into ``RuleContext.places``), the distance to it and the limit that applied."""

    membership: DiscMembership
    place_id: npt.NDArray[np.int16]
    distance_m: Floats
    limit_m: Floats


@dataclass(frozen=True, slots=True)
class Judgement:
    """One obligation's verdict on every incident, before the time window is applied."""

    attribution: Attribution
    place_share: Floats  # share of the location disc that lies in the rule's area (1: certain)
    place_id: npt.NDArray[np.int16]
    distance_m: Floats
    limit_m: Floats
    boundary_m: Floats


@dataclass
class RuleContext:
    agreement: Agreement
    table: IncidentTable
    resolver: AliasResolver
    index: PointIndex = field(init=False)
    places: list[tuple[str, str]] = field(default_factory=list)  # (kind, id)
    _frames: dict[tuple[str, str], LocalFrame] = field(default_factory=dict)
    _zones: dict[str, DiscMembership] = field(default_factory=dict)
    _distances: dict[tuple[str, str], tuple[float, Floats]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = PointIndex(self.table.lon, self.table.lat)

    @property
    def n(self) -> int:
        return len(self.table)

    def bound(self, obligation: Obligation) -> int:
        return self.resolver.ids_to_mask(list(obligation.bound))

    @property
    def aircraft(self) -> int:
        return self.resolver.ids_to_mask([p.id for p in self.agreement.parties if p.aircraft])

    def place_index(self, kind: str, ident: str) -> int:
        if (kind, ident) not in self.places:
            self.places.append((kind, ident))
        return self.places.index((kind, ident))

    def frame(self, kind: str, ident: str) -> LocalFrame:
        key = (kind, ident)
        if key not in self._frames:
            items: dict[str, Any] = {
                "zone": self.agreement.zones, "route": self.agreement.routes, "line": self.agreement.lines,
            }  # fmt: skip
            geometry = next(x.geometry for x in items[kind] if x.id == ident)
            self._frames[key] = LocalFrame(geometry)
        return self._frames[key]

    def zone(self, ident: str) -> DiscMembership:
        if ident not in self._zones:
            self._zones[ident] = zone_membership(self.index, self.table.radius, self.frame("zone", ident))
        return self._zones[ident]

    def distance(self, kind: str, ident: str, reach_m: float) -> Floats:
        """Metres to a geometry for incidents that may be within ``reach_m`` (else +inf)."""
        cached = self._distances.get((kind, ident))
        if cached is None or cached[0] < reach_m:
            cached = (reach_m, distances_near(self.index, self.frame(kind, ident), reach_m))
            self._distances[(kind, ident)] = cached
        return cached[1]

    def within(self, kind: str, ident: str, limit_m: Floats) -> Place:
        """Discs within a per-incident distance limit (NaN limit: not in scope) of a geometry."""
        finite = np.isfinite(limit_m)
        reach = float(np.max(limit_m[finite], initial=0.0)) + float(self.table.radius.max(initial=0.0))
        d = self.distance(kind, ident, reach) if finite.any() else np.full(self.n, np.inf)
        r = self.table.radius
        with np.errstate(invalid="ignore"):
            share = np.where(finite & np.isfinite(d), disc_share(limit_m - d, r), 0.0)
            inside = finite & (d + r <= limit_m)
        membership = DiscMembership(inside, ~inside & (share > 0), share, limit_m - d)
        pid = np.full(self.n, self.place_index(kind, ident), np.int16)
        return Place(membership, pid, np.where(np.isfinite(d), d, np.nan), limit_m)

    def in_zones(self, zone_ids: tuple[str, ...]) -> Place:
        """Membership in the union of zones; ``place_id`` is the zone holding most of the disc."""
        return self.union([self.zone_place(z) for z in zone_ids])

    def zone_place(self, ident: str) -> Place:
        m = self.zone(ident)
        nan = np.full(self.n, np.nan)
        return Place(m, np.full(self.n, self.place_index("zone", ident), np.int16), nan, nan)

    def union(self, places: list[Place]) -> Place:
        membership = DiscMembership.any_of([p.membership for p in places], self.n)
        if not places:
            nan = np.full(self.n, np.nan)
            return Place(membership, np.full(self.n, -1, np.int16), nan, nan)
        best = np.argmax(np.stack([p.membership.share for p in places]), axis=0)
        rows = np.arange(self.n)

        def pick(attr: str) -> npt.NDArray[Any]:
            stacked: npt.NDArray[Any] = np.stack([getattr(p, attr) for p in places])
            picked: npt.NDArray[Any] = stacked[best, rows]
            return picked

        return Place(membership, pick("place_id"), pick("distance_m"), pick("limit_m"))


def judge(
    ctx: RuleContext, events: npt.NDArray[np.bool_], attribution: Attribution, place: Place | None
) -> Judgement:
    """Keep the attribution where the event is in scope; record how sure the place is."""
    n = ctx.n
    in_scope = events if place is None else events & place.membership.touches
    status = np.where(in_scope, attribution.status, Status.NONE).astype(np.int8)
    att = Attribution(status, attribution.who, attribution.parties, attribution.reason)
    if place is None:
        nan = np.full(n, np.nan)
        return Judgement(att, np.ones(n), np.full(n, -1, np.int16), nan, nan, nan)
    return Judgement(
        att,
        place.membership.share,
        place.place_id,
        place.distance_m,
        place.limit_m,
        place.membership.boundary_m,
    )

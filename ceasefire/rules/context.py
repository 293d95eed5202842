"""What every rule shares: the incidents, their spatial index, cached geometry and attribution
work, and the sparse ``Judgement`` a rule returns (only the incidents in its scope).

Memory stays proportional to the incidents near each geometry: zone memberships and distances
are kept for nearby incidents only, and attribution is computed once per set of bound parties.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from ceasefire.actor_resolution import AliasResolver
from ceasefire.findings import Status
from ceasefire.geo import (
    DiscMembership,
    LocalFrame,
    PointIndex,
    disc_share,
    distances_near,
    near_any,
    zone_memberships,
)
from ceasefire.model import Agreement, Obligation
from ceasefire.rules.attribution import Attribution, aircraft_for_unknown, attribute_combos, spread
from ceasefire.table import IncidentTable

__all__ = ["DEFAULT_ROUTE_DISTANCE_M", "Judgement", "Limit", "Place", "RuleContext", "judge", "measured"]

DEFAULT_ROUTE_DISTANCE_M = 1_000.0  # humanitarian_access with routes and no distance_m

Floats = npt.NDArray[np.float64]
Indices = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Place:
    """The incidents (``idx``, ascending) whose disc touches a rule's area, with the share of the
    disc inside, which geometry (index into ``RuleContext.places``), the distance to it, the
    limit that applied and the signed distance to a zone's boundary (NaN where not measured)."""

    idx: Indices
    share: Floats
    place_id: npt.NDArray[np.int16]
    distance_m: Floats
    limit_m: Floats
    boundary_m: Floats

    def pick(self, keep: npt.NDArray[np.bool_]) -> Place:
        return Place(*(getattr(self, f)[keep] for f in Place.__slots__))


@dataclass(frozen=True, slots=True)
class Judgement:
    """One obligation's verdict on the incidents in its scope (``rows``), before the time window."""

    rows: Indices
    attribution: Attribution  # aligned with rows
    place: Place  # aligned with rows


@dataclass(frozen=True, slots=True)
class Limit:
    """A distance limit per incident: ``by_code[code]`` (NaN: the incident is not in scope), or
    ``by_code[0]`` for every incident when ``code`` is None. Looked up only for the incidents
    near a geometry, never spread over the whole table."""

    by_code: Floats
    code: npt.NDArray[np.int8] | None = None

    @classmethod
    def constant(cls, metres: float) -> Limit:
        return cls(np.array([metres], np.float64))

    def at(self, rows: Indices) -> Floats:
        if self.code is None:
            return np.full(len(rows), self.by_code[0])
        picked: Floats = self.by_code[self.code[rows]]
        return picked

    @property
    def reach(self) -> float:
        """The largest finite limit (0 when none)."""
        return float(np.max(self.by_code[np.isfinite(self.by_code)], initial=0.0))


class Scope:
    """The incidents whose work near some geometries is worth doing (``rows`` ascending; None:
    all of them), with a spatial index of their own built on first use: geometries whose rules
    cover few incidents search only those (issue 16)."""

    def __init__(
        self, table: IncidentTable, rows: Indices | None = None, near: list[tuple[Any, float]] | None = None
    ) -> None:
        """With ``near`` ((geometry, the largest distance measured from it) pairs) only the rows
        that may be that near one of them are kept; ``reach`` then says how far each was planned."""
        self.reach: dict[int, float] | None = None
        if rows is not None and near:
            geometries, metres = [g for g, _ in near], np.array([m for _, m in near], np.float64)
            rows = rows[near_any(table.lon[rows], table.lat[rows], table.radius[rows], geometries, metres)]
            self.reach = {}
            for g, m in near:  # a geometry listed twice is covered as far as its shorter reach
                self.reach[id(g)] = min(m, self.reach.get(id(g), m))
        self.rows = rows
        self.lon, self.lat, self.radius = table.lon, table.lat, table.radius
        if rows is not None:
            self.lon, self.lat, self.radius = self.lon[rows], self.lat[rows], self.radius[rows]

    def covers(self, geometry: Any, reach_m: float) -> bool:
        """Whether every row that may be within ``reach_m`` of ``geometry`` is here."""
        return self.reach is None or self.reach.get(id(geometry), -1.0) >= reach_m

    @cached_property
    def index(self) -> PointIndex:
        return PointIndex(self.lon, self.lat, self.radius)

    def zones(self, frames: list[LocalFrame]) -> list[DiscMembership]:
        """``geo.zone_memberships`` over these incidents, indexed into the whole table."""
        found = zone_memberships(self.index, self.radius, frames)
        if self.rows is None:
            return found
        return [DiscMembership(self.rows[m.idx], m.share, m.boundary_m) for m in found]

    def distances(self, frame: LocalFrame, reach_m: float) -> tuple[Indices, Floats]:
        """``geo.distances_near`` over these incidents, indexed into the whole table."""
        idx, d = distances_near(self.index, frame, reach_m)
        return (idx if self.rows is None else self.rows[idx]), d


@dataclass
class RuleContext:
    """The incidents and what rules share over them, computed once: the spatial index, each
    geometry's frame, zone memberships and distances, attributions per set of bound parties.

    ``plan`` (optional) says which incidents any rule could judge near each geometry; zone
    memberships and distances are then computed for those incidents only (issue 16)."""

    agreement: Agreement
    table: IncidentTable
    resolver: AliasResolver
    places: list[tuple[str, str]] = field(default_factory=list)  # (kind, id)
    _place_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    _geometries: dict[tuple[str, str], Any] = field(default_factory=dict)
    _frames: dict[tuple[str, str], LocalFrame] = field(default_factory=dict)
    _zones: dict[str, DiscMembership] = field(default_factory=dict)
    _distances: dict[tuple[str, str], tuple[float, Indices, Floats]] = field(default_factory=dict)
    _attributions: dict[int, Attribution] = field(default_factory=dict)
    _attributable: dict[int, Bools] = field(default_factory=dict)
    _planned: dict[tuple[str, str], float] = field(default_factory=dict)
    _scopes: dict[tuple[str, str], Scope] = field(default_factory=dict)
    _everything: Scope = field(init=False)
    _memo: dict[Hashable, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._everything = Scope(self.table)
        self._planned = planned_reach(self.agreement)
        a = self.agreement
        named: list[tuple[str, tuple[Any, ...]]] = [("zone", a.zones), ("route", a.routes), ("line", a.lines)]
        for kind, items in named:
            for x in reversed(items):  # the first of a repeated id wins, as a search would find it
                self._geometries[(kind, x.id)] = x.geometry

    def bound(self, obligation: Obligation) -> int:
        return self.resolver.ids_to_mask(list(obligation.bound))

    @property
    def aircraft(self) -> int:
        return self.resolver.ids_to_mask([p.id for p in self.agreement.parties if p.aircraft])

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per key (e.g. an event filter many obligations share)."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    def _combos(self, bound: int) -> Attribution:
        if bound not in self._attributions:
            self._attributions[bound] = attribute_combos(self.table, bound)
        return self._attributions[bound]

    def attribution(self, bound: int, rows: Indices) -> Attribution:
        """The attribution of ``rows`` for the ``bound`` parties (fresh arrays)."""
        return spread(self._combos(bound), self.table.combo[rows])

    def attributable(self, bound: int) -> Bools:
        """Incidents whose attribution for ``bound`` has a status (the others never make findings)."""
        if bound not in self._attributable:
            self._attributable[bound] = (self._combos(bound).status != Status.NONE)[self.table.combo]
        return self._attributable[bound]

    def plan(self, covered: Callable[[Obligation], Bools]) -> None:
        """Restrict each geometry's work to the incidents some obligation measuring from it could
        judge: ``covered(o)`` (its rule's events) and attributable for its bound parties."""
        users: dict[tuple[str, str], list[int]] = {}
        for k, o in enumerate(self.agreement.obligations):
            for key in measured(o):
                users.setdefault(key, []).append(k)
        groups: dict[frozenset[tuple[int, int]], list[tuple[str, str]]] = {}
        masks: dict[frozenset[tuple[int, int]], Bools] = {}
        alive = []  # every mask stays referenced while ids key them, so no id is reused
        for key, ks in users.items():
            # Event masks are memoized (one array per distinct filter), so obligations that cover
            # the same events for the same parties share one scope and one index: keyed by identity.
            parts = {(id(covered(o)), self.bound(o)): covered(o) for o in (self.agreement.obligations[k] for k in ks)}
            alive.append(parts)
            if frozenset(parts) not in masks:
                masks[frozenset(parts)] = np.logical_or.reduce(
                    [events & self.attributable(b) for (_, b), events in parts.items()]
                )
            groups.setdefault(frozenset(parts), []).append(key)
        for group, keys in groups.items():
            near = [(self._geometries[key], self._planned.get(key, 0.0)) for key in keys]
            scope = Scope(self.table, np.flatnonzero(masks[group]), near)
            self._scopes.update(dict.fromkeys(keys, scope))

    def _scope(self, key: tuple[str, str], reach_m: float) -> Scope:
        """The scope planned for a geometry; all incidents when none was, or when it was cut for
        a smaller distance than ``reach_m`` (no rule asks for more than planned: a safeguard)."""
        scope = self._scopes.get(key)
        return scope if scope is not None and scope.covers(self._geometries[key], reach_m) else self._everything

    def place_index(self, kind: str, ident: str) -> int:
        key = (kind, ident)
        if key not in self._place_ids:
            self._place_ids[key] = len(self.places)
            self.places.append(key)
        return self._place_ids[key]

    def frame(self, kind: str, ident: str) -> LocalFrame:
        key = (kind, ident)
        if key not in self._frames:
            self._frames[key] = LocalFrame(self._geometries[key])
        return self._frames[key]

    def zone_places(self, zone_ids: tuple[str, ...]) -> list[Place]:
        """Each zone's place; the zones not yet measured are measured together, per scope."""
        by_scope: dict[int, tuple[Scope, list[str]]] = {}
        for z in dict.fromkeys(zone_ids):
            if z not in self._zones:
                scope = self._scope(("zone", z), 0.0)
                by_scope.setdefault(id(scope), (scope, []))[1].append(z)
        for scope, ids in by_scope.values():
            found = scope.zones([self.frame("zone", z) for z in ids])
            self._zones.update(zip(ids, found, strict=True))
        return [self.zone_place(z) for z in zone_ids]

    def zone_place(self, ident: str) -> Place:
        if ident not in self._zones:
            self.zone_places((ident,))
        m = self._zones[ident]
        nan = np.full(len(m.idx), np.nan)
        pid = np.full(len(m.idx), self.place_index("zone", ident), np.int16)
        return Place(m.idx, m.share, pid, nan, nan, m.boundary_m)

    def in_zones(self, zone_ids: tuple[str, ...]) -> Place:
        """The union of zones; each incident keeps the zone holding most of its disc."""
        return union(self.zone_places(zone_ids))

    def within(self, kind: str, ident: str, limit: Limit) -> Place:
        """Discs within a per-incident distance limit of a geometry (NaN limit: not in scope)."""
        key = (kind, ident)
        reach = max(limit.reach, self._planned.get(key, 0.0))
        cached = self._distances.get(key)
        if cached is None or cached[0] < reach:
            cached = (reach, *self._scope(key, reach).distances(self.frame(kind, ident), reach))
            self._distances[key] = cached
        _, idx, d = cached
        lim, r = limit.at(idx), self.table.radius[idx]
        with np.errstate(invalid="ignore"):
            share = np.where(np.isfinite(lim), disc_share(lim - d, r), 0.0)
        keep = share > 0
        pid = np.full(int(keep.sum()), self.place_index(kind, ident), np.int16)
        return Place(idx[keep], share[keep], pid, d[keep], lim[keep], np.full(len(pid), np.nan))


def measured(obligation: Obligation) -> list[tuple[str, str]]:
    """Every (kind, id) of geometry the obligation's rule names, whatever its kind."""
    rule = obligation.rule
    if rule is None:
        return []
    keys = [("zone", z) for z in rule.zones] + [("route", r) for r in rule.routes]
    return keys + [(kind, getattr(rule, kind)) for kind in ("route", "zone", "line") if getattr(rule, kind)]


def planned_reach(agreement: Agreement) -> dict[tuple[str, str], float]:
    """The largest distance any rule measures from each route, zone or line, so that each
    geometry's distances are computed once for all the obligations that use it."""
    reach: dict[tuple[str, str], float] = {}

    def want(key: tuple[str, str], metres: float) -> None:
        reach[key] = max(reach.get(key, 0.0), metres)

    for o in agreement.obligations:
        rule = o.rule
        if rule is None:
            continue
        if rule.kind == "keep_clear":
            limit = max((m for _, m in rule.weapons), default=rule.distance_m or 0.0)
            for kind in ("route", "zone", "line"):
                if getattr(rule, kind):
                    want((kind, getattr(rule, kind)), limit)
        if rule.kind == "humanitarian_access":
            for route in rule.routes:
                want(("route", route), rule.distance_m or DEFAULT_ROUTE_DISTANCE_M)
    return reach


def union(places: list[Place]) -> Place:
    """Places merged by incident, keeping for each incident the part with the largest share."""
    if not places:
        e = np.zeros(0)
        return Place(np.zeros(0, np.intp), e, np.zeros(0, np.int16), e, e, e)
    merged = Place(*(np.concatenate([getattr(p, f) for p in places]) for f in Place.__slots__))
    order = np.lexsort((-merged.share, merged.idx))
    idx = merged.idx[order]
    first = np.ones(len(idx), bool)
    first[1:] = idx[1:] != idx[:-1]
    best = order[first]
    return Place(*(getattr(merged, f)[best] for f in Place.__slots__))


def everywhere(rows: Indices) -> Place:
    nan = np.full(len(rows), np.nan)
    return Place(rows, np.ones(len(rows)), np.full(len(rows), -1, np.int16), nan, nan, nan)


def judge(
    ctx: RuleContext,
    events: npt.NDArray[np.bool_],
    obligation: Obligation,
    place: Place | None,
    air_zone: bool = False,
) -> Judgement:
    """The incidents in scope (covered events in the area) with their attribution.

    With ``air_zone``, unattributed air strikes in the area go to the bound aircraft parties.
    """
    bound = ctx.bound(obligation)
    attributable = ctx.attributable(bound)
    if place is None:
        place = everywhere(np.flatnonzero(events & attributable))
    else:
        place = place.pick(events[place.idx] & attributable[place.idx])
    rows = place.idx
    att = ctx.attribution(bound, rows)
    if air_zone:
        aircraft_for_unknown(att, ctx.table.is_air[rows], bound & ctx.aircraft)
    return Judgement(rows, att, place)

"""Where an incident is, against the agreement's zones and routes, in metres.

A bulletin asks three questions of a point (with its uncertainty radius): which zones hold it
(the recorded point, as the area counts use it), whether its disc touches a zone (the state of a
besieged area), and how far it is from a route (the state of a corridor). Distances use
``geo.LocalFrame``, the verifier's own metric frames, so a bulletin and a finding agree.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import numpy.typing as npt
import shapely

from ceasefire.geo import LocalFrame
from ceasefire.model import Agreement

__all__ = ["ROUTE_REACH_M", "Places"]

Floats = npt.NDArray[np.float64]
ROUTE_REACH_M = 2_000.0  # "near a route" when no obligation on it names a distance


class Places:
    """The agreement's zones and routes, with a metric frame for each built on first use."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self._frames: dict[str, LocalFrame] = {}

    def _frame(self, key: str, geometry: object) -> LocalFrame:
        if key not in self._frames:
            self._frames[key] = LocalFrame(geometry)
        return self._frames[key]

    def zones_at(self, lon: float, lat: float) -> tuple[str, ...]:
        """Ids of the zones whose polygon holds the recorded point, in agreement order."""
        return tuple(z.id for z in self.agreement.zones if shapely.contains_xy(z.geometry, lon, lat))

    def touches_zone(self, zone_id: str, lon: float, lat: float, radius_m: float) -> bool:
        """Whether the disc of ``radius_m`` round the point reaches into the zone."""
        zone = next(z for z in self.agreement.zones if z.id == zone_id)
        if shapely.contains_xy(zone.geometry, lon, lat):
            return True
        return self.metres_to(f"zone:{zone_id}", zone.geometry, lon, lat) <= radius_m

    def route_distance(self, route_id: str, lon: float, lat: float) -> float:
        """Metres from the point to the route."""
        route = next(r for r in self.agreement.routes if r.id == route_id)
        return self.metres_to(f"route:{route_id}", route.geometry, lon, lat)

    def zones_holding(self, lon: Floats, lat: Floats) -> list[tuple[str, ...]]:
        """:meth:`zones_at` of each point, a zone at a time over every point (issue 14: a day at a
        million incidents has thousands of points, and 200 zones)."""
        held = [(z.id, shapely.contains_xy(z.geometry, lon, lat)) for z in self.agreement.zones]
        return [tuple(zid for zid, inside in held if inside[k]) for k in range(len(lon))]

    def touching_zone(self, zone_id: str, lon: Floats, lat: Floats, radius_m: Floats) -> npt.NDArray[np.bool_]:
        """:meth:`touches_zone` of each point, at once."""
        zone = next(z for z in self.agreement.zones if z.id == zone_id)
        if not len(lon):
            return np.zeros(0, bool)
        inside = shapely.contains_xy(zone.geometry, lon, lat)
        frame = self._frame(f"zone:{zone_id}", zone.geometry)
        return np.asarray(inside | (frame.distance(lon, lat) <= radius_m), bool)

    def route_distances(self, route_id: str, lon: Floats, lat: Floats) -> Floats:
        """:meth:`route_distance` of each point, at once."""
        route = next(r for r in self.agreement.routes if r.id == route_id)
        if not len(lon):
            return np.zeros(0, np.float64)
        return np.asarray(self._frame(f"route:{route_id}", route.geometry).distance(lon, lat), np.float64)

    def metres_to(self, key: str, geometry: object, lon: float, lat: float) -> float:
        frame = self._frame(key, geometry)
        return float(frame.distance(np.array([lon], np.float64), np.array([lat], np.float64))[0])

    @cached_property
    def route_reach(self) -> dict[str, float]:
        """For each route, how near counts as "on or near it": the largest distance an obligation
        on that route measures (an access corridor's width, a pull-back distance), else 2 km."""
        reach = {r.id: 0.0 for r in self.agreement.routes}
        for o in self.agreement.obligations:
            rule = o.rule
            if rule is None:
                continue
            named = {*rule.routes, *([rule.route] if rule.route else [])}
            distances = [rule.distance_m or 0.0, *(d for _, d in rule.weapons)]
            for route in named & reach.keys():
                reach[route] = max(reach[route], *distances)
        return {route: metres or ROUTE_REACH_M for route, metres in reach.items()}

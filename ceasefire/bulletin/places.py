"""Where an incident is, against the agreement's zones and routes, in metres.

A bulletin asks three questions of a point (with its uncertainty radius): which zones hold it
(the recorded point, as the area counts use it), whether its disc touches a zone (the state of a
besieged area), and how far it is from a route (the state of a corridor). Distances use
``geo.LocalFrame``, the verifier's own metric frames, so a bulletin and a finding agree.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import shapely

from ceasefire.geo import LocalFrame
from ceasefire.model import Agreement

__all__ = ["ROUTE_REACH_M", "Places"]

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

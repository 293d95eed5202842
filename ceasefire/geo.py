"""Vectorized geometry on incident coordinates: zone membership and distances, in metres.

Method (docs/rules.md, "Distances"): every zone, route or line gets its own transverse Mercator
frame on the WGS84 ellipsoid, centred on the geometry's centroid (scale 1 on the central
meridian). Incidents near the geometry are projected into that frame and measured with shapely.
The scale error of such a frame at an east-west offset x from its centre is about x²/(2R²):
below 0.1 % up to 285 km from the centre, which covers the distances a rule measures (they are
near the geometry). Tests compare against pyproj's geodesic distances.

Candidate incidents are first found by a bounding-box search on longitude-sorted coordinates
(one ``searchsorted`` per geometry), so the cost is proportional to the incidents near each
geometry, never to incidents × geometries. Points are never made into Python objects one by one.

A rough location is a disc of radius r around its point. Against a zone it is ``inside`` (the
whole disc is in), ``straddling`` (part of it is), or out; the share of the disc inside is
estimated from the signed distance s to the boundary as clip(0.5 + s / 2r, 0, 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

__all__ = ["DiscMembership", "LocalFrame", "PointIndex", "degree_margin", "disc_share"]

_M_PER_DEG_LAT = 110_574.0  # the smallest metres per degree of latitude (at the equator)
_M_PER_DEG_LON_EQ = 111_320.0

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Indices = npt.NDArray[np.intp]


def degree_margin(metres: float, max_abs_lat: float) -> tuple[float, float]:
    """A (dlon, dlat) in degrees that surely covers ``metres`` near latitudes up to ``max_abs_lat``."""
    dlat = metres / _M_PER_DEG_LAT * 1.01
    cos = math.cos(math.radians(min(89.0, max_abs_lat + dlat)))
    return metres / (_M_PER_DEG_LON_EQ * cos) * 1.01, dlat


class LocalFrame:
    """A transverse Mercator frame centred on one geometry, for metric work near it."""

    def __init__(self, geometry: Any) -> None:
        centre = geometry.centroid
        self.geometry = geometry
        self._forward = Transformer.from_crs(
            "EPSG:4326",
            f"+proj=tmerc +lat_0={centre.y:.8f} +lon_0={centre.x:.8f} +k=1 +x_0=0 +y_0=0 "
            "+ellps=WGS84 +units=m +no_defs",
            always_xy=True,
        )

    def project(self, lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
        x, y = self._forward.transform(lon, lat)
        return np.asarray(x, np.float64), np.asarray(y, np.float64)

    @cached_property
    def projected(self) -> Any:
        """The geometry in this frame."""
        return shapely.transform(self.geometry, lambda c: np.column_stack(self.project(c[:, 0], c[:, 1])))

    def distance(self, lon: Floats, lat: Floats, to_boundary: bool = False) -> Floats:
        """Metres from each point to the geometry (0 inside a polygon) or to its boundary."""
        if len(lon) == 0:
            return np.zeros(0)
        target = self.projected.boundary if to_boundary else self.projected
        x, y = self.project(lon, lat)
        return np.asarray(shapely.distance(shapely.points(x, y), target), np.float64)


class PointIndex:
    """Incident coordinates sorted by longitude, for bounding-box candidate searches."""

    def __init__(self, lon: Floats, lat: Floats) -> None:
        self.lon, self.lat = lon, lat
        self._order = np.argsort(lon, kind="stable")
        self._sorted_lon = lon[self._order]

    def in_box(self, minx: float, miny: float, maxx: float, maxy: float) -> Indices:
        """Indices (ascending) of the points inside the box."""
        lo = int(np.searchsorted(self._sorted_lon, minx, side="left"))
        hi = int(np.searchsorted(self._sorted_lon, maxx, side="right"))
        idx = self._order[lo:hi]
        lat = self.lat[idx]
        return np.sort(idx[(lat >= miny) & (lat <= maxy)])

    def near(self, geometry: Any, metres: float) -> Indices:
        """Indices of points that may lie within ``metres`` of the geometry (a superset)."""
        minx, miny, maxx, maxy = geometry.bounds
        dlon, dlat = degree_margin(metres, max(abs(miny), abs(maxy)))
        return self.in_box(minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


@dataclass(frozen=True, slots=True)
class DiscMembership:
    """How each incident's disc relates to an area, over all incidents.

    ``inside``: the whole disc is in; ``straddles``: part of it is; ``share``: the estimated
    share of the disc inside (1 for inside, 0 for out); ``boundary_m``: signed metres from the
    point to the boundary (positive inside; NaN where not measured because the point is far out).
    """

    inside: Bools
    straddles: Bools
    share: Floats
    boundary_m: Floats

    @property
    def touches(self) -> Bools:
        return self.inside | self.straddles

    @staticmethod
    def any_of(parts: list[DiscMembership], n: int) -> DiscMembership:
        """Membership in the union of several areas: the best of each incident's parts."""
        if not parts:
            z = np.zeros(n, bool)
            return DiscMembership(z, z.copy(), np.zeros(n), np.full(n, np.nan))
        inside = np.logical_or.reduce([p.inside for p in parts])
        share = np.maximum.reduce([p.share for p in parts])
        boundary = np.fmax.reduce([p.boundary_m for p in parts])
        return DiscMembership(inside, ~inside & (share > 0), share, boundary)


def disc_share(signed_m: Floats, radius: Floats) -> Floats:
    """Share of a disc inside, from the signed distance of its centre to the boundary."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip(0.5 + signed_m / (2 * radius), 0.0, 1.0)
    return np.where(radius > 0, share, (signed_m >= 0).astype(np.float64))


def zone_membership(index: PointIndex, radius: Floats, frame: LocalFrame) -> DiscMembership:
    """Disc membership of every incident in one polygonal zone."""
    n = len(index.lon)
    inside = np.zeros(n, bool)
    straddles = np.zeros(n, bool)
    share = np.zeros(n)
    boundary = np.full(n, np.nan)
    cand = index.near(frame.geometry, float(radius.max(initial=0.0)))
    if len(cand):
        lon, lat, r = index.lon[cand], index.lat[cand], radius[cand]
        contained = shapely.contains_xy(frame.geometry, lon, lat)
        signed = np.where(contained, 0.0, -np.inf)
        rough = r > 0
        if rough.any():
            d = frame.distance(lon[rough], lat[rough], to_boundary=True)
            signed[rough] = np.where(contained[rough], d, -d)
        s = disc_share(signed, r)
        inside[cand] = contained & (signed >= r)
        share[cand] = s
        straddles[cand] = (s > 0) & ~inside[cand]
        boundary[cand] = np.where(rough, signed, np.nan)
    return DiscMembership(inside, straddles, share, boundary)


def zone_membership_for(index: PointIndex, radius: Floats, geometry: Any) -> DiscMembership:
    return zone_membership(index, radius, LocalFrame(geometry))


def distances_near(index: PointIndex, frame: LocalFrame, reach_m: float) -> Floats:
    """Metres from every incident to the geometry; +inf where surely beyond ``reach_m``."""
    out = np.full(len(index.lon), np.inf)
    cand = index.near(frame.geometry, reach_m)
    if len(cand):
        out[cand] = frame.distance(index.lon[cand], index.lat[cand])
    return out

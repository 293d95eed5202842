"""Vectorized geometry on incident coordinates: zone membership and distances, in metres.

Method (docs/rules.md, "Distances"): every zone, route or line gets its own transverse Mercator
frame on the WGS84 ellipsoid, centred on the geometry's centroid (scale 1 on the central
meridian). Incidents near the geometry are projected into that frame and measured with shapely.
The scale error of such a frame at an east-west offset x from its centre is about x²/(2R²):
below 0.1 % up to 285 km from the centre, which covers the distances a rule measures (they are
near the geometry). Tests compare against pyproj's geodesic distances.

Candidate incidents are first found by a bounding-box search on longitude-sorted coordinates
(a grid of cells; see ``PointIndex``), so the cost is proportional to the incidents near each
geometry, never to incidents × geometries. Points are never made into Python objects one by one.

A rough location is a disc of radius r around its point. Against a zone it is ``inside`` (the
whole disc is in), ``straddling`` (part of it is), or out; the share of the disc inside is
estimated from the signed distance s to the boundary as clip(0.5 + s / 2r, 0, 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

__all__ = ["DiscMembership", "LocalFrame", "PointIndex", "degree_margin", "disc_share", "near_any", "zone_memberships"]

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


@lru_cache(maxsize=4096)
def _tmerc(lat_0: str, lon_0: str) -> Transformer:
    """The transverse Mercator centred on (lat_0, lon_0), as a bare pipeline: building it is ~400x
    cheaper than Transformer.from_crs, same numbers. Kept per process, as an agreement's frames
    are built again by every run and every partition; a Transformer is safe to share between
    threads (pyproj >= 3.1 makes one PROJ object per thread)."""
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=tmerc +lat_0={lat_0} +lon_0={lon_0} +k=1 +ellps=WGS84"
    )


class LocalFrame:
    """A transverse Mercator frame centred on one geometry, for metric work near it."""

    def __init__(self, geometry: Any) -> None:
        centre = geometry.centroid
        self.geometry = geometry
        self._forward = _tmerc(f"{centre.y:.8f}", f"{centre.x:.8f}")

    def project(self, lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
        x, y = self._forward.transform(lon, lat)
        return np.asarray(x, np.float64), np.asarray(y, np.float64)

    def unproject(self, x: Floats, y: Floats) -> tuple[Floats, Floats]:
        lon, lat = self._forward.transform(x, y, direction="INVERSE")
        return np.asarray(lon, np.float64), np.asarray(lat, np.float64)

    @cached_property
    def projected(self) -> Any:
        """The geometry in this frame."""
        return shapely.transform(self.geometry, lambda c: np.column_stack(self.project(c[:, 0], c[:, 1])))

    @cached_property
    def segments(self) -> tuple[Floats, Floats, Floats, Floats]:
        """(ax, ay, dx, dy) of every straight segment of the (boundary of the) projected geometry.

        The vertices are projected in one call, without building the projected geometry (which
        only ``distance`` to a polygon's inside needs): the same numbers, as projecting is per
        vertex, for a third of the cost of a zone (issue 16)."""
        shape = self.geometry
        outline = shape.boundary if shape.geom_type in ("Polygon", "MultiPolygon") else shape
        parts = [shapely.get_coordinates(part) for part in getattr(outline, "geoms", [outline])]
        parts = [c for c in parts if len(c) > 1]
        if not parts:
            return np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0)
        lengths = [len(c) for c in parts]
        x, y = self.project(*np.concatenate(parts).T)
        ends = np.cumsum(lengths)
        first = np.ones(len(x), bool)  # the first vertex of each part starts no segment's end
        first[ends[:-1]] = False
        first[0] = False
        last = np.ones(len(x), bool)  # the last vertex of each part starts no segment
        last[ends - 1] = False
        return x[last], y[last], x[first] - x[last], y[first] - y[last]

    def distance(self, lon: Floats, lat: Floats, to_boundary: bool = False) -> Floats:
        """Metres from each point to the geometry (0 inside a polygon) or to its boundary."""
        x, y = self.project(lon, lat)
        d = _segment_distance(x, y, *self.segments)
        if not to_boundary and self.geometry.geom_type in ("Polygon", "MultiPolygon") and len(x):
            d[shapely.contains_xy(self.projected, x, y)] = 0.0
        return d


_CELLS = 2_000_000  # points x segments per numpy block: bounds memory at ~50 MB


def _segment_distance(x: Floats, y: Floats, ax: Floats, ay: Floats, dx: Floats, dy: Floats) -> Floats:
    """Euclidean distance from each point to the nearest of the segments, in blocks."""
    out = np.full(len(x), np.inf)
    if len(ax) == 0:
        return out
    length2 = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
    step = max(1, _CELLS // len(ax))
    for lo in range(0, len(x), step):  # blocks of points, not one per point
        px, py = x[lo : lo + step, None], y[lo : lo + step, None]
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / length2, 0.0, 1.0)
        out[lo : lo + step] = np.sqrt(np.min((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2, axis=1))
    return out


class _Grid:
    """Points bucketed in a regular grid of cells, sorted by cell (column-major), so the cells of
    one grid column that a box covers are one contiguous slice."""

    def __init__(self, lon: Floats, lat: Floats, cell_deg: float) -> None:
        self.lon, self.lat, self._cell = lon, lat, cell_deg
        self._x0, self._y0 = float(lon.min(initial=0.0)), float(lat.min(initial=0.0))
        self._rows = int((float(lat.max(initial=0.0)) - self._y0) / cell_deg) + 1
        self._cols = int((float(lon.max(initial=0.0)) - self._x0) / cell_deg) + 1
        col = ((lon - self._x0) / cell_deg).astype(np.int64)
        cells = col * self._rows + ((lat - self._y0) / cell_deg).astype(np.int64)
        self._order = _cell_order(cells, self._rows * self._cols)
        self._sorted = cells[self._order]

    def in_box(self, minx: float, miny: float, maxx: float, maxy: float) -> Indices:
        if len(self.lon) == 0:
            return np.zeros(0, np.intp)
        c0, c1 = (max(0, min(self._cols - 1, int((v - self._x0) // self._cell))) for v in (minx, maxx))
        r0, r1 = (max(0, min(self._rows - 1, int((v - self._y0) // self._cell))) for v in (miny, maxy))
        cols = np.arange(c0, c1 + 1, dtype=np.int64) * self._rows
        lo = np.searchsorted(self._sorted, cols + r0, side="left").tolist()
        hi = np.searchsorted(self._sorted, cols + r1, side="right").tolist()
        idx = np.concatenate([self._order[a:b] for a, b in zip(lo, hi, strict=True)])
        lon, lat = self.lon[idx], self.lat[idx]
        inside: Indices = idx[(lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)]
        return inside

    def in_boxes(self, boxes: Floats) -> tuple[Indices, Indices]:
        """(box, point) pairs of the points inside each of the (minx, miny, maxx, maxy) rows of
        ``boxes``, by box: what ``in_box`` finds for each, found for all with a few array
        operations instead of a dozen per box (issue 16)."""
        if len(self.lon) == 0 or len(boxes) == 0:
            return np.zeros(0, np.intp), np.zeros(0, np.intp)
        minx, miny, maxx, maxy = boxes.T
        c0, c1 = (np.clip((v - self._x0) // self._cell, 0, self._cols - 1).astype(np.int64) for v in (minx, maxx))
        r0, r1 = (np.clip((v - self._y0) // self._cell, 0, self._rows - 1).astype(np.int64) for v in (miny, maxy))
        box, col = _ranges(c0, c1 - c0 + 1)  # every grid column of every box
        lo = np.searchsorted(self._sorted, col * self._rows + r0[box], side="left")
        hi = np.searchsorted(self._sorted, col * self._rows + r1[box], side="right")
        run, pos = _ranges(lo, hi - lo)  # every point of those cells
        box = box[run]
        idx: Indices = self._order[pos]
        lon, lat = self.lon[idx], self.lat[idx]
        inside = (lon >= minx[box]) & (lon <= maxx[box]) & (lat >= miny[box]) & (lat <= maxy[box])
        return box[inside], idx[inside]


def _ranges(start: npt.NDArray[np.int64], length: npt.NDArray[np.int64]) -> tuple[Indices, Indices]:
    """(which range, value) of every value of the ranges start[i] .. start[i] + length[i] - 1."""
    which = np.repeat(np.arange(len(start)), length)
    first = np.cumsum(length) - length
    values: Indices = np.arange(int(length.sum())) - first[which] + start[which]
    return which, values


def _cell_order(cells: npt.NDArray[np.int64], count: int) -> Indices:
    """The rows sorted by cell, stably (ascending rows within a cell). A grid has far fewer
    cells than points, so the cell numbers fit 16 bits (one radix pass) or 32 (two): ~10x
    cheaper than a comparison sort of int64 keys, which was a fifth of the engine (issue 16)."""
    if count <= 1 << 16:
        order: Indices = np.argsort(cells.astype(np.uint16), kind="stable")
        return order
    if count <= 1 << 32:
        low = np.argsort((cells & 0xFFFF).astype(np.uint16), kind="stable")
        high = (cells[low] >> 16).astype(np.uint16)
        ordered: Indices = low[np.argsort(high, kind="stable")]
        return ordered
    fallback: Indices = np.argsort(cells, kind="stable")
    return fallback


RADIUS_CLASSES = (0.0, 1_000.0, 5_000.0, 25_000.0, 100_000.0, 300_000.0, math.inf)


class PointIndex:
    """Incident coordinates indexed for "which points may lie within d metres of this geometry".

    Points are grouped by precision radius (classes of ``RADIUS_CLASSES``) and each group gets a
    grid of cells; a query pads the geometry's box by d plus the group's radius bound only, so
    the many exact points are never searched with the margin that rough ones need.
    """

    def __init__(self, lon: Floats, lat: Floats, radius: Floats | None = None, cell_deg: float = 0.1) -> None:
        self.lon, self.lat = lon, lat
        radius = np.zeros(len(lon)) if radius is None else radius
        klass = np.searchsorted(np.array(RADIUS_CLASSES), radius, side="left").astype(np.uint8)
        by_class = np.argsort(klass, kind="stable")  # one radix pass: each class's rows, ascending
        counts = np.bincount(klass, minlength=len(RADIUS_CLASSES))
        ends = np.cumsum(counts)
        self._groups: list[tuple[float, Indices, _Grid]] = []
        for k in np.flatnonzero(counts).tolist():
            members = by_class[ends[k] - counts[k] : ends[k]]
            bound = RADIUS_CLASSES[k] if math.isfinite(RADIUS_CLASSES[k]) else float(radius[members].max())
            self._groups.append((bound, members, _Grid(lon[members], lat[members], cell_deg)))

    def in_box(self, minx: float, miny: float, maxx: float, maxy: float) -> Indices:
        """Indices of the points inside the box (in no particular order)."""
        parts = [members[grid.in_box(minx, miny, maxx, maxy)] for _, members, grid in self._groups]
        return np.concatenate(parts) if parts else np.zeros(0, np.intp)

    def near(self, geometry: Any, metres: float) -> Indices:
        """Indices of points whose disc may come within ``metres`` of the geometry (a superset)."""
        minx, miny, maxx, maxy = geometry.bounds
        parts = []
        for bound, members, grid in self._groups:
            dlon, dlat = degree_margin(metres + bound, max(abs(miny), abs(maxy)))
            parts.append(members[grid.in_box(minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)])
        return np.concatenate(parts) if parts else np.zeros(0, np.intp)

    def near_each(self, geometries: Any, metres: float) -> tuple[Indices, Indices]:
        """(geometry, point) pairs, ordered by geometry then point: for each of ``geometries``
        what ``near`` finds (the same margins), for all of them at once."""
        bounds = shapely.bounds(np.asarray(geometries, dtype=object)).reshape(-1, 4)
        which, points = [np.zeros(0, np.intp)], [np.zeros(0, np.intp)]
        for bound, members, grid in self._groups:
            margins = np.array([degree_margin(metres + bound, max(abs(b[1]), abs(b[3]))) for b in bounds.tolist()])
            pad = np.tile(margins.reshape(-1, 2), 2) * np.array([-1.0, -1.0, 1.0, 1.0])
            box, idx = grid.in_boxes(bounds + pad)
            which.append(box)
            points.append(members[idx])
        geometry, point = np.concatenate(which), np.concatenate(points)
        order = np.lexsort((point, geometry))
        return geometry[order], point[order]


def near_any(
    lon: Floats, lat: Floats, radius: Floats, geometries: Any, reach_m: Floats, cell_deg: float = 0.02
) -> Bools:
    """A superset of the points ``PointIndex.near(g, reach_m[i])`` can find for some geometry
    ``g = geometries[i]``: each radius class's points are kept when their grid cell touches a
    geometry's box padded as ``near`` pads it for that class. A cheap cut (a raster of cells
    and one lookup per point) before building an index over far fewer points (issue 16)."""
    if len(lon) == 0 or len(reach_m) == 0:
        return np.zeros(len(lon), bool)
    klass = np.searchsorted(np.array(RADIUS_CLASSES), radius, side="left")
    x0, y0 = float(lon.min()), float(lat.min())
    # At most about a million cells, however far apart the points are.
    cell_deg = max(cell_deg, math.sqrt((float(lon.max()) - x0) * (float(lat.max()) - y0) / 1e6))
    cols = int((float(lon.max()) - x0) / cell_deg) + 1
    rows = int((float(lat.max()) - y0) / cell_deg) + 1
    raster = np.zeros((len(RADIUS_CLASSES) + 1, cols, rows), bool)
    raster[len(RADIUS_CLASSES)] = True  # a radius no class holds (NaN): never cut
    bounds = shapely.bounds(np.asarray(geometries, dtype=object)).reshape(-1, 4).tolist()
    for k in np.flatnonzero(np.bincount(klass, minlength=len(RADIUS_CLASSES) + 1)[:-1]).tolist():
        bound = RADIUS_CLASSES[k] if math.isfinite(RADIUS_CLASSES[k]) else float(radius[klass == k].max())
        for (minx, miny, maxx, maxy), metres in zip(bounds, reach_m.tolist(), strict=True):
            dlon, dlat = degree_margin(metres + bound, max(abs(miny), abs(maxy)))
            # One cell more on every side: a cell number here must never fall short of a point's.
            c0, c1 = (int(np.floor((v - x0) / cell_deg)) for v in (minx - dlon, maxx + dlon))
            r0, r1 = (int(np.floor((v - y0) / cell_deg)) for v in (miny - dlat, maxy + dlat))
            raster[k, max(0, c0 - 1) : max(0, c1 + 2), max(0, r0 - 1) : max(0, r1 + 2)] = True
    col = ((lon - x0) / cell_deg).astype(np.int64)
    row = ((lat - y0) / cell_deg).astype(np.int64)
    keep: Bools = raster.reshape(-1)[(klass * cols + col) * rows + row]  # one flat lookup
    return keep


@dataclass(frozen=True, slots=True)
class DiscMembership:
    """How the incidents near an area relate to it, sparsely: only incidents whose disc touches
    the area are listed (``idx``).

    ``share``: the estimated share of the disc inside (1 when the whole disc is in);
    ``boundary_m``: signed metres from the point to the boundary (positive inside; NaN for exact
    points, whose distance to the boundary is not needed).
    """

    idx: Indices
    share: Floats
    boundary_m: Floats

    @property
    def inside(self) -> Bools:
        return self.share >= 1


def disc_share(signed_m: Floats, radius: Floats) -> Floats:
    """Share of a disc inside, from the signed distance of its centre to the boundary."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.clip(0.5 + signed_m / (2 * radius), 0.0, 1.0)
    return np.where(radius > 0, share, (signed_m >= 0).astype(np.float64))


def zone_membership(index: PointIndex, radius: Floats, frame: LocalFrame) -> DiscMembership:
    """The incidents whose disc touches one polygonal zone, in ascending order."""
    return zone_memberships(index, radius, [frame])[0]


def zone_memberships(index: PointIndex, radius: Floats, frames: list[LocalFrame]) -> list[DiscMembership]:
    """``zone_membership`` of each zone, found together: one search and one containment test
    for all the zones; only the distances of rough points to each boundary are per zone."""
    geometries = np.array([f.geometry for f in frames], dtype=object)
    which, cand = index.near_each(geometries, 0.0)
    lon, lat, r = index.lon[cand], index.lat[cand], radius[cand]
    shapely.prepare(geometries)  # an array of geometries is not prepared for us: 3x slower unprepared
    contained = shapely.contains_xy(geometries[which], lon, lat) if len(cand) else np.zeros(0, bool)
    signed = np.where(contained, 0.0, -np.inf)
    rough = np.flatnonzero(r > 0)
    bounds = np.searchsorted(which[rough], np.arange(len(frames) + 1))
    for k, frame in enumerate(frames):
        part = rough[bounds[k] : bounds[k + 1]]
        if len(part):
            d = frame.distance(lon[part], lat[part], to_boundary=True)
            signed[part] = np.where(contained[part], d, -d)
    share = disc_share(signed, r)
    keep = share > 0
    which, cand, share, boundary = which[keep], cand[keep], share[keep], np.where(r > 0, signed, np.nan)[keep]
    ends = np.searchsorted(which, np.arange(len(frames) + 1)).tolist()
    return [DiscMembership(cand[a:b], share[a:b], boundary[a:b]) for a, b in pairwise(ends)]


def distances_near(index: PointIndex, frame: LocalFrame, reach_m: float) -> tuple[Indices, Floats]:
    """(indices in ascending order, metres to the geometry) of the incidents whose disc may be
    within ``reach_m``."""
    cand = _candidates(index, frame, reach_m)
    return cand, frame.distance(index.lon[cand], index.lat[cand])


def _candidates(index: PointIndex, frame: LocalFrame, reach_m: float) -> Indices:
    """``index.near`` in ascending order (the grid's order is its own, not the input's)."""
    cand = index.near(frame.geometry, reach_m)
    cand.sort()
    return cand

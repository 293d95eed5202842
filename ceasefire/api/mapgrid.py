"""Clusters of incidents on a grid per zoom level, vectorized (issue 14).

The grid is Web Mercator's: at zoom ``z`` the world is ``256 * 2**z`` pixels wide, and a cell is
:data:`CELL_PX` pixels square, so cells are anchored to the world, not to the view: panning
never reshuffles the clusters, and zooming in one level splits each cell in four. A cell holding
one incident gives that incident; from :data:`SINGLE_ZOOM` on, every incident in the box is its
own marker unless they are more than :data:`MAX_SINGLES`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.api.problems import Problem

__all__ = ["CELL_PX", "MAX_SINGLES", "SINGLE_ZOOM", "Box", "Grid", "cluster"]

CELL_PX = 80  # about a cluster badge and its margin: badges of neighbouring cells never overlap
SINGLE_ZOOM = 11  # a few kilometres across the screen: markers, as markercluster's threshold was
MAX_SINGLES = 2000  # more markers than this are slow to draw; keep clustering instead
MAX_ZOOM = 22
DENSE = 4_000_000  # cells of a box counted on a dense grid (32 MB of counts at most)
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Box:
    """A bounding box in degrees; ``west > east`` crosses the antimeridian."""

    west: float = -180.0
    south: float = -90.0
    east: float = 180.0
    north: float = 90.0

    @classmethod
    def parse(cls, text: str | None) -> Box:
        """``W,S,E,N`` (degrees; longitudes wrap); a 422 Problem naming ``bbox`` otherwise."""
        if not text:
            return cls()
        parts = text.split(",")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise Problem(422, f"bbox: {text!r} is not four numbers W,S,E,N (degrees)") from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise Problem(422, f"bbox: {text!r} has a value that is not a finite number")
        if not -90 <= south <= north <= 90:
            raise Problem(422, f"bbox: south {south} and north {north} must satisfy -90 <= S <= N <= 90")
        if east - west >= 360:
            return cls(-180.0, south, 180.0, north)
        return cls(_wrap(west), south, _wrap(east), north)

    def contains(self, lon: Floats, lat: Floats) -> npt.NDArray[np.bool_]:
        inside = (lat >= self.south) & (lat <= self.north)
        if self.west <= self.east:
            return inside & (lon >= self.west) & (lon <= self.east)
        return inside & ((lon >= self.west) | (lon <= self.east))


def _wrap(lon: float) -> float:
    """A longitude in [-180, 180] (Leaflet's bounds run past them after panning round the world)."""
    return lon if -180 <= lon <= 180 else (lon + 180) % 360 - 180


def parse_zoom(text: str | None) -> int:
    """The zoom level, 0..22 (a fractional one is rounded down); a 422 naming ``zoom``."""
    try:
        zoom = math.floor(float(text if text is not None else "0"))
    except (ValueError, OverflowError):
        raise Problem(422, f"zoom: {text!r} is not a number (0 to {MAX_ZOOM})") from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise Problem(422, f"zoom: {zoom} is outside 0 to {MAX_ZOOM}")
    return zoom


@dataclass(frozen=True)
class Grid:
    """Clusters of one request, as columns: each cluster's ``count``, centre (``lon``, ``lat``,
    the mean of its incidents on the Mercator plane), ``worst`` status code, ``by_status``
    (count per status code, one row per cluster), ``bounds`` (W, S, E, N per cluster); and
    ``singles``, the positions (into the arrays given) of the incidents shown one by one."""

    count: npt.NDArray[np.int64]
    lon: Floats
    lat: Floats
    worst: npt.NDArray[np.int8]
    by_status: npt.NDArray[np.int64]
    bounds: Floats
    singles: npt.NDArray[np.intp]


def cluster(x: Floats, y: Floats, lon: Floats, lat: Floats, codes: npt.NDArray[np.int8], zoom: int) -> Grid:
    """Group incidents (Mercator ``x``/``y`` in 0..1, degrees, status codes 0..3) by grid cell
    at ``zoom``; a cell of one incident, or every incident from SINGLE_ZOOM on (at most
    MAX_SINGLES), is a single instead of a cluster."""
    if zoom >= SINGLE_ZOOM and len(x) <= MAX_SINGLES:
        return _empty(np.arange(len(x)))
    scale = 256.0 * 2.0**zoom / CELL_PX
    inverse, count = _cells(np.floor(x * scale).astype(np.int64), np.floor(y * scale).astype(np.int64))
    alone = count[inverse] == 1
    many = ~alone
    numbered = np.cumsum(count > 1) - 1  # cells of several incidents, numbered from 0
    inverse = numbered[inverse[many]]
    n = int(np.count_nonzero(count > 1))
    worst = np.zeros(n, dtype=np.int8)
    np.maximum.at(worst, inverse, codes[many])
    by_status = np.bincount(inverse * 4 + codes[many].astype(np.int64), minlength=n * 4).reshape(n, 4)
    sizes = np.bincount(inverse, minlength=n)
    mx = np.bincount(inverse, weights=x[many], minlength=n) / np.maximum(sizes, 1)
    my = np.bincount(inverse, weights=y[many], minlength=n) / np.maximum(sizes, 1)
    return Grid(
        sizes.astype(np.int64),
        mx * 360.0 - 180.0,
        np.degrees(np.arctan(np.sinh(np.pi * (1.0 - 2.0 * my)))),
        worst,
        by_status,
        _bounds(inverse, n, lon[many], lat[many]),
        np.flatnonzero(alone),
    )


def _cells(cx: npt.NDArray[np.int64], cy: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """(each incident's cell number, each cell's count) for cell columns ``cx`` and rows
    ``cy``. A box of up to DENSE cells is counted on a dense grid in one pass (no sort: a
    million incidents in milliseconds); a larger one, through a sort."""
    if not len(cx):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    x0, y0 = int(cx.min()), int(cy.min())
    width, height = int(cx.max()) - x0 + 1, int(cy.max()) - y0 + 1
    if width * height > DENSE:
        _, inverse, count = np.unique(cx * (1 << 32) + cy, return_inverse=True, return_counts=True)
        return inverse.astype(np.intp), count.astype(np.int64)
    local = (cx - x0) * height + (cy - y0)
    grid = np.bincount(local, minlength=width * height)
    occupied = np.flatnonzero(grid)
    number = np.zeros(width * height, dtype=np.intp)
    number[occupied] = np.arange(len(occupied))
    return number[local], grid[occupied].astype(np.int64)


def _bounds(inverse: npt.NDArray[np.intp], n: int, lon: Floats, lat: Floats) -> Floats:
    out = np.empty((n, 4), dtype=np.float64)
    out[:, 0], out[:, 1], out[:, 2], out[:, 3] = np.inf, np.inf, -np.inf, -np.inf
    np.minimum.at(out[:, 0], inverse, lon)
    np.minimum.at(out[:, 1], inverse, lat)
    np.maximum.at(out[:, 2], inverse, lon)
    np.maximum.at(out[:, 3], inverse, lat)
    return out


def _empty(singles: npt.NDArray[np.intp]) -> Grid:
    none = np.zeros(0, dtype=np.float64)
    return Grid(
        np.zeros(0, dtype=np.int64),
        none,
        none,
        np.zeros(0, dtype=np.int8),
        np.zeros((0, 4), dtype=np.int64),
        np.zeros((0, 4), dtype=np.float64),
        singles,
    )

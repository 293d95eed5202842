"""The bulletin's small map, projected for inline SVG: no tiles, no network, no JavaScript.

Projection: equirectangular round the middle latitude (x = lon * cos(lat0), y = lat), fitted to
the frame. Over the few hundred kilometres of an agreement's area the distortion is a few per
cent, which a sketch map can bear. The detail map frames the agreement's zones, routes and lines
(plus 15 %); when some of the day's incidents fall outside it, an overview map frames them all
and outlines the detail map in it. The templates draw the SVG (escaping every label).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import shapely

from ceasefire.bulletin.content import MapPoint
from ceasefire.model import Agreement, severity

__all__ = ["MAP_DOTS", "Dot", "MapView", "maps", "merge_dots"]

_PAD = 0.15
_MIN_SPAN = 0.2  # degrees: an agreement on one town still gets some surroundings
_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class Shape:
    id: str
    name: str
    kind: str  # zone kind, "route" or "line"
    d: str  # SVG path data
    label_at: tuple[float, float]  # where its id is written


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float  # the location's uncertainty, in pixels (0: exact)
    status: str
    number: int | None
    label: str


MAP_DOTS = 400  # more dots than this are merged by cell (``merge_dots``)
MERGE_PX = 8.0  # about a dot's width: the smallest cell merged dots share


@dataclass(frozen=True)
class MapView:
    width: int
    height: int
    shapes: tuple[Shape, ...]
    dots: tuple[Dot, ...]
    outside: tuple[str, ...]  # places of the incidents outside this frame ("Town (2)" for two)
    scale_px: float  # length of the scale bar
    scale_label: str
    frame: tuple[float, float, float, float] | None  # the detail map's outline (x, y, w, h), overview only
    bounds: tuple[float, float, float, float]  # lon/lat (west, south, east, north)
    incidents: int  # in the frame: more than ``dots`` when some were merged


class _Projection:
    def __init__(self, bounds: tuple[float, float, float, float], width: int, height: int) -> None:
        west, south, east, north = bounds
        self.k = math.cos(math.radians((south + north) / 2))
        span_x, span_y = max((east - west) * self.k, 1e-9), max(north - south, 1e-9)
        self.scale = min(width / span_x, height / span_y)
        self.x0 = west * self.k - (width / self.scale - span_x) / 2
        self.y0 = north + (height / self.scale - span_y) / 2
        self.width, self.height = width, height
        # what the frame shows (wider than ``bounds`` on one axis, to keep the aspect)
        self.bounds = (
            self.x0 / self.k,
            self.y0 - height / self.scale,
            (self.x0 + width / self.scale) / self.k,
            self.y0,
        )

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return round((lon * self.k - self.x0) * self.scale, 1), round((self.y0 - lat) * self.scale, 1)

    def inside(self, lon: float, lat: float) -> bool:
        x, y = self.xy(lon, lat)
        return 0 <= x <= self.width and 0 <= y <= self.height

    @property
    def metres_per_px(self) -> float:
        return _M_PER_DEG / self.scale


def _padded(west: float, south: float, east: float, north: float) -> tuple[float, float, float, float]:
    cx, cy = (west + east) / 2, (south + north) / 2
    half_x, half_y = max(east - west, _MIN_SPAN) * (0.5 + _PAD), max(north - south, _MIN_SPAN) * (0.5 + _PAD)
    return cx - half_x, cy - half_y, cx + half_x, cy + half_y


def _path(geometry: object, p: _Projection) -> str:
    parts = []
    for part in getattr(geometry, "geoms", [geometry]):
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for ring in rings:
            points = [p.xy(x, y) for x, y, *_ in ring.coords]
            close = " Z" if part.geom_type == "Polygon" else ""
            parts.append("M " + " L ".join(f"{x} {y}" for x, y in points) + close)
    return " ".join(parts)


def _label_at(geometry: Any, p: _Projection) -> tuple[float, float]:
    """Inside a polygon; half-way along a line."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        point = geometry.representative_point()
    else:
        point = shapely.line_interpolate_point(geometry, 0.5, normalized=True)
    return p.xy(point.x, point.y)


_SHAPES: OrderedDict[tuple[int, float, float, float, float], tuple[Agreement, tuple[Shape, ...]]] = OrderedDict()
_SHAPES_LOCK = threading.Lock()


def _shapes(agreement: Agreement, p: _Projection) -> tuple[Shape, ...]:
    """The agreement's places drawn in ``p``: the same for every day of a run, so kept for the
    last few (agreement, frame) pairs (issue 14: placing 200 zones' labels apart costs more
    than the rest of a day's bulletin)."""
    key = (id(agreement), p.x0, p.y0, p.scale, p.k)
    with _SHAPES_LOCK:
        kept = _SHAPES.get(key)
    if kept is not None and kept[0] is agreement:  # the id alone could be a freed one's
        return kept[1]
    made = _drawn(agreement, p)
    with _SHAPES_LOCK:
        _SHAPES[key] = (agreement, made)
        while len(_SHAPES) > 8:
            _SHAPES.popitem(last=False)
    return made


def _drawn(agreement: Agreement, p: _Projection) -> tuple[Shape, ...]:
    zones = [Shape(z.id, z.name, z.kind, _path(z.geometry, p), _label_at(z.geometry, p)) for z in agreement.zones]
    routes = [Shape(r.id, r.name, "route", _path(r.geometry, p), _label_at(r.geometry, p)) for r in agreement.routes]
    lines = [
        Shape(line.id, line.name, "line", _path(line.geometry, p), _label_at(line.geometry, p))
        for line in agreement.lines
    ]
    return _apart((*zones, *lines, *routes))


def _apart(shapes: Sequence[Shape]) -> tuple[Shape, ...]:
    """Labels moved down, a line at a time, until none overlaps an earlier one (a corridor and
    its road share a centre line, so their labels would print on top of each other)."""
    placed: list[tuple[float, float]] = []
    out = []
    for shape in shapes:
        x, y = shape.label_at
        while any(abs(x - px) < 70 and abs(y - py) < 11 for px, py in placed):
            y += 11
        placed.append((x, y))
        out.append(Shape(shape.id, shape.name, shape.kind, shape.d, (x, round(y, 1))))
    return tuple(out)


def _scale(p: _Projection) -> tuple[float, str]:
    """A round length near a fifth of the map's width."""
    target = p.width / 5 * p.metres_per_px
    step = 10 ** math.floor(math.log10(target))
    length = max(m * step for m in (1, 2, 5) if m * step <= target)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    return round(length / p.metres_per_px, 1), label


def _view(
    agreement: Agreement, points: Sequence[MapPoint], p: _Projection, frame: tuple[float, float, float, float] | None
) -> MapView:
    dots, outside = [], []
    for point in points:
        if not p.inside(point.lon, point.lat):
            outside.append(point.label)
            continue
        x, y = p.xy(point.lon, point.lat)
        r = point.radius_m / p.metres_per_px if point.radius_m else 0.0
        dots.append(Dot(x, y, round(min(r, p.width), 1), point.status, point.number, point.label))
    shown = len(dots)
    dots = merge_dots(dots) if len(dots) > MAP_DOTS else dots
    dots.sort(key=lambda d: d.number is not None)  # numbered (notable) dots drawn last, on top
    bar, label = _scale(p)
    named = [f"{name} ({outside.count(name)})" if outside.count(name) > 1 else name for name in dict.fromkeys(outside)]
    return MapView(
        p.width, p.height, _shapes(agreement, p), tuple(dots), tuple(named), bar, label, frame, p.bounds, shown
    )


def merge_dots(dots: list[Dot]) -> list[Dot]:
    """:func:`_merged_in` cells of ``MERGE_PX``, wider by half until at most ``MAP_DOTS`` are left."""
    cell = MERGE_PX
    out = _merged_in(dots, cell)
    while len(out) > MAP_DOTS:
        cell *= 1.5
        out = _merged_in(dots, cell)
    return out


def _merged_in(dots: list[Dot], cell: float) -> list[Dot]:
    """One dot per ``cell`` pixels square, the one that matters most (a numbered one, else the worst
    status) standing for the others, its label saying how many (issue 14: a day of a
    million-incident run has thousands of dots, which print as one blot and take WeasyPrint
    seconds to draw; the findings list has every one)."""
    cells: dict[tuple[int, int], list[Dot]] = {}
    for d in dots:
        cells.setdefault((int(d.x // cell), int(d.y // cell)), []).append(d)
    out = []
    for group in cells.values():
        top = min(group, key=lambda d: (d.number is None, severity(d.status)))
        label = top.label if len(group) == 1 else f"{top.label} and {len(group) - 1} more"
        out.append(Dot(top.x, top.y, max(d.r for d in group), top.status, top.number, label))
    return out


def _bounds(geometries: Iterable[object]) -> tuple[float, float, float, float] | None:
    items = list(geometries)
    if not items:
        return None
    west, south, east, north = shapely.total_bounds(items)
    return float(west), float(south), float(east), float(north)


def maps(agreement: Agreement, points: Sequence[MapPoint], width: int = 640, height: int = 400) -> list[MapView]:
    """The detail map, and an overview when some points fall outside it."""
    places = [
        *(z.geometry for z in agreement.zones),
        *(r.geometry for r in agreement.routes),
        *(line.geometry for line in agreement.lines),
    ]
    dots = [shapely.Point(pt.lon, pt.lat) for pt in points]
    area = _bounds(places) or _bounds(dots) or (-1.0, -1.0, 1.0, 1.0)
    detail = _Projection(_padded(*area), width, height)
    views = [_view(agreement, points, detail, None)]
    if views[0].outside:
        everything = _bounds([*places, *dots]) or area
        overview = _Projection(_padded(*everything), width // 2, height // 2)
        (x0, y0), (x1, y1) = (
            overview.xy(detail.bounds[0], detail.bounds[3]),
            overview.xy(detail.bounds[2], detail.bounds[1]),
        )
        views.append(_view(agreement, points, overview, (x0, y0, round(x1 - x0, 1), round(y1 - y0, 1))))
    return views

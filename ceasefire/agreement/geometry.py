"""GeoJSON geometries of zones, routes and lines: checked, then built as shapely 2 objects.

A position is ``[longitude, latitude]`` in WGS84 (a third number, altitude, is allowed and
dropped). Rings need at least 4 positions and must be closed; lines need at least 2 positions.
After the structure passes, the shapely geometry must be valid (``shapely.is_valid_reason``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import shapely
import shapely.geometry

from ceasefire.agreement.documents import read_geojson
from ceasefire.agreement.nodes import Node, describe, render_path

__all__ = ["LINEAR", "POLYGONAL", "read_geometry", "read_geometry_file"]

POLYGONAL = ("Polygon", "MultiPolygon")
LINEAR = ("LineString", "MultiLineString")
GEOMETRY_KEYS = ("type", "coordinates", "bbox")

Position = tuple[float, float]
Coordinates = Any  # nested lists of Position, as deep as the geometry type needs


def read_geometry(node: Node, types: tuple[str, ...], strict: bool = True) -> Any | None:
    """The shapely geometry for the GeoJSON geometry mapping at ``node``, or ``None``.

    ``types`` are the accepted geometry types; ``strict`` also reports keys GeoJSON geometries
    do not have (inline geometries are ours; files may carry foreign members).
    """
    if node.as_mapping(f"a GeoJSON geometry ({' or '.join(types)})") is None:
        return None
    if strict:
        node.check_keys(GEOMETRY_KEYS, "geometry key")
    kind = node.text("type")
    if kind is None:
        return None
    if kind not in types:
        node.at("type").problem(f"expected type {' or '.join(types)}, got {describe(kind)}")
        return None
    coordinates = node.field("coordinates", True)
    if coordinates is None:
        return None
    cleaned = _READERS[kind](coordinates)
    if cleaned is None:
        return None
    geometry = shapely.geometry.shape({"type": kind, "coordinates": cleaned})
    if not geometry.is_valid:
        coordinates.problem(f"invalid {kind}: {_reason(geometry)}")
        return None
    return geometry


def _reason(geometry: Any) -> str:
    """shapely's reason, with its ``[x y]`` point spelled out and a hint how to fix it."""
    reason = str(shapely.is_valid_reason(geometry))
    match = re.fullmatch(r"(.*)\[(\S+) (\S+)\]", reason)
    if match:
        reason = f"{match[1]} at longitude {match[2]}, latitude {match[3]}"
    return f"{reason}; edges must not cross or touch, and holes must lie inside their shell"


def _position_problem(value: object) -> str | None:
    """Why ``value`` is not a ``[longitude, latitude]`` position; ``None`` when it is one."""
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        return f"expected a position [longitude, latitude], got {describe(value)}"
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in value):
        numbers = ", ".join(describe(n) for n in value)
        return f"coordinates must be numbers, got [{numbers}]"
    lon, lat = value[0], value[1]  # compared as given: a huge int would overflow a float
    if not -180 <= lon <= 180:
        return f"longitude {describe(lon)} is outside [-180, 180]"
    if not -90 <= lat <= 90:
        swapped = -90 <= lon <= 90 and -180 <= lat <= 180
        hint = " (is it [latitude, longitude]? GeoJSON puts longitude first)" if swapped else ""
        return f"latitude {describe(lat)} is outside [-90, 90]{hint}"
    return None


def _positions(node: Node, minimum: int, ring: bool) -> list[Position] | None:
    """A list of at least ``minimum`` positions (closed when ``ring``), or ``None``."""
    what = "ring" if ring else "line"
    if not isinstance(node.value, list):
        node.problem(f"expected a {what}: a list of [longitude, latitude], got {describe(node.value)}")
        return None
    points: list[Position] = []
    for index, value in enumerate(node.value):
        problem = _position_problem(value)
        if problem is not None:
            node.at(index).problem(problem)
        elif isinstance(value, list):
            points.append((float(value[0]), float(value[1])))
    if len(points) < len(node.value):
        return None
    if len(points) < minimum:
        closing = " (the last repeating the first)" if ring else ""
        node.problem(f"a {what} needs at least {minimum} positions{closing}, got {len(points)}")
        return None
    if ring and points[0] != points[-1]:
        node.problem(
            f"ring is not closed: the last position {list(points[-1])} must repeat the first {list(points[0])}"
        )
        return None
    return points


def _parts(node: Node, part: Callable[[Node], Coordinates | None], what: str) -> Coordinates:
    """A non-empty list whose elements ``part`` reads; ``None`` when any is wrong."""
    elements = node.as_list()
    if elements is None:
        return None
    if not elements:
        node.problem(f"expected at least one {what}, got an empty list")
        return None
    values = [part(element) for element in elements]
    return None if any(value is None for value in values) else values


def _line(node: Node) -> Coordinates:
    return _positions(node, 2, ring=False)


def _polygon(node: Node) -> Coordinates:
    return _parts(node, lambda ring: _positions(ring, 4, ring=True), "ring")


_READERS: dict[str, Callable[[Node], Coordinates]] = {
    "LineString": _line,
    "MultiLineString": lambda node: _parts(node, _line, "line"),
    "Polygon": _polygon,
    "MultiPolygon": lambda node: _parts(node, _polygon, "polygon"),
}


def read_geometry_file(node: Node, agreement_file: str, types: tuple[str, ...]) -> Any | None:
    """The geometry in the GeoJSON file named at ``node``, relative to ``agreement_file``.

    The file holds a bare geometry, a Feature, or a FeatureCollection whose features are
    combined (polygons unioned, lines gathered into one MultiLineString).
    """
    name = node.as_text()
    if name is None:
        return None
    file = os.path.join(os.path.dirname(agreement_file), name)
    doc = read_geojson(file, render_path(node.path), node)
    if doc is None:
        return None
    found = _geometry_nodes(Node(doc, node.problems, (), doc.data))
    parts = [read_geometry(geometry, types, strict=False) for geometry in found]
    if not parts or any(part is None for part in parts):
        return None
    if types == POLYGONAL:
        return shapely.union_all(parts) if len(parts) > 1 else parts[0]
    lines = [line for part in parts for line in getattr(part, "geoms", [part])]
    return shapely.geometry.MultiLineString(lines) if len(parts) > 1 else parts[0]


def _geometry_nodes(root: Node) -> list[Node]:
    """The geometry nodes of a GeoJSON document; empty only after a problem was recorded."""
    if root.as_mapping("a GeoJSON object (Feature, FeatureCollection or geometry)") is None:
        return []
    kind = root.at("type").value
    if kind == "FeatureCollection":
        features = root.items("features", True)
        if features == []:
            root.at("features").problem("a FeatureCollection needs at least one feature")
        found = [_feature_geometry(feature) for feature in features or []]
        return [] if any(node is None for node in found) else [n for n in found if n]
    if kind == "Feature":
        geometry = _feature_geometry(root)
        return [] if geometry is None else [geometry]
    return [root]


def _feature_geometry(node: Node) -> Node | None:
    if node.as_mapping("a GeoJSON Feature") is None:
        return None
    if node.at("type").value != "Feature":
        node.at("type").problem(f"expected 'Feature', got {describe(node.at('type').value)}")
        return None
    return node.field("geometry", True)

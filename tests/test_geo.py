"""Geometry invariants and the accuracy of distances against geodesics."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from factories import ZONE, agreement, findings, incident, obligation
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString
from shapely.ops import nearest_points

from ceasefire.geo import LocalFrame, PointIndex, degree_margin, disc_share, near_any, zone_membership, zone_memberships
from ceasefire.model import Rule

GEOD = pyproj.Geod(ellps="WGS84")
GOV = "Military Forces of Testland"

lons = st.floats(35.7, 42.3)  # Syria's bounding box, roughly
lats = st.floats(32.3, 37.3)


@settings(max_examples=60, deadline=None)
@given(lon=lons, lat=lats, bearing=st.floats(0, 360), km=st.floats(0.1, 250), seg_bearing=st.floats(0, 360))
def test_distance_to_line_matches_geodesic(
    lon: float, lat: float, bearing: float, km: float, seg_bearing: float
) -> None:
    """The frame distance to a 40 km line equals the geodesic distance to the nearest point it finds (< 0.1 %)."""
    end_lon, end_lat, _ = GEOD.fwd(lon, lat, seg_bearing, 40_000)
    line = LineString([(lon, lat), (end_lon, end_lat)])
    p_lon, p_lat, _ = GEOD.fwd(lon, lat, bearing, km * 1000)
    frame = LocalFrame(line)
    d = frame.distance(np.array([p_lon]), np.array([p_lat]))[0]
    x, y = frame.project(np.array([p_lon]), np.array([p_lat]))
    nearest = nearest_points(frame.projected, shapely.Point(x[0], y[0]))[0]
    n_lon, n_lat = frame.unproject(np.array([nearest.x]), np.array([nearest.y]))
    geodesic = GEOD.inv(p_lon, p_lat, n_lon[0], n_lat[0])[2]
    assert d == pytest.approx(geodesic, rel=1e-3, abs=0.01)


@settings(max_examples=60, deadline=None)
@given(lon=lons, lat=lats, bearing=st.floats(0, 360), km=st.floats(0.05, 280))
def test_point_distances_within_a_tenth_of_a_percent(lon: float, lat: float, bearing: float, km: float) -> None:
    centre = shapely.Point(lon, lat)
    frame = LocalFrame(centre.buffer(0.01))
    p_lon, p_lat, _ = GEOD.fwd(lon, lat, bearing, km * 1000)
    x, y = frame.project(np.array([lon, p_lon]), np.array([lat, p_lat]))
    assert float(np.hypot(x[1] - x[0], y[1] - y[0])) == pytest.approx(km * 1000, rel=1e-3)


@settings(max_examples=100, deadline=None)
@given(lon=st.floats(35.5, 36.9), lat=st.floats(34.5, 35.9), r1=st.floats(0, 60_000), shrink=st.floats(0, 1))
def test_shrinking_radius_never_loses_a_violation(lon: float, lat: float, r1: float, shrink: float) -> None:
    """A disc wholly inside a zone stays inside when its radius shrinks; shares never fall."""
    index = PointIndex(np.array([lon, lon]), np.array([lat, lat]), np.array([r1, r1 * shrink]))
    m = zone_membership(index, np.array([r1, r1 * shrink]), LocalFrame(ZONE))
    share = dict(zip(m.idx.tolist(), m.share.tolist(), strict=True))
    if share.get(0, 0.0) >= 1:
        assert share.get(1, 0.0) >= 1, "a smaller disc left the zone"
    ag = agreement(obligation("air", Rule("no_air_strikes", zones=("z",)), bound=("gov",)))
    strike = {"sub_event_type": "Air/drone strike", "actor1": GOV, "lat": lat, "lon": lon}
    big = findings(ag, incident("a", radius_m=r1, **strike)).get("air:a")
    small = findings(ag, incident("a", radius_m=r1 * shrink, **strike)).get("air:a")
    if big and big[0] == "violation":
        assert small and small[0] == "violation"


@settings(max_examples=100, deadline=None)
@given(
    near=st.floats(0, 20_000),
    further=st.floats(0, 20_000),
    radius=st.sampled_from([0.0, 5_000.0, 25_000.0]),
    limit=st.floats(500, 15_000),
)
def test_moving_away_never_creates_a_finding(near: float, further: float, radius: float, limit: float) -> None:
    ag = agreement(obligation("kc", Rule("keep_clear", line="l", distance_m=limit), bound=("gov",)))
    statuses = []
    for metres in (near, near + further):
        lon, lat, _ = GEOD.fwd(40.0, 34.5, 90.0, max(metres, 0.001))
        statuses.append(findings(ag, incident("a", lon=lon, lat=lat, radius_m=radius, actor1=GOV)).get("kc:a"))
    rank = {None: 0, "possible_violation": 1, "violation": 2}
    assert rank[statuses[1] and statuses[1][0]] <= rank[statuses[0] and statuses[0][0]]


@given(signed=st.floats(-1e5, 1e5), r=st.floats(1, 1e5))
def test_disc_share_is_monotone(signed: float, r: float) -> None:
    a = disc_share(np.array([signed, signed + 10]), np.array([r, r]))
    assert 0 <= a[0] <= a[1] <= 1


@settings(max_examples=50, deadline=None)
@given(
    box=st.tuples(st.floats(34, 44), st.floats(31, 39), st.floats(0, 5), st.floats(0, 5)),
    cell=st.sampled_from([0.05, 0.1, 1.0]),
)
def test_point_index_matches_a_scan(box: tuple[float, float, float, float], cell: float) -> None:
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(35, 43, 2000), rng.uniform(32, 38, 2000)
    minx, miny, w, h = box
    radius = rng.choice([0.0, 5_000.0, 25_000.0, 1e6], 2000)
    got = np.sort(PointIndex(lon, lat, radius, cell).in_box(minx, miny, minx + w, miny + h))
    want = np.flatnonzero((lon >= minx) & (lon <= minx + w) & (lat >= miny) & (lat <= miny + h))
    assert np.array_equal(got, want)


def test_point_index_finds_exactly_the_box() -> None:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(35, 43, 5000), rng.uniform(32, 38, 5000)
    index = PointIndex(lon, lat)
    got = np.sort(index.in_box(37, 33, 39, 36))
    want = np.flatnonzero((lon >= 37) & (lon <= 39) & (lat >= 33) & (lat <= 36))
    assert np.array_equal(got, want)


@given(metres=st.floats(1, 500_000), lat=st.floats(-80, 80))
def test_degree_margin_covers_the_distance(metres: float, lat: float) -> None:
    dlon, dlat = degree_margin(metres, abs(lat))
    east = GEOD.fwd(0.0, lat, 90.0, metres)[0]
    north = GEOD.fwd(0.0, lat, 0.0, metres)[1]
    assert dlon >= abs(east) * 0.999 and dlat >= abs(north - lat) * 0.999


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    zones=st.integers(1, 6),
    cell=st.sampled_from([0.05, 0.1, 1.0]),
    metres=st.sampled_from([0.0, 2_000.0, 30_000.0]),
)
def test_zones_measured_together_match_a_scan(seed: int, zones: int, cell: float, metres: float) -> None:
    """``near_each`` finds what ``near`` finds for each geometry, and ``zone_memberships`` (one
    search and one containment test for all zones) equals each zone measured over every point."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(35, 43, 3000), rng.uniform(32, 38, 3000)
    radius = rng.choice([0.0, 5_000.0, 25_000.0, 400_000.0], 3000, p=[0.6, 0.2, 0.15, 0.05])
    index = PointIndex(lon, lat, radius, cell)
    shapes = [
        shapely.Point(rng.uniform(35, 43), rng.uniform(32, 38)).buffer(rng.uniform(0.01, 0.8), 5) for _ in range(zones)
    ]
    which, points = index.near_each(shapes, metres)
    for k, shape in enumerate(shapes):
        assert np.array_equal(points[which == k], np.sort(index.near(shape, metres)))
    frames = [LocalFrame(shape) for shape in shapes]
    for frame, m in zip(frames, zone_memberships(index, radius, frames), strict=True):
        inside = shapely.contains_xy(frame.geometry, lon, lat)
        d = frame.distance(lon, lat, to_boundary=True)
        signed = np.where(radius > 0, np.where(inside, d, -d), np.where(inside, 0.0, -np.inf))
        share = disc_share(signed, radius)
        want = np.flatnonzero(share > 0)
        assert np.array_equal(m.idx, want)
        assert np.array_equal(m.share, share[want])
        assert np.array_equal(m.boundary_m, np.where(radius > 0, signed, np.nan)[want], equal_nan=True)


@pytest.mark.parametrize(
    "shape",
    [
        shapely.Polygon([(36, 33), (37, 33), (37, 34), (36, 34)], [[(36.2, 33.2), (36.4, 33.2), (36.3, 33.4)]]),
        shapely.MultiPolygon([shapely.Point(36, 33).buffer(0.1), shapely.Point(38, 35).buffer(0.2, 3)]),
        LineString([(36, 33), (36.5, 33.2), (37, 33.1)]),
        shapely.MultiLineString([[(36, 33), (36.5, 33.2)], [(37, 33.1), (37.2, 33.5), (37.3, 33.6)]]),
    ],
    ids=["polygon-with-hole", "multipolygon", "line", "multiline"],
)
def test_segments_are_those_of_the_projected_geometry(shape: object) -> None:
    """The segments, projected vertex by vertex, are exactly those of the projected geometry's outline."""
    frame = LocalFrame(shape)
    projected = frame.projected
    outline = projected.boundary if projected.geom_type in ("Polygon", "MultiPolygon") else projected
    coords = [np.asarray(part.coords) for part in getattr(outline, "geoms", [outline])]
    a, b = np.concatenate([c[:-1] for c in coords]), np.concatenate([c[1:] for c in coords])
    want = (a[:, 0], a[:, 1], b[:, 0] - a[:, 0], b[:, 1] - a[:, 1])
    assert all(np.array_equal(got, w) for got, w in zip(frame.segments, want, strict=True))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shapes=st.integers(1, 5),
    metres=st.sampled_from([0.0, 2_000.0, 30_000.0]),
    cell=st.sampled_from([0.02, 0.1]),
)
def test_near_any_keeps_whatever_the_index_finds(seed: int, shapes: int, metres: float, cell: float) -> None:
    """The cut before a scope's index keeps every point ``PointIndex.near`` finds for a geometry."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(35, 43, 3000), rng.uniform(32, 38, 3000)
    radius = rng.choice([0.0, 5_000.0, 25_000.0, 400_000.0], 3000, p=[0.6, 0.2, 0.15, 0.05])
    geometries = [
        shapely.Point(rng.uniform(35, 43), rng.uniform(32, 38)).buffer(rng.uniform(0.01, 0.5), 4) for _ in range(shapes)
    ]
    kept = near_any(lon, lat, radius, geometries, np.full(shapes, metres), cell)
    index = PointIndex(lon, lat, radius)
    for geometry in geometries:
        assert kept[index.near(geometry, metres)].all()

"""Candidate pairs for event linking: records of different files that may describe one event.

Two records are candidates when their date ranges, each widened by ``lag_days`` on both sides
(reporting lag), overlap, and their places lie within the sum of their precision radii plus ``tolerance_m``.
Finding them never compares all pairs: records are grouped into tiers by radius and date span,
and within each pair of tiers hashed into grid cells x day buckets at least as large as the
largest reach of the two tiers, so every candidate lies in the same or a neighbouring bucket
(27 neighbours, searched as 9 runs of 3 day buckets). The pairs found are exactly the pairs meeting the two conditions, whatever the
bucket sizes (``cell_scale`` only enlarges them: a test checks that the result does not move).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Places", "candidate_pairs", "haversine_m"]

EARTH_M = 6_371_008.8
M_PER_DEG = 111_320.0
_RADIUS_TIERS = np.array([2_000.0, 10_000.0, 30_000.0, 100_000.0])  # metres: tier edges
_SPAN_TIERS = np.array([0, 7, 31])  # days: tier edges (day1 - day0)
Ints = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Places:
    """What blocking needs of each record: place, radius, date range, file code."""

    lat: Floats
    lon: Floats
    radius_m: Floats
    day0: npt.NDArray[np.int64]
    day1: npt.NDArray[np.int64]
    file: Ints


def haversine_m(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """Great-circle distance in metres, element-wise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: Floats = 2 * EARTH_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out


def candidate_pairs(
    p: Places, *, tolerance_m: float, lag_days: int, cell_scale: float = 1.0
) -> tuple[Ints, Ints, Floats]:
    """(a, b, distance in metres) of every candidate pair, a < b, sorted by (a, b)."""
    tier = np.searchsorted(_RADIUS_TIERS, p.radius_m) * (len(_SPAN_TIERS) + 1) + np.searchsorted(
        _SPAN_TIERS, p.day1 - p.day0
    )
    groups = [np.flatnonzero(tier == t) for t in np.unique(tier)]
    found: list[tuple[Ints, Ints, Floats]] = []
    for g, rows_g in enumerate(groups):
        for rows_h in groups[g:]:
            found += _tier_pairs(p, rows_g, rows_h, tolerance_m, lag_days, cell_scale)
    if not found:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0)
    a, b, dist = (np.concatenate(parts) for parts in zip(*found, strict=True))
    a, b = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((b, a))
    return a[order], b[order], dist[order]


def _exact(p: Places, a: Ints, b: Ints, tolerance_m: float, lag_days: int) -> tuple[Ints, Ints, Floats]:
    """The pairs of different files whose widened date ranges overlap and whose discs, plus the
    tolerance, meet; with their distances."""
    keep = (p.file[a] != p.file[b]) & (p.day0[a] - 2 * lag_days <= p.day1[b]) & (p.day0[b] - 2 * lag_days <= p.day1[a])
    a, b = a[keep], b[keep]
    dist = haversine_m(p.lat[a], p.lon[a], p.lat[b], p.lon[b])
    near = dist <= p.radius_m[a] + p.radius_m[b] + tolerance_m
    return a[near], b[near], dist[near]


def _tier_pairs(
    p: Places, rows_g: Ints, rows_h: Ints, tolerance_m: float, lag_days: int, scale: float
) -> list[tuple[Ints, Ints, Floats]]:
    """Candidate pairs (one row of ``rows_g``, one of ``rows_h``), found among the rows sharing or
    neighbouring a bucket; when the two are the same tier, each unordered pair once."""
    same = rows_g is rows_h
    if len(rows_h) > len(rows_g):  # the smaller tier searches the larger one
        rows_g, rows_h = rows_h, rows_g
    both = np.concatenate([rows_g, rows_h])
    reach = (p.radius_m[rows_g].max() + p.radius_m[rows_h].max() + tolerance_m) * scale
    span = int(max((p.day1 - p.day0)[rows_g].max(), (p.day1 - p.day0)[rows_h].max()))
    days = max(1, int(np.ceil((span + 2 * lag_days + 1) * scale)))
    cos_min = max(np.cos(np.radians(min(85.0, float(np.abs(p.lat[both]).max())))), 0.01)
    cells = np.stack(
        [
            np.floor(p.lon[both] / (reach / (M_PER_DEG * cos_min))).astype(np.int64),
            np.floor(p.lat[both] / (reach / M_PER_DEG)).astype(np.int64),
            np.floor_divide(p.day0[both], days),
        ]
    )
    cells -= cells.min(axis=1, keepdims=True) - 1  # room for the -1 offsets
    size = cells.max(axis=1) + 2
    keys = (cells[0] * size[1] + cells[1]) * size[2] + cells[2]
    keys_g, keys_h = keys[: len(rows_g)], keys[len(rows_g) :]
    # Sorted needles: searchsorted then walks the haystack once instead of jumping at random.
    order_h = np.argsort(keys_h, kind="stable")
    sorted_h, needles = rows_h[order_h], keys_h[order_h]
    order_g = np.argsort(keys_g, kind="stable")
    sorted_g, haystack = rows_g[order_g], keys_g[order_g]
    found = []
    for dx, dy in _offsets():  # day buckets -1..+1 are one run of keys: one search each way
        wanted = needles + (dx * size[1] + dy) * size[2]
        start = np.searchsorted(haystack, wanted - 1, "left")
        stop = np.searchsorted(haystack, wanted + 1, "right")
        h, pos = _expand(start, stop)
        a, b = sorted_h[h], sorted_g[pos]
        if same:
            a, b = a[a < b], b[a < b]
        found.append(_exact(p, a, b, tolerance_m, lag_days))
    return found


def _offsets() -> Iterator[tuple[int, int]]:
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            yield dx, dy


def _expand(start: Ints, stop: Ints) -> tuple[Ints, Ints]:
    """For ranges [start_i, stop_i): (i repeated per element, each element's position)."""
    counts = stop - start
    owner = np.repeat(np.arange(len(start)), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    position = np.arange(int(counts.sum())) - first + start[owner]
    return owner, position

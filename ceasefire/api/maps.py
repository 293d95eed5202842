"""``/api/v1/map``: what the dashboard's map draws of the box it shows (issue 14).

``GET /map?bbox=W,S,E,N&zoom=Z`` with the map's filters (``from``, ``to``, ``party``,
``obligation``, ``status``: ``mapfilter.MapFilter``) answers the clusters of the incidents kept in
that box at that zoom (``mapgrid``) and the incidents shown one by one, plus the counts of every
incident kept (the whole map, not the box) and their extent. ``GET /map/incidents/{id}`` answers
what a marker's popup shows: the incident and the findings the caller may see of it.

Everything is read from the caller's ``mapindex.MapView``: the run it reads and only what its
class may see, so clusters and counts never reveal a report the caller may not see.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Path, Query, Request

from ceasefire.api.auth import StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import stored_form
from ceasefire.api.mapevents import event_decisions, event_records, record_incidents
from ceasefire.api.mapfilter import STATUSES, MapFilter
from ceasefire.api.mapgrid import Box, Grid, cluster, parse_zoom
from ceasefire.api.mapindex import DETAIL_FIELDS, MapView, map_view, status_name
from ceasefire.api.problems import Problem
from ceasefire.store.pages import findings_with_ids

__all__ = ["router"]

router = APIRouter(tags=["findings"])
_Text = Annotated[str | None, Query(max_length=200)]


def _filters(request: Request) -> MapFilter:
    query = dict(request.query_params)
    query["status"] = ",".join(request.query_params.getlist("status"))
    return MapFilter.from_query(query)


@router.get("/map", summary="Clusters and markers of the map's box at a zoom level, filtered")
def map_clusters(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    bbox: Annotated[str | None, Query(max_length=200, description="W,S,E,N in degrees; default: the world.")] = None,
    zoom: Annotated[str | None, Query(max_length=20, description="Zoom level 0-22; default 0.")] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=20, description="First date.")] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=20, description="Last date.")] = None,
    party: _Text = None,
    obligation: _Text = None,
    status: Annotated[str | None, Query(max_length=200, description="Statuses, comma-separated.")] = None,
) -> JSONBody:
    """``{"run", "zoom", "filters", "shown", "total", "counts", "extent", "in_box", "clusters":
    [{"lat", "lon", "count", "status", "counts", "bbox"}], "incidents": [{"id", "date", "lat",
    "lon", "status", "location", "records"}]}``: one marker per event (issue 13), at its first
    record, ``records`` its records; ``shown``/``counts``/``extent`` cover every event the
    filters keep, ``in_box`` those in the box. A bad parameter is a 422 naming it."""
    chosen, box, level = _filters(request), Box.parse(bbox), parse_zoom(zoom)
    view = map_view(request.app, db, who)
    if view is None:
        return _answer(None, level, chosen, 0, {s: 0 for s in STATUSES}, None, 0, [], [])
    return view.answer(("clusters", chosen, box, level), lambda: _clustered(view, chosen, box, level))


def _clustered(view: MapView, chosen: MapFilter, box: Box, level: int) -> JSONBody:
    keep, codes = view.select(chosen)
    counts = np.bincount(codes[keep].astype(np.int64), minlength=len(STATUSES))
    events = view.events
    inside = np.flatnonzero(keep & box.contains(events.lon, events.lat))
    # the whole map in the box (the first view): the columns as they are, no copies
    pick: slice | np.ndarray = slice(None) if len(inside) == len(events.ids) else inside
    grid = cluster(events.x[pick], events.y[pick], events.lon[pick], events.lat[pick], codes[pick], level)
    singles = [_single(view, int(p), int(codes[p])) for p in inside[grid.singles]]
    return _answer(
        view,
        level,
        chosen,
        int(keep.sum()),
        {s: int(counts[len(STATUSES) - 1 - n]) for n, s in enumerate(STATUSES)},
        _extent(view, keep),
        len(inside),
        _clusters(grid),
        singles,
    )


def _answer(
    view: MapView | None,
    zoom: int,
    chosen: MapFilter,
    shown: int,
    counts: dict[str, int],
    extent: list[float] | None,
    in_box: int,
    clusters: list[JSONBody],
    singles: list[JSONBody],
) -> JSONBody:
    run = view.run if view else None
    return {
        "run": {"id": run.id, "created_at": run.created_at} if run else None,
        "zoom": zoom,
        "filters": chosen.as_query(),
        "shown": shown,
        "total": int(view.lead.sum()) if view else 0,
        "counts": counts,
        "extent": extent,
        "in_box": in_box,
        "clusters": clusters,
        "incidents": singles,
    }


def _extent(view: MapView, keep: Any) -> list[float] | None:
    if not keep.any():
        return None
    lon, lat = view.events.lon[keep], view.events.lat[keep]
    return [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())]


def _clusters(grid: Grid) -> list[JSONBody]:
    out: list[JSONBody] = []
    for n in range(len(grid.count)):
        by_status = grid.by_status[n]
        out.append(
            {
                "lat": round(float(grid.lat[n]), 6),
                "lon": round(float(grid.lon[n]), 6),
                "count": int(grid.count[n]),
                "status": status_name(int(grid.worst[n])),
                "counts": {status_name(c): int(k) for c, k in enumerate(by_status) if k},
                "bbox": [round(float(v), 6) for v in grid.bounds[n]],
            }
        )
    return out


def _single(view: MapView, position: int, code: int) -> JSONBody:
    events = view.events
    return {
        "id": events.id_at(position),
        "date": dt.date.fromordinal(int(events.day[position])).isoformat(),
        "lat": float(events.lat[position]),
        "lon": float(events.lon[position]),
        "status": status_name(code),
        "location": events.location.at(position),
        "records": int(view.sizes[position]),
    }


@router.get("/map/incidents/{incident_id}", summary="One incident of the map and its findings")
def map_incident(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    incident_id: Annotated[str, Path(max_length=200)],
) -> JSONBody:
    """``{"incident": {id, date, lat, lon, status, findings, location, event_type, ...},
    "findings": [...], "records": [...], "decisions": [...]}``: what a marker's popup shows;
    ``records``: every record of the incident's event (``mapevents``), ``decisions``: the
    analysts' decisions on their links; 404 when the caller's run has no such incident or the
    caller may not see it."""
    view = map_view(request.app, db, who)
    position = view.position(incident_id) if view else None
    if view is None or position is None:
        raise Problem(404, f"incident {incident_id!r} is not in the run you read")
    records, reporters = record_incidents(db, view, position)
    own = next((r for r in records if r.id == incident_id), None)
    if own is None:  # stored since the view was made? never: the run's records do not change
        raise Problem(404, f"incident {incident_id!r} is not in the run you read")
    findings = findings_with_ids(db.db, view.run.id, view.finding_ids(db, [position])[0])
    incident = _single(view, position, int(view.statuses(None, None)[position]))
    incident.update({name: getattr(own, name) for name in DETAIL_FIELDS})
    incident["findings"] = [f.id for f in findings]
    shown = event_records(db, records, reporters)
    return {
        "incident": incident,
        "findings": [stored_form(f.to_document()) for f in findings],
        "records": shown,
        "decisions": event_decisions(db, shown, who),
    }

"""What the map page shows, as data: its filters, their choices and the incidents they keep.

The filter rule is ``ceasefire.api.mapfilter``'s, the same here (the JSON twin ``/index.json``),
on ``/api/v1/map`` (the clusters the map draws) and in ``static/js/map.js``. The incidents come
from the viewer's ``mapindex.MapView`` (columns made once per run and viewer class), so the page
costs a few vectorized passes at a million incidents. The list is paged: ``limit`` rows (default
:data:`PAGE`, at most :data:`MAX_PAGE`) from the opaque ``cursor``; ``next`` is the cursor of the next page, and
appears only when there is one.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from starlette.applications import Starlette

from ceasefire.api.agreements import agreement_dict
from ceasefire.api.auth import Caller
from ceasefire.api.body import JSONBody
from ceasefire.api.mapfilter import STATUSES, MapFilter
from ceasefire.api.mapindex import MapView, map_view, status_name
from ceasefire.api.problems import Problem
from ceasefire.store import SQLStore

__all__ = ["MAX_PAGE", "PAGE", "STATUSES", "MapFilter", "map_data", "page_bounds"]

PAGE = 250  # rows of the incident list per page (``limit`` may ask for up to MAX_PAGE)
MAX_PAGE = 1000


def page_bounds(limit: int | None, cursor: str | None) -> tuple[int, int]:
    """(first row, how many) of a list page; a 422 names ``limit`` or ``cursor``. The cursor is
    the first row's offset in the list's stable order ((date, id) of one run and viewer)."""
    if limit is not None and not 1 <= limit <= MAX_PAGE:
        raise Problem(422, f"limit: {limit} is outside 1 to {MAX_PAGE}")
    if not cursor:
        return 0, limit or PAGE
    if not cursor.isdigit() or len(cursor) > 12:
        raise Problem(422, f"cursor: {cursor!r} is not a cursor this list gave (use its `next`)")
    return int(cursor), limit or PAGE


def _row(view: MapView, position: int, code: int, findings: list[str]) -> JSONBody:
    events = view.events
    return {
        "id": events.id_at(position),
        "date": dt.date.fromordinal(int(events.day[position])).isoformat(),
        "status": status_name(code),
        "location": events.location.at(position),
        "lat": float(events.lat[position]),
        "lon": float(events.lon[position]),
        "radius_m": float(events.radius_m[position]),
        "event_type": events.event_type.at(position),
        "findings": findings,
        "records": int(view.sizes[position]),
    }


def _choices(agreement: JSONBody | None, view: MapView | None) -> JSONBody:
    return {
        "dates": view.dates() if view else None,
        "statuses": list(STATUSES),
        "parties": [p for p in agreement["parties"] if p["kind"] == "party"] if agreement else [],
        "obligations": [{"id": o["id"], "category": o["category"]} for o in agreement["obligations"]]
        if agreement
        else [],
    }


def map_data(
    app: Starlette,
    db: SQLStore,
    who: Caller | None,
    chosen: MapFilter,
    rows: tuple[int, int] = (0, PAGE),
) -> JSONBody:
    """The map page's dict: agreement, run, filters and their choices, counts of the incidents
    kept and the ``rows`` (first, how many) page of them in (date, id) order; an incident is an
    event (issue 13), listed as its first record with its count of ``records``."""
    version = db.current_agreement()
    agreement = agreement_dict(version) if version else None
    view = map_view(app, db, who)
    first, size = rows
    listed: list[JSONBody] = []
    counts = dict.fromkeys(STATUSES, 0)
    shown = total = 0
    following = None
    if view is not None:
        keep, codes = view.select(chosen)
        kept = view.order[keep[view.order]]
        tally = np.bincount(codes[kept].astype(np.int64), minlength=len(STATUSES))
        counts = {s: int(tally[len(STATUSES) - 1 - n]) for n, s in enumerate(STATUSES)}
        shown, total = len(kept), int(view.lead.sum())
        page = [int(p) for p in kept[first : first + size]]
        listed = [_row(view, p, int(codes[p]), f) for p, f in zip(page, view.finding_ids(db, page), strict=True)]
        following = str(first + size) if first + size < shown else None
    answer: JSONBody = {
        "agreement": {k: agreement[k] for k in ("id", "version", "title", "timezone", "start")} if agreement else None,
        "run": {"id": view.run.id, "created_at": view.run.created_at} if view else None,
        "filters": chosen.as_query(),
        "description": chosen.sentence(shown, total),
        "choices": _choices(agreement, view),
        "shown": shown,
        "total": total,
        "counts": counts,
        "incidents": listed,
        "api": {"agreement": "/api/v1/agreement", "incidents": "/api/v1/incidents", "findings": "/api/v1/findings"},
    }
    if following is not None:
        answer["next"] = following
    return answer

"""``/api/v1/incidents``: the incidents of the run a caller reads, as GeoJSON, each with its
worst finding status (what the dashboard's map colours): imported incidents up to that run, and
the submitted reports the caller may see whose latest version is older than the run (a report
corrected since shows again once a newer run verifies it), in that order, a page at a time
(issue 14): the imported ones read with keyset paging in SQL, each with the findings on it from
``finding_incidents``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from ceasefire.api.auth import Caller, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import hidden_reports, visible_reports, visible_run
from ceasefire.api.paging import MAX_LIMIT, Key, PageDep, decode_cursor, encode_cursor, sliced
from ceasefire.api.problems import Problem
from ceasefire.model import Incident, worst_status
from ceasefire.service.workflow import all_reports, report_incident
from ceasefire.store import SQLStore
from ceasefire.store.protocol import RunRecord

__all__ = ["every_feature", "router"]

router = APIRouter(tags=["findings"])


Dates = tuple[dt.date | None, dt.date | None]
Keyed = tuple[tuple[str, int, int], Incident]  # ("i", import_id, seq) or ("r", report id, 0)


def _in_dates(incident: Incident, dates: Dates) -> bool:
    day = incident.date_reported or incident.date
    return (dates[0] is None or day >= dates[0]) and (dates[1] is None or day <= dates[1])


def _page(db: SQLStore, run: RunRecord, who: Caller | None, dates: Dates, after: Key | None, limit: int) -> list[Keyed]:
    """Up to ``limit`` incidents after the key ``after``: the imported ones the run verified
    (keyset in SQL), then the reports ``who`` may see that the run verified, by id."""
    items: list[Keyed] = []
    if after is None or after[0] == "i":
        start = None if after is None else (int(after[1]), int(after[2]))
        rows = db.incident_page(run.log_index, dates, start, limit)
        items = [(("i", key[0], key[1]), incident) for key, incident in rows]
    if len(items) >= limit:
        return items
    since = int(after[1]) if after is not None and after[0] == "r" else 0
    reports = visible_reports(db, who)
    for report in all_reports(db):
        if report.id > since and report.log_index < run.log_index and (reports is None or report.id in reports):
            incident = report_incident(report)
            if _in_dates(incident, dates):
                items.append((("r", report.id, 0), incident))
                if len(items) >= limit:
                    break
    return items


def _feature(i: Incident, findings: list[tuple[str, str]]) -> JSONBody:
    worst = worst_status((status for _, status in findings), "no_finding")
    day = i.date_reported or i.date
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
        "properties": {
            "id": i.id,
            "date": day.isoformat(),
            "event_type": i.event_type,
            "sub_event_type": i.sub_event_type,
            "actor1": i.actor1,
            "actor2": i.actor2,
            "fatalities": i.fatalities,
            "radius_m": i.radius_m,
            "geo_precision": i.geo_precision,
            "location": i.location,
            "admin1": i.admin1,
            "notes": i.notes,
            "source_name": i.source_name,
            "source": i.source,
            "status": worst,
            "findings": [finding_id for finding_id, _ in findings],
        },
    }


@router.get(
    "/incidents", summary="Incidents of the run the caller reads, as GeoJSON, with their status, a page at a time"
)
def incidents(
    db: StoreDep,
    who: ViewerDep,
    page: PageDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
) -> JSONBody:
    """A GeoJSON FeatureCollection (RFC 7946) of a page of incidents (``api/paging.py``),
    empty when the caller reads no run; ``status`` is the worst status of the incident's
    findings the caller may see, or ``no_finding``; ``next`` the cursor of the next page."""
    after = decode_cursor(page.cursor, "incidents", (str, int, int))
    if after is not None and after[0] not in ("i", "r"):
        raise Problem(
            400,
            "cursor: not a cursor this server gave",
            errors=[{"field": "cursor", "in": "query", "message": "unknown part"}],
        )
    run = visible_run(db, who)
    if run is None:
        return {"type": "FeatureCollection", "features": [], "run": None, "next": None}
    items, more = sliced(_page(db, run, who, (date_from, date_to), after, page.limit + 1), page.limit)
    found = db.incident_findings(run.id, [i.id for _, i in items], hidden_reports(db, who, run))
    return {
        "type": "FeatureCollection",
        "features": [_feature(i, found.get(i.id, [])) for _, i in items],
        "run": run.id,
        "next": encode_cursor("incidents", items[-1][0]) if more else None,
    }


def every_feature(db: SQLStore, who: Caller | None) -> list[JSONBody]:
    """Every feature of ``GET /incidents`` for ``who``, all pages read (the map page's twin)."""
    run = visible_run(db, who)
    if run is None:
        return []
    out: list[JSONBody] = []
    hidden, after = hidden_reports(db, who, run), None
    while True:
        items = _page(db, run, who, (None, None), after, MAX_LIMIT)
        found = db.incident_findings(run.id, [i.id for _, i in items], hidden)
        out.extend(_feature(i, found.get(i.id, [])) for _, i in items)
        if len(items) < MAX_LIMIT:
            return out
        after = items[-1][0]

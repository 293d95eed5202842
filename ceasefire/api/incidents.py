"""``/api/v1/incidents``: the incidents of the run a caller reads, as GeoJSON, each with its
worst finding status (what the dashboard's map colours): imported incidents up to that run, and
the submitted reports the caller may see whose latest version is older than the run (a report
corrected since shows again once a newer run verifies it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query

from ceasefire.api.auth import StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import visible_findings, visible_reports, visible_run
from ceasefire.model import Finding, Incident, worst_status
from ceasefire.service.workflow import all_reports, report_incident
from ceasefire.store import SQLStore
from ceasefire.store.protocol import RunRecord

__all__ = ["router"]

router = APIRouter(tags=["findings"])


def _incidents(db: SQLStore, run: RunRecord, reports: set[int] | None) -> Iterator[Incident]:
    seen: set[str] = set()
    for incident in db.incidents(before=run.log_index):
        if incident.id not in seen:
            seen.add(incident.id)
            yield incident
    for report in all_reports(db):
        if report.log_index < run.log_index and (reports is None or report.id in reports):
            yield report_incident(report)


def _feature(i: Incident, findings: list[Finding]) -> JSONBody:
    worst = worst_status((f.status for f in findings), "no_finding")
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
            "findings": [f.id for f in findings],
        },
    }


@router.get("/incidents", summary="Incidents of the run the caller reads, as GeoJSON, with their status")
def incidents(
    db: StoreDep,
    who: ViewerDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
) -> JSONBody:
    """A GeoJSON FeatureCollection (RFC 7946), empty when the caller reads no run; ``status``
    is the worst finding status of the incident or ``no_finding``."""
    run = visible_run(db, who)
    if run is None:
        return {"type": "FeatureCollection", "features": [], "run": None}
    by_incident: dict[str, list[Finding]] = {}
    for finding in visible_findings(db, who, run):
        for incident_id in finding.incidents:
            by_incident.setdefault(incident_id, []).append(finding)
    features = [
        _feature(i, by_incident.get(i.id, []))
        for i in _incidents(db, run, visible_reports(db, who))
        if (date_from is None or (i.date_reported or i.date) >= date_from)
        and (date_to is None or (i.date_reported or i.date) <= date_to)
    ]
    return {"type": "FeatureCollection", "features": features, "run": run.id}

"""``/export/``: the findings of the run the viewer may read, for other tools, at the site's root
(not under ``/api/v1``): ``GET /export/findings.csv`` (ACLED column names, then the finding's),
``/export/findings.hxl.csv`` (the same with HXL hashtags on the second row) and
``/export/findings.geojson`` (RFC 7946). Rows and features are ``ceasefire.exports``'s, as
``ceasefire verify --format csv|hxl|geojson`` writes them.

Public, like ``/api/v1/findings``, with its filters (``from``, ``to``, ``party``, ``obligation``,
``status``). The CSVs are streamed a row at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, StreamingResponse

from ceasefire import exports
from ceasefire.api.auth import Caller, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import FigureCache, FiguresDep, Status, stored_form, viewer_figures, visible_run
from ceasefire.model import Finding, Incident
from ceasefire.store import SQLStore

__all__ = ["router"]

router = APIRouter(prefix="/export", tags=["exports"])
_CSV: dict[int | str, JSONBody] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, UTF-8."}
}
_GEOJSON: dict[int | str, JSONBody] = {
    200: {
        "content": {"application/geo+json": {"schema": {"type": "object"}}},
        "description": "An RFC 7946 FeatureCollection, one Point feature per finding.",
    }
}

DateFrom = Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")]
DateTo = Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")]
Party = Annotated[str | None, Query(max_length=200, description="A party among the finding's parties.")]
Obligation = Annotated[str | None, Query(max_length=200)]


def _selected(
    db: SQLStore,
    who: Caller | None,
    cache: FigureCache,
    date_from: dt.date | None,
    date_to: dt.date | None,
    party: str | None,
    obligation: str | None,
    status: str | None,
) -> tuple[str | None, list[Finding], dict[str, Incident]]:
    """(agreement id, the filtered findings the viewer may see, the incidents the run saw)."""
    run = visible_run(db, who)
    if run is None:
        return None, [], {}
    found = exports.filter_findings(
        viewer_figures(cache, db, who, run).findings,
        date_from=date_from,
        date_to=date_to,
        party=party,
        obligation=obligation,
        status=status,
    )
    wanted = {f.incidents[0] for f in found if f.incidents}
    incidents: dict[str, Incident] = {}
    for incident in db.incidents(before=run.log_index):  # the first of each id, as verification
        if incident.id in wanted:
            incidents.setdefault(incident.id, incident)
    return run.agreement_id, found, incidents


def _csv(findings: Sequence[Finding], incidents: dict[str, Incident], *, hxl: bool, name: str) -> StreamingResponse:
    lines: Iterator[str] = exports.csv_lines(exports.rows_with_incidents(findings, incidents), hxl=hxl)
    return StreamingResponse(
        lines, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/findings.csv",
    response_class=StreamingResponse,
    responses=_CSV,
    summary="Findings as CSV: ACLED column names, then the finding's columns",
)
def findings_csv(
    db: StoreDep,
    who: ViewerDep,
    cache: FiguresDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    party: Party = None,
    obligation: Obligation = None,
    status: Status | None = None,
) -> StreamingResponse:
    agreement, found, incidents = _selected(db, who, cache, date_from, date_to, party, obligation, status)
    return _csv(found, incidents, hxl=False, name=f"{agreement or 'ceasefire'}-findings.csv")


@router.get(
    "/findings.hxl.csv",
    response_class=StreamingResponse,
    responses=_CSV,
    summary="Findings as HXL-tagged CSV: the CSV with HXL hashtags on its second row",
)
def findings_hxl(
    db: StoreDep,
    who: ViewerDep,
    cache: FiguresDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    party: Party = None,
    obligation: Obligation = None,
    status: Status | None = None,
) -> StreamingResponse:
    agreement, found, incidents = _selected(db, who, cache, date_from, date_to, party, obligation, status)
    return _csv(found, incidents, hxl=True, name=f"{agreement or 'ceasefire'}-findings.hxl.csv")


@router.get(
    "/findings.geojson",
    response_class=JSONResponse,
    responses=_GEOJSON,
    summary="Findings as GeoJSON (RFC 7946): one Point feature per finding",
)
def findings_geojson(
    db: StoreDep,
    who: ViewerDep,
    cache: FiguresDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    party: Party = None,
    obligation: Obligation = None,
    status: Status | None = None,
) -> JSONResponse:
    agreement, found, _ = _selected(db, who, cache, date_from, date_to, party, obligation, status)
    collection = exports.feature_collection(found, agreement, lambda f: stored_form(f.to_document()))
    return JSONResponse(collection, media_type="application/geo+json")

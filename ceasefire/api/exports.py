"""``/export/``: the findings of the run the viewer may read, for other tools, at the site's root
(not under ``/api/v1``): ``GET /export/findings.csv`` (ACLED column names, then the finding's),
``/export/findings.hxl.csv`` (the same with HXL hashtags on the second row) and
``/export/findings.geojson`` (RFC 7946). Rows and features are ``ceasefire.exports``'s, as
``ceasefire verify --format csv|hxl|geojson`` writes them.

Public, like ``/api/v1/findings``, with its filters (``from``, ``to``, ``party``, ``obligation``,
``status``). Every export is streamed: the findings are read from the database a chunk at a
time (``CHUNK``, keyset in the run's order, the viewer's hidden reports left out in SQL), each
chunk written out before the next is read (issue 14), byte for byte what the whole list gave.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from ceasefire import exports
from ceasefire.api.auth import Caller, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import Status, hidden_reports, stored_form, visible_run
from ceasefire.api.state import StorePool
from ceasefire.model import Finding, Incident
from ceasefire.store import SQLStore
from ceasefire.store.pages import FindingFilter
from ceasefire.store.protocol import RunRecord

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


CHUNK = 5000  # findings read per query: memory stays flat whatever the run's size (issue 14)


@dataclass(frozen=True)
class _Export:
    """What one export reads: the run the viewer reads (None: none) and the filters, with the
    reports the viewer may not see (their findings are left out in SQL)."""

    run: RunRecord | None
    where: FindingFilter


def _export(
    db: SQLStore,
    who: Caller | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    party: str | None,
    obligation: str | None,
    status: str | None,
) -> _Export:
    run = visible_run(db, who)
    hidden = hidden_reports(db, who, run) if run is not None else frozenset()
    return _Export(run, FindingFilter(date_from, date_to, party, obligation, status, hidden))


Chunk = tuple[list[Finding], dict[str, Incident]]


def _read(db: SQLStore, export: _Export, after: str | None, incidents: bool) -> Chunk:
    """The next chunk of findings after ``after`` and (with ``incidents``) their first incidents."""
    assert export.run is not None
    found = db.finding_page(export.run.id, export.where, after, CHUNK)
    wanted = [f.incidents[0] for f in found if f.incidents] if incidents else []
    return found, db.first_incidents(export.run.log_index, wanted)


async def _chunks(request: Request, export: _Export, *, incidents: bool) -> AsyncIterator[Chunk]:
    """The export's findings, a chunk at a time in the run's order, each read with a store
    borrowed for that read alone (the answer may stream slower than the database reads)."""
    pool: StorePool = request.app.state.pool
    after: str | None = None
    while export.run is not None:
        async with pool.borrow() as db:
            chunk = await anyio.to_thread.run_sync(_read, db, export, after, incidents)
        if chunk[0]:
            yield chunk
        if len(chunk[0]) < CHUNK:
            return
        after = chunk[0][-1].id


async def _csv_text(request: Request, export: _Export, *, hxl: bool) -> AsyncIterator[str]:
    """The CSV of ``exports.csv_lines``, a chunk of rows per piece of text."""
    yield "".join(exports.csv_lines((), hxl=hxl))
    skip = len(list(exports.csv_header(hxl=hxl)))
    async for found, incidents in _chunks(request, export, incidents=True):
        rows = exports.csv_lines(exports.rows_with_incidents(found, incidents), hxl=hxl)
        yield "".join(itertools.islice(rows, skip, None))


async def _geojson_text(request: Request, export: _Export) -> AsyncIterator[str]:
    """``exports.feature_collection`` as ``JSONResponse`` renders it, a chunk of features at a time."""
    agreement = export.run.agreement_id if export.run is not None else None
    yield '{"type":"FeatureCollection","agreement":' + _json(agreement) + ',"features":['
    first = True
    async for found, _ in _chunks(request, export, incidents=False):
        text = ",".join(_json(exports.feature(f, lambda f: stored_form(f.to_document()))) for f in found)
        yield text if first else "," + text
        first = False
    yield "]}"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))


def _csv(request: Request, export: _Export, *, hxl: bool, name: str) -> StreamingResponse:
    return StreamingResponse(
        _csv_text(request, export, hxl=hxl),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _name(export: _Export) -> str:
    return export.run.agreement_id if export.run is not None else "ceasefire"


@router.get(
    "/findings.csv",
    response_class=StreamingResponse,
    responses=_CSV,
    summary="Findings as CSV: ACLED column names, then the finding's columns",
)
def findings_csv(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    party: Party = None,
    obligation: Obligation = None,
    status: Status | None = None,
) -> StreamingResponse:
    export = _export(db, who, date_from, date_to, party, obligation, status)
    return _csv(request, export, hxl=False, name=f"{_name(export)}-findings.csv")


@router.get(
    "/findings.hxl.csv",
    response_class=StreamingResponse,
    responses=_CSV,
    summary="Findings as HXL-tagged CSV: the CSV with HXL hashtags on its second row",
)
def findings_hxl(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    party: Party = None,
    obligation: Obligation = None,
    status: Status | None = None,
) -> StreamingResponse:
    export = _export(db, who, date_from, date_to, party, obligation, status)
    return _csv(request, export, hxl=True, name=f"{_name(export)}-findings.hxl.csv")


@router.get(
    "/findings.geojson",
    response_class=StreamingResponse,
    responses=_GEOJSON,
    summary="Findings as GeoJSON (RFC 7946): one Point feature per finding",
)
def findings_geojson(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    party: Party = None,
    obligation: Obligation = None,
    status: Status | None = None,
) -> StreamingResponse:
    export = _export(db, who, date_from, date_to, party, obligation, status)
    return StreamingResponse(_geojson_text(request, export), media_type="application/geo+json")

"""``/bulletin/``: the daily bulletins of the run the viewer may read, at the site's root (not
under ``/api/v1``): ``GET /bulletin/`` (HTML index) and its JSON twin ``/bulletin/index.json``,
``GET /bulletin/YYYY-MM-DD.html``, ``.pdf`` and ``.json``.

Public: without a token the newest *published* run (``findings.visible_run``), its findings less
those drawn from reports the viewer may not see, the clocks and counts of those findings
(``findings.viewer_figures``), and grades only from cases the viewer may read.
A day outside the run is a 404 problem; a path that is not a date, a 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response

from ceasefire.api.auth import Caller, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import FigureCache, FiguresDep, sees_everything, viewer_figures, visible_run
from ceasefire.api.problems import Problem
from ceasefire.bulletin import content, daily, gather, render
from ceasefire.store import SQLStore

__all__ = ["router"]

router = APIRouter(prefix="/bulletin", tags=["bulletins"])
Day = Annotated[dt.date, Path(description="The day (YYYY-MM-DD), in the agreement's timezone.")]
_HTML: dict[int | str, JSONBody] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The page."}
}
_PDF: dict[int | str, JSONBody] = {
    200: {
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "description": "An A4 PDF.",
    }
}


def _index(
    db: SQLStore, who: Caller | None, cache: FigureCache
) -> tuple[str | None, content.RunInfo | None, list[content.DayLine]]:
    run = visible_run(db, who)
    if run is None:
        return None, None, []
    seen = viewer_figures(cache, db, who, run)
    info = content.RunInfo(
        run.id,
        run.created_at,
        run.agreement_version,
        seen.incidents,
        len(seen.findings),
        run.log_index,
        run.id in db.published_runs(),
    )
    return run.agreement_id, info, daily.days(seen.findings, seen.summary.clocks)


@router.get("/", response_class=HTMLResponse, responses=_HTML, summary="Daily bulletins: the days of the run (HTML)")
def index(db: StoreDep, who: ViewerDep, cache: FiguresDep) -> HTMLResponse:
    agreement, run, days = _index(db, who, cache)
    return HTMLResponse(render.index_html(agreement, run, days, public=not sees_everything(who)))


@router.get("/index.json", summary="Daily bulletins: the days of the run (JSON twin of /bulletin/)")
def index_json(db: StoreDep, who: ViewerDep, cache: FiguresDep) -> JSONBody:
    """``{"agreement", "run", "days": [{"date", "violation", "possible", "incidents", "html",
    "pdf", "json"}]}``; ``run`` is null when the viewer may read no run yet."""
    return render.index_json(*_index(db, who, cache))


def _bulletin(
    db: SQLStore, who: Caller | None, cache: FigureCache, day: dt.date
) -> tuple[content.Bulletin, content.Inputs]:
    """The bulletin of ``day`` as ``who`` may see it; 404 without a run or outside it."""
    run = visible_run(db, who)
    if run is None:
        raise Problem(404, "no verification run is published yet, so there is no bulletin")
    cases = db.cases()
    if not sees_everything(who):
        published = db.published_cases()
        cases = [c for c in cases if c.id in published]
    seen = viewer_figures(cache, db, who, run)
    inputs = gather.inputs(
        db,
        run,
        seen.findings,
        cases=cases,
        published=run.id in db.published_runs(),
        clocks=seen.summary.clocks,
        incidents=seen.incidents,
    )
    try:
        return daily.compute(inputs, day), inputs
    except content.OutsideRun as error:
        raise Problem(404, str(error)) from None


@router.get("/{day}.html", response_class=HTMLResponse, responses=_HTML, summary="The bulletin of a day (HTML)")
def bulletin_html(db: StoreDep, who: ViewerDep, cache: FiguresDep, day: Day) -> HTMLResponse:
    made, inputs = _bulletin(db, who, cache, day)
    return HTMLResponse(render.html(made, inputs.agreement))


@router.get("/{day}.json", summary="The bulletin of a day (JSON twin of the HTML page)")
def bulletin_json(db: StoreDep, who: ViewerDep, cache: FiguresDep, day: Day) -> JSONBody:
    """The data the page shows: header, counts, notable incidents, access, clocks, claims and
    the map's points."""
    made, _ = _bulletin(db, who, cache, day)
    return render.to_json(made)


@router.get("/{day}.pdf", response_class=Response, responses=_PDF, summary="The bulletin of a day (A4 PDF)")
async def bulletin_pdf(db: StoreDep, who: ViewerDep, cache: FiguresDep, day: Day) -> Response:
    """The same page typeset by WeasyPrint (about a second or two, in a worker thread)."""
    made, inputs = await anyio.to_thread.run_sync(_bulletin, db, who, cache, day)
    data = await anyio.to_thread.run_sync(render.pdf, made, inputs.agreement)
    headers = {"Content-Disposition": f'inline; filename="bulletin-{made.agreement_id}-{made.date}.pdf"'}
    return Response(data, media_type="application/pdf", headers=headers)

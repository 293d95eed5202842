"""``/bulletin/``: the daily bulletins of the run the viewer may read, at the site's root (not
under ``/api/v1``): ``GET /bulletin/`` (HTML index) and its JSON twin ``/bulletin/index.json``,
``GET /bulletin/YYYY-MM-DD.html``, ``.pdf`` and ``.json``.

Public: without a token the newest *published* run (``findings.visible_run``), its findings less
those drawn from reports the viewer may not see, the clocks and counts of those findings
(``tallies.viewer_tallies``), and grades only from cases the viewer may read.
A day outside the run is a 404 problem; a path that is not a date, a 422.

A day's bulletin, page and PDF are made once per state of the log and viewer class and kept
(``api/memo.py``, issue 11): repeating a request costs a lookup, not a WeasyPrint run. A day
is computed from that day and the day before alone, read in SQL (``gather.day_inputs``), with
the viewer's counts, clocks and days kept per run and viewer class (``api/tallies.py``), so a
day costs that day's findings whatever the run's size (issue 14); the index is the viewer's
counts by day. The PDF is typeset from the kept page.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.applications import Starlette

from ceasefire.api.agreements import loaded
from ceasefire.api.auth import BearerDep, Caller, StoreDep, ViewerDep, viewer, viewer_class
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import (
    FigureCache,
    FiguresDep,
    agreement_of_run,
    app_figures,
    run_imports,
    sees_everything,
    visible_run,
)
from ceasefire.api.memo import memo_of
from ceasefire.api.problems import Problem
from ceasefire.api.state import StorePool
from ceasefire.api.tallies import viewer_tallies
from ceasefire.bulletin import content, daily, gather, render
from ceasefire.store import SQLStore
from ceasefire.store.protocol import RunRecord

__all__ = ["reported_by_day", "router", "warm_latest"]

router = APIRouter(prefix="/bulletin", tags=["bulletins"])
Key = tuple[int, str, str]  # (log size, viewer class, day): what a bulletin depends on
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
    seen = viewer_tallies(cache, db, who, run)
    info = content.RunInfo(
        run.id,
        run.created_at,
        run.agreement_version,
        seen.incidents,
        seen.findings,
        run.log_index,
        run.id in db.published_runs(),
    )
    return run.agreement_id, info, daily.day_lines(seen.period(), seen.days)


@router.get("/", response_class=HTMLResponse, responses=_HTML, summary="Daily bulletins: the days of the run (HTML)")
def index(db: StoreDep, who: ViewerDep, cache: FiguresDep) -> HTMLResponse:
    agreement, run, days = _index(db, who, cache)
    return HTMLResponse(render.index_html(agreement, run, days, public=not sees_everything(who)))


@router.get("/index.json", summary="Daily bulletins: the days of the run (JSON twin of /bulletin/)")
def index_json(db: StoreDep, who: ViewerDep, cache: FiguresDep) -> JSONBody:
    """``{"agreement", "run", "days": [{"date", "violation", "possible", "incidents", "html",
    "pdf", "json"}]}``; ``run`` is null when the viewer may read no run yet."""
    return render.index_json(*_index(db, who, cache))


def _inputs(db: SQLStore, who: Caller | None, cache: FigureCache, day: dt.date) -> content.Inputs:
    """What the bulletin of ``day`` for ``who`` is computed from: that day and the day before,
    read in SQL, with the viewer's counts and clocks (``api/tallies.py``); 404 without a run."""
    run = visible_run(db, who)
    if run is None:
        raise Problem(404, "no verification run is published yet, so there is no bulletin")
    cases = db.cases()
    if not sees_everything(who):
        published = db.published_cases()
        cases = [c for c in cases if c.id in published]
    tallies = viewer_tallies(cache, db, who, run)
    reported = reported_by_day(cache, db, run)
    seen = gather.Seen(
        tallies.incidents, tallies.findings, tallies.period(), tallies.summary.clocks, tallies.hidden, reported
    )
    current = db.current_agreement()
    agreements = (agreement_of_run(db, run), loaded(current) if current is not None else None)
    return gather.day_inputs(db, run, day, seen, agreements, cases=cases, published=run.id in db.published_runs())


def reported_by_day(cache: FigureCache, db: SQLStore, run: RunRecord) -> dict[dt.date, int]:
    """The imported incidents ``run`` verified, counted by the day they were reported: every
    class's, and every run's over the same imports (``findings.run_imports``: issue 14, a
    GROUP BY over a million incidents is not repeated for each new run)."""
    return cache.get(("reported", run_imports(cache, db, run)), lambda: db.reported_by_day(run.log_index))


def _bulletin(inputs: content.Inputs, day: dt.date) -> content.Bulletin:
    """The bulletin of ``day``; 404 outside the run."""
    try:
        return daily.compute(inputs, day)
    except content.OutsideRun as error:
        raise Problem(404, str(error)) from None


def _made(app: Starlette, db: SQLStore, who: Caller | None, day: dt.date) -> tuple[Key, content.Bulletin, str]:
    """The bulletin of ``day`` for ``who`` and its page, computed once per state of the log and
    viewer class (``memo``: issue 11) and the key they are kept under."""
    key: Key = (db.log_size(), viewer_class(who), day.isoformat())

    def compute() -> tuple[content.Bulletin, str]:
        inputs = _inputs(db, who, app_figures(app), day)
        made = _bulletin(inputs, day)
        return made, render.html(made, inputs.agreement)

    made, page = memo_of(app, "bulletins").get(key, compute)
    return key, made, page


@router.get("/{day}.html", response_class=HTMLResponse, responses=_HTML, summary="The bulletin of a day (HTML)")
def bulletin_html(request: Request, db: StoreDep, who: ViewerDep, day: Day) -> HTMLResponse:
    return HTMLResponse(_made(request.app, db, who, day)[2])


@router.get("/{day}.json", summary="The bulletin of a day (JSON twin of the HTML page)")
def bulletin_json(request: Request, db: StoreDep, who: ViewerDep, day: Day) -> JSONBody:
    """The data the page shows: header, counts, notable incidents, access, clocks, claims and
    the map's points."""
    return render.to_json(_made(request.app, db, who, day)[1])


@router.get("/{day}.pdf", response_class=Response, responses=_PDF, summary="The bulletin of a day (A4 PDF)")
async def bulletin_pdf(request: Request, credentials: BearerDep, day: Day) -> Response:
    """The same page typeset by WeasyPrint (a second or two, in a worker thread), once per state
    of the log and viewer class; no store is held while it typesets."""
    pool: StorePool = request.app.state.pool
    async with pool.borrow() as db:
        who = await anyio.to_thread.run_sync(viewer, request, db, credentials)
        key, made, page = await anyio.to_thread.run_sync(_made, request.app, db, who, day)
    data = await anyio.to_thread.run_sync(memo_of(request.app, "bulletin_pdfs").get, key, lambda: render.pdf_of(page))
    headers = {"Content-Disposition": f'inline; filename="bulletin-{made.agreement_id}-{made.date}.pdf"'}
    return Response(data, media_type="application/pdf", headers=headers)


def warm_latest(app: Starlette, db: SQLStore) -> None:
    """Make the public's bulletin of the last day of its run, the page and its PDF, and keep
    them as the first visitor's request would (issue 14: about 2 s of CPU each at a million
    incidents, for each new run; ``api/warmer.py`` calls this in the background)."""
    _, run, days = _index(db, None, app_figures(app))
    if run is None or not days:
        return
    key, _, page = _made(app, db, None, dt.date.fromisoformat(days[-1].date))
    memo_of(app, "bulletin_pdfs").get(key, lambda: render.pdf_of(page))

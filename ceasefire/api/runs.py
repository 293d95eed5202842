"""``/api/v1/runs``: verification runs. Analysts verify now (every imported incident and every
submitted report, with the current agreement version) and publish a run: the public dashboard,
bulletins and exports show the newest published run (``findings.visible_run``)."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Path, Request

from ceasefire.api.auth import CallerDep, StoreDep, ViewerDep, require
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import FiguresDep, run_dict, sees_everything
from ceasefire.api.problems import Problem
from ceasefire.api.reports import MAX_ID
from ceasefire.api.tallies import viewer_tallies
from ceasefire.api.warmer import wake
from ceasefire.service.workflow import verify_stored
from ceasefire.store import SQLStore

__all__ = ["router"]

router = APIRouter(prefix="/runs", tags=["runs"])
RunId = Annotated[int, Path(ge=1, le=MAX_ID, description="The run's id.")]


@router.get("", summary="Verification runs (analysts: all; others: the published ones)")
def runs(db: StoreDep, who: ViewerDep, cache: FiguresDep) -> JSONBody:
    """``{"items": [run...], "total"}``, oldest first; each run with ``published`` and the
    counts of the incidents and findings the caller may see (analysts and admins: the stored
    ones; the rest: counted, ``api/tallies.py``)."""
    published = db.published_runs()
    full = sees_everything(who)
    shown = [r for r in db.runs() if full or r.id in published]
    items = [run_dict(r, published, None if full else viewer_tallies(cache, db, who, r).counted()) for r in shown]
    return {"items": items, "total": len(items)}


@router.post("", status_code=201, summary="Verify now: a new run over incidents and reports (analyst)")
async def verify(request: Request, db: StoreDep, who: CallerDep) -> JSONBody:
    """201, the new run (not yet published). Runs in a worker thread: it may take seconds."""
    require(who, "analyst")
    made = await anyio.to_thread.run_sync(_verify, db)
    wake(request.app)
    return made


def _verify(db: SQLStore) -> JSONBody:
    _, run = verify_stored(db)
    db.checkpoint()
    return run_dict(run, db.published_runs()) or {}


@router.post("/{run_id}/publish", summary="Publish a run (analyst): the public then reads its findings")
def publish(request: Request, db: StoreDep, who: CallerDep, run_id: RunId) -> JSONBody:
    """``{"id", "published": true, "log_index", "new"}``; publishing again changes nothing."""
    require(who, "analyst")
    if run_id not in {r.id for r in db.runs()}:
        raise Problem(404, f"run {run_id}: no such run")
    index, new = db.publish_run(who.submitter, run_id)
    if new:
        wake(request.app)
    return {"id": run_id, "published": True, "log_index": index, "new": new}

"""``/api/v1/findings`` and ``/api/v1/clocks``: the latest stored verification run, read-only.

Findings are the ``verify --format json`` findings of the newest run (``ceasefire import``
re-verifies after each import), filtered here; every role may read them (they come from the
imported event files, not from unpublished reports).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from ceasefire.api.auth import CallerDep, StoreDep
from ceasefire.store import SQLStore
from ceasefire.store.protocol import RunRecord

__all__ = ["router"]

router = APIRouter(tags=["findings"])
Status = Literal["violation", "possible_violation", "exempt"]


def _run(db: SQLStore) -> RunRecord | None:
    runs = db.runs()
    return runs[-1] if runs else None


def _run_dict(run: RunRecord | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"id": run.id, "agreement_version": run.agreement_version, "created_at": run.created_at,
            "incidents": run.incidents, "findings": run.findings, "log_index": run.log_index}  # fmt: skip


@router.get("/findings", summary="Findings of the latest verification run")
def findings(
    db: StoreDep, who: CallerDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
    party: Annotated[str | None, Query(max_length=200)] = None,
    obligation: Annotated[str | None, Query(max_length=200)] = None,
    status: Status | None = None,
) -> dict[str, Any]:  # fmt: skip
    """``{"agreement", "run", "findings": [...], "total"}``; ``run`` is null before any import."""
    run = _run(db)
    found = db.run_findings(run.id) if run else []
    keep = [
        f for f in found
        if (date_from is None or f["date"] >= date_from.isoformat())
        and (date_to is None or f["date"] <= date_to.isoformat())
        and (party is None or party in f["parties"])
        and (obligation is None or f["obligation"] == obligation)
        and (status is None or f["status"] == status)
    ]  # fmt: skip
    return {"agreement": run.agreement_id if run else None, "run": _run_dict(run), "findings": keep, "total": len(keep)}


@router.get("/clocks", summary="Clocks (conditions) of the latest verification run")
def clocks(db: StoreDep, who: CallerDep) -> dict[str, Any]:
    """``{"agreement", "run", "clocks": [...]}``: the ``verify --format json`` clocks."""
    run = _run(db)
    summary = db.run_summary(run.id) if run else {}
    return {"agreement": run.agreement_id if run else None, "run": _run_dict(run), "clocks": summary.get("clocks", [])}

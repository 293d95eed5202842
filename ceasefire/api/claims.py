"""``/api/v1/claims``: the claims ledger, read-only.

Claims come from public news (``ceasefire import --news``), so every role and the public may read
them. Each is judged when read against the findings the caller may read (``findings.visible_run``),
exactly as the ``claims`` section of ``verify --format json`` (``ceasefire.news.ledger``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from ceasefire.api.auth import StoreDep, ViewerDep
from ceasefire.api.findings import visible_findings, visible_run
from ceasefire.service.claims import claims_ledger

__all__ = ["router"]

router = APIRouter(tags=["claims"])
Verdict = Literal["supports", "contradicts", "no_evidence"]


@router.get("/claims", summary="The claims ledger: stored claims judged against the findings")
def claims(
    db: StoreDep,
    who: ViewerDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
    party: Annotated[str | None, Query(max_length=200, description="The speaker's party or an accused party.")] = None,
    obligation: Annotated[str | None, Query(max_length=200)] = None,
    verdict: Verdict | None = None,
) -> dict[str, Any]:
    """``{"claims": [...], "total"}``: each claim's fields, ``date``, ``verdict``, ``findings``
    (ids) and ``explanation``; a date filter leaves out claims without a date."""
    keep = [
        c
        for c in claims_ledger(db, visible_findings(db, who, visible_run(db, who)))
        if (date_from is None or (c["date"] is not None and c["date"] >= date_from.isoformat()))
        and (date_to is None or (c["date"] is not None and c["date"] <= date_to.isoformat()))
        and (party is None or party == c["speaker_party"] or party in c["accused"])
        and (obligation is None or c["obligation"] == obligation)
        and (verdict is None or c["verdict"] == verdict)
    ]
    return {"claims": keep, "total": len(keep)}

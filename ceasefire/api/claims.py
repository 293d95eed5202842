"""``/api/v1/claims``: the claims ledger, read-only.

Claims come from public news (``ceasefire import --news``), so every role and the public may read
them. Each is judged when read against the findings the caller may read (``findings.visible_run``),
exactly as the ``claims`` section of ``verify --format json`` (``ceasefire.news.verdicts``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.applications import Starlette

from ceasefire.api.auth import Caller, StoreDep, ViewerDep, viewer_class
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import visible_findings, visible_run
from ceasefire.api.memo import memo_of
from ceasefire.news.verdicts import ClaimVerdict
from ceasefire.service.claims import claims_ledger
from ceasefire.store import SQLStore

__all__ = ["judged", "router"]

router = APIRouter(tags=["claims"])
Verdict = Literal["supports", "contradicts", "no_evidence"]


@router.get("/claims", summary="The claims ledger: stored claims judged against the findings")
def claims(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
    party: Annotated[str | None, Query(max_length=200, description="The speaker's party or an accused party.")] = None,
    obligation: Annotated[str | None, Query(max_length=200)] = None,
    verdict: Verdict | None = None,
) -> JSONBody:
    """``{"claims": [...], "total"}``: each claim's fields, ``date``, ``verdict``, ``findings``
    (ids) and ``explanation``; a date filter leaves out claims without a date."""
    keep = [c.to_document() for c in judged(request.app, db, who, date_from, date_to, party, obligation, verdict)]
    return {"claims": keep, "total": len(keep)}


def judged(
    app: Starlette,
    db: SQLStore,
    who: Caller | None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    party: str | None = None,
    obligation: str | None = None,
    verdict: str | None = None,
) -> list[ClaimVerdict]:
    """The stored claims judged on the findings ``who`` may read, filtered as ``GET /claims``.

    The verdicts are judged once per state of the log and viewer class (``memo``: issue 11)."""
    ledger = memo_of(app, "claims").get(
        (db.log_size(), viewer_class(who)), lambda: claims_ledger(db, visible_findings(db, who, visible_run(db, who)))
    )
    return [
        c
        for c in ledger
        if (date_from is None or (c.claim.date is not None and c.claim.date >= date_from))
        and (date_to is None or (c.claim.date is not None and c.claim.date <= date_to))
        and (party is None or party == c.claim.speaker_party or party in c.claim.accused)
        and (obligation is None or c.claim.obligation == obligation)
        and (verdict is None or c.verdict == verdict)
    ]

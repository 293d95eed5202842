"""``/api/v1/findings``, ``/clocks`` and ``/incidents``: a stored verification run, read-only.

Which run a caller reads (:func:`visible_run`): analysts and admins the newest run; everyone
else, the public (no token) included, the newest *published* run (``POST /runs/{id}/publish``).
Findings drawn from submitted reports (incident ``report-ID``) are shown only to those who may
see that report (:func:`visible_findings`); findings from imported event files to every reader
of the run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from ceasefire.api.auth import Caller, StoreDep, ViewerDep, report_scope
from ceasefire.api.body import JSONBody
from ceasefire.exports import filter_findings
from ceasefire.ledger import JSONValue, canonical_json
from ceasefire.model import REPORT_PREFIX, Finding
from ceasefire.service.workflow import all_reports
from ceasefire.store import SQLStore
from ceasefire.store.protocol import ReportScope, RunRecord

__all__ = ["router", "stored_form", "visible_findings", "visible_run"]

router = APIRouter(tags=["findings"])
Status = Literal["violation", "possible_violation", "exempt"]


def sees_everything(who: Caller | None) -> bool:
    return who is not None and who.role in ("admin", "analyst")


def visible_run(db: SQLStore, who: Caller | None) -> RunRecord | None:
    """The run ``who`` reads: the newest (analyst, admin) or the newest published (the rest)."""
    runs = db.runs()
    if not sees_everything(who):
        published = db.published_runs()
        runs = [run for run in runs if run.id in published]
    return runs[-1] if runs else None


def visible_reports(db: SQLStore, who: Caller | None) -> set[int] | None:
    """The ids of the reports ``who`` may see; None: all of them."""
    if sees_everything(who):
        return None
    scope = ReportScope() if who is None else report_scope(who)
    return {report.id for report in all_reports(db, scope)}


def stored_form(document: JSONValue) -> Any:
    """A document (``Finding.to_document``, ``Clock.to_document``) as the API has always
    answered it: as the database stores it, canonical JSON, so with its keys sorted."""
    return json.loads(canonical_json(document))


def from_visible(incident_ids: Sequence[str], reports: set[int] | None) -> bool:
    """Whether every incident behind a finding may be seen by who sees ``reports``."""
    if reports is None:
        return True
    return all(not i.startswith(REPORT_PREFIX) or int(i[len(REPORT_PREFIX) :]) in reports for i in incident_ids)


def visible_findings(db: SQLStore, who: Caller | None, run: RunRecord | None) -> list[Finding]:
    """The findings of ``run`` that ``who`` may see (none when ``run`` is None)."""
    if run is None:
        return []
    reports = visible_reports(db, who)
    return [f for f in db.run_findings(run.id) if from_visible(f.incidents, reports)]


def run_dict(run: RunRecord | None, published: set[int]) -> JSONBody | None:
    if run is None:
        return None
    return {
        "id": run.id,
        "agreement_version": run.agreement_version,
        "created_at": run.created_at,
        "incidents": run.incidents,
        "findings": run.findings,
        "log_index": run.log_index,
        "published": run.id in published,
    }


@router.get("/findings", summary="Findings of the latest verification run")
def findings(
    db: StoreDep,
    who: ViewerDep,
    date_from: Annotated[dt.date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
    party: Annotated[str | None, Query(max_length=200)] = None,
    obligation: Annotated[str | None, Query(max_length=200)] = None,
    status: Status | None = None,
) -> JSONBody:
    """``{"agreement", "run", "findings": [...], "total"}``; ``run`` is null when there is no
    run the caller may read (none yet; for the public, none published yet)."""
    run = visible_run(db, who)
    found = visible_findings(db, who, run)
    keep = filter_findings(
        found, date_from=date_from, date_to=date_to, party=party, obligation=obligation, status=status
    )
    return {
        "agreement": run.agreement_id if run else None,
        "run": run_dict(run, db.published_runs()),
        "findings": [stored_form(f.to_document()) for f in keep],
        "total": len(keep),
    }


@router.get("/clocks", summary="Clocks (conditions) of the latest verification run")
def clocks(db: StoreDep, who: ViewerDep) -> JSONBody:
    """``{"agreement", "run", "clocks": [...]}``: the ``verify --format json`` clocks."""
    run = visible_run(db, who)
    clocks = db.run_summary(run.id).clocks if run else ()
    return {
        "agreement": run.agreement_id if run else None,
        "run": run_dict(run, db.published_runs()),
        "clocks": [stored_form(c.to_document()) for c in clocks],
    }

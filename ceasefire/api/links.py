"""``/api/v1/links``: analysts confirm or split the link of two records (issue 13).

``POST /links`` ``{"records": [ID, ID], "decision": "confirm" | "split", "reason": TEXT}``
appends a decision (``store.links``), logged like every write and answered with a receipt; the
next verification run applies it (``linking.decisions``: a confirmed pair links with score 1 and
the reason "confirmed by an analyst", a split pair never links directly). Only analysts decide
(403 for every other role, 401 without a token); a record that is neither a stored incident nor
a submitted report (``report-ID``) is a 422 naming ``records``. ``GET /links`` lists the
decisions, oldest first, and ``GET /links/candidates?report=ID`` the events a report may belong to
(``service.triage``: the triage queue's column), both for analysts and admins.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal, NoReturn

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ceasefire.api.auth import Caller, CallerDep, StoreDep, require
from ceasefire.api.body import JSONBody
from ceasefire.api.fields import Plain
from ceasefire.api.problems import Problem
from ceasefire.api.reports import MAX_ID
from ceasefire.service.triage import report_candidates
from ceasefire.store import SQLStore
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.links import LinkDecision
from ceasefire.store.protocol import ReportScope

__all__ = ["LinkIn", "decided", "router"]

router = APIRouter(prefix="/links", tags=["links"])
RecordId = Annotated[Plain, Field(min_length=1, max_length=200)]


class LinkIn(BaseModel):
    """Two records (incident ids; a submitted report is ``report-ID``) and what they are."""

    model_config = ConfigDict(extra="forbid")
    records: list[RecordId] = Field(min_length=2, max_length=2, description="The two records' ids.")
    decision: Literal["confirm", "split"] = Field(description="confirm: one event; split: not one event.")
    reason: Plain = Field(default="", max_length=20_000)


@router.post("", status_code=201, summary="Confirm or split the link of two records (analyst)")
def decide(db: StoreDep, who: CallerDep, body: LinkIn) -> JSONBody:
    """201 with the decision, its receipt and log entry; the next run applies it."""
    made = decided(db, who, body)
    receipt = json.loads(db.receipt(made.log_index).to_json())
    return {**made.to_document(), "receipt": receipt, "entry": db.log_entry(made.log_index).decode()}


def decided(db: SQLStore, who: Caller, body: LinkIn) -> LinkDecision:
    """The decision ``who`` (an analyst) appends; a 422 Problem naming ``records`` when they are
    one record or one of them is not stored."""
    require(who, "analyst")
    first, second = body.records
    if first == second:
        _bad_records(f"a record cannot be linked with itself ({first!r})")
    try:
        return db.add_link_decision(who.submitter, first, second, body.decision, body.reason)
    except UnknownRecord as error:
        _bad_records(str(error))


def _bad_records(message: str) -> NoReturn:
    raise Problem(
        422, f"invalid request: records: {message}", errors=[{"field": "records", "in": "body", "message": message}]
    )


@router.get("", summary="Every link decision, oldest first (analysts and admins)")
def list_decisions(
    db: StoreDep,
    who: CallerDep,
    record: Annotated[str | None, Query(max_length=200, description="Only the decisions naming it.")] = None,
) -> JSONBody:
    """``{"decisions": [{"id", "records", "decision", "reason", "role", "at", "log_index"}]}``."""
    require(who, "analyst", "admin")
    return {"decisions": [d.to_document() for d in db.link_decisions({record} if record else None)]}


@router.get("/candidates", summary="The events a report may belong to, best first (analysts and admins)")
def report_events(
    db: StoreDep,
    who: CallerDep,
    report: Annotated[int, Query(ge=1, le=MAX_ID, description="The report's id.")],
) -> JSONBody:
    """``{"report", "candidates": [{"records", "record", "score", "reasons", "linked"}]}``: up to
    three events, each scored by its best record (``service.triage``); 404 for no such report."""
    require(who, "analyst", "admin")
    if db.report(ReportScope(everything=True), report) is None:
        raise Problem(404, f"report {report}: no such report")
    found = report_candidates(db, [report])[report]
    return {"report": report, "candidates": [c.to_document() for c in found]}

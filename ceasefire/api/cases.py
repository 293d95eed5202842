"""``/api/v1/cases``: the case workflow. Who may do what (docs/api.md, "Cases"):

- analysts open cases (an allegation from one or more reports), address requests for
  information to a party with a deadline, and assess (violation / no_violation / inconclusive,
  each source graded on the Admiralty scale: reliability A-F, credibility 1-6);
- a party's tokens answer the requests addressed to their party;
- analysts and admins read every case; a party reads the cases with a request addressed to it,
  seeing only its own requests and responses (not other parties' nor the assessments); monitors
  and observers see no case until an analyst publishes it; a published case is whole and public.
  A case not yours to see is a 404.

Every step is logged with who and when (UTC) in the same transaction, and answered with a receipt.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from ceasefire.api.auth import Caller, CallerDep, StoreDep, ViewerDep, require
from ceasefire.api.fields import Plain
from ceasefire.api.problems import Problem
from ceasefire.api.reports import MAX_ID
from ceasefire.store import SQLStore
from ceasefire.store.protocol import CaseRecord, CaseStep, ReportScope

__all__ = ["case_dict", "router", "visible_case"]

router = APIRouter(prefix="/cases", tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="The case's id.")]


Text = Annotated[Plain, Field(min_length=1, max_length=20_000)]


class CaseIn(BaseModel):
    """An allegation, from one or more stored reports."""

    model_config = ConfigDict(extra="forbid")
    title: Plain = Field(min_length=1, max_length=300)
    allegation: Plain = Field(default="", max_length=20_000)
    reports: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=100)


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    party: Plain = Field(min_length=1, max_length=200, description="The party asked (an agreement party id).")
    question: Text
    deadline: dt.date


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Default: the latest request to your party."
    )
    response: Text


class Grade(BaseModel):
    """A source graded on the Admiralty scale."""

    model_config = ConfigDict(extra="forbid")
    source: Plain = Field(min_length=1, max_length=300, description="e.g. 'report 3' or 'SOHR'.")
    reliability: Literal["A", "B", "C", "D", "E", "F"]
    credibility: int = Field(ge=1, le=6)


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conclusion: Literal["violation", "no_violation", "inconclusive"]
    reasoning: Plain = Field(default="", max_length=20_000)
    grades: list[Grade] = Field(min_length=1, max_length=100)


@router.post("", status_code=201, summary="Open a case from reports (analyst)")
def open_case(db: StoreDep, who: CallerDep, body: CaseIn) -> dict[str, Any]:
    """201 with the case; 422 naming ``reports`` when one does not exist."""
    require(who, "analyst")
    missing = [r for r in body.reports if db.report(ReportScope(everything=True), r) is None]
    if missing:
        message = f"no such report: {', '.join(map(str, missing))}"
        raise Problem(
            422, f"invalid request: reports: {message}", errors=[{"field": "reports", "in": "body", "message": message}]
        )
    case = db.open_case(who.submitter, body.title, body.allegation, body.reports)
    return {**_case_dict(case, who, db.published_cases()), "receipt": _receipt(db, case.log_index)}


@router.post("/{case_id}/requests", status_code=201, summary="Ask a party for information (analyst)")
def request_information(db: StoreDep, who: CallerDep, case_id: CaseId, body: RequestIn) -> dict[str, Any]:
    require(who, "analyst")
    _visible(db, who, case_id)
    current = db.current_agreement()
    known = current.bundle.party_ids() if current else []
    if body.party not in known:
        message = f"'{body.party}' is not a party of the agreement (known: {', '.join(known)})"
        raise Problem(
            422, f"invalid request: party: {message}", errors=[{"field": "party", "in": "body", "message": message}]
        )
    return _stepped(db, who, db.add_case_step(who.submitter, case_id, "request", body.model_dump(mode="json")))


@router.post("/{case_id}/responses", status_code=201, summary="Answer a request addressed to your party (party)")
def respond(db: StoreDep, who: CallerDep, case_id: CaseId, body: ResponseIn) -> dict[str, Any]:
    """404 when the case has no request addressed to your party (or not that one)."""
    require(who, "party")
    _visible(db, who, case_id)
    return _stepped(db, who, db.add_case_step(who.submitter, case_id, "response", body.model_dump(mode="json")))


@router.post("/{case_id}/assessment", status_code=201, summary="Conclude a case, grading its sources (analyst)")
def assess(db: StoreDep, who: CallerDep, case_id: CaseId, body: AssessmentIn) -> dict[str, Any]:
    """A later assessment supersedes an earlier one; both stay."""
    require(who, "analyst")
    _visible(db, who, case_id)
    return _stepped(db, who, db.add_case_step(who.submitter, case_id, "assessment", body.model_dump(mode="json")))


@router.post("/{case_id}/publish", summary="Publish a case (analyst): every role and the public may read it")
def publish(db: StoreDep, who: CallerDep, case_id: CaseId) -> dict[str, Any]:
    """``{"id", "published": true, "log_index", "new"}``; publishing again changes nothing. The
    whole case is then shown, its assessment and every party's requests and responses included."""
    require(who, "analyst")
    _visible(db, who, case_id)
    index, new = db.publish_case(who.submitter, case_id)
    return {"id": case_id, "published": True, "log_index": index, "new": new}


@router.get("", summary="The cases the caller may see (the public: the published ones)")
def list_cases(db: StoreDep, who: ViewerDep) -> dict[str, Any]:
    """``{"items": [case...], "total"}``, by id."""
    published = db.published_cases()
    found = [c for c in db.cases() if _may_see(c, who, published)]
    return {"items": [_case_dict(c, who, published) for c in found], "total": len(found)}


@router.get("/{case_id}", summary="One case (404 when not yours to see)")
def get_case(db: StoreDep, who: ViewerDep, case_id: CaseId) -> dict[str, Any]:
    return _case_dict(_visible(db, who, case_id), who, db.published_cases())


def visible_case(db: SQLStore, who: Caller | None, case_id: int) -> CaseRecord | None:
    """The case when ``who`` may see it (analysts and admins: all; a party: those with a request
    to it; everyone, the public included: the published ones); else None."""
    case = db.case(case_id)
    return case if case is not None and _may_see(case, who, db.published_cases()) else None


def _visible(db: SQLStore, who: Caller | None, case_id: int) -> CaseRecord:
    """The case, or 404 when it is absent or not ``who``'s to see (the same answer)."""
    case = visible_case(db, who, case_id)
    if case is None:
        raise Problem(404, f"case {case_id}: no such case")
    return case


def _may_see(case: CaseRecord, who: Caller | None, published: set[int]) -> bool:
    if case.id in published or (who is not None and who.role in ("analyst", "admin")):
        return True
    return who is not None and who.role == "party" and _shown(case, who)


def _shown(case: CaseRecord, who: Caller) -> bool:
    return any(s.kind == "request" and s.fields["party"] == who.party for s in case.steps)


def case_dict(case: CaseRecord, who: Caller | None, published: set[int]) -> dict[str, Any]:
    """The case as ``who`` sees it: a party, before publication, only its own requests and
    responses and no assessment; once published, everyone sees every step."""
    return _case_dict(case, who, published)


def _case_dict(case: CaseRecord, who: Caller | None, published: set[int]) -> dict[str, Any]:
    steps = case.steps
    whole = case.id in published or (who is not None and who.role in ("analyst", "admin"))
    if not whole:
        party = who.party if who is not None else None
        steps = tuple(s for s in steps if s.kind != "assessment" and s.fields.get("party") == party)
    deadlines = {s.id: s.fields["deadline"] for s in case.steps if s.kind == "request"}
    shown = [_step_dict(s, deadlines) for s in steps]
    assessed = [s for s in shown if s["kind"] == "assessment"]
    return {
        "id": case.id,
        "title": case.title,
        "allegation": case.allegation,
        "reports": list(case.reports),
        "opened_by": {"role": case.opened_by.role, "party": case.opened_by.party},
        "at": case.created_at,
        "log_index": case.log_index,
        "status": assessed[-1]["conclusion"] if assessed else "open",
        "published": case.id in published,
        "steps": shown,
    }


def _step_dict(step: CaseStep, deadlines: dict[int, str]) -> dict[str, Any]:
    out = {
        "kind": step.kind,
        "id": step.id,
        "case_id": step.case_id,
        **step.fields,
        "by": {"role": step.by.role, "party": step.by.party},
        "at": step.created_at,
        "log_index": step.log_index,
    }
    if step.kind == "response":
        out["late"] = step.created_at[:10] > deadlines.get(int(step.fields["request_id"]), "9999-12-31")
    return out


def _stepped(db: SQLStore, who: Caller, step: CaseStep) -> dict[str, Any]:
    case = db.case(step.case_id)
    assert case is not None
    deadlines = {s.id: s.fields["deadline"] for s in case.steps if s.kind == "request"}
    return {
        **_step_dict(step, deadlines),
        "receipt": _receipt(db, step.log_index),
        "entry": db.log_entry(step.log_index).decode(),
    }


def _receipt(db: SQLStore, index: int) -> dict[str, Any]:
    return dict(json.loads(db.receipt(index).to_json()))

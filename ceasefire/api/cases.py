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
from collections.abc import Iterable, Mapping
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from ceasefire.api.auth import Caller, CallerDep, StoreDep, ViewerDep, report_scope, require
from ceasefire.api.body import JSONBody
from ceasefire.api.fields import Plain
from ceasefire.api.paging import PageDep, decode_cursor, encode_cursor, sliced
from ceasefire.api.problems import Problem
from ceasefire.api.reports import MAX_ID
from ceasefire.store import SQLStore, protocol
from ceasefire.store.protocol import (
    Assessment,
    CaseRecord,
    CaseStep,
    InformationRequest,
    PartyResponse,
    ReportScope,
    StepDetail,
)

__all__ = [
    "assessed",
    "case_json",
    "cases_json",
    "opened",
    "readable_case",
    "requested",
    "responded",
    "router",
    "step_json",
    "visible_case",
    "visible_reports",
]

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

    def detail(self) -> InformationRequest:
        return InformationRequest(self.party, self.question, self.deadline.isoformat())


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Default: the latest request to your party."
    )
    response: Text

    def detail(self) -> PartyResponse:
        return PartyResponse(self.request_id, self.response)


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

    def detail(self) -> Assessment:
        grades = tuple(protocol.Grade(g.source, g.reliability, g.credibility) for g in self.grades)
        return Assessment(self.conclusion, self.reasoning, grades)


@router.post("", status_code=201, summary="Open a case from reports (analyst)")
def open_case(db: StoreDep, who: CallerDep, body: CaseIn) -> JSONBody:
    """201 with the case; 422 naming ``reports`` when one does not exist."""
    case = opened(db, who, body)
    return {**case_json(db, case, who, db.published_cases()), "receipt": _receipt(db, case.log_index)}


def opened(db: SQLStore, who: Caller, body: CaseIn) -> CaseRecord:
    """The case ``who`` (an analyst) opens; a 422 Problem naming ``reports`` when one does not exist."""
    require(who, "analyst")
    missing = [r for r in body.reports if db.report(ReportScope(everything=True), r) is None]
    if missing:
        message = f"no such report: {', '.join(map(str, missing))}"
        raise Problem(
            422, f"invalid request: reports: {message}", errors=[{"field": "reports", "in": "body", "message": message}]
        )
    return db.open_case(who.submitter, body.title, body.allegation, body.reports)


@router.post("/{case_id}/requests", status_code=201, summary="Ask a party for information (analyst)")
def request_information(db: StoreDep, who: CallerDep, case_id: CaseId, body: RequestIn) -> JSONBody:
    return _stepped(db, requested(db, who, case_id, body))


def requested(db: SQLStore, who: Caller, case_id: int, body: RequestIn) -> CaseStep:
    """The request ``who`` (an analyst) addresses to a party of the agreement (422 for another name)."""
    require(who, "analyst")
    readable_case(db, who, case_id)
    current = db.current_agreement()
    known = current.bundle.party_ids() if current else []
    if body.party not in known:
        message = f"'{body.party}' is not a party of the agreement (known: {', '.join(known)})"
        raise Problem(
            422, f"invalid request: party: {message}", errors=[{"field": "party", "in": "body", "message": message}]
        )
    return db.add_case_step(who.submitter, case_id, body.detail())


@router.post("/{case_id}/responses", status_code=201, summary="Answer a request addressed to your party (party)")
def respond(db: StoreDep, who: CallerDep, case_id: CaseId, body: ResponseIn) -> JSONBody:
    """404 when the case has no request addressed to your party (or not that one)."""
    return _stepped(db, responded(db, who, case_id, body))


def responded(db: SQLStore, who: Caller, case_id: int, body: ResponseIn) -> CaseStep:
    """``who``'s (a party's) answer to a request addressed to its party."""
    require(who, "party")
    readable_case(db, who, case_id)
    return db.add_case_step(who.submitter, case_id, body.detail())


@router.post("/{case_id}/assessment", status_code=201, summary="Conclude a case, grading its sources (analyst)")
def assess(db: StoreDep, who: CallerDep, case_id: CaseId, body: AssessmentIn) -> JSONBody:
    """A later assessment supersedes an earlier one; both stay."""
    return _stepped(db, assessed(db, who, case_id, body))


def assessed(db: SQLStore, who: Caller, case_id: int, body: AssessmentIn) -> CaseStep:
    """``who``'s (an analyst's) assessment of the case."""
    require(who, "analyst")
    readable_case(db, who, case_id)
    return db.add_case_step(who.submitter, case_id, body.detail())


@router.post("/{case_id}/publish", summary="Publish a case (analyst): every role and the public may read it")
def publish(db: StoreDep, who: CallerDep, case_id: CaseId) -> JSONBody:
    """``{"id", "published": true, "log_index", "new"}``; publishing again changes nothing. The
    whole case is then shown, its assessment and every party's requests and responses included."""
    require(who, "analyst")
    readable_case(db, who, case_id)
    index, new = db.publish_case(who.submitter, case_id)
    return {"id": case_id, "published": True, "log_index": index, "new": new}


@router.get("", summary="The cases the caller may see (the public: the published ones), a page at a time")
def list_cases(db: StoreDep, who: ViewerDep, page: PageDep) -> JSONBody:
    """``{"items": [case...], "total", "next"}``: a page of them by id (``api/paging.py``)."""
    after = decode_cursor(page.cursor, "cases", (int,))
    items = cases_json(db, who)
    start = -1 if after is None else int(after[0])
    shown, more = sliced([c for c in items if int(c["id"]) > start][: page.limit + 1], page.limit)
    return {"items": shown, "total": len(items), "next": encode_cursor("cases", (shown[-1]["id"],)) if more else None}


def cases_json(db: SQLStore, who: Caller | None) -> list[JSONBody]:
    """Every case ``who`` may see, by id, as ``who`` may see it (:func:`case_json`)."""
    published = db.published_cases()
    return [case_json(db, c, who, published) for c in db.cases() if _may_see(c, who, published)]


@router.get("/{case_id}", summary="One case (404 when not yours to see)")
def get_case(db: StoreDep, who: ViewerDep, case_id: CaseId) -> JSONBody:
    return case_json(db, readable_case(db, who, case_id), who, db.published_cases())


def visible_case(db: SQLStore, who: Caller | None, case_id: int) -> CaseRecord | None:
    """The case when ``who`` may see it (analysts and admins: all; a party: those with a request
    to it; everyone, the public included: the published ones); else None."""
    case = db.case(case_id)
    return case if case is not None and _may_see(case, who, db.published_cases()) else None


def readable_case(db: SQLStore, who: Caller | None, case_id: int) -> CaseRecord:
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
    return any(s.kind == "request" and s.party == who.party for s in case.steps)


def case_json(db: SQLStore, case: CaseRecord, who: Caller | None, published: set[int]) -> JSONBody:
    """The case as ``who`` sees it: a party, before publication, only its own requests and
    responses and no assessment; once published, everyone sees every step. ``reports`` lists
    only the reports ``who`` may see (issue 11: the ids of another party's unpublished reports
    must not leak through a case, published or not)."""
    steps = case.steps
    whole = case.id in published or (who is not None and who.role in ("analyst", "admin"))
    if not whole:
        party = who.party if who is not None else None
        steps = tuple(s for s in steps if s.kind != "assessment" and s.party == party)
    assessments = [s.detail for s in steps if isinstance(s.detail, Assessment)]
    deadlines = _deadlines(case)
    return {
        "id": case.id,
        "title": case.title,
        "allegation": case.allegation,
        "reports": visible_reports(db, who, case.reports),
        "opened_by": {"role": case.opened_by.role, "party": case.opened_by.party},
        "at": case.created_at,
        "log_index": case.log_index,
        "status": assessments[-1].conclusion if assessments else "open",
        "published": case.id in published,
        "steps": [step_json(s, deadlines) for s in steps],
    }


def visible_reports(db: SQLStore, who: Caller | None, ids: Iterable[int]) -> list[int]:
    """Those of report ``ids`` that ``who`` may see (``auth.report_scope``; the public: the
    published ones), in the order given."""
    scope = report_scope(who) if who is not None else ReportScope()
    if scope.everything:
        return list(ids)
    return [i for i in ids if db.report(scope, i) is not None]


def _deadlines(case: CaseRecord) -> dict[int, str]:
    return {s.id: s.detail.deadline for s in case.steps if isinstance(s.detail, InformationRequest)}


def step_json(step: CaseStep, deadlines: Mapping[int, str]) -> JSONBody:
    """One step as the API shows it; a response says whether it came after its request's
    deadline (``deadlines``: request id -> YYYY-MM-DD)."""
    out: JSONBody = {
        "kind": step.kind,
        "id": step.id,
        "case_id": step.case_id,
        **_detail_json(step.detail),
        "by": {"role": step.by.role, "party": step.by.party},
        "at": step.created_at,
        "log_index": step.log_index,
    }
    if isinstance(step.detail, PartyResponse) and step.detail.request_id is not None:
        out["late"] = step.created_at[:10] > deadlines.get(step.detail.request_id, "9999-12-31")
    return out


def _detail_json(detail: StepDetail) -> JSONBody:
    """The step's own fields, in the order of its table's columns (migration 0008_cases); grades
    with their keys sorted, as they are stored."""
    if isinstance(detail, InformationRequest):
        return {"party": detail.party, "question": detail.question, "deadline": detail.deadline}
    if isinstance(detail, PartyResponse):
        return {"request_id": detail.request_id, "party": detail.party, "response": detail.response}
    grades = [{"credibility": g.credibility, "reliability": g.reliability, "source": g.source} for g in detail.grades]
    return {"conclusion": detail.conclusion, "reasoning": detail.reasoning, "grades": grades}


def _stepped(db: SQLStore, step: CaseStep) -> JSONBody:
    case = db.case(step.case_id)
    assert case is not None
    return {
        **step_json(step, _deadlines(case)),
        "receipt": _receipt(db, step.log_index),
        "entry": db.log_entry(step.log_index).decode(),
    }


def _receipt(db: SQLStore, index: int) -> JSONBody:
    return dict(json.loads(db.receipt(index).to_json()))

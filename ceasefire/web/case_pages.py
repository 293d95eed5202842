"""The case workflow pages: ``/cases`` (triage queue, cases, requests for information and their
deadlines) and ``/cases/{id}`` (the steps and the forms that add one), with JSON twins.

Who sees what is the API's rule, reused, not restated: the pages read cases through
``ceasefire.api.cases.cases_json`` / ``readable_case`` and show them with ``case_json``
(analysts and admins see every case; a party the cases with a request to it, and in them only
its own requests and answers; everyone, the public included, the published cases; a case not
the reader's to see is a 404, and for a signed-out visitor a 401 page that offers sign-in,
whether or not the case exists), and the forms build the API's request models and call the
functions its routes call (``opened``, ``requested``, ``responded``, ``assessed``), which check
the role and write through ``db.open_case`` / ``db.add_case_step``. A form with errors is shown
again with each message beside its field (422); a step that is written redirects (303) back to
the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.datastructures import FormData

from ceasefire.api import cases as cases_api
from ceasefire.api.agreements import loaded
from ceasefire.api.auth import Caller, StoreDep, ViewerDep, report_scope, require
from ceasefire.api.body import JSONBody
from ceasefire.api.problems import Problem
from ceasefire.api.reports import report_json
from ceasefire.model import Agreement
from ceasefire.service.workflow import all_reports
from ceasefire.store import SQLStore
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.protocol import ReportScope
from ceasefire.web import views
from ceasefire.web.compliance_pages import agreement_brief
from ceasefire.web.forms import FormState, field_errors, problem_errors, read_form, signed, text, today_in
from ceasefire.web.link_pages import triage_candidates
from ceasefire.web.pages import check_csrf, html_router, page, render

__all__ = ["CREDIBILITY", "RELIABILITY", "case_page", "cases_page"]

# The Admiralty (NATO) grading scale: source reliability and information credibility.
RELIABILITY = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}
CREDIBILITY = {
    "1": "Confirmed by other sources",
    "2": "Probably true",
    "3": "Possibly true",
    "4": "Doubtful",
    "5": "Improbable",
    "6": "Truth cannot be judged",
}
Saved = Literal["case", "request", "response", "assessment", "publish"]
# Who may post each form: checked before the form is validated, so a role that may never take
# the step gets 403 whatever it sent (docs/api.md, "Roles"); the API's functions check again.
STEP_ROLES = {
    "cases": ("analyst",),
    "requests": ("analyst",),
    "responses": ("party",),
    "assessment": ("analyst",),
    "publish": ("analyst",),
}


def _agreement(db: SQLStore) -> Agreement | None:
    current = db.current_agreement()
    return loaded(current) if current else None


def queue_data(
    db: SQLStore,
    who: Caller | None,
    form: FormState | None = None,
    app: Starlette | None = None,
    decided: int | None = None,
) -> JSONBody:
    """The ``/cases`` page: views.case_queue over the cases and (analysts, admins) reports
    ``who`` may see, each report of the triage queue with the events it may belong to (issue
    13, ``link_pages.triage_candidates``, kept in ``app``); ``form``: the open-a-case form's
    values and errors, when shown again; ``decided``: the link decision just saved."""
    agreement = _agreement(db)
    listed = cases_api.cases_json(db, who)
    everything = who is not None and who.role in ("analyst", "admin")
    reports = [report_json(r) for r in all_reports(db, report_scope(who))] if who and everything else []
    queue = views.case_queue(listed, reports, today_in(agreement))
    if everything:
        found = triage_candidates(app, db, [int(r["id"]) for r in queue["triage"]])
        queue["triage"] = [{**r, "candidates": found[int(r["id"])]} for r in queue["triage"]]
    return {
        **queue,
        **({"decided": decided} if decided else {}),  # the twin of a plain visit stays as it was
        "agreement": agreement_brief(agreement),
        "may_open": who is not None and who.role == "analyst",
        "triaged": everything,
        "form": form or FormState(values={}, errors={}),
    }


@page("/cases", "cases.html", title="Cases")
def cases_page(
    request: Request, db: StoreDep, who: ViewerDep, decided: Annotated[int | None, Query(ge=1)] = None
) -> JSONBody:
    """Triage queue (analysts: reports no case cites yet, with the events each may belong to),
    the cases the viewer may see (the public: the published ones), their requests for
    information and deadlines."""
    return queue_data(db, who, app=request.app, decided=decided)


def case_data(
    db: SQLStore,
    who: Caller | None,
    case_id: int,
    forms: Mapping[str, FormState] | None = None,
    saved: str | None = None,
) -> JSONBody:
    """The ``/cases/{id}`` page: the case as ``who`` may see it (404 otherwise; 401 for the
    public), its steps and requests (views.case_detail), its reports ``who`` may see, and which
    forms to offer."""
    if who is None and cases_api.visible_case(db, who, case_id) is None:
        signed(who)  # maybe an analyst not signed in: ask, and say nothing of whether it exists
    case = cases_api.readable_case(db, who, case_id)
    agreement = _agreement(db)
    scope = report_scope(who) if who else ReportScope()
    reports = [r for r in (db.report(scope, i) for i in case.reports) if r is not None]
    sources = [f"report {r.id}" for r in reports] + list(
        dict.fromkeys(name for r in reports for name, _ in r.submission.sources)
    )
    detail = views.case_detail(cases_api.case_json(db, case, who, db.published_cases()), today_in(agreement))
    return {
        **detail,
        "agreement": agreement_brief(agreement),
        "reports": [report_json(r) for r in reports],
        "grade_sources": sources,
        "may_request": _is(who, "analyst"),
        "may_assess": _is(who, "analyst"),
        "may_publish": _is(who, "analyst"),
        "may_respond": _is(who, "party") and bool(detail["open_requests"]),
        "reliability": RELIABILITY,
        "credibility": CREDIBILITY,
        "saved": saved,
        "forms": forms or {},
    }


def _is(who: Caller | None, role: str) -> bool:
    return who is not None and who.role == role


@page("/cases/{case_id}", "case.html", title="Case")
def case_page(
    db: StoreDep, who: ViewerDep, case_id: cases_api.CaseId, saved: Annotated[Saved | None, Query()] = None
) -> JSONBody:
    """One case: 401 for the public, 404 when it is not the reader's to see."""
    return case_data(db, who, case_id, saved=saved)


async def _posted(request: Request) -> FormData:
    form = await read_form(request)
    check_csrf(request, text(form, "csrf"))
    return form


@html_router.post("/cases")
async def open_case_form(request: Request, db: StoreDep, who: ViewerDep) -> Response:
    """Open a case from the reports checked in the triage queue (analyst)."""
    form = await _posted(request)
    return await run_in_threadpool(_open_case, request, db, signed(who), form)


def _open_case(request: Request, db: SQLStore, who: Caller, form: FormData) -> Response:
    require(who, *STEP_ROLES["cases"])
    values = {
        "title": text(form, "title"),
        "allegation": text(form, "allegation"),
        "reports": [str(v) for v in form.getlist("reports") if isinstance(v, str)],
    }
    try:
        body = cases_api.CaseIn.model_validate(values)
        opened = cases_api.opened(db, who, body)
    except ValidationError as error:
        errors = field_errors(error)
    except Problem as problem:
        errors = problem_errors(problem)
    else:
        return RedirectResponse(f"/cases/{opened.id}?saved=case", status_code=303)
    data = queue_data(db, who, FormState(values=values, errors=errors), request.app)
    return render(request, "cases.html", data, who, title="Cases", status=422)


@html_router.post("/cases/{case_id}/publish")
async def publish_form(request: Request, db: StoreDep, who: ViewerDep, case_id: cases_api.CaseId) -> Response:
    """Publish the case (analyst): every role and the public may then read all of it."""
    await _posted(request)
    caller = signed(who)
    require(caller, *STEP_ROLES["publish"])
    await run_in_threadpool(cases_api.publish, db, caller, case_id)
    return RedirectResponse(f"/cases/{case_id}?saved=publish", status_code=303)


@html_router.post("/cases/{case_id}/{step}")
async def add_step_form(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    case_id: cases_api.CaseId,
    step: Literal["requests", "responses", "assessment"],
) -> Response:
    """Add a request (analyst), a response (the party asked) or an assessment (analyst)."""
    form = await _posted(request)
    return await run_in_threadpool(_add_step, request, db, signed(who), case_id, step, form)


def _add_step(request: Request, db: SQLStore, who: Caller, case_id: int, step: str, form: FormData) -> Response:
    require(who, *STEP_ROLES[step])
    rows: dict[str, list[int]] = {}
    if step == "requests":
        values: dict[str, object] = {
            "party": text(form, "party"),
            "question": text(form, "question"),
            "deadline": text(form, "deadline"),
        }
    elif step == "responses":
        values = {"request_id": text(form, "request_id") or None, "response": text(form, "response")}
    else:
        values, rows["grades"] = _assessment(form)
    try:
        if step == "requests":
            written = cases_api.requested(db, who, case_id, cases_api.RequestIn.model_validate(values))
        elif step == "responses":
            written = cases_api.responded(db, who, case_id, cases_api.ResponseIn.model_validate(values))
        else:
            written = cases_api.assessed(db, who, case_id, cases_api.AssessmentIn.model_validate(values))
    except ValidationError as error:
        errors = field_errors(error, rows)
    except Problem as problem:
        errors = problem_errors(problem)
    except UnknownRecord as error:  # a response to a request not addressed to the party
        errors = {"request_id": str(error)}
    else:
        return RedirectResponse(
            f"/cases/{case_id}?saved={written.kind}#step-{written.kind}-{written.id}", status_code=303
        )
    shown = {**values, "rows": _grade_rows(form)} if step == "assessment" else values
    data = case_data(db, who, case_id, forms={step: FormState(values=shown, errors=errors)})
    return render(request, "case.html", data, who, title="Case", status=422)


def _grade_rows(form: FormData) -> list[dict[str, str]]:
    """The assessment form's grade rows as sent: ``source_N``, ``reliability_N``, ``credibility_N``."""
    count = min(int(text(form, "rows") or 0) if text(form, "rows").isdigit() else 0, 100)
    return [
        {
            "source": text(form, f"source_{i}"),
            "reliability": text(form, f"reliability_{i}"),
            "credibility": text(form, f"credibility_{i}"),
        }
        for i in range(count)
    ]


def _assessment(form: FormData) -> tuple[dict[str, object], list[int]]:
    """The AssessmentIn fields of the form, and the form row of each grade: a row is a grade
    when its reliability or credibility is chosen (a row with only a source name is left out)."""
    grades, rows = [], []
    for i, row in enumerate(_grade_rows(form)):
        if row["reliability"] or row["credibility"]:
            grades.append({k: v or None for k, v in row.items()})
            rows.append(i)
    return {
        "conclusion": text(form, "conclusion") or None,
        "reasoning": text(form, "reasoning"),
        "grades": grades,
    }, rows

"""Linked events on the dashboard (issue 13): the triage queue's candidate events, and the form
an analyst confirms or splits a link with.

``triage_candidates`` gives each report of the triage queue the events it may belong to
(``service.triage``), kept in the app per log size (every write changes it, so a new report,
run or decision makes it again; reading every stored record is not redone per page view).
``POST /links`` is the dashboard's twin of ``POST /api/v1/links``: CSRF-checked like every form,
analysts only (403 for any other role, before the form is read further), the API's model and
function (``api.links.decided``) doing the rest; it redirects (303) back to the page it came
from (a path of this site only) or to the triage queue.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.datastructures import FormData

from ceasefire.api import links as links_api
from ceasefire.api.auth import Caller, StoreDep, ViewerDep, require
from ceasefire.api.body import JSONBody
from ceasefire.api.memo import memo_of
from ceasefire.api.problems import Problem
from ceasefire.service.triage import report_candidates
from ceasefire.store import SQLStore
from ceasefire.web.forms import field_errors, read_form, signed, text
from ceasefire.web.pages import check_csrf, html_router

__all__ = ["decide_form", "triage_candidates"]

DEFAULT_NEXT = "/cases#triage"


def triage_candidates(app: Starlette | None, db: SQLStore, report_ids: Sequence[int]) -> dict[int, list[JSONBody]]:
    """Report id -> the events it may belong to, as ``GET /api/v1/links/candidates`` shows them."""

    def make() -> dict[int, list[JSONBody]]:
        found = report_candidates(db, report_ids)
        return {r: [c.to_document() for c in found[r]] for r in report_ids}

    if app is None:
        return make()
    key = (db.log_size(), tuple(report_ids))
    made: dict[int, list[JSONBody]] = memo_of(app, "triage_candidates", 4).get(key, make)
    return made


@html_router.post("/links")
async def decide_form(request: Request, db: StoreDep, who: ViewerDep) -> Response:
    """Confirm or split the link of two records (analyst), then back to where the form was."""
    form = await read_form(request)
    check_csrf(request, text(form, "csrf"))
    caller = signed(who)
    require(caller, "analyst")
    return await run_in_threadpool(_decide, db, caller, form)


def _decide(db: SQLStore, who: Caller, form: FormData) -> Response:
    values = {
        "records": [text(form, "record_a"), text(form, "record_b")],
        "decision": text(form, "decision"),
        "reason": text(form, "reason"),
    }
    try:
        made = links_api.decided(db, who, links_api.LinkIn.model_validate(values))
    except ValidationError as error:
        errors = "; ".join(f"{k}: {v}" for k, v in field_errors(error).items())
        raise Problem(422, f"the link decision was not saved: {errors}") from error
    return RedirectResponse(_next(text(form, "next"), made.id), status_code=303)


def _next(asked: str, decision: int) -> str:
    """Where to go after the decision: ``asked`` when it is a path of this site, else the queue."""
    path = asked if asked.startswith("/") and not asked.startswith(("//", "/\\")) else DEFAULT_NEXT
    page, _, anchor = path.partition("#")
    joiner = "&" if "?" in page else "?"
    return f"{page}{joiner}decided={decision}" + (f"#{anchor}" if anchor else "")

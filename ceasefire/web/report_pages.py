"""The report form ``/report`` (monitors and parties submit; "your reports" below it) and the
page of one report ``/reports/{id}`` (the report, its evidence, log index and receipt).

The form is validated by the API's ``ReportIn`` (one set of rules for the API and the page) and
stored as the API stores it: by the app's group-commit ``ReportWriter`` (``submit_reports``)
and, for the evidence file sent with it (multipart, field ``file``), ``db.attach_evidence``, within the server's
``--max-upload-mb``: past it the upload stops and the form says so (413). Each rendered form
carries a random key sent as the report's idempotency key, so sending the same form twice (a
double click, a reload after a lost answer) stores one report. Who may see a report is the API's
``report_scope``: another party's unpublished report is a 404, as in the API.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Annotated

from fastapi import Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from ceasefire.api import reports as reports_api
from ceasefire.api.auth import Caller, StoreDep, ViewerDep, report_scope, require
from ceasefire.api.body import JSONBody
from ceasefire.api.evidence import check_upload
from ceasefire.api.problems import Problem
from ceasefire.api.quotas import check_reports
from ceasefire.api.state import Settings
from ceasefire.api.writer import ReportWriter
from ceasefire.model import WEAPON_CLASSES
from ceasefire.service.workflow import all_reports
from ceasefire.sources.taxonomy import EVENT_TYPES
from ceasefire.store import SQLStore
from ceasefire.store.errors import IdempotencyMismatch
from ceasefire.store.protocol import ReportRecord, Submitted
from ceasefire.store.reports import ReportRequest
from ceasefire.web.forms import field_errors, read_form, signed, text, upload
from ceasefire.web.pages import check_csrf, html_router, page, render

__all__ = ["SOURCE_ROWS", "report_form", "report_page"]

FORM_ROLES = ("monitor", "party", "analyst", "admin")  # analysts and admins see the page, not the form
SOURCE_ROWS = 3  # name + url rows on the form
_TEXT = (
    "title",
    "description",
    "occurred_on",
    "lat",
    "lon",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "weapon",
    "fatalities",
)
_OPTIONAL = ("description", "sub_event_type", "actor1", "actor2", "weapon", "fatalities")  # empty: the model's default


def _mine(who: Caller, record: ReportRecord) -> bool:
    """Whether ``who`` may change ``record`` (its submitter, or its party): the API's check_owner."""
    try:
        reports_api.check_owner(who, record)
    except Problem:
        return False
    return True


def form_data(
    request: Request,
    db: SQLStore,
    who: Caller,
    values: Mapping[str, object] | None = None,
    errors: Mapping[str, str] | None = None,
) -> JSONBody:
    """The ``/report`` page: the form's choices, values and errors, and the reports ``who``
    submitted (a party: its party's), newest first."""
    mine = [r for r in all_reports(db, report_scope(who)) if _mine(who, r)]
    shown = values or {"sources": [{"name": "", "url": ""}] * SOURCE_ROWS}
    return {
        "may_submit": who.role in reports_api.SUBMITTERS,
        "event_types": EVENT_TYPES,
        "weapons": list(WEAPON_CLASSES),
        "max_upload": request.app.state.settings.max_upload,
        "form_key": secrets.token_urlsafe(18),
        "values": shown,
        "errors": errors or {},
        "mine": [reports_api.report_json(r) for r in sorted(mine, key=lambda r: -r.id)],
    }


@page("/report", "report.html", title="Submit a report", roles=FORM_ROLES)
def report_form(request: Request, db: StoreDep, who: ViewerDep) -> JSONBody:
    """The form (monitors, parties) and the reports the viewer submitted."""
    return form_data(request, db, signed(who))


@html_router.post("/report")
async def submit_report(request: Request, db: StoreDep, who: ViewerDep) -> Response:
    """Store the report (and its evidence file) and go to its page (303); errors: the form again."""
    caller = signed(who)
    require(caller, *reports_api.SUBMITTERS)
    limit: int = request.app.state.settings.max_upload
    await run_in_threadpool(check_reports, db, caller, request.app.state.settings)  # 429 (issue 11)
    try:
        form = await read_form(request, limit=limit, max_files=1)
    except Problem as problem:
        if problem.status != 413:
            raise
        message = f"The file is larger than this server accepts ({limit / 1048576:.1f} MiB). Nothing was stored; fill in the form again."
        return await run_in_threadpool(_again, request, db, caller, None, {"file": message}, 413)
    try:
        check_csrf(request, text(form, "csrf"))
        return await _store(request, db, caller, form)
    finally:
        await form.close()


def _values(form: FormData) -> tuple[dict[str, object], dict[str, object], list[int]]:
    """The form as shown again, as ReportIn fields (empty optional fields left out, so the
    defaults apply; empty source rows left out) and the form row of each source kept."""
    texts = {k: text(form, k) for k in _TEXT}
    sources = [
        {"name": text(form, f"source_name_{i}"), "url": text(form, f"source_url_{i}")} for i in range(SOURCE_ROWS)
    ]
    filled = [i for i, s in enumerate(sources) if s["name"] or s["url"]]
    fields = {k: v for k, v in texts.items() if not (k in _OPTIONAL and not v)}
    return {**texts, "sources": sources}, {**fields, "sources": [sources[i] for i in filled]}, filled


async def _store(request: Request, db: SQLStore, who: Caller, form: FormData) -> Response:
    values, fields, filled = _values(form)
    try:
        body = reports_api.ReportIn.model_validate(fields)
        done = await _write(request, who, body, text(form, "form_key"))
    except ValidationError as error:
        return await run_in_threadpool(_again, request, db, who, values, field_errors(error, {"sources": filled}), 422)
    except IdempotencyMismatch:  # the form was sent before with other values (back, edit, send)
        message = "this form was already sent once, with other values; reload the page to send another report"
        return await run_in_threadpool(_again, request, db, who, values, {"form": message}, 409)
    evidence = upload(form, "file")
    if evidence is not None:
        await run_in_threadpool(_attach, db, who, done.report_id, evidence, request.app.state.settings)
    return RedirectResponse(f"/reports/{done.report_id}?sent=1", status_code=303)


async def _write(request: Request, who: Caller, body: reports_api.ReportIn, key: str) -> Submitted:
    """Written as POST /api/v1/reports writes: by the app's group-commit writer, the form's key
    as the Idempotency-Key (a second form with the same key in flight: 409)."""
    idempotency = _idempotency(key, body)
    in_flight: reports_api.InFlight = request.app.state.in_flight
    writer: ReportWriter = request.app.state.writer
    with in_flight.hold(who.token_id, idempotency[0] if idempotency else None):
        written = await writer.submit(ReportRequest(who.submitter, body.submission(), None, idempotency))
    return written.submitted


def _again(
    request: Request,
    db: SQLStore,
    who: Caller,
    values: Mapping[str, object] | None,
    errors: dict[str, str],
    status: int,
) -> Response:
    data = form_data(request, db, who, values, errors)
    return render(request, "report.html", data, who, title="Submit a report", status=status)


def _idempotency(key: str, body: reports_api.ReportIn) -> tuple[str, str] | None:
    """The form's key (a fresh one per rendered form) and the hash of what it sends."""
    if not key or len(key) > 100:
        return None
    return f"form:{key}", reports_api.request_hash("POST", "/report", body)


def _attach(db: SQLStore, who: Caller, report_id: int, file: UploadFile, settings: Settings) -> None:
    """Keep the file and attach it to the report, as POST /reports/{id}/evidence does (with its
    quota and free-disk checks)."""
    limit = settings.max_upload
    check_upload(db, who, settings, file.size or 0)
    if file.size is not None and file.size > limit:
        raise Problem(413, f"the file is larger than this server accepts ({limit} bytes)")
    name, media = file.filename or "evidence", file.content_type or "application/octet-stream"
    db.attach_evidence(who.submitter, report_id, file.file, name[:300], media[:200])


@page("/reports/{report_id}", "report_detail.html", title="Report")
def report_page(
    db: StoreDep, who: ViewerDep, report_id: reports_api.ReportId, sent: Annotated[bool, Query()] = False
) -> JSONBody:
    """One report with its evidence, log entry and receipt; 401 for the public, 404 when it
    is not the viewer's to see (as ``GET /api/v1/reports/{id}``)."""
    caller = signed(who)
    record = reports_api.visible(db, caller, report_id)
    return {
        "report": reports_api.get_report(db, caller, report_id),
        "receipt": json.loads(db.receipt(record.log_index).to_json()),
        "entry": db.log_entry(record.log_index).decode("utf-8"),
        "sent": sent,
        "mine": _mine(caller, record),
    }

"""``POST /api/v1/reports/{id}/evidence``: attach a file to a report (multipart, field ``file``).

Before any byte is read, the free-disk floor (507) and the daily evidence quota (429) are
checked (``api/quotas.py``). The body is streamed: past ``Settings.max_upload`` bytes the request stops with 413, whether the
client declared its length or not. The file is kept under its SHA-256 (written to a temporary
file, fsynced, renamed, then recorded), the attachment is logged, and the answer gives the hash,
the size and a receipt. Only the report's submitter (or, for a party, its party) may attach.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ceasefire.api.auth import Caller, CallerDep, StoreDep, require
from ceasefire.api.body import JSONBody
from ceasefire.api.problems import MEDIA_TYPE, PROBLEM_SCHEMA, Problem
from ceasefire.api.quotas import check_disk, check_evidence
from ceasefire.api.reports import SUBMITTERS, ReportId, check_owner, evidence_json, visible
from ceasefire.api.state import Settings
from ceasefire.store import SQLStore
from ceasefire.store.protocol import Attached, ReportScope

__all__ = ["router"]

router = APIRouter(prefix="/reports", tags=["reports"])
_SLACK = 64 * 1024  # multipart headers and boundaries around the file
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": "The evidence file."}},
                }
            }
        },
    }
}


def _declared(request: Request) -> int:
    """The body's declared length (an upper bound of the file's), 0 when not declared."""
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isdigit() else 0


def check_upload(db: SQLStore, who: Caller, settings: Settings, incoming: int) -> None:
    """Before any byte is read: 507 below the free-disk floor, 429 past the daily evidence quota."""
    check_disk(db.evidence_files().folder, settings)
    check_evidence(db, who, settings, min(incoming, settings.max_upload))


def _too_large(limit: int) -> Problem:
    return Problem(413, f"the file is larger than this server accepts ({limit} bytes)")


async def _limited(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit + _SLACK:
            raise _too_large(limit)
        yield chunk


async def _read_form(request: Request, limit: int) -> FormData:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Problem(
            422,
            "send the file as multipart/form-data in a field named 'file'",
            errors=[{"field": "file", "in": "body", "message": "expected multipart/form-data"}],
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _SLACK:
        raise _too_large(limit)
    parser = MultiPartParser(request.headers, _limited(request, limit), max_files=1, max_fields=4)
    try:
        return await parser.parse()
    except MultiPartException as error:
        raise Problem(
            422,
            f"the multipart body cannot be read: {error.message}",
            errors=[{"field": "file", "in": "body", "message": error.message}],
        ) from None


@router.post(
    "/{report_id}/evidence",
    status_code=201,
    summary="Attach an evidence file (submitter)",
    openapi_extra=_BODY,
    responses={
        413: {"description": "the file is too large", "content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}},
        429: {"description": "a daily quota is spent", "content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}},
        507: {"description": "the server's disk is nearly full", "content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}},
    },
)
async def attach(request: Request, db: StoreDep, who: CallerDep, report_id: ReportId) -> JSONResponse:
    """201 with the file's SHA-256, size and a receipt for the attachment's log entry."""
    require(who, *SUBMITTERS)
    check_owner(who, await run_in_threadpool(visible, db, who, report_id))
    settings: Settings = request.app.state.settings
    limit = settings.max_upload
    await run_in_threadpool(check_upload, db, who, settings, _declared(request))
    form = await _read_form(request, limit)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Problem(
                422, "no file in the field 'file'", errors=[{"field": "file", "in": "body", "message": "required"}]
            )
        if upload.size is not None and upload.size > limit:
            raise _too_large(limit)
        name, media = upload.filename or "evidence", upload.content_type or "application/octet-stream"
        done = await run_in_threadpool(
            db.attach_evidence, who.submitter, report_id, upload.file, name[:300], media[:200]
        )
    finally:
        await form.close()
    record = await run_in_threadpool(db.report, ReportScope(everything=True), report_id)
    return JSONResponse(_attached_json(done, record.submission.client_hash if record else None), status_code=201)


def _attached_json(done: Attached, client_hash: str | None) -> JSONBody:
    ev = done.evidence
    return {
        "report_id": done.report_id,
        **evidence_json(ev),
        "new": done.new,
        "log_index": done.log_index,
        "receipt": json.loads(done.receipt.to_json()),
        "matches_client_hash": None if client_hash is None else client_hash == ev.sha256,
    }

"""What the dashboard's writing forms (case steps, reports) share: reading a posted form within
a size limit, turning validation errors into a message per field, the signed-in caller, and
today's date in the agreement's time zone.

Validation itself is the API's: the forms build the API's request models (``ReportIn``,
``CaseIn``, ...) and call its functions, so a rule lives in one place. Field names in error
maps are the model's, dotted for nested ones (``grades.0.reliability``, ``sources.1.url``);
templates show each message next to the input of that name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Mapping
from typing import TypedDict
from zoneinfo import ZoneInfo

from fastapi import Request
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser

from ceasefire.api.auth import Caller
from ceasefire.api.problems import Problem
from ceasefire.model import Agreement

__all__ = [
    "FORM_LIMIT",
    "FormState",
    "field_errors",
    "problem_errors",
    "read_form",
    "signed",
    "text",
    "today_in",
    "upload",
]

FORM_LIMIT = 1024 * 1024  # bytes of a form without files: far more than any case step needs


class FormState(TypedDict):
    """A form shown again: what was sent (by field name, as the template reads it) and one
    message per field that was wrong."""

    values: Mapping[str, object]
    errors: Mapping[str, str]


_SLACK = 64 * 1024  # multipart headers and boundaries around a file


def signed(who: Caller | None) -> Caller:
    """``who``, or a 401 (the HTML error page offers sign-in) for the public."""
    if who is None:
        raise Problem(401, "sign in to see this page", headers={"WWW-Authenticate": "Bearer"})
    return who


def today_in(agreement: Agreement | None, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the agreement's time zone (UTC without an agreement)."""
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(ZoneInfo(agreement.timezone) if agreement else dt.UTC).date()


def _message(error: ErrorDetails) -> str:
    kind, given = error.get("type", ""), error.get("input")
    if kind == "missing" or given is None or given == "":
        return "Required."
    if kind == "too_short" and isinstance(given, list):
        return "Choose at least one."
    if kind == "string_pattern_mismatch" and "https?" in str(error.get("ctx", {}).get("pattern", "")):
        return "Give an address that starts with http:// or https://."
    text = str(error.get("msg", "invalid"))
    return text.removeprefix("Value error, ")


def field_errors(error: ValidationError, rows: Mapping[str, list[int]] | None = None) -> dict[str, str]:
    """One message per field (the first), keyed by the dotted field name. ``rows`` maps a list
    field to the form row each item came from (empty rows are dropped before validation), so
    ``grades.0`` becomes ``grades.3`` when the first filled row was the form's fourth."""
    out: dict[str, str] = {}
    for item in error.errors():
        loc = [str(p) for p in item.get("loc", ())]
        if rows and len(loc) > 1 and loc[0] in rows and loc[1].isdigit() and int(loc[1]) < len(rows[loc[0]]):
            loc[1] = str(rows[loc[0]][int(loc[1])])
        out.setdefault(".".join(loc) or "form", _message(item))
    return out


def problem_errors(problem: Problem) -> dict[str, str]:
    """The fields a 422 Problem of the API names, with their messages; else the Problem again
    (a 403 or 404 is not a form error: it shows as the error page)."""
    if problem.status != 422 or not problem.errors:
        raise problem
    return {str(e.get("field", "form")): str(e.get("message", problem.detail)) for e in problem.errors}


async def _limited(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise Problem(413, f"the form is larger than this server accepts ({limit} bytes)")
        yield chunk


async def read_form(
    request: Request, *, limit: int = FORM_LIMIT, max_files: int = 0, max_fields: int = 400
) -> FormData:
    """The posted form (urlencoded, or multipart with up to ``max_files`` files), read as a
    stream that stops with 413 past ``limit`` bytes (plus room for multipart framing), whether
    or not the browser declared the length; 422 when it is neither kind of form."""
    limit += _SLACK if max_files else 0
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"the form is larger than this server accepts ({limit} bytes)")
    kind = request.headers.get("content-type", "")
    parser: FormParser | MultiPartParser
    if kind.startswith("multipart/form-data"):
        parser = MultiPartParser(request.headers, _limited(request, limit), max_files=max_files, max_fields=max_fields)
    elif kind.startswith("application/x-www-form-urlencoded"):
        parser = FormParser(request.headers, _limited(request, limit), max_fields=max_fields)
    else:
        raise Problem(422, "send the form as application/x-www-form-urlencoded or multipart/form-data")
    try:
        return await parser.parse()
    except MultiPartException as error:
        raise Problem(422, f"the form cannot be read: {error.message}") from None


def text(form: FormData, name: str) -> str:
    """A text field of ``form`` ("" when absent, or when it is a file), without surrounding blanks."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def upload(form: FormData, name: str) -> UploadFile | None:
    """The file of field ``name``, or None when none was chosen (browsers send an empty part)."""
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None

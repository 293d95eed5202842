"""One error body everywhere: RFC 9457 problem details (``application/problem+json``).

::

    {"type": "/api/v1/problems/validation", "title": "Invalid request", "status": 422,
     "detail": "2 fields are invalid", "errors": [{"field": "lat", "in": "body", "message": "..."}]}

Every error the API answers goes through here: a :class:`Problem` raised by a route, FastAPI's own
request validation, Starlette's 404/405, ``CeasefireError`` from the library and, last, any other
exception (a 500 with no traceback in the body; the traceback goes to the server log).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import NotRequired, TypedDict

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ceasefire.errors import CeasefireError
from ceasefire.ledger import JSONValue
from ceasefire.store.errors import IdempotencyMismatch, StoreError, UnknownRecord

__all__ = ["MEDIA_TYPE", "PROBLEM_SCHEMA", "Problem", "ProblemBody", "answer_error", "install", "problem_response"]

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("ceasefire.api")

# slug and title by status, for the problems the API answers (docs/api.md, "Errors").
_KINDS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Missing or invalid token"),
    403: ("forbidden", "Not allowed for this role"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("too-large", "Request too large"),
    422: ("validation", "Invalid request"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
    507: ("insufficient-storage", "Insufficient storage"),
}


class ProblemBody(TypedDict):
    """The problem+json body (``PROBLEM_SCHEMA`` is its OpenAPI form)."""

    type: str
    title: str
    status: int
    detail: str
    errors: NotRequired[list[dict[str, str]]]


# The OpenAPI schema of the body, referenced by every route's error responses.
PROBLEM_SCHEMA: Mapping[str, JSONValue] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "in": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


class Problem(CeasefireError):
    """Raise to answer with a problem body: ``status``, a one-line ``detail``, maybe ``errors``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Sequence[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, list(errors), dict(headers or {})


def problem_response(
    status: int,
    detail: str,
    *,
    errors: Sequence[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    slug, title = _KINDS.get(status, ("error", "Error"))
    body = ProblemBody(type=f"/api/v1/problems/{slug}", title=title, status=status, detail=detail)
    if errors:
        body["errors"] = [dict(e) for e in errors]
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=dict(headers or {}))


def _validation_errors(error: RequestValidationError) -> list[dict[str, str]]:
    out = []
    for item in error.errors():
        loc = [str(part) for part in item.get("loc", ())]
        where = loc[0] if loc and loc[0] in ("body", "query", "path", "header") else "body"
        field = ".".join(loc[1:] if loc and loc[0] == where else loc) or where
        out.append({"field": field, "in": where, "message": str(item.get("msg", "invalid"))})
    return out


async def _on_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Problem)
    return problem_response(error.status, error.detail, errors=error.errors, headers=error.headers)


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = _validation_errors(error)
    fields = ", ".join(e["field"] for e in errors)
    return problem_response(422, f"invalid request: {fields}", errors=errors)


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    detail = str(error.detail) if error.detail else _KINDS.get(error.status_code, ("", "Error"))[1]
    if error.status_code == 404 and detail == "Not Found":
        detail = f"no such endpoint: {request.method} {request.url.path}"
    return problem_response(error.status_code, detail, headers=getattr(error, "headers", None))


async def _on_library(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, CeasefireError)
    if isinstance(error, UnknownRecord):
        return problem_response(404, str(error))
    if isinstance(error, IdempotencyMismatch):
        return problem_response(
            422, str(error), errors=[{"field": "Idempotency-Key", "in": "header", "message": str(error)}]
        )
    if isinstance(error, StoreError):
        log.error("store error on %s %s: %s", request.method, request.url.path, error)
        return problem_response(503, "the store cannot answer now; try again later")
    return problem_response(400, str(error))


async def _on_crash(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem_response(500, "unexpected server error; it was logged")


async def answer_error(request: Request, error: CeasefireError) -> JSONResponse:
    """The answer :func:`install`'s handlers give ``error``, for code that answers outside the
    router (``api/fastsubmit.py``); chosen as Starlette does, by the error's first class that
    has a handler."""
    if isinstance(error, StarletteHTTPException):
        return await _on_http(request, error)
    if isinstance(error, Problem):
        return await _on_problem(request, error)
    return await _on_library(request, error)


def install(app: FastAPI) -> None:
    """Route every error of ``app`` to a problem body."""
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(CeasefireError, _on_library)
    app.add_exception_handler(Exception, _on_crash)

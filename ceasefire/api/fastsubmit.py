"""The fast path of the hot route: ``POST /api/v1/reports`` answered without FastAPI's routing
and dependency solving (issue 11, the load criterion: p99 < 300 ms with 200 submitters).

Under the closed-loop load (``bench/load.py``) a submission cost about 1.1 ms of server CPU, of
which FastAPI's per-request work for this one route (matching it among all the app's routes,
solving its dependencies, reading its header and body parameters) was the largest share. This
ASGI middleware answers the requests that route would accept with the route's own functions
(``reports.submitter``, ``reports.write_version``) and nothing else; every other request goes on
to the app unchanged, with the body it sent.

A request is taken here only when all that FastAPI checks *before* running the route's
dependencies holds and every parameter is valid: ``POST`` to exactly ``/api/v1/reports``,
``Content-Type: application/json``, a body that parses as JSON and validates as ``ReportIn``,
an ``Idempotency-Key`` (if any) of 1 to 200 characters. Deciding that has no side effect (the
token is not looked at, its rate not spent), so a request this path declines gets exactly the
route's answer, in the route's order (a 422 for the body, a 401, ...). A request it takes runs
the same checks in the same order as the route: the token (401), its rate and daily quota (429),
the role (403), then the writer; errors are answered by the app's own problem handlers
(``problems.answer_error``) and anything unexpected propagates to the app's 500 handler.
``tests/api/test_fastsubmit.py`` checks that both paths answer alike.
"""

from __future__ import annotations

import json

from fastapi.security import HTTPAuthorizationCredentials
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import ValidationError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ceasefire.api.auth import require
from ceasefire.api.problems import answer_error
from ceasefire.api.reports import SUBMITTERS, ReportIn, submitter, write_version
from ceasefire.errors import CeasefireError

__all__ = ["PATH", "SubmitFastPath"]

PATH = "/api/v1/reports"
_MAX_KEY = 200  # the route's Idempotency-Key bounds (``reports.IdempotencyKey``)


class SubmitFastPath:
    """ASGI middleware: new-report submissions the route would accept, answered directly."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if headers.get("content-type") != "application/json" or (key is not None and not 0 < len(key) <= _MAX_KEY):
            await self.app(scope, receive, send)
            return
        messages, body, error = await _take_body(receive)
        report = None if body is None else _report(body)
        if report is None:  # the route answers (its 422, or whatever reading the body raised)
            await self.app(scope, _replaying(messages, error, receive), send)
            return
        request = Request(scope, receive, send)
        try:
            response = await _submit(request, _credentials(headers), report, key)
        except CeasefireError as failure:  # as the app's handlers answer it (Problem, library errors)
            response = await answer_error(request, failure)
        await response(scope, receive, send)


async def _submit(
    request: Request, credentials: HTTPAuthorizationCredentials | None, report: ReportIn, key: str | None
) -> Response:
    """What ``reports.submit`` does once FastAPI solved its parameters, in the same order."""
    who = await submitter(request, credentials)  # 401, 429 (rate, daily quota)
    require(who, *SUBMITTERS)  # 403
    return await write_version(request, who, report, key, None, PATH)  # the path matched: no URL to parse


def _credentials(headers: Headers) -> HTTPAuthorizationCredentials | None:
    """What the route's ``HTTPBearer(auto_error=False)`` makes of the request's headers."""
    authorization = headers.get("authorization")
    scheme, credentials = get_authorization_scheme_param(authorization)
    if not (authorization and scheme and credentials) or scheme.lower() != "bearer":
        return None
    return HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials)


def _report(body: bytes) -> ReportIn | None:
    """The body as the route validates it (``json.loads``, then ``ReportIn``), or None when it
    would answer 422 (the route then says why)."""
    try:
        return ReportIn.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None


async def _take_body(receive: Receive) -> tuple[list[Message], bytes | None, Exception | None]:
    """The messages received up to the body's end, the whole body (None: the client left, or
    receiving raised), and what receiving raised (the body limit's 413), to replay."""
    messages: list[Message] = []
    try:
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages, None, None
            if not message.get("more_body", False):
                return messages, b"".join(m.get("body", b"") for m in messages), None
    except Exception as error:  # replayed to the route, which answers it as it always did
        return messages, None, error


def _replaying(messages: list[Message], error: Exception | None, receive: Receive) -> Receive:
    """``receive`` as the app would have seen it: the messages already taken, then what raised."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        if error is not None:
            raise error
        return await receive()

    return replay

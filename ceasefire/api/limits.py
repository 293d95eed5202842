"""Request body limits, enforced while the body streams in, before authentication and parsing.

An ASGI middleware (issue 11, class 1): a request whose ``Content-Length`` is over the limit of
its route is answered 413 (problem+json) without reading a byte of its body; a body sent without
a length (chunked) is counted as it arrives and stops with 413 the moment it passes the limit.
So an anonymous flood of oversized bodies costs the server at most ``limit`` bytes per request,
never the whole body: FastAPI reads a JSON body before it resolves the token, and would otherwise
hold all of it in memory first.

Limits by route (:func:`limit_for`): evidence uploads (``POST /api/v1/reports/{id}/evidence`` and
the dashboard's ``POST /report`` with its file) take ``Settings.max_upload`` plus room for the
multipart framing (a little more than the routes allow, so that their own answer comes first); ``POST /api/v1/agreements`` takes ``MAX_AGREEMENT``; every other body (JSON,
forms) takes ``Settings.max_body`` (1 MiB unless ``ceasefire serve --max-body-kb`` says otherwise).
The routes keep their own checks too; this one only makes sure nothing larger is ever read.
"""

from __future__ import annotations

import re
from typing import Final

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ceasefire.api.problems import problem_response
from ceasefire.api.state import Settings
from ceasefire.errors import CeasefireError

__all__ = ["MAX_AGREEMENT", "MULTIPART_SLACK", "BodyLimit", "BodyTooLarge", "limit_for"]

MAX_AGREEMENT: Final = 2 * 1024 * 1024  # bytes of an agreement YAML sent to POST /agreements
MULTIPART_SLACK: Final = 64 * 1024  # multipart headers and boundaries around an evidence file
_EVIDENCE = re.compile(r"^/api/v1/reports/[^/]+/evidence/?$")


class BodyTooLarge(HTTPException, CeasefireError):
    """Raised from ``receive`` when the streamed body passes its limit. An HTTPException first
    (so the app's handlers answer it as the 413 it is, not as a CeasefireError), so FastAPI's body
    reading lets it through (it turns other exceptions into a 400) and the app's
    handler answers it as problem+json; the middleware answers it itself otherwise."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than this server accepts here ({limit} bytes)")
        self.limit = limit


def limit_for(method: str, path: str, settings: Settings) -> int:
    """The largest body, in bytes, that ``method path`` may send."""
    if method == "POST" and (_EVIDENCE.match(path) or path.rstrip("/") == "/report"):
        # twice the framing the routes allow: their own 413 (the form's message) comes first
        return settings.max_upload + 2 * MULTIPART_SLACK
    if method == "POST" and path.rstrip("/") == "/api/v1/agreements":
        return MAX_AGREEMENT
    return settings.max_body


class BodyLimit:
    """ASGI middleware: 413 for a body over :func:`limit_for` its route, declared or streamed."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["method"], scope["path"], self.settings)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(limit, scope, receive, send)  # not a byte of the body is read
            return
        started, received, cut = False, 0, False

        async def counted() -> Message:
            nonlocal received, cut
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut = True
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                # A body cut off here, or a route's own 413 on a body of no declared length: else
                # the server would go on reading (and discarding) the rest to keep the connection.
                # A route's 413 on a declared length within this limit keeps the connection: the
                # rest is bounded, and a client still sending would otherwise see a reset instead
                # of the route's answer (the report form's error page).
                if cut or (message.get("status") == 413 and declared is None):
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as error:  # raised where no handler answered it
            if started:
                raise
            await _refuse(error.limit, scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    # Connection: close — the unread rest of the body must not be taken for the next request.
    answer = problem_response(
        413,
        f"the request body is larger than this server accepts here ({limit} bytes)",
        headers={"Connection": "close"},
    )
    await answer(scope, receive, send)

"""Who is calling: ``Authorization: Bearer TOKEN`` checked against the store's hashed tokens.

:func:`caller` is the dependency every route but the OpenAPI document uses: it answers 401
without a valid token and 429 when the token spent its rate (``state.RateLimiter``). The role
rules (docs/api.md, "Roles") are functions of the :class:`Caller`: :func:`require` for what a
role may do at all, :func:`report_scope` for which reports it may see.

Only a live token counts: an expired or revoked one answers 401 at once (``store.find_token``).
The dashboard's cookie :data:`COOKIE` holds a session id, never a token (``web/home.py`` signs
in); a session that ended or expired, or whose token is dead, answers 401 as a bad token does.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ceasefire.api.problems import Problem
from ceasefire.api.state import RateLimiter, StorePool
from ceasefire.store import SQLStore
from ceasefire.store.protocol import ReportScope, Submitter

__all__ = [
    "COOKIE",
    "BearerDep",
    "Caller",
    "CallerDep",
    "StoreDep",
    "ViewerDep",
    "caller",
    "report_scope",
    "require",
    "store",
    "viewer",
    "viewer_class",
]

COOKIE = "cf_session"  # the dashboard's sign-in cookie: a session id (store/tokens.py), never a token

_bearer = HTTPBearer(auto_error=False, description="A token from `ceasefire token create`.")


@dataclass(frozen=True)
class Caller:
    token_id: int
    role: str
    party: str | None
    name: str

    @property
    def submitter(self) -> Submitter:
        return Submitter(self.token_id, self.role, self.party)


async def store(request: Request) -> AsyncIterator[SQLStore]:
    """A store borrowed from the app's pool for the length of the request (waiting in the
    event loop, not in a worker thread: see ``StorePool.borrow``)."""
    pool: StorePool = request.app.state.pool
    async with pool.borrow() as borrowed:
        yield borrowed


StoreDep = Annotated[SQLStore, Depends(store)]


def _bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """The token of the ``Authorization: Bearer`` header, if one was sent."""
    if credentials is None:
        return None
    if credentials.scheme.lower() != "bearer":
        raise Problem(401, "send Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"})
    return credentials.credentials


def _invalid(what: str) -> Problem:
    return Problem(401, what, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def _holder(request: Request, db: SQLStore, token: str | None, session: str | None) -> Caller:
    """The caller of a bearer ``token`` (else of the cookie's ``session``): 401 unless the token
    is live, or the session open and its token live."""
    if token is not None:
        record = db.find_token(token)
        if record is None:
            raise _invalid("this token is not valid here (unknown, expired or revoked)")
    else:
        record = db.find_session(session or "")
        if record is None:
            raise _invalid("your sign-in ended (signed out, expired, or its token was revoked); sign in again")
    _limit(request, record.id)
    return Caller(record.id, record.role, record.party, record.name)


def _limit(request: Request, key: int | str) -> None:
    """429 when ``key`` (a token id, or the public's address) spent its rate."""
    limiter: RateLimiter = request.app.state.limiter
    wait = limiter.take(key)
    if wait > 0:
        raise Problem(
            429, f"rate limit reached; retry in {math.ceil(wait)} s", headers={"Retry-After": str(math.ceil(wait))}
        )


def caller(
    request: Request,
    db: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The token's holder; 401 without a valid bearer token, 429 past the token's rate. The
    dashboard's cookie counts for reading only: an API write needs the header, so a page of
    another site cannot make a signed-in browser write (the dashboard's own forms check a CSRF
    token instead)."""
    token = _bearer_token(credentials)
    session = (request.cookies.get(COOKIE) or None) if request.method in ("GET", "HEAD") else None
    if token is None and session is None:
        raise Problem(
            401,
            "send Authorization: Bearer TOKEN (a token from `ceasefire token create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return _holder(request, db, token, session)


def viewer(
    request: Request,
    db: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller | None:
    """The token's holder, or None for the public (no token at all): what public pages, the
    published findings, bulletins and exports use. A token that is sent must be valid (401)."""
    token, session = _bearer_token(credentials), request.cookies.get(COOKIE) or None
    if token is None and session is None:  # the public: one rate per client address
        _limit(request, f"public {request.client.host if request.client else ''}")
        return None
    return _holder(request, db, token, session)


CallerDep = Annotated[Caller, Depends(caller)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]  # for routes that check it themselves
ViewerDep = Annotated[Caller | None, Depends(viewer)]


def require(who: Caller, *roles: str) -> None:
    """403 unless ``who`` has one of ``roles``."""
    if who.role not in roles:
        raise Problem(403, f"role '{who.role}' may not do this (allowed: {', '.join(roles)})")


def report_scope(who: Caller) -> ReportScope:
    """analyst, admin: every report; monitor: its own; party: its own and its party's; observer:
    none of those; and every role the published ones."""
    if who.role in ("admin", "analyst"):
        return ReportScope(everything=True)
    if who.role == "observer":
        return ReportScope()
    return ReportScope(token_id=who.token_id, party=who.party if who.role == "party" else None)


def viewer_class(who: Caller | None) -> str:
    """Which findings ``who`` may see, as a cache key: callers of one class see the same run and
    the same reports (``report_scope``), so whatever is derived from findings (clocks, counts,
    bulletins) may be computed once per class. ``full``: analysts and admins; ``public``: no
    token, and observers (the published reports only); ``party:P``: a party's tokens (their
    own reports are their party's); ``monitor:N``: monitor token N (its own reports)."""
    if who is None or who.role == "observer":
        return "public"
    if who.role in ("admin", "analyst"):
        return "full"
    if who.role == "party":
        return f"party:{who.party}"
    return f"{who.role}:{who.token_id}"

"""The map page ``/`` (twin ``/index.json``) and signing in and out of the dashboard.

Signing in checks the pasted token and opens a server-side session (``store/tokens.py``): the
cookie ``cf_session`` holds only the session's random id (HttpOnly, SameSite=Strict, Path=/,
12 hours; Secure when the server's ``--public-url`` is https, or the request is). Signing out
ends the session in the store, so a copied cookie stops working too; revoking the token ends
its sessions. ``ceasefire.api.auth.viewer`` reads the cookie, so pages, the JSON twins and the
map's ``fetch`` calls see what that token may see. The cookie never authorizes an API
write (``auth.caller`` reads it for GET only); the dashboard's own forms check a CSRF token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ceasefire.api.auth import COOKIE, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.store.tokens import SESSION_LIFETIME
from ceasefire.web.mapdata import MAX_PAGE, PAGE, MapFilter, map_data, page_bounds
from ceasefire.web.pages import check_csrf, html_router, page, render, secure_cookies

__all__ = ["map_page", "signin", "signin_form", "signout"]


@page("/", "map.html", title="Map")
def map_page(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    limit: Annotated[int | None, Query(description=f"Rows of the list, 1 to {MAX_PAGE} (default {PAGE}).")] = None,
    cursor: Annotated[str | None, Query(max_length=20, description="`next` of the previous page.")] = None,
) -> JSONBody:
    """The agreement, the visible run's dates and filter choices, and the incidents the query
    string's filters (``from``, ``to``, ``party``, ``obligation``, ``status``) keep: their
    counts, and a page of them (``limit``, ``cursor``; ``next`` when more follow)."""
    query = dict(request.query_params)
    # the form without JavaScript sends one ``status`` per ticked box; the map's URLs send a list
    query["status"] = ",".join(request.query_params.getlist("status"))
    chosen = MapFilter.from_query(query)
    return map_data(request.app, db, who, chosen, page_bounds(limit, cursor))


def _local(target: str | None) -> str:
    """``target`` when it is a path of this site, else ``/`` (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@html_router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, next: str = "/") -> Response:
    """The sign-in form (it needs no valid cookie: a stale one must be replaceable)."""
    return render(request, "signin.html", {"next": _local(next), "error": None}, None, title="Sign in", twin=False)


@html_router.post("/signin")
def signin(
    request: Request,
    db: StoreDep,
    token: Annotated[str, Form(max_length=500)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the token, set the cookie and go back to ``next``; a wrong token shows the form again."""
    check_csrf(request, csrf)
    record = db.find_token(token.strip())
    if record is None:
        error = "That token is not valid here (or it expired or was revoked). Check that it was copied whole."
        return render(
            request,
            "signin.html",
            {"next": _local(next), "error": error},
            None,
            title="Sign in",
            status=401,
            twin=False,
        )
    answer = RedirectResponse(_local(next), status_code=303)
    answer.set_cookie(
        COOKIE,
        db.create_session(record.id),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
    )
    return answer


@html_router.post("/signout")
def signout(request: Request, db: StoreDep, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    """End the session in the store, remove the cookie and go to the map (works with a stale
    cookie too)."""
    check_csrf(request, csrf)
    if session := request.cookies.get(COOKIE):
        db.end_session(session)
    answer = RedirectResponse("/", status_code=303)
    answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure_cookies(request))
    return answer

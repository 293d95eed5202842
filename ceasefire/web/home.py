"""The map page ``/`` (twin ``/index.json``) and signing in and out of the dashboard.

Signing in stores the pasted token in the cookie ``cf_token`` (HttpOnly, SameSite=Strict,
Path=/; Secure over https): ``ceasefire.api.auth.viewer`` reads it, so pages, the JSON twins
and the map's ``fetch`` calls see what that token may see. The cookie never authorizes an API
write (``auth.caller`` reads it for GET only); the dashboard's own forms check a CSRF token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ceasefire.api.auth import COOKIE, StoreDep, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.findings import FiguresDep
from ceasefire.web.mapdata import MAX_PAGE, PAGE, MapFilter, map_data, page_bounds
from ceasefire.web.pages import check_csrf, html_router, page, render

__all__ = ["map_page", "signin", "signin_form", "signout"]

_COOKIE_DAYS = 30


@page("/", "map.html", title="Map")
def map_page(
    request: Request,
    db: StoreDep,
    who: ViewerDep,
    cache: FiguresDep,
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
    return map_data(request.app, cache, db, who, chosen, page_bounds(limit, cursor))


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
    token = token.strip()
    if db.find_token(token) is None:
        data = {"next": _local(next), "error": "That token is not valid here. Check that it was copied whole."}
        return render(request, "signin.html", data, None, title="Sign in", status=401, twin=False)
    answer = RedirectResponse(_local(next), status_code=303)
    answer.set_cookie(
        COOKIE,
        token,
        max_age=_COOKIE_DAYS * 86400,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return answer


@html_router.post("/signout")
def signout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Remove the cookie and go to the map (works with a stale cookie too)."""
    check_csrf(request, csrf)
    answer = RedirectResponse("/", status_code=303)
    answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return answer

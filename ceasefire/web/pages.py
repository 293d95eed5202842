"""Dashboard pages: every HTML page has a JSON twin built by the same function (as datasette).

Contract for page authors
-------------------------
Register a page with :func:`page`; the handler returns a JSON-able ``dict`` (a ``JSONBody``) and
takes FastAPI parameters as any route does (dependencies, query parameters, path parameters)::

    from typing import Annotated
    from fastapi import Query
    from ceasefire.api.auth import StoreDep, ViewerDep
    from ceasefire.api.body import JSONBody
    from ceasefire.web.pages import page

    @page("/scorecards", "scorecards.html", title="Scorecards")
    def scorecards(db: StoreDep, who: ViewerDep, party: Annotated[str | None, Query()] = None) -> JSONBody:
        return {"parties": [...]}

That registers ``GET /scorecards`` (the template rendered with the dict) and
``GET /scorecards.json`` (the same dict as JSON). The page ``/`` has its twin at ``/index.json``.
Path parameters work (``/cases/{case_id}`` and ``/cases/{case_id}.json``); register fixed paths
such as ``/cases/queue`` before ``/cases/{case_id}``. The handler runs in a worker thread (it
must be a plain ``def``), so it may call the store directly. ``who`` is ``None`` for the public.
Raise ``ceasefire.api.problems.Problem(status, detail)`` for 4xx: the HTML route shows it as an
error page (``error.html``) with that status, the JSON twin as problem+json. Bad query
parameters (FastAPI validation) are a 422 on both. ``page(..., roles=("analyst", "admin"))``
answers 401 to the public (the HTML page then offers sign-in) and 403 to other roles, before the
handler runs. Each module of pages must be listed in ``ceasefire.web.PAGE_MODULES`` so that
:func:`install` imports it.

Template context: the handler's dict is available both whole, as ``data`` (``{{ data|tojson }}``
embeds it for scripts), and key by key at the top level. Reserved names a handler's dict may not
use: ``request``, ``viewer``, ``page_title``, ``json_url``, ``csrf_token``, ``nav``,
``current_path``, ``settings``, ``data`` (a ``ValueError`` says so). ``viewer`` is the
``Caller`` or None; ``settings`` the app's ``Settings`` (``settings.tile_url``).

Templates extend ``base.html`` and fill these blocks: ``title`` (defaults to ``page_title``),
``head`` (extra tags in ``<head>``, e.g. a page's stylesheet), ``main`` (the content inside
``<main id="main">``; start it with an ``<h1>``), ``scripts`` (end of ``<body>``, after
``/static/js/common.js``, which defines ``window.CF``; see that file's header for its
functions). ``main_class`` (a variable, ``{% set main_class = "wide" %}``) widens ``<main>`` to
the full width. Jinja autoescapes everything; never mark user text ``|safe``.

Forms that write (POST) carry the CSRF token and the handler checks it::

    <form method="post" action="/report">
      <input type="hidden" name="csrf" value="{{ csrf_token }}"> ...

    @html_router.post("/report")
    def submit(request: Request, who: ViewerDep, db: StoreDep, csrf: Annotated[str, Form()], ...):
        check_csrf(request, csrf)   # a 403 Problem unless the token matches; call it first
        ...                         # to show the form again with errors:
        ...                         #   return render(request, "report.html", data, who, title=..., status=422)
        return RedirectResponse("/report?sent=ID", status_code=303)

:func:`csrf_token` is an HMAC, under a secret made when the process starts, of the sign-in
cookie's session id (or, for the public, of a random visitor cookie that :func:`render` sets): a page of another site cannot read it, and it
changes when the person signs in or out, or when the server restarts (then the form must be
reloaded; one process serves the dashboard, so one secret is enough). :func:`check_csrf` also refuses a request whose ``Origin`` header names another
site or is ``null``. Form routes go on :data:`html_router` (``@html_router.post("/report")``): a Problem they
raise shows as the HTML error page with its status. Routes that answer scripts go on
:data:`router` (problems as problem+json). Neither is in the API's OpenAPI document.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import secrets
import typing
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from ceasefire.api.auth import COOKIE, Caller, ViewerDep
from ceasefire.api.body import JSONBody
from ceasefire.api.problems import Problem

__all__ = [
    "NAV",
    "STATIC",
    "TEMPLATES",
    "VISITOR_COOKIE",
    "NavItem",
    "check_csrf",
    "csrf_token",
    "html_router",
    "install",
    "page",
    "render",
    "router",
    "secure_cookies",
    "twin_path",
]

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
_SECRET = secrets.token_bytes(32)  # per process: forms made before a restart must be reloaded
VISITOR_COOKIE = "cf_visitor"  # a random id per visitor not signed in, that their CSRF token is bound to
_RESERVED = frozenset(
    {"request", "viewer", "page_title", "json_url", "csrf_token", "nav", "current_path", "settings", "data"}
)
_VIEWER_PARAM = "cf_page_viewer"
_REQUEST_PARAM = "cf_page_request"

Handler = Callable[..., JSONBody]


@dataclass(frozen=True)
class NavItem:
    """A link of the site's navigation; ``roles`` None: shown to everyone, the public included."""

    path: str
    label: str
    roles: tuple[str, ...] | None = None

    def shown_to(self, who: Caller | None) -> bool:
        return self.roles is None or (who is not None and who.role in self.roles)


NAV: tuple[NavItem, ...] = (
    NavItem("/", "Map"),
    NavItem("/scorecards", "Scorecards"),
    NavItem("/clocks", "Clocks"),
    NavItem("/claims", "Claims"),
    NavItem("/cases", "Cases"),  # published cases are public
    NavItem("/report", "Report", ("monitor", "party", "analyst", "admin")),
    NavItem("/bulletin/", "Bulletins"),
    NavItem("/exports", "Exports"),
)


class _PageRoute(APIRoute):
    """An HTML route: problems (401, 403, 404, 422 ...) answer as an HTML error page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def html_errors(request: Request) -> Response:
            try:
                return await handle(request)
            except Problem as problem:
                return render(
                    request,
                    "error.html",
                    _error(problem.status, problem.detail),
                    None,
                    title="Error",
                    status=problem.status,
                    headers=problem.headers,
                )
            except RequestValidationError as error:
                fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in error.errors())
                return render(
                    request, "error.html", _error(422, f"invalid request: {fields}"), None, title="Error", status=422
                )

        return html_errors


router = APIRouter(include_in_schema=False)
html_router = APIRouter(include_in_schema=False, route_class=_PageRoute)


def _error(status: int, detail: str) -> JSONBody:
    return {"status": status, "detail": detail}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["nav_items"] = NAV
    return env


_env = _environment()


def twin_path(path: str) -> str:
    """The JSON twin's path of a page path: ``/`` -> ``/index.json``, ``/a/{b}`` -> ``/a/{b}.json``."""
    return "/index.json" if path == "/" else path.rstrip("/") + ".json"


def render(
    request: Request,
    template: str,
    data: Mapping[str, object],
    who: Caller | None,
    *,
    title: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    twin: bool = True,
) -> HTMLResponse:
    """``template`` rendered with ``data`` and the base context (see the module docstring);
    ``twin`` False: the page has no JSON twin (``json_url`` is None, no link to one)."""
    clash = _RESERVED & set(data)
    if clash:
        raise ValueError(f"page data may not use the reserved names {sorted(clash)}")
    path = request.url.path
    json_url = twin_path(path) + (f"?{request.url.query}" if request.url.query else "") if twin else None
    context = {
        **data,
        "data": data,
        "request": request,
        "viewer": who,
        "page_title": title,
        "json_url": json_url,
        "csrf_token": csrf_token(request),
        "current_path": path,
        "nav": [item for item in NAV if item.shown_to(who)],
        "settings": request.app.state.settings,
    }
    html = _env.get_template(template).render(context)
    answer = HTMLResponse(html, status_code=status, headers=headers)
    _keep_visitor(request, answer)
    return answer


def page(
    path: str,
    template: str,
    *,
    title: str,
    roles: Iterable[str] | None = None,
) -> Callable[[Handler], Handler]:
    """Register ``GET path`` (HTML) and its JSON twin, both built by the decorated handler."""
    allowed = tuple(roles) if roles is not None else None

    def register(handler: Handler) -> Handler:
        if inspect.iscoroutinefunction(handler):
            raise TypeError(f"page {path}: {handler.__name__} must be a plain def (it runs in a worker thread)")
        signature, request_name = _signature(handler)

        def run(kwargs: dict[str, object]) -> tuple[JSONBody, Caller | None, Request]:
            who = kwargs.pop(_VIEWER_PARAM)
            request = kwargs[request_name] if request_name != _REQUEST_PARAM else kwargs.pop(_REQUEST_PARAM)
            assert (who is None or isinstance(who, Caller)) and isinstance(request, Request)  # FastAPI passes them
            _check_role(who, allowed)
            return handler(**kwargs), who, request

        def as_html(**kwargs: Any) -> Response:
            data, who, request = run(kwargs)
            return render(request, template, data, who, title=title)

        def as_json(**kwargs: Any) -> Response:
            data, _, _ = run(kwargs)
            return JSONResponse(json.loads(json.dumps(data, default=str)))

        for endpoint, suffix in ((as_json, "json"), (as_html, "html")):
            endpoint.__name__ = f"{handler.__name__}_{suffix}"
            endpoint.__doc__ = handler.__doc__
            endpoint.__signature__ = signature  # type: ignore[attr-defined]  # what FastAPI reads
        router.add_api_route(twin_path(path), as_json, methods=["GET"], response_model=None)
        html_router.add_api_route(path, as_html, methods=["GET"], response_model=None, response_class=HTMLResponse)
        return handler

    return register


def _signature(handler: Handler) -> tuple[inspect.Signature, str]:
    """The handler's parameters with resolved annotations, plus the request and viewer the page
    needs for its frame (FastAPI computes the viewer once even when the handler asks too; it
    passes the request under one name only, so a handler's own ``Request`` parameter is reused).
    Also the name the request comes under."""
    hints = typing.get_type_hints(handler, include_extras=True)
    params = [
        p.replace(annotation=hints.get(p.name, p.annotation), kind=inspect.Parameter.KEYWORD_ONLY)
        for p in inspect.signature(handler).parameters.values()
    ]
    own = [p.name for p in params if isinstance(p.annotation, type) and issubclass(p.annotation, Request)]
    extra = [inspect.Parameter(_VIEWER_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=ViewerDep)]
    if not own:
        extra.append(inspect.Parameter(_REQUEST_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=Request))
    return inspect.Signature(params + extra), own[0] if own else _REQUEST_PARAM


def _check_role(who: Caller | None, roles: tuple[str, ...] | None) -> None:
    if roles is None:
        return
    if who is None:
        raise Problem(401, "sign in to see this page", headers={"WWW-Authenticate": "Bearer"})
    if who.role not in roles:
        raise Problem(403, f"role '{who.role}' may not see this page (allowed: {', '.join(roles)})")


def csrf_token(request: Request) -> str:
    """The token forms of this person carry: HMAC-SHA256 of their session cookie or, before they
    sign in, of their visitor cookie (:data:`VISITOR_COOKIE`; one is made for a new visitor and
    :func:`render` sets it), so no two visitors share a sign-in form's token (issue 11)."""
    cookie = request.cookies.get(COOKIE, "")
    if cookie:
        return _hmac(f"csrf:{cookie}")
    visitor = request.cookies.get(VISITOR_COOKIE) or getattr(request.state, "cf_new_visitor", None)
    if not visitor:
        visitor = request.state.cf_new_visitor = secrets.token_hex(16)
    return _hmac(f"visitor:{visitor}")


def _hmac(text: str) -> str:
    return hmac.new(_SECRET, text.encode(), hashlib.sha256).hexdigest()


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure when the site is served over https: its ``--public-url`` (behind a TLS
    proxy the request the server sees is plain http) or the request's own scheme (issue 11)."""
    public_url: str | None = request.app.state.settings.public_url
    return request.url.scheme == "https" or bool(public_url and public_url.startswith("https://"))


def _keep_visitor(request: Request, response: Response) -> None:
    """Set the visitor cookie a page's CSRF token was made for, when the visitor had none."""
    visitor = getattr(request.state, "cf_new_visitor", None)
    if visitor and not request.cookies.get(COOKIE):
        secure = secure_cookies(request)
        response.set_cookie(VISITOR_COOKIE, visitor, path="/", httponly=True, samesite="strict", secure=secure)


def check_csrf(request: Request, form_value: str | None) -> None:
    """A 403 Problem unless ``form_value`` is this person's :func:`csrf_token` and the request
    comes from this site: an ``Origin`` header, when sent, must name this host (``Origin: null``,
    sent by sandboxed frames and ``data:`` pages, is refused), and a form posted with neither the
    sign-in nor the visitor cookie never matches."""
    origin = request.headers.get("origin")
    if origin == "null" or (origin and urlsplit(origin).netloc != request.url.netloc):
        raise Problem(403, f"form posted from another site ({origin}); use the dashboard's own form")
    known = request.cookies.get(COOKIE) or request.cookies.get(VISITOR_COOKIE)
    if not known or not form_value or not hmac.compare_digest(form_value, csrf_token(request)):
        raise Problem(403, "the form expired or did not come from this site; reload the page and send it again")


def install(app: FastAPI, modules: Iterable[str]) -> None:
    """Import the page ``modules`` (their ``@page`` registrations), then add every page, the
    JSON twins and ``/static`` to ``app``."""
    import importlib

    for name in modules:
        importlib.import_module(name)
    app.include_router(router)  # JSON twins first: "/cases/{id}" would also match "/cases/5.json"
    app.include_router(html_router)
    # gzipped: the offline outlines alone are 2.2 MB raw, 0.5 MB gzipped (issue 14: the map's
    # first view within 3 MB); pages and API answers stay as they were
    app.mount(
        "/static", GZipMiddleware(StaticFiles(directory=STATIC), minimum_size=1024, compresslevel=5), name="static"
    )
    app.add_api_route("/favicon.ico", _favicon, include_in_schema=False)  # browsers ask for it unbidden
    app.include_router(_fallback)  # last: only what nothing else answered


_fallback = APIRouter(include_in_schema=False, route_class=_PageRoute)
_MACHINE_PATHS = ("api/", "export/", "static/")  # their unknown paths stay problem+json


@_fallback.get("/{path:path}")
def _no_such_page(path: str) -> Response:
    """An unknown page: the site's error page (a person followed a link), not a JSON body."""
    if path.startswith(_MACHINE_PATHS) or path.endswith(".json"):
        raise StarletteHTTPException(404)
    raise Problem(404, f"there is no page /{path}")


def _favicon() -> FileResponse:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

"""The ASGI app: ``create_app(Settings(db=...))`` -> FastAPI, served by ``ceasefire serve``.

The one module that joins the REST API (``ceasefire.api``) and the dashboard (``ceasefire.web``):
the dashboard builds on the API, so the API never imports it. Routes live with their concept (``reports``, ``log``, ``findings``) under ``/api/v1``; the
OpenAPI document is ``/api/v1/openapi.json``. The app opens the store once before serving:
pending migrations are applied and the log key must be usable, so a bad ``--db`` or key fails
at start with one line, not at the first request. With ``Settings.warm_public`` (``ceasefire
serve``) a thread makes the public's views of the run it reads (``PUBLIC_VIEWS``) at start and
after each new run or publication (``api/warmer.py``), so no visitor waits for them (issue 14).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI
from starlette.applications import Starlette

from ceasefire.api import (
    admin,
    agreements,
    bulletin,
    cases,
    claims,
    evidence,
    exports,
    findings,
    incidents,
    links,
    log,
    maps,
    problems,
    reports,
    runs,
    tallies,
)
from ceasefire.api.fastsubmit import SubmitFastPath
from ceasefire.api.findings import app_figures, visible_run
from ceasefire.api.limits import BodyLimit
from ceasefire.api.paging import Page
from ceasefire.api.problems import MEDIA_TYPE, PROBLEM_SCHEMA
from ceasefire.api.reports import InFlight
from ceasefire.api.state import RateLimiter, Settings, StorePool
from ceasefire.api.warmer import Step, Warmer
from ceasefire.api.writer import ReportWriter
from ceasefire.bulletin import render
from ceasefire.store import SQLStore, StoreError
from ceasefire.web import PAGE_MODULES, compliance_pages, pages
from ceasefire.web.headers import SecurityHeaders
from ceasefire.web.mapdata import MapFilter, map_data, page_bounds

__all__ = ["PREFIX", "create_app"]

PREFIX = "/api/v1"
_ERRORS = {
    401: "no valid bearer token",
    403: "the role may not do this",
    404: "not found or not yours to see",
    422: "invalid request: `errors` names each field",
    429: "rate limit of the token reached",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}}
    for status, text in _ERRORS.items()
}


def create_app(settings: Settings) -> FastAPI:
    """The app over ``settings.db`` (StoreError when the database cannot be served)."""
    pool = StorePool(settings, settings.connections)
    _prepare(pool)
    writer = ReportWriter(pool.open)  # submissions: group commit on a store of its own

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tasks:
            if settings.checkpoint_every > 0:
                tasks.start_soon(_sign_periodically, pool, settings.checkpoint_every)
            if settings.warm_public:  # issue 14: the first visitor of a big store or a new run need not wait
                warmer.start()
                tasks.start_soon(anyio.to_thread.run_sync, _typesetter)  # beside the warmer's steps: not after them
            yield
            tasks.cancel_scope.cancel()
        await anyio.to_thread.run_sync(warmer.stop)
        await anyio.to_thread.run_sync(writer.close)  # writes what is queued, then stops
        pool.close()

    app = FastAPI(
        title="ceasefire",
        version="1",
        summary="Reports, findings and the tamper-evident log of a ceasefire.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI came from a CDN onto the dashboard's origin (issue 11)
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.pool, app.state.in_flight, app.state.settings = pool, InFlight(), settings
    app.state.limiter = RateLimiter(settings.rate_per_minute, settings.burst)
    app.state.writer = writer
    warmer = app.state.warmer = Warmer(app, pool, PUBLIC_VIEWS)
    problems.install(app)
    api_routers = (
        reports.router,
        evidence.router,
        log.router,
        findings.router,
        tallies.router,  # /clocks, after /findings as it always was
        incidents.router,
        maps.router,
        claims.router,
        cases.router,
        links.router,
        runs.router,
        agreements.router,
        admin.router,
    )
    for router in api_routers:
        app.include_router(router, prefix=PREFIX, responses=ERROR_RESPONSES)
    for router in (bulletin.router, exports.router):  # at the root: /bulletin/..., /export/...
        app.include_router(router, responses=ERROR_RESPONSES)
    pages.install(app, PAGE_MODULES)  # the dashboard (HTML pages, their JSON twins, /static)
    app.add_middleware(SubmitFastPath)  # innermost: inside the body limit and headers (issue 11, load)
    app.add_middleware(BodyLimit, settings=settings)  # 413 before a body is read (issue 11)
    app.add_middleware(SecurityHeaders, tile_url=settings.tile_url)  # outermost: on every answer
    return app


def _public_map(app: Starlette, db: SQLStore) -> None:
    """The map page as the public first opens it (``/``, ``/index.json``): the run's columns and
    the public's view of them (``api/mapindex.py``), the largest of the public's views."""
    map_data(app, db, None, MapFilter.from_query({}), page_bounds(None, None))


def _public_figures(app: Starlette, db: SQLStore) -> None:
    """What the public's pages and bulletins count from (none yet without a published run):
    its tallies, the totals of ``/api/v1/findings``, the incidents reported by day."""
    run = visible_run(db, None)
    if run is not None:
        cache = app_figures(app)
        tallies.viewer_tallies(cache, db, None, run)
        findings.viewer_counts(cache, db, None, run)
        bulletin.reported_by_day(cache, db, run)


def _public_pages(app: Starlette, db: SQLStore) -> None:
    """The runs list (each published run's counts), the first page of findings and the scorecards."""
    cache = app_figures(app)
    runs.runs(db, None, cache)
    findings.findings(db, None, cache, Page())
    compliance_pages.scorecards_page(db, None, cache)


def _public_claims(app: Starlette, db: SQLStore) -> None:
    """The claims judged, with the evidence ``/claims`` shows beside them (and so the first page
    of ``/api/v1/claims``): a query or two per claim."""
    cache = app_figures(app)
    compliance_pages.claims_page(db, None, cache)
    claims.claims(db, None, cache, Page())


def _stored_incidents(app: Starlette, db: SQLStore) -> None:
    """How far each import's records reach from their dates (``service.stored_columns``): the
    first ``POST /runs`` then reads only the records near what changed (issue 14)."""
    from ceasefire.service.stored_columns import import_extents

    import_extents(db)


def _typesetter() -> None:
    """WeasyPrint loaded before the first PDF bulletin is asked for (issue 14: about a second of
    that request's CPU); a failure is logged, never raised (the request loads it then)."""
    try:
        render.preload()
    except Exception:  # broad: warming is an optimisation, and the PDF request reports errors
        logging.getLogger(__name__).exception("loading WeasyPrint ahead of time failed; the first PDF loads it")


# What the warmer makes (``api/warmer.py``), in order: the map first (the page people land on),
# then what the other pages count from, those pages, the latest bulletin and its PDF, the claims.
PUBLIC_VIEWS: tuple[Step, ...] = (
    _stored_incidents,
    _public_map,
    _public_figures,
    _public_pages,
    bulletin.warm_latest,
    _public_claims,
)


async def _sign_periodically(pool: StorePool, seconds: float) -> None:
    """A signed checkpoint every ``seconds`` while serving, even when nothing was written: its
    fresh timestamp shows parties the log was live and unchanged (writes sign their own too)."""
    while True:
        await anyio.sleep(seconds)
        async with pool.borrow() as store:
            await anyio.to_thread.run_sync(store.checkpoint)


def _prepare(pool: StorePool) -> None:
    """Apply pending migrations and check the log key, on a store the pool then keeps."""
    with pool.store() as store:
        if not store.migrations():
            raise StoreError(f"{store.url}: not a ceasefire database; create it with `ceasefire init`")
        store.migrate()
        store.ensure_log_key(create=False)
        if store.current_agreement() is None:
            raise StoreError(f"{store.url}: no agreement stored yet; run `ceasefire init` first")

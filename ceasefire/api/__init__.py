"""The REST API (issue 3): JSON under ``/api/v1``, ``Authorization: Bearer TOKEN``, one
problem+json body for every error, OpenAPI at ``/api/v1/openapi.json``. docs/api.md.

::

    ceasefire.server.create_app(Settings(db=...)) -> FastAPI      served by `ceasefire serve`

    state      Settings, the pool of store connections, the per-token rate limiter
    auth       bearer tokens -> Caller (role, party); role rules; 401 / 403 / 429
    problems   RFC 9457 problem details for every error
    reports    /reports: submit (idempotent), list, read, versions, publish
    log        /log: checkpoint, key, inclusion and consistency proofs
    findings   /findings, /clocks: the latest verification run

Only this package, the dashboard (``ceasefire.web``) and ``ceasefire.server`` import the web
framework; the core never does (tests/test_layers.py). This ``__init__`` imports nothing, so the
CLI can register ``serve`` without loading FastAPI. The app that joins these routers and the
dashboard's pages is ``ceasefire.server``: the dashboard imports the API, never the reverse.
"""

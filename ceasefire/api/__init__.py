"""The REST API (issue 3): JSON under ``/api/v1``, ``Authorization: Bearer TOKEN``, one
problem+json body for every error, OpenAPI at ``/api/v1/openapi.json``. docs/api.md.

::

    create_app(Settings(db=...)) -> FastAPI      served by `ceasefire serve` (cli.py)

    app        the app factory: routers, error handlers, the store pool
    state      Settings, the pool of store connections, the per-token rate limiter
    auth       bearer tokens -> Caller (role, party); role rules; 401 / 403 / 429
    problems   RFC 9457 problem details for every error
    reports    /reports: submit (idempotent), list, read, versions, publish
    log        /log: checkpoint, key, inclusion and consistency proofs
    findings   /findings, /clocks: the latest verification run
    cli        the `serve` command

Only this package imports the web framework; the core never does (tests/test_layers.py). This
``__init__`` imports nothing, so the CLI can register ``serve`` without loading FastAPI.
"""

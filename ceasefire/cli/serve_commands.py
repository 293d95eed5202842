"""``ceasefire serve`` (the REST API and dashboard on uvicorn) and ``ceasefire demo`` (the bundled
example verified, loaded into a new database and served). Importing this module is cheap: FastAPI
and uvicorn load when a command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ceasefire import EXAMPLES
from ceasefire.cli.options import Db, Evidence, Key
from ceasefire.cli.verify_commands import verify
from ceasefire.errors import UsageError
from ceasefire.extras import require_extra
from ceasefire.store.urls import redact_url

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["EXAMPLE", "demo", "serve"]

EXAMPLE = EXAMPLES / "syria-2016-09"  # inside the package: the wheel carries it (issue 17)

RateLimit = Annotated[float, typer.Option("--rate-limit", help="Requests per minute per token, on average.")]
Burst = Annotated[int, typer.Option("--burst", help="Requests a token may make at once.")]
MaxUploadMb = Annotated[float, typer.Option("--max-upload-mb", help="Largest evidence file accepted, in MiB.")]
MaxBodyKb = Annotated[
    int, typer.Option("--max-body-kb", help="Largest JSON or form body accepted, in KiB (evidence: --max-upload-mb).")
]
CheckpointEvery = Annotated[
    float,
    typer.Option("--checkpoint-every", help="Seconds between signed checkpoints (0: only on writes and on demand)."),
]
ReportsPerDay = Annotated[
    int,
    typer.Option(
        "--reports-per-day", help="Report versions a token, and a party, may write per UTC day (0: no quota)."
    ),
]
EvidencePerDayMb = Annotated[
    float,
    typer.Option(
        "--evidence-per-day-mb", help="Evidence a token, and a party, may attach per UTC day, in MiB (0: no quota)."
    ),
]
MinFreeDiskMb = Annotated[
    float,
    typer.Option(
        "--min-free-disk-mb", help="Uploads answer 507 when the evidence disk has less free, in MiB (0: no floor)."
    ),
]
TileUrl = Annotated[
    str | None,
    typer.Option(
        "--tile-url",
        help="Map tiles for the dashboard, e.g. https://tiles.example.org/{z}/{x}/{y}.png (default: none, offline outlines only).",
    ),
]

PublicUrl = Annotated[
    str | None,
    typer.Option(
        "--public-url",
        help="Where people reach the site, e.g. https://ceasefire.example.org behind a TLS proxy: https makes the sign-in cookie Secure.",
    ),
]


def serve(
    db: Db,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    key: Key = None,
    evidence: Evidence = None,
    rate_limit: RateLimit = 600.0,
    burst: Burst = 60,
    max_upload_mb: MaxUploadMb = 50.0,
    max_body_kb: MaxBodyKb = 1024,
    checkpoint_every: CheckpointEvery = 60.0,
    tile_url: TileUrl = None,
    public_url: PublicUrl = None,
    reports_per_day: ReportsPerDay = 500,
    evidence_per_day_mb: EvidencePerDayMb = 500.0,
    min_free_disk_mb: MinFreeDiskMb = 1024.0,
) -> None:
    """Serve the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) until interrupted.

    Example: ceasefire serve --db syria.db --port 8000

    Exit codes: 0 stopped; 2 the database cannot be served, or the server extra is missing (one line).
    """
    require_extra("server", needed_for="ceasefire serve")
    from ceasefire.api.state import Settings
    from ceasefire.server import create_app

    if rate_limit <= 0 or burst < 1 or max_upload_mb <= 0 or max_body_kb < 1 or checkpoint_every < 0:
        raise UsageError(
            "--rate-limit and --max-upload-mb must be > 0, --burst and --max-body-kb at least 1,"
            " --checkpoint-every at least 0"
        )
    if public_url and not public_url.startswith(("https://", "http://")):
        raise UsageError(f"--public-url: '{public_url}' is not an http:// or https:// URL")
    if min(reports_per_day, evidence_per_day_mb, min_free_disk_mb) < 0:
        raise UsageError("--reports-per-day, --evidence-per-day-mb and --min-free-disk-mb must be at least 0")
    settings = Settings(
        db=db,
        key=key,
        evidence=evidence,
        rate_per_minute=rate_limit,
        burst=burst,
        max_upload=int(max_upload_mb * 1024 * 1024),
        max_body=max_body_kb * 1024,
        checkpoint_every=checkpoint_every,
        tile_url=tile_url or None,
        public_url=public_url or None,
        reports_per_day=reports_per_day,
        evidence_per_day=int(evidence_per_day_mb * 1024 * 1024),
        min_free_disk=int(min_free_disk_mb * 1024 * 1024),
        warm_public=True,
    )
    app = create_app(settings)
    typer.echo(
        f"ceasefire: serving {redact_url(db)} on http://{host}:{port}/api/v1 (OpenAPI: /api/v1/openapi.json)", err=True
    )
    _run(app, host, port)


def demo(
    example: Annotated[Path, typer.Option(help="Folder holding agreement.yaml, incidents.csv and news/.")] = EXAMPLE,
    fmt: Annotated[
        str, typer.Option("--format", help="table | json | csv | geojson | hxl: the result printed first")
    ] = "table",
    db: Annotated[
        Path | None, typer.Option("--db", help="Database file to create (default: a new temporary folder).")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8000,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a web browser.")] = False,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Print the result and stop; serve nothing.")] = False,
) -> None:
    """Run the bundled Syria September 2016 example end to end: verify it and print the result,
    then load it into a database (incidents, news claims, reports, a case), publish the run and
    serve the dashboard and API, printing its URL and a token for each role.

    Example: ceasefire demo --port 8000 --no-browser

    Exit codes: 0 stopped; 2 the example folder is missing or invalid, or --db already exists.
    """
    agreement, events = example / "agreement.yaml", example / "incidents.csv"
    if not agreement.exists() or not events.exists():
        raise UsageError(
            f"{example}: no agreement.yaml and incidents.csv here (--example names a folder that has both)"
        )
    if not no_serve:  # checked first: a missing extra must not stop the demo half-way
        require_extra("server", needed_for="ceasefire demo (serving; --no-serve does without)")
        require_extra("news", needed_for="ceasefire demo (the news claims; --no-serve does without)")
    verify(
        agreement,
        [events],
        date_from=None,
        date_to=None,
        fmt=fmt,
        out=None,
        skip_bad_rows=False,
        engine="local",
        scheduler=None,
        claims=None,
    )
    if not no_serve:
        _serve_demo(example, db, host, port, open_browser=not no_browser)


def _serve_demo(example: Path, db: Path | None, host: str, port: int, *, open_browser: bool) -> None:
    """``ceasefire demo``'s second half: build the demo database (``ceasefire.demo``), print the
    dashboard's URL and one token per role, and serve until interrupted."""
    import tempfile
    import threading
    import webbrowser

    from ceasefire.api.state import Settings
    from ceasefire.demo import build_demo
    from ceasefire.server import create_app
    from ceasefire.store import open_store

    if db is None:
        db = Path(tempfile.mkdtemp(prefix="ceasefire-demo-")) / "syria.db"
    elif db.exists():
        raise UsageError(f"{db}: already exists; give --db a new file (the demo builds its own database)")
    store = open_store(str(db), create=True)
    try:
        built = build_demo(store, example)
    finally:
        store.close()
    url = f"http://{host}:{port}/"
    typer.echo(f"\nDemo database: {db} (run {built.run.id}, published)")
    typer.echo(f"Dashboard: {url}")
    typer.echo("Tokens (sign in on the dashboard, or send Authorization: Bearer TOKEN):")
    width = max(len(label) for label in built.tokens)
    for label, token in built.tokens.items():
        typer.echo(f"  {label:<{width}}  {token}")
    sys.stdout.flush()
    app = create_app(Settings(db=str(db)))
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    _run(app, host, port)


def _run(app: FastAPI, host: str, port: int) -> None:
    """Serve ``app`` until interrupted; uvicorn prints warnings only, no access log."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)

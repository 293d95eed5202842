"""``ceasefire serve``: the REST API on uvicorn. Importing this module is cheap (no FastAPI)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.errors import CeasefireError, UsageError
from ceasefire.extras import require_extra

__all__ = ["serve"]


def serve(
    db: Annotated[str, typer.Option("--db", help="SQLite database file, or a postgresql:// URL.")],
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="Log signing key file (default for SQLite: DB.key; env CEASEFIRE_LOG_KEY)."),
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence", help="Evidence folder (default for SQLite: DB.evidence; env CEASEFIRE_EVIDENCE_DIR)."
        ),
    ] = None,
    rate_limit: Annotated[
        float, typer.Option("--rate-limit", help="Requests per minute per token, on average.")
    ] = 600.0,
    burst: Annotated[int, typer.Option("--burst", help="Requests a token may make at once.")] = 60,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", help="Largest evidence file accepted, in MiB.")
    ] = 50.0,
    checkpoint_every: Annotated[
        float,
        typer.Option(
            "--checkpoint-every", help="Seconds between signed checkpoints (0: only on writes and on demand)."
        ),
    ] = 60.0,
    tile_url: Annotated[
        str | None,
        typer.Option(
            "--tile-url",
            help="Map tiles for the dashboard, e.g. https://tiles.example.org/{z}/{x}/{y}.png (default: none, offline outlines only).",
        ),
    ] = None,
) -> None:
    """Serve the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) until interrupted.

    Example: ceasefire serve --db syria.db --port 8000

    Exit codes: 0 stopped; 2 the database cannot be served, or the server extra is missing (one line).
    """
    try:
        require_extra("server", needed_for="ceasefire serve")
    except CeasefireError as error:
        typer.echo(error.lines[0], err=True)
        raise typer.Exit(2) from None
    import uvicorn

    from ceasefire.api.app import create_app
    from ceasefire.api.state import Settings

    try:
        if rate_limit <= 0 or burst < 1 or max_upload_mb <= 0 or checkpoint_every < 0:
            raise UsageError(
                "--rate-limit and --max-upload-mb must be > 0, --burst at least 1, --checkpoint-every at least 0"
            )
        settings = Settings(
            db=db,
            key=key,
            evidence=evidence,
            rate_per_minute=rate_limit,
            burst=burst,
            max_upload=int(max_upload_mb * 1024 * 1024),
            checkpoint_every=checkpoint_every,
            tile_url=tile_url or None,
        )
        app = create_app(settings)
    except CeasefireError as error:
        for line in error.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"ceasefire: serving {db} on http://{host}:{port}/api/v1 (OpenAPI: /api/v1/openapi.json)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def serve_demo(example: Path, db: Path | None, host: str, port: int, *, open_browser: bool) -> None:
    """``ceasefire demo``'s second half: build the demo database (``ceasefire.demo``), print the
    dashboard's URL and one token per role, and serve until interrupted."""
    import tempfile
    import threading
    import webbrowser

    import uvicorn

    from ceasefire.api.app import create_app
    from ceasefire.api.state import Settings
    from ceasefire.demo import build_demo
    from ceasefire.store import open_store

    if db is None:
        db = Path(tempfile.mkdtemp(prefix="ceasefire-demo-")) / "syria.db"
    elif db.exists():
        typer.echo(f"{db}: already exists; give --db a new file (the demo builds its own database)", err=True)
        raise typer.Exit(2)
    store = open_store(str(db), create=True)
    try:
        built = build_demo(store, example)
    except CeasefireError as error:
        for line in error.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
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
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)

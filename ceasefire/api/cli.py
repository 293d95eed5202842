"""``ceasefire serve``: the REST API on uvicorn. Importing this module is cheap (no FastAPI)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ceasefire.errors import CeasefireError, UsageError

__all__ = ["serve"]


def serve(
    db: Annotated[str, typer.Option("--db", help="SQLite database file, or a postgresql:// URL.")],
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    key: Annotated[Path | None, typer.Option("--key", help="Log signing key file (default for SQLite: DB.key; env CEASEFIRE_LOG_KEY).")] = None,
    evidence: Annotated[Path | None, typer.Option("--evidence", help="Evidence folder (default for SQLite: DB.evidence; env CEASEFIRE_EVIDENCE_DIR).")] = None,
    rate_limit: Annotated[float, typer.Option("--rate-limit", help="Requests per minute per token, on average.")] = 600.0,
    burst: Annotated[int, typer.Option("--burst", help="Requests a token may make at once.")] = 60,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Largest evidence file accepted, in MiB.")] = 50.0,
    checkpoint_every: Annotated[float, typer.Option("--checkpoint-every", help="Seconds between signed checkpoints (0: only on writes and on demand).")] = 60.0,
) -> None:
    """Serve the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) until interrupted.

    Example: ceasefire serve --db syria.db --port 8000

    Exit codes: 0 stopped; 2 the database cannot be served (one line).
    """
    import uvicorn

    from ceasefire.api.app import create_app
    from ceasefire.api.state import Settings

    try:
        if rate_limit <= 0 or burst < 1 or max_upload_mb <= 0 or checkpoint_every < 0:
            raise UsageError("--rate-limit and --max-upload-mb must be > 0, --burst at least 1, "
                             "--checkpoint-every at least 0")  # fmt: skip
        settings = Settings(db=db, key=key, evidence=evidence, rate_per_minute=rate_limit, burst=burst,
                            max_upload=int(max_upload_mb * 1024 * 1024), checkpoint_every=checkpoint_every)  # fmt: skip
        app = create_app(settings)
    except CeasefireError as error:
        for line in error.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"ceasefire: serving {db} on http://{host}:{port}/api/v1 (OpenAPI: /api/v1/openapi.json)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)

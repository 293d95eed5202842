"""Options several commands share, declared once so their help reads the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["Db", "Evidence", "Key"]

Db = Annotated[str, typer.Option("--db", help="SQLite database file, or a postgresql:// URL.")]
Key = Annotated[
    Path | None,
    typer.Option("--key", help="Log signing key file (default for SQLite: DB.key; env CEASEFIRE_LOG_KEY)."),
]
Evidence = Annotated[
    Path | None,
    typer.Option("--evidence", help="Evidence folder (default for SQLite: DB.evidence; env CEASEFIRE_EVIDENCE_DIR)."),
]

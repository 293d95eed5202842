"""Options several commands share, declared once so their help reads the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["AgreementFile", "Db", "EventFiles", "Evidence", "Key", "NewsFiles", "Sheet", "SkipBadRows", "TextEncoding"]

AgreementFile = Annotated[Path, typer.Argument(help="Agreement YAML file.")]
EventFiles = Annotated[
    list[Path], typer.Argument(help="Event files: ACLED/UCDP CSV, GDELT TSV, GeoJSON, news text (.txt, .html).")
]
NewsFiles = Annotated[list[Path], typer.Argument(help="News articles, plain text or HTML (UTF-8).")]
SkipBadRows = Annotated[bool, typer.Option("--skip-bad-rows", help="Count bad rows instead of stopping.")]
TextEncoding = Annotated[
    str | None, typer.Option("--encoding", help="The events files' text encoding, e.g. cp1252 (default: detected).")
]
Sheet = Annotated[str | None, typer.Option("--sheet", help="The sheet of .xlsx events files (default: the first).")]
Db = Annotated[str, typer.Option("--db", help="SQLite database file, or a postgresql:// URL.")]
Key = Annotated[
    Path | None,
    typer.Option("--key", help="Log signing key file (default for SQLite: DB.key; env CEASEFIRE_LOG_KEY)."),
]
Evidence = Annotated[
    Path | None,
    typer.Option("--evidence", help="Evidence folder (default for SQLite: DB.evidence; env CEASEFIRE_EVIDENCE_DIR)."),
]

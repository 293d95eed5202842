"""``ceasefire inspect``: what events files hold, before verifying them (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.cli.options import Sheet, TextEncoding
from ceasefire.errors import UsageError

__all__ = ["inspect_events"]

InspectedFiles = Annotated[
    list[Path], typer.Argument(help="Events files: any that verify reads, also .zip, .gz, .xlsx.")
]


def inspect_events(
    events: InspectedFiles,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    encoding: TextEncoding = None,
    sheet: Sheet = None,
) -> None:
    """Show what events files hold before verifying them: format and version, encoding, date
    order and why, rows by class (incidents, without a place, not incidents, bad rows by reason)
    with the first line of each, date range, countries, precision codes.

    Example: ceasefire inspect examples/syria-2016-09/incidents.csv --format json

    Exit codes: 0 every file read, even with bad rows (inspect reports, verify decides); 2 a file
    could not be read at all (each such file is still listed, with its error).
    """
    from ceasefire.sources.inspect import inspect_files, render_text

    if fmt not in ("table", "json"):
        raise UsageError(f"--format: '{fmt}' is not one of table, json")
    reports = inspect_files(events, encoding=encoding, sheet=sheet)
    if fmt == "json":
        typer.echo(json.dumps({"files": [r.as_dict() for r in reports]}, indent=2, ensure_ascii=False))
    else:
        typer.echo(render_text(reports), nl=False)
    if any(r.error for r in reports):
        raise typer.Exit(2)

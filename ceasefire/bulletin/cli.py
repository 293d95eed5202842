"""``ceasefire bulletin``: the daily bulletin of one day of the newest verification run.

Importing this module is cheap: the store, Jinja2 and WeasyPrint load when the command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.clitools import emit_bytes
from ceasefire.errors import CeasefireError, UsageError
from ceasefire.extras import require_extra

__all__ = ["bulletin"]

FORMATS = ("html", "pdf", "json")
_NEEDS = "0010_publications"  # the newest migration whose tables a bulletin reads


def bulletin(
    db: Annotated[str, typer.Option("--db", help="SQLite database file, or a postgresql:// URL.")],
    date: Annotated[str, typer.Option("--date", help="The day (YYYY-MM-DD), in the agreement's timezone.")],
    fmt: Annotated[str, typer.Option("--format", help="html | pdf | json")] = "html",
    out: Annotated[Path | None, typer.Option("--out", help="Write here (atomically) instead of stdout.")] = None,
) -> None:
    """The daily bulletin of one day of the newest verification run: counts by party, obligation,
    area and weapon, notable incidents, routes and besieged areas, clocks, claims and a map.

    HTML and JSON go to stdout unless --out is given; PDF needs --out, or a stdout that is not a
    terminal (a pipe or a file).

    Example: ceasefire bulletin --db syria.db --date 2016-09-19 --format pdf --out 2016-09-19.pdf

    Exit codes: 0 done; 2 bad input (a bad date, a day outside the run, a database without runs).
    """
    try:
        if fmt not in FORMATS:
            raise UsageError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
        if fmt == "pdf" and out is None and sys.stdout.isatty():
            raise UsageError("--format pdf: give --out FILE, or redirect stdout to a file (no PDF on a terminal)")
        if fmt == "pdf":
            require_extra("pdf", needed_for="ceasefire bulletin --format pdf")
        else:
            require_extra("server", ("jinja2",), needed_for="ceasefire bulletin")
        data = _make(db, date, fmt)
    except CeasefireError as error:
        for line in error.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
    emit_bytes(data, out)


def _make(db: str, date: str, fmt: str) -> bytes:
    """The bulletin's bytes (HTML and JSON in UTF-8)."""
    from ceasefire.bulletin import daily, gather, render
    from ceasefire.store import StoreError, open_store

    day = gather.parse_day(date)
    store = open_store(db)
    try:
        applied = store.migrations()
        if not applied:
            raise StoreError(f"{store.url}: not a ceasefire database; create it with `ceasefire init`")
        if _NEEDS not in applied:
            raise StoreError(
                f"{store.url}: made by an older ceasefire; apply its migrations first (`ceasefire serve` does)"
            )
        run = gather.newest_run(store)
        inputs = gather.inputs(store, run, store.run_findings(run.id), published=run.id in store.published_runs())
    finally:
        store.close()
    made = daily.compute(inputs, day)
    if fmt == "pdf":
        return render.pdf(made, inputs.agreement)
    if fmt == "json":
        return (json.dumps(render.to_json(made), ensure_ascii=False) + "\n").encode("utf-8")
    return render.html(made, inputs.agreement).encode("utf-8")

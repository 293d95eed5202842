"""``ceasefire bulletin``: the daily bulletin of one day of the newest verification run.

Importing this module is cheap: the store, Jinja2 and WeasyPrint load when the command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.cli.options import Db
from ceasefire.cli.output import emit_bytes
from ceasefire.errors import UsageError
from ceasefire.extras import require_extra

__all__ = ["bulletin"]

BULLETIN_FORMATS = ("html", "pdf", "json")


def bulletin(
    db: Db,
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
    if fmt not in BULLETIN_FORMATS:
        raise UsageError(f"--format: '{fmt}' is not one of {', '.join(BULLETIN_FORMATS)}")
    if fmt == "pdf" and out is None and sys.stdout.isatty():
        raise UsageError("--format pdf: give --out FILE, or redirect stdout to a file (no PDF on a terminal)")
    if fmt == "pdf":
        require_extra("pdf", needed_for="ceasefire bulletin --format pdf")
    else:
        require_extra("server", ("jinja2",), needed_for="ceasefire bulletin")
    data = _bulletin_bytes(db, date, fmt)
    emit_bytes(data, out)


def _bulletin_bytes(db: str, date: str, fmt: str) -> bytes:
    """The bulletin's bytes (HTML and JSON in UTF-8)."""
    from ceasefire.bulletin import daily, gather, render

    day = gather.parse_day(date)
    inputs = gather.newest_run_inputs(db)
    made = daily.compute(inputs, day)
    if fmt == "pdf":
        return render.pdf(made, inputs.agreement)
    if fmt == "json":
        return (json.dumps(render.to_json(made), ensure_ascii=False) + "\n").encode("utf-8")
    return render.html(made, inputs.agreement).encode("utf-8")

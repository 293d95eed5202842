"""``ceasefire convert``: event files to Parquet, streaming."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ceasefire.cli.options import EventFiles, SkipBadRows
from ceasefire.cli.output import progress_bar
from ceasefire.errors import UsageError
from ceasefire.extras import require_extra

__all__ = ["convert"]

CONVERT_TARGETS = ("parquet",)  # what `convert --to` takes


def convert(
    events: EventFiles,
    to: Annotated[str, typer.Option("--to", help="Target format: parquet.")] = "parquet",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Parquet file to write (default: the first input's name with .parquet)."),
    ] = None,
    skip_bad_rows: SkipBadRows = False,
) -> None:
    """Convert event files to one Parquet file of normalized incidents, in constant memory.

    Example: ceasefire convert events.csv more-events.tsv --to parquet --out events.parquet

    Exit codes: 0 done; 2 bad input (one line naming file, line or field; nothing written).
    """
    if to not in CONVERT_TARGETS:
        raise UsageError(f"--to: '{to}' is not one of {', '.join(CONVERT_TARGETS)}")
    require_extra("scale", ("pyarrow",), needed_for="ceasefire convert")
    from ceasefire.scale.convert import convert as run_convert

    target = out or events[0].with_suffix(".parquet")
    if target.resolve() in {e.resolve() for e in events}:
        raise UsageError(f"--out {target}: would overwrite an input; name another file")
    with progress_bar("converting") as progress:
        written, bad_rows = run_convert(events, target, skip_bad_rows=skip_bad_rows, progress=progress)
    skipped = f", {bad_rows.count} bad rows skipped" if bad_rows.count else ""
    typer.echo(f"{target}: {written} incidents{skipped}")

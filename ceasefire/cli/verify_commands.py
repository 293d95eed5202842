"""``ceasefire check`` and ``ceasefire verify``: an agreement alone, then against event files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.arrow_memory import use_jemalloc
from ceasefire.cli.options import AgreementFile, EventFiles, Sheet, SkipBadRows, TextEncoding
from ceasefire.cli.output import emit, emit_binary, progress_bar
from ceasefire.errors import UsageError
from ceasefire.extras import require_extra

__all__ = ["check", "verify"]

Engine = Annotated[str, typer.Option("--engine", help="local | dask: verify partitions in this process or on Dask.")]
Scheduler = Annotated[
    str | None, typer.Option("--scheduler", help="Dask scheduler tcp://HOST:PORT (default: a local cluster).")
]
ClaimFiles = Annotated[
    list[Path] | None, typer.Option("--claims", help="News text: set its claims against the findings.")
]


def check(agreement: AgreementFile) -> None:
    """Validate an agreement file: exit 0 when valid, else exit 2 and one FILE:LINE line per problem.

    Example: ceasefire check examples/syria-2016-09/agreement.yaml
    """
    from ceasefire.agreement import load_agreement

    loaded = load_agreement(agreement)
    typer.echo(
        f"{agreement}: ok: {len(loaded.parties)} parties, {len(loaded.obligations)} obligations, "
        f"{len(loaded.zones)} zones, {len(loaded.routes)} routes, {len(loaded.lines)} lines"
    )


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not a date; use YYYY-MM-DD") from None


def _check_format(fmt: str, out: Path | None) -> None:
    """Refuse an unknown format, and a binary one (parquet, arrow) bound for a terminal or
    without pyarrow, before any input is read."""
    from ceasefire.formats import OUTPUT_FORMATS

    if fmt not in OUTPUT_FORMATS:
        raise UsageError(f"--format: '{fmt}' is not one of {', '.join(OUTPUT_FORMATS)}")
    if fmt in ("parquet", "arrow"):
        if out is None and sys.stdout.isatty():
            raise UsageError(f"--format {fmt} is binary: give --out FILE or redirect stdout to a file or pipe")
        require_extra("scale", ["pyarrow"], needed_for=f"ceasefire verify --format {fmt}")


def _check_engine(engine: str, scheduler: str | None, claims: bool) -> None:
    """Refuse options that do not go together, or need an extra not installed, before any input is read."""
    if scheduler is not None and engine != "dask":
        raise UsageError("--scheduler: only with --engine dask")
    if engine == "dask":
        require_extra("scale", needed_for="ceasefire verify --engine dask")
    if claims:
        require_extra("news", needed_for="ceasefire verify --claims")


def verify(
    agreement: AgreementFile,
    events: EventFiles,
    date_from: Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="table | json | csv | geojson | hxl | parquet | arrow (the last two binary)"),
    ] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
    skip_bad_rows: SkipBadRows = False,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    claims: ClaimFiles = None,
    encoding: TextEncoding = None,
    sheet: Sheet = None,
) -> None:
    """Verify incidents against every obligation of an agreement.

    Example: ceasefire verify examples/syria-2016-09/agreement.yaml examples/syria-2016-09/incidents.csv --format json

    --format parquet and --format arrow (Arrow IPC file) write the findings as columns, to --out
    FILE or to a stdout that is not a terminal.

    Exit codes: 0 done; 2 bad input (one line naming file, line or field).
    """
    from ceasefire.agreement import load_agreement
    from ceasefire.formats import render, render_binary
    from ceasefire.pipeline import attach_claims
    from ceasefire.pipeline import verify as run_verify

    _check_format(fmt, out)
    _check_engine(engine, scheduler, bool(claims))
    loaded = load_agreement(agreement)
    use_jemalloc()  # the columnar intake and outputs: less of their CPU spent in the kernel
    with progress_bar("reading events") as progress:
        result = run_verify(
            loaded,
            events,
            date_from=_date(date_from, "--from"),
            date_to=_date(date_to, "--to"),
            skip_bad_rows=skip_bad_rows,
            progress=progress,
            engine=engine,
            scheduler=scheduler,
            encoding=encoding,
            sheet=sheet,
        )
    for note in result.intake.encoding_notes():
        typer.echo(note, err=True)
    if claims:
        attach_claims(result, claims)
    if fmt in ("parquet", "arrow"):
        emit_binary(lambda fp: render_binary(result, fmt, fp), out, f"--format {fmt}")
    else:
        emit(lambda fp: render(result, fmt, fp), out)

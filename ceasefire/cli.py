"""Command line: parse, call the library, print. Every CeasefireError becomes one line per problem
on stderr and exit code 2; nothing here decides what a finding is.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from ceasefire import EXAMPLES, __version__
from ceasefire.api import cli as serve_cli
from ceasefire.bulletin.cli import bulletin
from ceasefire.clitools import emit, progress_bar
from ceasefire.errors import CeasefireError, UsageError
from ceasefire.extras import require_extra
from ceasefire.news.cli import claims, extract
from ceasefire.scale.cli import convert
from ceasefire.store import cli as store_cli

app = typer.Typer(
    name="ceasefire",
    help="Verify compliance with ceasefire agreements.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"ceasefire {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and stop.", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    """Verify compliance with ceasefire agreements (docs/cli.md)."""


def fail(error: CeasefireError) -> typer.Exit:
    for line in error.lines:
        typer.echo(line, err=True)
    return typer.Exit(2)


@app.command()
def check(
    agreement: Annotated[Path, typer.Argument(help="Agreement YAML file.")],
) -> None:
    """Validate an agreement file: exit 0 when valid, else exit 2 and one FILE:LINE line per problem.

    Example: ceasefire check examples/syria-2016-09/agreement.yaml
    """
    from ceasefire.agreement import load_agreement

    try:
        loaded = load_agreement(agreement)
    except CeasefireError as error:
        raise fail(error) from None
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


@app.command()
def verify(
    agreement: Annotated[Path, typer.Argument(help="Agreement YAML file.")],
    events: Annotated[list[Path], typer.Argument(help="Event files: ACLED/UCDP CSV, GDELT TSV, GeoJSON.")],
    date_from: Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv | geojson | hxl")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
    skip_bad_rows: Annotated[bool, typer.Option("--skip-bad-rows", help="Count bad rows instead of stopping.")] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="local | dask: verify partitions in this process or on Dask.")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler tcp://HOST:PORT (default: a local cluster).")
    ] = None,
    claims: Annotated[
        list[Path] | None, typer.Option("--claims", help="News text: set its claims against the findings.")
    ] = None,
) -> None:
    """Verify incidents against every obligation of an agreement.

    Example: ceasefire verify examples/syria-2016-09/agreement.yaml examples/syria-2016-09/incidents.csv --format json

    Exit codes: 0 done; 2 bad input (one line naming file, line or field).
    """
    from ceasefire.agreement import load_agreement
    from ceasefire.formats import FORMATS, render
    from ceasefire.pipeline import attach_claims
    from ceasefire.pipeline import verify as run_verify

    try:
        if fmt not in FORMATS:
            raise UsageError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
        if scheduler is not None and engine != "dask":
            raise UsageError("--scheduler: only with --engine dask")
        if engine == "dask":
            require_extra("scale", needed_for="ceasefire verify --engine dask")
        if claims:
            require_extra("news", needed_for="ceasefire verify --claims")
        loaded = load_agreement(agreement)
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
            )
        if claims:
            attach_claims(result, claims)
        emit(lambda fp: render(result, fmt, fp), out)
    except CeasefireError as error:
        raise fail(error) from None


# Registered commands: each lives with its own package; importing them stays cheap (no spaCy,
# no database driver at import time). Add one line per command here.
app.command()(extract)
app.command()(claims)
app.command()(store_cli.init)
app.command("import")(store_cli.import_events)
app.add_typer(store_cli.token_app)
app.add_typer(store_cli.log_app)
app.command()(convert)
app.command()(serve_cli.serve)
app.command()(bulletin)

EXAMPLE = EXAMPLES / "syria-2016-09"


@app.command()
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
        typer.echo(
            f"{example}: no agreement.yaml and incidents.csv here (--example names a folder that has both)", err=True
        )
        raise typer.Exit(2)
    if not no_serve:  # checked first: a missing extra must not stop the demo half-way
        try:
            require_extra("server", needed_for="ceasefire demo (serving; --no-serve does without)")
            require_extra("news", needed_for="ceasefire demo (the news claims; --no-serve does without)")
        except CeasefireError as error:
            raise fail(error) from None
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
        serve_cli.serve_demo(example, db, host, port, open_browser=not no_browser)


def main() -> None:
    try:
        app()
    except CeasefireError as error:  # a last guard: never a traceback for input problems
        for line in error.lines:
            print(line, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()

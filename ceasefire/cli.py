"""Command line: parse, call the library, print. Every CeasefireError becomes one line per problem
on stderr and exit code 2; nothing here decides what a finding is.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ceasefire.errors import CeasefireError

app = typer.Typer(
    name="ceasefire",
    help="Verify compliance with ceasefire agreements.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root() -> None:
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


def main() -> None:
    try:
        app()
    except CeasefireError as error:  # a last guard: never a traceback for input problems
        for line in error.lines:
            print(line, file=sys.stderr)
        sys.exit(2)

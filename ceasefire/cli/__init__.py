"""The command line (docs/cli.md): each command parses its options, calls the library and prints.

::

    ceasefire.cli              the root app: every command registered here, once
      exits                    every CeasefireError -> one line per problem on stderr, exit code 2
      options                  options several commands share (--db, --key, --evidence)
      output                   atomic output files, the progress bar
      verify_commands          check, verify
      inspect_commands         inspect
      news_commands            extract, claims
      store_commands           init, import, token create, log verify, log checkpoint
      scale_commands           convert
      serve_commands           serve, demo
      bulletin_commands        bulletin

Importing any of these is cheap: FastAPI, spaCy, the database drivers and WeasyPrint load when a
command runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ceasefire import __version__
from ceasefire.cli import store_commands
from ceasefire.cli.bulletin_commands import bulletin
from ceasefire.cli.exits import OneLineErrors
from ceasefire.cli.inspect_commands import inspect_events
from ceasefire.cli.news_commands import claims, extract
from ceasefire.cli.scale_commands import convert
from ceasefire.cli.serve_commands import demo, serve
from ceasefire.cli.verify_commands import check, verify

__all__ = ["app", "main"]

app = typer.Typer(
    name="ceasefire",
    cls=OneLineErrors,
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


# One line per command, in the order `ceasefire --help` lists them.
app.command()(check)
app.command()(verify)
app.command("inspect")(inspect_events)
app.command()(extract)
app.command()(claims)
app.command()(store_commands.init)
app.command("import")(store_commands.import_events)
app.add_typer(store_commands.token_app)
app.add_typer(store_commands.log_app)
app.command()(convert)
app.command()(serve)
app.command()(bulletin)
app.command()(demo)


def main() -> None:
    """The ``ceasefire`` console script."""
    app()

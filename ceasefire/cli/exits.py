"""How a command fails, decided once for every command: a ``CeasefireError`` becomes one line per
problem on stderr and exit code 2 (docs/cli.md), so commands just raise. Click's own usage errors
(an unknown option) exit 2 too; ``log verify`` raises ``typer.Exit(1)`` itself when the log is altered.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from ceasefire.errors import CeasefireError

__all__ = ["INPUT_ERROR", "OneLineErrors"]

INPUT_ERROR = 2  # the exit code of every CeasefireError


class OneLineErrors(TyperGroup):
    """The root command group: the commands and sub-commands it invokes run inside this handler."""

    # ctx is Any: typer ships its own click, whose Context (the type this overrides) is private.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CeasefireError as error:
            for line in error.lines:
                typer.echo(line, err=True)
            raise typer.Exit(INPUT_ERROR) from None

"""Field types every request model shares."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

__all__ = ["Plain"]


def _no_nul(value: str) -> str:
    if "\x00" in value:  # PostgreSQL text cannot hold it; refuse it on every backend alike
        raise ValueError("NUL characters (U+0000) are not allowed in text")
    return value


Plain = Annotated[str, AfterValidator(_no_nul)]
"""Text without NUL characters: a 422 naming the field instead of a database error."""

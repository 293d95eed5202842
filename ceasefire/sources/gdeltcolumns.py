"""GDELT event files read column by column (issue 16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ceasefire.sources.formats import Detected
from ceasefire.sources.rows import BadRows

__all__ = ["gdelt_columns"]


def gdelt_columns(data: bytes, detected: Detected, bad_rows: BadRows, today: dt.date | None) -> dict[str, Any] | None:
    """None: the row reader reads GDELT files."""
    return None

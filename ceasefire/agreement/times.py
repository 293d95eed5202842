"""Dates and times of an agreement: ISO 8601 strings, read in the agreement's timezone.

A date-time with a UTC offset keeps it; one without is local time in the agreement's
``timezone``; a bare date means 00:00 local time that day. Every returned datetime is aware.
"""

from __future__ import annotations

import datetime as dt
import difflib
import zoneinfo

from ceasefire.agreement.nodes import Node, describe

__all__ = ["EPOCH", "read_date", "read_moment", "read_timezone"]

# Stands in for a required time that was missing or wrong, after that problem was reported (the
# loader then raises, so it never reaches a caller).
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_MOMENT_EXAMPLE = "a date-time such as 2016-09-12T19:00:00+03:00 or a date such as 2016-09-12"


def read_timezone(parent: Node, key: str = "timezone") -> zoneinfo.ZoneInfo | None:
    """The IANA timezone named at ``key``; ``None`` (and a problem) when absent or unknown."""
    name = parent.text(key)
    if name is None:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    close = difflib.get_close_matches(name, zoneinfo.available_timezones(), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "use an IANA name such as Asia/Damascus"
    parent.at(key).problem(f"unknown timezone {describe(name)}; {hint}")
    return None


def read_moment(parent: Node, key: str, zone: dt.tzinfo | None, required: bool = False) -> dt.datetime | None:
    """The aware datetime at ``key``; naive values and bare dates are read in ``zone``.

    ``zone`` is ``None`` when the agreement's timezone is itself wrong (already reported); UTC is
    then used so that checking can go on.
    """
    node = parent.field(key, required)
    if node is None:
        return None
    parsed: dt.datetime | None = None
    if isinstance(node.value, str):
        try:
            parsed = dt.datetime.fromisoformat(node.value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        node.problem(f"expected {_MOMENT_EXAMPLE}, got {describe(node.value)}")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or dt.UTC)
    return parsed


def read_date(parent: Node, key: str) -> dt.date | None:
    """The calendar date at ``key`` (optional)."""
    node = parent.field(key, False)
    if node is None:
        return None
    if isinstance(node.value, str):
        try:
            return dt.date.fromisoformat(node.value.strip())
        except ValueError:
            pass
    node.problem(f"expected a date such as 2016-09-09, got {describe(node.value)}")
    return None

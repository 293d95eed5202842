"""Event dates as the sources write them.

Accepted, and nothing else (docs/inputs.md):

======================  =====================================================================
``2016-09-19``          ISO 8601 calendar date; a time of day, and a UTC offset or ``Z``, may
                        follow after a space or ``T`` (``2016-09-19 00:00:00.000``, as UCDP
                        exports write it, ``2016-09-19T00:00:00Z``): ignored
``19 September 2016``   day, English month name or three-letter abbreviation, year; the
``19-September-2016``   separator is a space or a hyphen, the same one twice
``19-Sep-16``           the same with a two-digit year: 69-99 mean 1969-1999, 00-68 mean
                        2000-2068 (the POSIX ``%y`` pivot)
``9/19/2016``           month/day/year, US order, four-digit year
======================  =====================================================================

Month names are matched case-insensitively.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

__all__ = ["DATE_FORMATS_HELP", "not_future", "parse_date"]

DATE_FORMATS_HELP = "2016-09-19, 19 September 2016, 19-Sep-16 or 9/19/2016"

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_NAMED = re.compile(r"(\d{1,2})([ -])([A-Za-z]{3,9})\2(\d{4}|\d{2})")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MONTHS = {
    name: number
    for number, full in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
    for name in (full, full[:3])
}


def not_future(day: dt.date, today: dt.date) -> dt.date:
    """``day``, or ``ValueError`` when it is after the day after ``today``: no event has
    happened yet then (the day's grace covers places ahead of UTC). The caller gives the clock:
    the API passes the current UTC date for a submitted report; a file's readers take it as a
    parameter, None by default, so that a file's findings never depend on the day it is read."""
    if day > today + dt.timedelta(days=1):
        raise ValueError(f"{day.isoformat()} is in the future")
    return day


@functools.lru_cache(maxsize=4096)  # many events share a day: most rows hit the cache
def parse_date(text: str) -> dt.date:
    """The calendar date ``text`` names; ``ValueError`` with a readable reason otherwise."""
    text = text.strip()
    try:
        return _parse(text)
    except ValueError as error:  # a shape we know with an impossible day, e.g. 2016-02-30
        raise ValueError(f"{text!r} is not a valid date ({error})") from None
    except LookupError:
        raise ValueError(f"{text!r} is not a date (expected {DATE_FORMATS_HELP})") from None


def _parse(text: str) -> dt.date:
    """Raise ``LookupError`` for an unknown shape, ``ValueError`` for an impossible date."""
    if (match := _ISO.fullmatch(text)) is not None:
        year, month, day = match.groups()
        return dt.date(int(year), int(month), int(day))
    if (match := _NAMED.fullmatch(text)) is not None:
        day, _, month_name, year = match.groups()
        return dt.date(_full_year(year), _MONTHS[month_name.lower()], int(day))
    if (match := _US.fullmatch(text)) is not None:
        month, day, year = match.groups()
        return dt.date(int(year), int(month), int(day))
    raise LookupError(text)


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    short = int(year)
    return 1900 + short if short >= 69 else 2000 + short

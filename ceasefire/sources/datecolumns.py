"""Day-first or month-first: decided once per date column, never per value (issue 12).

Spreadsheets re-save dates in their locale: ``14/08/2020 00:00:00`` (day first, Europe),
``1/22/2014 12:00:00 AM`` (month first, US), ``14.08.2020``, or an Excel serial day number
(``42632``). A value like ``05/02/2014`` says nothing by itself, so a reader scans the column
(``DateScan``) for the first value that can only be read one way (a first or second number above
12) and reads every value of the column in that order (``DateColumn``). When no value decides,
the source's convention does (``CONVENTION``), and the file's counts say so. A value that can only
be read the other way is a bad row whose message names both: itself and the value that decided.

Values that are not day/month numbers (ISO dates, ``19 September 2016``) pass through unchanged
to ``dates.parse_date``; day/month numbers and Excel serials become ISO dates first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ceasefire.sources.rows import RowError

__all__ = ["CONVENTION", "DAY_FIRST", "MONTH_FIRST", "DateColumn", "DateScan", "Evidence", "decide"]

DAY_FIRST, MONTH_FIRST = "day-first", "month-first"
# When no value decides: the order each source writes or is written in (docs/inputs.md).
CONVENTION = {
    "acled": (DAY_FIRST, "ACLED writes the day before the month (19 September 2016, 19/09/2016)"),
    "geojson": (DAY_FIRST, "ACLED writes the day before the month (19 September 2016, 19/09/2016)"),
    "ucdp": (MONTH_FIRST, "UCDP files re-saved by a US-locale spreadsheet write 9/19/2016"),
}
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")  # Excel day numbers 10000-99999: 1927 to 2173
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 counting Excel's 29 Feb 1900
_CACHE_LIMIT = 1 << 16


@dataclass(frozen=True)
class Evidence:
    """The value that decided a column's order, and where it stands."""

    order: str
    value: str
    line: int

    def why(self) -> str:
        return f"{self.value!r} at line {self.line} can only be {self.order}"


class DateScan:
    """Watches date values until one can only be read day-first or month-first."""

    def __init__(self) -> None:
        self.evidence: Evidence | None = None
        self.numeric = False  # any day/month-number value seen
        self.seen = False  # any value seen

    def see(self, value: str, line: int) -> bool:
        """Look at one value; True once the order is decided."""
        if self.evidence is not None:
            return True
        self.seen = True
        match = _NUMERIC.fullmatch(value.strip())
        if match is None:
            return False
        self.numeric = True
        first, second = int(match[1]), int(match[3])
        if first > 12 >= second:
            self.evidence = Evidence(DAY_FIRST, value.strip(), line)
        elif second > 12 >= first:
            self.evidence = Evidence(MONTH_FIRST, value.strip(), line)
        return self.evidence is not None


def decide(scan: DateScan, source: str) -> tuple[str, str]:
    """(order, why) for the columns scanned; order "" when they hold no day/month numbers."""
    if scan.evidence is not None:
        return scan.evidence.order, scan.evidence.why()
    if not scan.numeric:
        return "", "ISO dates or month names: no order to infer" if scan.seen else ""
    order, reason = CONVENTION.get(source, CONVENTION["ucdp"])
    return order, f"no value says which number is the day: {reason}"


class DateColumn:
    """Converts a column's day/month numbers and Excel serials to ISO dates, in one order."""

    def __init__(self, order: str, evidence: Evidence | None = None) -> None:
        self.order = order or MONTH_FIRST  # no numbers seen so far: the order readers always used
        self.evidence = evidence
        self._cache: dict[str, str] = {}

    def __call__(self, column: str, text: str) -> str:
        """``text`` as ``parse_date`` reads it; ``RowError`` when it contradicts the order."""
        known = self._cache.get(text)
        if known is not None:
            return known
        converted = self._convert(column, text)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[text] = converted
        return converted

    def _convert(self, column: str, text: str) -> str:
        value = text.strip()
        if (match := _NUMERIC.fullmatch(value)) is not None:
            first, second, year = int(match[1]), int(match[3]), _full_year(match[4])
            day, month = (first, second) if self.order == DAY_FIRST else (second, first)
            if month > 12 and day <= 12:
                raise RowError(column, self._contradiction(value))
            return _iso(column, value, year, month, day)
        if (match := _YEAR_FIRST.fullmatch(value)) is not None:
            return _iso(column, value, int(match[1]), int(match[3]), int(match[4]))
        if (match := _SERIAL.fullmatch(value)) is not None:
            return (_EXCEL_EPOCH + dt.timedelta(days=int(match[1]))).isoformat()
        return text

    def _contradiction(self, value: str) -> str:
        other = MONTH_FIRST if self.order == DAY_FIRST else DAY_FIRST
        decided = self.evidence.why() if self.evidence is not None else "by the source's convention"
        return f"{value!r} can only be {other}, but this column is {self.order}: {decided}"


def _iso(column: str, value: str, year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as error:
        raise RowError(column, f"{value!r} is not a valid date ({error})") from None


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    short = int(year)
    return 1900 + short if short >= 69 else 2000 + short  # the POSIX %y pivot, as dates.py

"""How precise a source says a place and a date are, as a radius in metres and a date range.

Every source codes precision its own way; ``PLACE_PRECISION`` is the one table that turns a
source's place code into the radius of the disc the event may have happened in. The radii for
ACLED levels 2 and 3 are the minimums docs/contracts.md fixes (5 km and 25 km); docs/inputs.md repeats
the table for readers.

An ``Incident`` keeps the source's own code in ``geo_precision`` (so GDELT's 1 means "country")
and the comparable measure in ``radius_m``: rules compare radii, never codes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple

__all__ = [
    "ACLED_TIME_PRECISION",
    "PLACE_PRECISION",
    "UCDP_DATE_PRECISION",
    "PlacePrecision",
    "acled_date_range",
    "place_codes",
    "radius_m",
]


class PlacePrecision(NamedTuple):
    scale: str  # acled (also GeoJSON) | ucdp | gdelt | news
    column: str  # the source column holding the code
    code: int
    radius_m: float
    meaning: str


PLACE_PRECISION: tuple[PlacePrecision, ...] = (
    PlacePrecision("acled", "geo_precision", 1, 0.0, "the town or place named"),
    PlacePrecision("acled", "geo_precision", 2, 5_000.0, "near the town named, or part of it"),
    PlacePrecision("acled", "geo_precision", 3, 25_000.0, "only the wider region is known"),
    PlacePrecision("ucdp", "where_prec", 1, 0.0, "the exact place"),
    PlacePrecision("ucdp", "where_prec", 2, 25_000.0, "within about 25 km of a known point"),
    PlacePrecision("ucdp", "where_prec", 3, 25_000.0, "only the district (ADM2) is known"),
    PlacePrecision("ucdp", "where_prec", 4, 100_000.0, "only the province (ADM1) is known"),
    PlacePrecision("ucdp", "where_prec", 5, 25_000.0, "a road, river or border stretch"),
    PlacePrecision("ucdp", "where_prec", 6, 300_000.0, "only the country is known"),
    PlacePrecision("ucdp", "where_prec", 7, 300_000.0, "international waters or airspace"),
    PlacePrecision("gdelt", "ActionGeo_Type", 1, 300_000.0, "country"),
    PlacePrecision("gdelt", "ActionGeo_Type", 2, 100_000.0, "US state"),
    PlacePrecision("gdelt", "ActionGeo_Type", 3, 0.0, "US city"),
    PlacePrecision("gdelt", "ActionGeo_Type", 4, 0.0, "city outside the US"),
    PlacePrecision("gdelt", "ActionGeo_Type", 5, 100_000.0, "first-order division (ADM1)"),
    # News text placed by the gazetteer (sources.news): a governorate named as a whole gets the
    # disc covering its polygon instead, when that is larger.
    PlacePrecision("news", "geo_precision", 1, 2_000.0, "a town or site named in the text"),
    PlacePrecision("news", "geo_precision", 2, 10_000.0, "near a town named, its countryside or outskirts"),
    PlacePrecision("news", "geo_precision", 3, 25_000.0, "a region or governorate known only as a whole"),
)

_RADIUS: dict[str, dict[int, float]] = {}
for _row in PLACE_PRECISION:
    _RADIUS.setdefault(_row.scale, {})[_row.code] = _row.radius_m

# ACLED time_precision: 1 the day, 2 the date +-3 days, 3 the calendar month of the date.
ACLED_TIME_PRECISION = (1, 2, 3)
ACLED_NEAR_DAYS = 3
# UCDP date_prec 1-5 describes date_start..date_end, which already spans the uncertainty.
UCDP_DATE_PRECISION = (1, 2, 3, 4, 5)


def place_codes(scale: str) -> tuple[int, ...]:
    """The place-precision codes a source defines, in ascending order."""
    return tuple(sorted(_RADIUS[scale]))


def radius_m(scale: str, code: int) -> float:
    """The radius for ``code`` on ``scale``; ``KeyError`` when the code is not defined."""
    return _RADIUS[scale][code]


def acled_date_range(date: dt.date, time_precision: int) -> tuple[dt.date, dt.date]:
    """First and last day an ACLED event with this ``time_precision`` may have happened on.

    ``KeyError`` for an undefined code; ``ValueError`` when the range leaves the calendar.
    """
    if time_precision == 1:
        return date, date
    if time_precision == 2:
        near = dt.timedelta(days=ACLED_NEAR_DAYS)
        try:
            return date - near, date + near
        except OverflowError:  # within 3 days of year 1 or 9999: no real event is
            raise ValueError(f"{date} is too close to the limits of the calendar") from None
    if time_precision == 3:
        last = calendar.monthrange(date.year, date.month)[1]
        return date.replace(day=1), date.replace(day=last)
    raise KeyError(time_precision)

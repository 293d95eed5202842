"""UCDP GED text columns -> the raw columns ``IncidentTable.from_columns`` takes (issue 16).

What ``ucdp.ucdp_incident`` does to one row, done to a whole table of string columns: each field
parsed once per distinct value (``columns.Applied``) with the row reader's own helpers, the
coordinates in bulk. The date columns arrive as ``parse_date`` reads them (the day/month order
already applied). A row any check refuses is flagged in the ``Checks``, not reported: the caller
reads it again with ``ucdp_incident`` for the message (``columnar.Replay``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ceasefire.model import REPORT_PREFIX
from ceasefire.sources.columns import Applied, Checks, categorical, text_coordinates, weapons
from ceasefire.sources.fields import parse_code, parse_count, parse_day
from ceasefire.sources.precision import UCDP_DATE_PRECISION, place_codes, radius_m
from ceasefire.sources.rows import RowError
from ceasefire.sources.ucdp import ONE_SIDED, VIOLENCE_TYPES

__all__ = ["ucdp_checked"]

_WHERE_CODES = frozenset(place_codes("ucdp"))
_TEXT = {"actor1": "side_a", "country": "country", "admin1": "adm_1", "location": "where_coordinates"}


def ucdp_checked(table: pa.Table, name: str, today: dt.date | None = None) -> tuple[dict[str, Any], Checks]:
    """Raw columns of every row of a UCDP GED string table (row ``i`` on line ``i + 2``), and
    the rows some check refused (their values are not to be used)."""
    n = table.num_rows
    checks = Checks(n)
    ids = pc.utf8_trim_whitespace(table["id"])
    odd = pc.or_(pc.or_(pc.equal(ids, ""), pc.not_equal(ids, table["id"])), pc.starts_with(ids, REPORT_PREFIX))
    checks.flag(np.asarray(odd.to_numpy(zero_copy_only=False), bool), "id")  # parse_id says what is wrong
    dates = Applied(
        lambda s, e: _date_range(s, e, today),
        [categorical(table, "date_start"), categorical(table, "date_end")],
        checks,
    )
    where = Applied(lambda t: parse_code("where_prec", t, _WHERE_CODES), [categorical(table, "where_prec")], checks)
    first, last = dates.numbers(np.int64, 0), dates.numbers(np.int64, 1)
    geo = where.numbers(np.int8, default=1)
    raw: dict[str, Any] = {
        "id": np.asarray(pc.binary_join_element_wise("UCDP", ids, "").to_numpy(zero_copy_only=False), dtype=object),
        "source": categorical(table, "\0", "ucdp"),
        "file": categorical(table, "\0", name),
        "date": first,
        "date_end": np.where(last != first, last, 0),
        "date_reported": np.zeros(n, np.int64),
        "date_precision": Applied(
            lambda t: parse_code("date_prec", t, UCDP_DATE_PRECISION), [categorical(table, "date_prec")], checks
        ).numbers(np.int8, default=1),
        "lat": text_coordinates(table, "latitude", 90.0, checks),
        "lon": text_coordinates(table, "longitude", 180.0, checks),
        "geo_precision": geo,
        "radius_m": np.array([0.0, *(radius_m("ucdp", c) for c in place_codes("ucdp"))])[geo],
        "event_type": Applied(lambda t: _types(t)[0], [categorical(table, "type_of_violence")], checks).text(),
        "sub_event_type": Applied(lambda t: _types(t)[1], [categorical(table, "type_of_violence")], checks).text(),
        "actor2": Applied(
            _target, [categorical(table, "type_of_violence"), categorical(table, "side_b")], checks
        ).text(),
        "assoc_actor_1": categorical(table, "\0"),
        "assoc_actor_2": categorical(table, "\0"),
        "attacker": Applied(str.strip, [categorical(table, "attacker")], checks).text(),
        "fatalities": Applied(lambda t: parse_count("best", t), [categorical(table, "best")], checks).numbers(np.int64),
        "notes": categorical(table, "source_headline"),
        "source_name": categorical(table, "source_office"),
        "line": np.arange(2, n + 2, dtype=np.int64),
        **{field: categorical(table, column) for field, column in _TEXT.items()},
    }
    raw["weapon"] = weapons(table, raw, checks)
    return raw, checks


def _types(text: str) -> tuple[str, str]:
    return VIOLENCE_TYPES[parse_code("type_of_violence", text, VIOLENCE_TYPES)]


def _target(violence: str, side_b: str) -> str:
    return "Civilians" if parse_code("type_of_violence", violence, VIOLENCE_TYPES) == ONE_SIDED else side_b


def _date_range(start: str, end: str, today: dt.date | None) -> tuple[int, int]:
    """First and last day as ordinals, as ``ucdp._date_range`` reads them."""
    first = parse_day("date_start", start, today)
    last = parse_day("date_end", end, today)
    if last < first:
        raise RowError("date_end", f"{last} is before date_start {first}")
    return first.toordinal(), last.toordinal()

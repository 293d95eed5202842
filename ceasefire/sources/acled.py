"""ACLED CSV exports, current (2019 on) and pre-2019 column sets, as incidents.

Required columns: ``event_id_cnty`` or ``data_id``, ``event_date``, ``event_type``, ``actor1``,
``latitude``, ``longitude``; the others are used when present (docs/inputs.md lists them).
``acled_incident`` is shared with the GeoJSON reader, whose properties use ACLED's names.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import NamedTuple, TextIO

from ceasefire.model import Incident
from ceasefire.sources.fields import (
    no_place,
    parse_code,
    parse_count,
    parse_day,
    parse_id,
    parse_lat,
    parse_lon,
    weapon_or_inferred,
)
from ceasefire.sources.precision import (
    ACLED_TIME_PRECISION,
    acled_date_range,
    place_codes,
    radius_m,
)
from ceasefire.sources.rows import BadRows, RowError
from ceasefire.sources.tables import TableSpec, read_table
from ceasefire.sources.taxonomy import normalize_event_type

__all__ = ["ACLED", "ACLED_DEFAULTS", "AcledRecord", "acled_incident", "read_acled"]


class AcledRecord(NamedTuple):
    """The ACLED fields a reader uses, as text; an absent column holds its default."""

    event_id_cnty: str
    data_id: str
    event_date: str
    time_precision: str
    event_type: str
    sub_event_type: str
    actor1: str
    assoc_actor_1: str
    inter1: str
    actor2: str
    assoc_actor_2: str
    inter2: str
    country: str
    admin1: str
    location: str
    latitude: str
    longitude: str
    geo_precision: str
    source: str
    notes: str
    fatalities: str
    weapon: str
    attacker: str


ACLED_DEFAULTS = {"time_precision": "1", "geo_precision": "1"}
ACLED = TableSpec(
    label="ACLED",
    columns=AcledRecord._fields,
    required=(
        ("event_id_cnty", "data_id"),
        ("event_date",),
        ("event_type",),
        ("actor1",),
        ("latitude",),
        ("longitude",),
    ),
    defaults=ACLED_DEFAULTS,
    aliases={"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"},  # pre-2019 names
    source="acled",
    dates=("event_date",),
)
_GEO_CODES = frozenset(place_codes("acled"))
_TIME_CODES = frozenset(ACLED_TIME_PRECISION)


def read_acled(fp: TextIO, name: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """Incidents from an ACLED CSV export, one row at a time; a date after the day after
    ``today`` is a bad row (None: any date is read)."""

    def build(values: tuple[str, ...], line: int) -> Incident:
        return acled_incident(AcledRecord._make(values), line, source="acled", file=name, today=today)

    return read_table(fp, name, bad_rows, ACLED, build)


def acled_incident(record: AcledRecord, line: int, *, source: str, file: str, today: dt.date | None = None) -> Incident:
    """One incident from ACLED-named fields; ``RowError`` naming the column when one is bad
    (a date after the day after ``today`` among them), ``NoPlace`` when both coordinates are empty."""
    no_place(record.latitude, record.longitude)
    reported, first, last, time_precision = _date_range(record.event_date, record.time_precision, today)
    geo_precision = parse_code("geo_precision", record.geo_precision, _GEO_CODES)
    event_type, sub_event_type = _event_type(record)
    return Incident(
        id=_event_id(record),
        source=source,
        date=first,
        date_end=last if last != first else None,
        date_reported=reported if reported != first else None,
        date_precision=time_precision,
        lat=parse_lat("latitude", record.latitude),
        lon=parse_lon("longitude", record.longitude),
        geo_precision=geo_precision,
        radius_m=radius_m("acled", geo_precision),
        event_type=event_type,
        sub_event_type=sub_event_type,
        actor1=record.actor1,
        assoc_actor_1=record.assoc_actor_1,
        actor2=record.actor2,
        assoc_actor_2=record.assoc_actor_2,
        attacker=record.attacker.strip(),
        weapon=weapon_or_inferred(record.weapon, sub_event_type, record.notes),
        fatalities=parse_count("fatalities", record.fatalities),
        country=record.country,
        admin1=record.admin1,
        location=record.location,
        notes=record.notes,
        source_name=record.source,
        file=file,
        line=line,
    )


def _event_id(record: AcledRecord) -> str:
    return parse_id("event_id_cnty/data_id", record.event_id_cnty or record.data_id)


@functools.lru_cache(maxsize=4096)  # rows share few dates: most rows hit the cache
def _date_range(
    event_date: str, time_precision_code: str, today: dt.date | None
) -> tuple[dt.date, dt.date, dt.date, int]:
    """(the date as reported, first and last possible dates, time precision code)."""
    date = parse_day("event_date", event_date, today)
    time_precision = parse_code("time_precision", time_precision_code, _TIME_CODES)
    try:
        first, last = acled_date_range(date, time_precision)
    except ValueError as error:
        raise RowError("event_date", str(error)) from None
    return date, first, last, time_precision


def _event_type(record: AcledRecord) -> tuple[str, str]:
    try:
        return normalize_event_type(
            record.event_type,
            record.sub_event_type,
            record.notes,
            (record.actor1, record.actor2, record.inter1, record.inter2),
        )
    except ValueError as error:
        raise RowError("event_type", str(error)) from None

"""UCDP Georeferenced Event Dataset (GED) CSV exports as incidents.

``type_of_violence`` 1 (state-based) and 2 (non-state) become Battles / Armed clash between
``side_a`` and ``side_b``; 3 (one-sided) becomes Violence against civilians / Attack by
``side_a`` on "Civilians". Fatalities are UCDP's ``best`` estimate; the date range is
``date_start``..``date_end`` as given, with ``date_prec`` kept as the date precision.
"""

from __future__ import annotations

import datetime as dt
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
from ceasefire.sources.precision import UCDP_DATE_PRECISION, place_codes, radius_m
from ceasefire.sources.rows import BadRows, RowError
from ceasefire.sources.tables import TableSpec, read_table

__all__ = ["UCDP", "UcdpRecord", "read_ucdp", "ucdp_incident"]


class UcdpRecord(NamedTuple):
    """The UCDP GED fields a reader uses, as text; an absent optional column holds ""."""

    id: str
    type_of_violence: str
    side_a: str
    side_b: str
    latitude: str
    longitude: str
    where_prec: str
    date_prec: str
    date_start: str
    date_end: str
    best: str
    country: str
    adm_1: str
    where_coordinates: str
    source_headline: str
    source_office: str
    weapon: str
    attacker: str


UCDP = TableSpec(
    label="UCDP GED",
    columns=UcdpRecord._fields,
    required=tuple(
        (column,)
        for column in (
            "id",
            "type_of_violence",
            "side_a",
            "side_b",
            "latitude",
            "longitude",
            "where_prec",
            "date_prec",
            "date_start",
            "date_end",
            "best",
        )
    ),
    source="ucdp",
    dates=("date_start", "date_end"),
)
# type_of_violence -> (event type, sub event type)
VIOLENCE_TYPES = {
    1: ("Battles", "Armed clash"),  # state-based
    2: ("Battles", "Armed clash"),  # non-state
    3: ("Violence against civilians", "Attack"),  # one-sided
}
ONE_SIDED = 3
_WHERE_CODES = frozenset(place_codes("ucdp"))


def read_ucdp(fp: TextIO, name: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """Incidents from a UCDP GED CSV export, one row at a time; a date after the day after
    ``today`` is a bad row (None: any date is read)."""

    def build(values: tuple[str, ...], line: int) -> Incident:
        return ucdp_incident(UcdpRecord._make(values), line, file=name, today=today)

    return read_table(fp, name, bad_rows, UCDP, build)


def ucdp_incident(record: UcdpRecord, line: int, *, file: str, today: dt.date | None = None) -> Incident:
    """One incident from a UCDP GED row; ``RowError`` naming the column when a field is bad,
    ``NoPlace`` when both coordinates are empty."""
    no_place(record.latitude, record.longitude)
    violence = parse_code("type_of_violence", record.type_of_violence, VIOLENCE_TYPES)
    event_type, sub_event_type = VIOLENCE_TYPES[violence]
    first, last = _date_range(record, today)
    where_prec = parse_code("where_prec", record.where_prec, _WHERE_CODES)
    return Incident(
        id=_event_id(record),
        source="ucdp",
        date=first,
        date_end=last if last != first else None,
        date_precision=parse_code("date_prec", record.date_prec, UCDP_DATE_PRECISION),
        lat=parse_lat("latitude", record.latitude),
        lon=parse_lon("longitude", record.longitude),
        geo_precision=where_prec,
        radius_m=radius_m("ucdp", where_prec),
        event_type=event_type,
        sub_event_type=sub_event_type,
        actor1=record.side_a,
        actor2="Civilians" if violence == ONE_SIDED else record.side_b,
        attacker=record.attacker.strip(),
        weapon=weapon_or_inferred(record.weapon, sub_event_type, record.source_headline),
        fatalities=parse_count("best", record.best),
        country=record.country,
        admin1=record.adm_1,
        location=record.where_coordinates,
        notes=record.source_headline,
        source_name=record.source_office,
        file=file,
        line=line,
    )


def _event_id(record: UcdpRecord) -> str:
    return "UCDP" + parse_id("id", record.id)


def _date_range(record: UcdpRecord, today: dt.date | None) -> tuple[dt.date, dt.date]:
    first = parse_day("date_start", record.date_start, today)
    last = parse_day("date_end", record.date_end, today)
    if last < first:
        raise RowError("date_end", f"{last} is before date_start {first}")
    return first, last

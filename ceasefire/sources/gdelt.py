"""GDELT 1.0 and 2.0 event files (tab-separated, no header) as incidents.

The two versions are told apart by their column count: 57 (GDELT 1.0 backfiles, before April
2013, no SOURCEURL), 58 (GDELT 1.0 daily files) or 61 (GDELT 2.0, which adds an ADM2Code to each
of the three geography blocks); each row is read by its own width, since users concatenate
backfile and daily files. Only material conflict becomes an incident: CAMEO root codes 18
(assault), 19 (fight) and 20 (unconventional mass violence). Every other row is well formed but
no incident: it is counted as ``not_incidents`` and skipped without a message, as are rows
without ActionGeo coordinates (``no_place``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple, TextIO

from ceasefire.model import Incident
from ceasefire.sources.dates import not_future
from ceasefire.sources.fields import parse_code, parse_lat, parse_lon
from ceasefire.sources.precision import place_codes, radius_m
from ceasefire.sources.rows import BadRows, NoPlace, RowError, fail_file
from ceasefire.sources.vocabulary import cameo_roots
from ceasefire.sources.weapons import AIR_STRIKE, SHELLING, SUICIDE_BOMB, infer_weapon

__all__ = [
    "CONFLICT_ROOTS",
    "GDELT_LAYOUTS",
    "Columns",
    "admin1_of",
    "cameo_event",
    "gdelt_incident",
    "gdelt_version",
    "not_conflict",
    "read_gdelt",
    "sql_date",
]

CONFLICT_ROOTS = tuple(root for root, (_, incident) in cameo_roots().items() if incident)  # 18, 19, 20
_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_EVENT = (
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
)


def _layout(adm2: bool, source_url: bool) -> tuple[str, ...]:
    """The codebook's column names in file order."""
    geo = (
        "Type",
        "FullName",
        "CountryCode",
        "ADM1Code",
        *(("ADM2Code",) if adm2 else ()),
        "Lat",
        "Long",
        "FeatureID",
    )
    return (
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "FractionDate",
        *(f"Actor{n}{field}" for n in (1, 2) for field in _ACTOR),
        *_EVENT,
        *(f"{who}Geo_{field}" for who in ("Actor1", "Actor2", "Action") for field in geo),
        "DATEADDED",
        *(("SOURCEURL",) if source_url else ()),
    )


# column count -> (version label, column names)
GDELT_LAYOUTS: dict[int, tuple[str, tuple[str, ...]]] = {
    57: ("GDELT 1.0", _layout(adm2=False, source_url=False)),
    58: ("GDELT 1.0", _layout(adm2=False, source_url=True)),
    61: ("GDELT 2.0", _layout(adm2=True, source_url=True)),
}
_GEO_CODES = frozenset(place_codes("gdelt"))
_CITY_TYPES = ("3", "4")


class Columns(NamedTuple):
    """Indexes of the columns the reader uses, for one layout."""

    event_id: int
    date: int
    actor1: int
    actor2: int
    code: int
    geo_type: int
    full_name: int
    country: int
    lat: int
    lon: int
    url: int | None

    @classmethod
    def of(cls, names: tuple[str, ...]) -> Columns:
        at = {name: index for index, name in enumerate(names)}
        return cls(
            event_id=at["GLOBALEVENTID"],
            date=at["SQLDATE"],
            actor1=at["Actor1Name"],
            actor2=at["Actor2Name"],
            code=at["EventCode"],
            geo_type=at["ActionGeo_Type"],
            full_name=at["ActionGeo_FullName"],
            country=at["ActionGeo_CountryCode"],
            lat=at["ActionGeo_Lat"],
            lon=at["ActionGeo_Long"],
            url=at.get("SOURCEURL"),
        )


def gdelt_version(first_line: str) -> str | None:
    """The GDELT version ("GDELT 1.0", "GDELT 2.0") whose event rows look like this line, or None."""
    fields = first_line.rstrip("\r\n").split("\t")
    layout = GDELT_LAYOUTS.get(len(fields))
    if layout is None or not fields[0].isdigit():
        return None
    return layout[0]


def cameo_event(code: str) -> tuple[str, str, str] | None:
    """``(event type, sub event type, weapon)`` for a CAMEO event code, None if not conflict."""
    if code[:2] not in CONFLICT_ROOTS:
        return None
    if code.startswith("183"):  # suicide, car or other non-military bombing
        return "Explosions/Remote violence", SUICIDE_BOMB, "ied"
    if code.startswith("194"):  # fight with artillery and tanks
        return "Explosions/Remote violence", SHELLING, "artillery"
    if code.startswith("195"):  # employ aerial weapons
        return "Explosions/Remote violence", AIR_STRIKE, "aircraft"
    if code.startswith("19"):
        return "Battles", "Armed clash", ""
    return "Violence against civilians", "Attack", ""  # other 18x, and 20x


def read_gdelt(fp: TextIO, name: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """Incidents from a GDELT events file, one line at a time; non-conflict rows are counted as
    not incidents, rows without ActionGeo coordinates as without a place. Each row's layout comes
    from its own width: backfile (57) and daily (58) rows concatenated in one file both read.
    A date after the day after ``today`` is a bad row (None: any date is read)."""
    layouts = {width: Columns.of(names) for width, (_, names) in GDELT_LAYOUTS.items()}
    counts = bad_rows.current
    counts.date_order_why = "SQLDATE is YYYYMMDD: no order to infer"
    known = False  # a row of a GDELT width has been seen
    for line, text in enumerate(fp, start=1):
        fields = text.rstrip("\r\n").split("\t")
        if fields == [""]:
            continue
        columns = layouts.get(len(fields))
        if columns is None:
            _wrong_width(fields, name, line, bad_rows, first=not known)
            continue
        known = True
        event = cameo_event(fields[columns.code])
        if event is None:
            bad_rows.not_incident("" if counts.not_incidents else not_conflict(fields[columns.code], name, line))
            continue
        try:
            incident = gdelt_incident(fields, columns, event, name, line, today)
        except NoPlace as error:
            bad_rows.no_place(f"{name}:{line}: {error}")
            continue
        except RowError as error:
            bad_rows.report(f"{name}:{line}: {error}")
            continue
        counts.incidents += 1
        yield incident


def _wrong_width(fields: list[str], name: str, line: int, bad_rows: BadRows, *, first: bool) -> None:
    """A row of no GDELT width: the whole file is not GDELT when it is the first row read."""
    counts = ", ".join(str(n) for n in GDELT_LAYOUTS)
    if first:
        fail_file(bad_rows, f"{name}:{line}: {len(fields)} tab-separated fields (GDELT has {counts})")
    bad_rows.report(f"{name}:{line}: the row has {len(fields)} fields (GDELT rows have {counts})")


def not_conflict(code: str, name: str, line: int) -> str:
    return f"{name}:{line}: EventCode: {code!r} is not material conflict (CAMEO roots {', '.join(CONFLICT_ROOTS)})"


def gdelt_incident(
    fields: list[str], columns: Columns, event: tuple[str, str, str], name: str, line: int, today: dt.date | None
) -> Incident:
    event_type, sub_event_type, weapon = event
    lat_text, lon_text = fields[columns.lat], fields[columns.lon]
    if not lat_text or not lon_text:
        raise NoPlace("ActionGeo_Lat" if not lat_text else "ActionGeo_Long", "empty: no place")
    geo_type = parse_code("ActionGeo_Type", fields[columns.geo_type], _GEO_CODES)
    full_name = fields[columns.full_name]
    event_id = fields[columns.event_id]
    if not event_id.isdigit():
        raise RowError("GLOBALEVENTID", f"{event_id!r} is not a number")
    return Incident(
        id="GDELT" + event_id,
        source="gdelt",
        date=sql_date(fields[columns.date], today),
        lat=parse_lat("ActionGeo_Lat", lat_text),
        lon=parse_lon("ActionGeo_Long", lon_text),
        geo_precision=geo_type,
        radius_m=radius_m("gdelt", geo_type),
        event_type=event_type,
        sub_event_type=sub_event_type,
        actor1=fields[columns.actor1],
        actor2=fields[columns.actor2],
        weapon=weapon or infer_weapon(sub_event_type, ""),  # the notes are a URL: not read
        country=fields[columns.country],
        admin1=admin1_of(full_name, fields[columns.geo_type]),
        location=full_name,
        notes=fields[columns.url] if columns.url is not None else "",
        source_name="GDELT",
        file=name,
        line=line,
    )


def sql_date(text: str, today: dt.date | None) -> dt.date:
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError(text)
        day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise RowError("SQLDATE", f"{text!r} is not a date (expected YYYYMMDD)") from None
    if today is None:
        return day
    try:
        return not_future(day, today)
    except ValueError as error:
        raise RowError("SQLDATE", str(error)) from None


def admin1_of(full_name: str, geo_type: str) -> str:
    """The first-order division in ActionGeo_FullName ("Aleppo, Halab, Syria" -> "Halab")."""
    parts = full_name.split(", ")
    if geo_type in _CITY_TYPES:
        return parts[-2] if len(parts) >= 3 else ""
    return parts[0] if len(parts) >= 2 else ""  # an ADM1 or US state: "Halab, Syria"

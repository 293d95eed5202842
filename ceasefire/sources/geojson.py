"""GeoJSON FeatureCollections of Point features whose properties use ACLED's or UCDP GED's
column names, told from the properties present as CSV headers are (issue 12).

The whole file is decoded at once (like ``json.load``), but feature by feature so that each
keeps the physical line it starts on: messages read ``FILE:LINE: feature N: column: problem``,
N counting from 1. The point's coordinates come from a Point geometry, else from ``latitude``
and ``longitude`` properties; a feature with neither has no place (counted, not an error).
Properties are matched case-insensitively and must have the JSON type their column holds
(docs/inputs.md), else the feature is a bad row. Date properties are read in one day/month
order for the whole file (``datecolumns``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from ceasefire.errors import InputError
from ceasefire.model import Incident
from ceasefire.sources.acled import ACLED, ACLED_DEFAULTS, AcledRecord, acled_incident
from ceasefire.sources.datecolumns import DateColumn, DateScan, decide
from ceasefire.sources.rows import BadRows, NoPlace, RowError
from ceasefire.sources.tables import SCAN_ROWS
from ceasefire.sources.ucdp import UCDP, UcdpRecord, ucdp_incident

__all__ = ["read_geojson"]

# Properties that may be a JSON integer (or a string holding one); the others must be strings.
INTEGER_PROPERTIES = frozenset(
    {
        "data_id",
        "event_id_cnty",
        "time_precision",
        "geo_precision",
        "fatalities",
        "inter1",
        "inter2",
        "id",  # UCDP GED
        "type_of_violence",
        "where_prec",
        "date_prec",
        "best",
    }
)
NUMBER_PROPERTIES = frozenset({"latitude", "longitude"})  # a JSON number or a string holding one
_UCDP_MARKERS = frozenset({"type_of_violence", "where_prec", "date_prec", "side_a", "side_b", "date_start"})
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _Scheme:
    """How one source's property names become a record and an incident."""

    def __init__(self, source: str, fields: tuple[str, ...], aliases: Mapping[str, str], dates: tuple[str, ...]):
        self.source = source
        self.properties = frozenset(fields)
        self.aliases = aliases
        self.columns = {name: name for name in fields}  # property names already in the source's case
        self.blank = {name: ACLED_DEFAULTS.get(name, "") if source == "acled" else "" for name in fields}
        self.dates = dates


ACLED_SCHEME = _Scheme("acled", AcledRecord._fields, ACLED.aliases, ACLED.dates)
UCDP_SCHEME = _Scheme("ucdp", UcdpRecord._fields, UCDP.aliases, UCDP.dates)
_REQUIRED = {
    "acled": ("event_date", "event_type", "actor1"),
    "ucdp": ("id", "type_of_violence", "side_a", "date_start", "date_end", "where_prec", "date_prec", "best"),
}


def read_geojson(fp: TextIO, name: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """Incidents from a GeoJSON FeatureCollection of points, in file order; a date after the
    day after ``today`` is a bad row (None: any date is read)."""
    text = fp.read().removeprefix("\ufeff")
    members, features = _collection(text, name)
    if members.get("type") != "FeatureCollection" or "features" not in members:
        raise InputError(f"{name}:1: not a GeoJSON FeatureCollection with a features array")
    scheme = _scheme_of(features)
    convert = _date_order(text, features, scheme, bad_rows)
    counts = bad_rows.current
    for number, (line, feature) in enumerate(_lines(text, features), start=1):
        try:
            fields = _fields(feature, scheme)
            if convert is not None:
                for column in scheme.dates:
                    if column in fields:
                        fields[column] = convert(column, fields[column])
            incident = _incident(fields, scheme, line, name, today)
        except NoPlace as error:
            bad_rows.no_place(f"{name}:{line}: feature {number}: {error}")
            continue
        except RowError as error:
            bad_rows.report(f"{name}:{line}: feature {number}: {error}")
            continue
        counts.incidents += 1
        yield incident


def _incident(fields: dict[str, str], scheme: _Scheme, line: int, name: str, today: dt.date | None) -> Incident:
    for column in _REQUIRED[scheme.source]:
        if column not in fields:
            raise RowError(column, "missing: every feature needs it")
    if scheme.source == "ucdp":
        return ucdp_incident(UcdpRecord(**(scheme.blank | fields)), line, file=name, today=today)
    if "event_id_cnty" not in fields and "data_id" not in fields:
        raise RowError("event_id_cnty", "missing: every feature needs an id")
    return acled_incident(AcledRecord(**(scheme.blank | fields)), line, source="geojson", file=name, today=today)


def _properties(feature: Any) -> dict[str, Any]:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    return properties if isinstance(properties, dict) else {}


def _scheme_of(features: list[tuple[int, Any]]) -> _Scheme:
    """UCDP's names when the properties hold more of its marker columns than ACLED's (two at least)."""
    keys: set[str] = set()
    for _, feature in features[:100]:
        keys.update(k.lower() for k in _properties(feature))
    ucdp = len(keys & _UCDP_MARKERS)
    acled = len(keys & {"event_id_cnty", "data_id", "event_type", "sub_event_type", "geo_precision", "actor1"})
    return UCDP_SCHEME if ucdp >= 2 and ucdp > acled else ACLED_SCHEME


def _date_order(text: str, features: list[tuple[int, Any]], scheme: _Scheme, bad_rows: BadRows) -> DateColumn | None:
    """The day/month order of the date properties: as for CSV files, the first ``SCAN_ROWS``
    features decide, or all of them when those hold day/month numbers that do not."""
    scan = DateScan()
    dates = frozenset(scheme.dates)
    for number, (offset, feature) in enumerate(features):
        if number == SCAN_ROWS and not scan.numeric:
            break
        decided = any(
            scan.see(value, offset)  # the offset for now: the line is counted for the evidence only
            for key, value in _properties(feature).items()
            if isinstance(value, str) and key.lower() in dates
        )
        if decided:
            break
    if scan.evidence is not None:
        offset = scan.evidence.line
        scan.evidence = dataclasses.replace(scan.evidence, line=text.count("\n", 0, offset) + 1)
    counts = bad_rows.current
    counts.date_order, counts.date_order_why = decide(scan, "geojson" if scheme.source == "acled" else "ucdp")
    return DateColumn(counts.date_order, scan.evidence) if scan.numeric else None


def _fields(feature: Any, scheme: _Scheme) -> dict[str, str]:
    """The feature's properties as source-named text fields, coordinates from the geometry or
    from ``latitude``/``longitude`` properties."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise RowError("type", "not a GeoJSON Feature object")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise RowError("properties", f"expected an object, got {_json_type(properties)}")
    record: dict[str, str] = {}
    columns, aliases, wanted = scheme.columns, scheme.aliases, scheme.properties
    for key, value in properties.items():
        column = columns.get(key) or aliases.get(key.lower(), key.lower())
        if column in wanted and value is not None and column not in record:
            plain = type(value) is str and "\x00" not in value  # the common case, checked fast
            record[column] = value if plain else _text(column, value)
    geometry = feature.get("geometry")
    if geometry is not None or ("latitude" not in record and "longitude" not in record):
        record["longitude"], record["latitude"] = _point(geometry)
    return record


def _text(column: str, value: Any) -> str:
    if isinstance(value, str):
        if "\x00" in value:  # JSON may escape it (\u0000); text files and PostgreSQL cannot hold it
            raise RowError(column, "contains a NUL character (\\u0000)")
        return value
    if column in NUMBER_PROPERTIES and isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value))
    if column in INTEGER_PROPERTIES and not isinstance(value, bool):
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float) and value.is_integer():  # 3.0, as pandas writes integers
            return str(int(value))
    wanted = "an integer" if column in INTEGER_PROPERTIES else "a number" if column in NUMBER_PROPERTIES else "a string"
    raise RowError(column, f"expected {wanted}, got {_json_type(value)} {json.dumps(value)[:40]}")


def _point(geometry: Any) -> tuple[str, str]:
    """(longitude, latitude) as text, for the shared field parsers; ``NoPlace`` for a null geometry."""
    if geometry is None:
        raise NoPlace("geometry", "null, and no latitude/longitude properties: no place")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind != "Point":
        got = kind if isinstance(kind, str) else _json_type(geometry)
        raise RowError("geometry", f"expected a Point, got {got}")
    coordinates = geometry.get("coordinates")
    if not (isinstance(coordinates, list) and len(coordinates) >= 2):
        raise RowError("geometry", "a Point needs coordinates [longitude, latitude]")
    lon, lat = coordinates[:2]
    for axis, value in (("longitude", lon), ("latitude", lat)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RowError("geometry", f"{axis} is {_json_type(value)}, not a number")
    return repr(float(lon)), repr(float(lat))


def _json_type(value: Any) -> str:
    names: Mapping[type, str] = {dict: "object", list: "array", str: "string", bool: "boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "number")


def _lines(text: str, features: list[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """(line, feature) for each (offset, feature) of the features array, lazily: a list of
    200,000 more tuples would slow every garbage collection while the file is read."""
    line, counted = 1, 0
    for offset, feature in features:
        line += text.count("\n", counted, offset)
        counted = offset
        yield line, feature


def _collection(text: str, name: str) -> tuple[dict[str, Any], list[tuple[int, Any]]]:
    """The top-level object's members, and its "features" array as (offset, value) pairs."""
    members: dict[str, Any] = {}
    features: list[tuple[int, Any]] = []
    try:
        position = _expect(text, _skip(text, 0), "{")
        while not text.startswith("}", position := _skip(text, position)):
            if members:
                position = _skip(text, _expect(text, position, ","))
            key, end = _DECODER.raw_decode(text, position)
            if not isinstance(key, str):
                raise json.JSONDecodeError("expected a property name in double quotes", text, position)
            position = _skip(text, _expect(text, _skip(text, end), ":"))
            if key == "features" and text.startswith("[", position):
                features, position = _array(text, position)
                members[key] = features
            else:
                members[key], position = _DECODER.raw_decode(text, position)
        if text[_skip(text, position + 1) :]:
            raise json.JSONDecodeError("extra data after the top-level object", text, position + 1)
    except json.JSONDecodeError as error:
        raise InputError(f"{name}:{error.lineno}: not valid JSON: {error.msg}") from None
    return members, features


def _array(text: str, position: int) -> tuple[list[tuple[int, Any]], int]:
    """The array starting at ``position`` as (offset, value) pairs, and the offset after it."""
    items: list[tuple[int, Any]] = []
    position = _skip(text, position + 1)
    while not text.startswith("]", position):
        if items:
            position = _skip(text, _expect(text, position, ","))
        value, end = _DECODER.raw_decode(text, position)
        items.append((position, value))
        position = _skip(text, end)
    return items, position + 1


def _skip(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match is not None else position


def _expect(text: str, position: int, token: str) -> int:
    if not text.startswith(token, position):
        raise json.JSONDecodeError(f"expected {token!r}", text, position)
    return position + 1

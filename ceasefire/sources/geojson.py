"""GeoJSON FeatureCollections of Point features whose properties use ACLED's column names.

The whole file is decoded at once (like ``json.load``), but feature by feature so that each
keeps the physical line it starts on: messages read ``FILE:LINE: feature N: column: problem``,
N counting from 1. The point's coordinates come from the geometry (any ``latitude`` and
``longitude`` properties are ignored); properties are matched case-insensitively and must have
the JSON type their column holds (docs/inputs.md), else the feature is a bad row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from ceasefire.errors import InputError
from ceasefire.model import Incident
from ceasefire.sources.acled import ACLED, ACLED_DEFAULTS, AcledRecord, acled_incident
from ceasefire.sources.rows import BadRows, RowError

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
    }
)
_PROPERTIES = frozenset(AcledRecord._fields) - {"latitude", "longitude"}
_ALIASES = ACLED.aliases
_COLUMNS = {name: name for name in AcledRecord._fields}  # property names already in ACLED case
_BLANK = {name: ACLED_DEFAULTS.get(name, "") for name in AcledRecord._fields}
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def read_geojson(fp: TextIO, name: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """Incidents from a GeoJSON FeatureCollection of points, in file order; a date after the
    day after ``today`` is a bad row (None: any date is read)."""
    text = fp.read().removeprefix("\ufeff")
    for number, (line, feature) in enumerate(_features(text, name), start=1):
        try:
            record = _record(feature)
            yield acled_incident(record, line, source="geojson", file=name, today=today)
        except RowError as error:
            bad_rows.report(f"{name}:{line}: feature {number}: {error}")


def _record(feature: Any) -> AcledRecord:
    """The feature's properties as ACLED-named text fields, coordinates from the geometry."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise RowError("type", "not a GeoJSON Feature object")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise RowError("properties", f"expected an object, got {_json_type(properties)}")
    record: dict[str, str] = {}
    for key, value in properties.items():
        column = _COLUMNS.get(key) or _ALIASES.get(key.lower(), key.lower())
        if column in _PROPERTIES and value is not None and column not in record:
            plain = type(value) is str and "\x00" not in value  # the common case, checked fast
            record[column] = value if plain else _text(column, value)
    record["longitude"], record["latitude"] = _point(feature.get("geometry"))
    for column in ("event_date", "event_type", "actor1"):
        if column not in record:
            raise RowError(column, "missing: every feature needs it")
    if "event_id_cnty" not in record and "data_id" not in record:
        raise RowError("event_id_cnty", "missing: every feature needs an id")
    return AcledRecord(**(_BLANK | record))


def _text(column: str, value: Any) -> str:
    if isinstance(value, str):
        if "\x00" in value:  # JSON may escape it (\u0000); text files and PostgreSQL cannot hold it
            raise RowError(column, "contains a NUL character (\\u0000)")
        return value
    if column in INTEGER_PROPERTIES and not isinstance(value, bool):
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float) and value.is_integer():  # 3.0, as pandas writes integers
            return str(int(value))
    wanted = "an integer" if column in INTEGER_PROPERTIES else "a string"
    raise RowError(column, f"expected {wanted}, got {_json_type(value)} {json.dumps(value)[:40]}")


def _point(geometry: Any) -> tuple[str, str]:
    """(longitude, latitude) as text, for the shared field parsers."""
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


def _features(text: str, name: str) -> Iterator[tuple[int, Any]]:
    """(line, feature) for each member of the top-level "features" array, after checking it."""
    members, features = _collection(text, name)
    if members.get("type") != "FeatureCollection" or "features" not in members:
        raise InputError(f"{name}:1: not a GeoJSON FeatureCollection with a features array")
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

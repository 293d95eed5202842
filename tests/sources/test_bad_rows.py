"""Every kind of bad row, in every format: FILE:LINE, the column, and what is wrong."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ceasefire.errors import InputError
from ceasefire.model import WEAPON_CLASSES
from ceasefire.sources import BadRows, read_acled, read_events

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"
ACLED_HEADER = (
    "event_id_cnty,event_date,time_precision,event_type,actor1,latitude,longitude,geo_precision,fatalities,weapon"
)
GOOD = "E1,2016-09-19,1,Battles,A,36.2,37.1,1,0,"
DATE_HELP = "expected 2016-09-19, 19 September 2016, 19-Sep-16 or 9/19/2016"
TODAY = dt.date(2026, 12, 4)  # the readers' bound in these tests: dates after 2026-12-05 are bad


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages then name files as given: "e.csv", not a long path


def refusal(name: str, text: str) -> str:
    """The message of the InputError reading ``text`` as file ``name`` (with ``TODAY`` as the
    bound) stops with."""
    Path(name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        list(read_events(name, BadRows(), TODAY))
    return str(raised.value)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "E2,2016-19-09,1,Battles,A,36.2,37.1,1,0,",
            "event_date: '2016-19-09' is not a valid date (month must be in 1..12)",
        ),
        ("E2,yesterday,1,Battles,A,36.2,37.1,1,0,", f"event_date: 'yesterday' is not a date ({DATE_HELP})"),
        ("E2,9999-12-31,1,Battles,A,36.2,37.1,1,0,", "event_date: 9999-12-31 is in the future"),
        ("E2,2016-09-19,1,Battles,A,north,37.1,1,0,", "latitude: 'north' is not a number"),
        ("E2,2016-09-19,1,Battles,A,,37.1,1,0,", "latitude: '' is not a number"),
        ("E2,2016-09-19,1,Battles,A,91,37.1,1,0,", "latitude: 91 is out of range (-90 to 90)"),
        ("E2,2016-09-19,1,Battles,A,nan,37.1,1,0,", "latitude: nan is out of range (-90 to 90)"),
        ("E2,2016-09-19,1,Battles,A,36.2,-181,1,0,", "longitude: -181 is out of range (-180 to 180)"),
        (
            "E2,2016-09-19,1,Battles,A,36.2,37.1,4,0,",
            "geo_precision: '4' is not a valid code (expected one of 1, 2, 3)",
        ),
        ("E2,2016-09-19,1,Battles,A,36.2,37.1,,0,", "geo_precision: '' is not a valid code (expected one of 1, 2, 3)"),
        (
            "E2,2016-09-19,0,Battles,A,36.2,37.1,1,0,",
            "time_precision: '0' is not a valid code (expected one of 1, 2, 3)",
        ),
        ("E2,2016-09-19,1,Battles,A,36.2,37.1,1,2.5,", "fatalities: '2.5' is not a whole number"),
        ("E2,2016-09-19,1,Battles,A,36.2,37.1,1,-1,", "fatalities: -1 is negative"),
        (
            "E2,2016-09-19,1,Battles,A,36.2,37.1,1,0,laser",
            f"weapon: 'laser' is not a weapon class ({', '.join(WEAPON_CLASSES)})",
        ),
        (",2016-09-19,1,Battles,A,36.2,37.1,1,0,", "event_id_cnty/data_id: empty: every event needs an id"),
        (
            "report-5,2016-09-19,1,Battles,A,36.2,37.1,1,0,",
            "event_id_cnty/data_id: 'report-5': ids starting with 'report-' are kept for submitted reports",
        ),
        ("E2,2016-09-19,1,Battles,A,36.2,37.1,1,0", "the row has 9 fields, the header 10"),
    ],
    ids=[
        "impossible-date",
        "unknown-date",
        "future-date",
        "latitude-text",
        "latitude-empty",
        "latitude-range",
        "latitude-nan",
        "longitude-range",
        "geo-precision-range",
        "geo-precision-empty",
        "time-precision-range",
        "fatalities-fraction",
        "fatalities-negative",
        "weapon-unknown",
        "id-empty",
        "id-reserved",
        "field-count",
    ],
)
def test_acled_bad_rows(row: str, message: str) -> None:
    assert refusal("e.csv", f"{ACLED_HEADER}\n{GOOD}\n{row}\n") == f"e.csv:3: {message}"


def test_unknown_event_type_lists_the_known_ones() -> None:
    message = refusal("e.csv", f"{ACLED_HEADER}\n{GOOD}\nE2,2016-09-19,1,Fight,A,1,2,1,0,\n")
    assert message.startswith("e.csv:3: event_type: 'Fight' is not an ACLED event type (known: ")
    assert "Battles" in message and "Remote violence" in message


def test_line_numbers_count_physical_lines_across_quoted_line_breaks() -> None:
    header = "event_id_cnty,event_date,event_type,actor1,latitude,longitude,notes"
    text = f'{header}\n\nE1,2016-09-19,Battles,A,1,2,"two\nlines"\nE2,2016-09-19,Battles,A,x,2,\n'
    assert refusal("e.csv", text) == "e.csv:5: latitude: 'x' is not a number"


def test_an_unclosed_quote_stops_the_file_at_the_row_it_opens() -> None:
    text = f'{ACLED_HEADER}\n{GOOD}\nE2,"2016-09-19,1,Battles,A,1,2,1,0,\n{GOOD}\n'
    assert refusal("e.csv", text) == "e.csv:3: not valid CSV: unexpected end of data"


@pytest.mark.parametrize("skip", [False, True], ids=["stop", "skip"])
def test_missing_required_column_fails_the_file_whatever_the_policy(skip: bool) -> None:
    text = "event_id_cnty,event_date,event_type,actor1,longitude\nE1,2016-09-19,Battles,A,2\n"
    bad_rows = BadRows(skip=skip)
    with pytest.raises(InputError) as raised:
        list(read_acled(io.StringIO(text), "e.csv", bad_rows))
    assert str(raised.value) == (
        "e.csv:1: latitude: required column missing from the header (ACLED files need "
        "event_id_cnty or data_id, event_date, event_type, actor1, latitude, longitude)"
    )
    assert bad_rows.count == int(skip)


def edit_row(path: Path, changes: dict[str, str]) -> str:
    """The CSV at ``path`` with its first data row's columns changed."""
    with path.open(newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    rows[0].update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type_of_violence": "4"}, "type_of_violence: '4' is not a valid code (expected one of 1, 2, 3)"),
        ({"where_prec": "8"}, "where_prec: '8' is not a valid code (expected one of 1, 2, 3, 4, 5, 6, 7)"),
        ({"date_prec": "6"}, "date_prec: '6' is not a valid code (expected one of 1, 2, 3, 4, 5)"),
        ({"date_start": "Sept 19th 2016"}, f"date_start: 'Sept 19th 2016' is not a date ({DATE_HELP})"),
        ({"date_end": "2016-09-18"}, "date_end: 2016-09-18 is before date_start 2016-09-19"),
        ({"date_end": "3016-09-19"}, "date_end: 3016-09-19 is in the future"),
        ({"best": "many"}, "best: 'many' is not a whole number"),
        ({"longitude": "east"}, "longitude: 'east' is not a number"),
    ],
    ids=[
        "violence-type",
        "where-prec",
        "date-prec",
        "date-start",
        "date-end-before-start",
        "date-end-future",
        "best",
        "longitude",
    ],
)
def test_ucdp_bad_rows(changes: dict[str, str], message: str) -> None:
    assert refusal("g.csv", edit_row(EVENTS / "ucdp_ged.csv", changes)) == f"g.csv:2: {message}"


def test_weapon_column_in_ucdp() -> None:  # edit_row adds the column, empty in other rows
    bad = edit_row(EVENTS / "ucdp_ged.csv", {"weapon": "sword"})
    assert refusal("g.csv", bad).startswith("g.csv:2: weapon: 'sword' is not a weapon class")
    Path("ok.csv").write_text(edit_row(EVENTS / "ucdp_ged.csv", {"weapon": "mortar"}))
    assert next(read_events("ok.csv", BadRows())).weapon == "mortar"


def edit_gdelt(changes: dict[int, str | None]) -> str:
    """The GDELT 2.0 fixture with fields of its second line changed (None drops the field)."""
    lines = (EVENTS / "gdelt_v2.tsv").read_text().splitlines()
    fields: list[Any] = lines[1].split("\t")
    for index, value in changes.items():
        fields[index] = value
    lines[1] = "\t".join(f for f in fields if f is not None)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({56: "95.5"}, "ActionGeo_Lat: 95.5 is out of range (-90 to 90)"),
        ({1: "2016-09-19"}, "SQLDATE: '2016-09-19' is not a date (expected YYYYMMDD)"),
        ({1: "20160931"}, "SQLDATE: '20160931' is not a date (expected YYYYMMDD)"),
        ({1: "30160919"}, "SQLDATE: 3016-09-19 is in the future"),
        ({51: "0"}, "ActionGeo_Type: '0' is not a valid code (expected one of 1, 2, 3, 4, 5)"),
        ({0: "x1"}, "GLOBALEVENTID: 'x1' is not a number"),
        ({60: None}, "the row has 60 fields (GDELT rows have 57, 58, 61)"),
    ],
    ids=[
        "latitude-range",
        "iso-date",
        "impossible-date",
        "future-date",
        "geo-type",
        "event-id",
        "field-count",
    ],
)
def test_gdelt_bad_rows(changes: dict[int, str | None], message: str) -> None:
    assert refusal("g.tsv", edit_gdelt(changes)) == f"g.tsv:2: {message}"


def far_future_files() -> dict[str, str]:
    """One file per text format whose second event is dated in 3016 (GeoJSON: its only one)."""
    geojson = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37, 36]}}
    geojson["properties"] = {"event_id_cnty": "F1", "event_date": "3016-09-19", "event_type": "Battles", "actor1": "A"}
    return {
        "a.csv": f"{ACLED_HEADER}\n{GOOD}\nE2,3016-09-19,1,Battles,A,36.2,37.1,1,0,\n",
        "u.csv": edit_row(EVENTS / "ucdp_ged.csv", {"date_end": "3016-09-19"}),
        "g.tsv": edit_gdelt({1: "30160919"}),
        "p.geojson": json.dumps({"type": "FeatureCollection", "features": [geojson]}),
    }


@pytest.mark.parametrize("name", ["a.csv", "u.csv", "g.tsv", "p.geojson"], ids=["acled", "ucdp", "gdelt", "geojson"])
def test_without_a_bound_a_far_future_date_is_read(name: str) -> None:
    """A file's incidents do not depend on the day it is read: no bound unless one is given."""
    Path(name).write_text(far_future_files()[name], encoding="utf-8")
    dates = [i.date_end or i.date for i in read_events(name, BadRows())]
    assert dt.date(3016, 9, 19) in dates
    assert "is in the future" in refusal(name, far_future_files()[name])


def test_the_bound_allows_the_day_after_today() -> None:
    row = f"E2,{TODAY + dt.timedelta(days=1)},1,Battles,A,36.2,37.1,1,0,"
    Path("e.csv").write_text(f"{ACLED_HEADER}\n{GOOD}\n{row}\n", encoding="utf-8")
    assert len(list(read_events("e.csv", BadRows(), TODAY))) == 2


BASE = {"event_id_cnty": "F1", "event_date": "2016-09-19", "event_type": "Battles", "actor1": "A"}
POINT = {"type": "Point", "coordinates": [37, 36]}


def feature(properties: Any = None, geometry: Any = None) -> dict[str, Any]:
    """A good feature, with ``properties`` merged into (or, if not a dict, replacing) its own."""
    merged = BASE | (properties or {}) if isinstance(properties, dict | None) else properties
    return {
        "type": "Feature",
        "properties": merged,
        "geometry": POINT if geometry is None else geometry,
    }


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (feature(geometry={"type": "Polygon", "coordinates": []}), "geometry: expected a Point, got Polygon"),
        (feature(geometry={"type": "Point", "coordinates": ["37", 36]}), "geometry: longitude is string, not a number"),
        (
            feature(geometry={"type": "Point", "coordinates": [37]}),
            "geometry: a Point needs coordinates [longitude, latitude]",
        ),
        (feature(geometry=[]), "geometry: expected a Point, got array"),
        (feature({"actor1": 5}), "actor1: expected a string, got number 5"),
        (feature({"fatalities": "3 or 4"}), "fatalities: '3 or 4' is not a whole number"),
        (feature({"fatalities": 2.5}), "fatalities: expected an integer, got number 2.5"),
        (feature({"geo_precision": True}), "geo_precision: expected an integer, got boolean true"),
        (feature({"event_date": 20160919}), "event_date: expected a string, got number 20160919"),
        (feature({"notes": ["a"]}), 'notes: expected a string, got array ["a"]'),
        (feature({"event_date": None}), "event_date: missing: every feature needs it"),
        (feature([1]), "properties: expected an object, got array"),
        (
            {"type": "Feature", "geometry": {"type": "Point"}},
            "geometry: a Point needs coordinates [longitude, latitude]",
        ),
        ("F1", "type: not a GeoJSON Feature object"),
        (feature({"actor1": "Army\u0000X"}), "actor1: contains a NUL character (\\u0000)"),
    ],
    ids=[
        "polygon",
        "coordinate-text",
        "one-coordinate",
        "geometry-array",
        "string-field-number",
        "integer-field-text",
        "integer-field-fraction",
        "integer-field-boolean",
        "date-number",
        "notes-array",
        "date-null",
        "properties-array",
        "no-geometry",
        "not-a-feature",
        "nul-character",
    ],
)
def test_geojson_bad_features(bad: Any, message: str) -> None:
    good = json.dumps(feature())
    text = f'{{"type": "FeatureCollection", "features": [\n{good},\n{json.dumps(bad)}\n]}}\n'
    assert refusal("p.geojson", text) == f"p.geojson:3: feature 2: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "FeatureCollection", "features": [\n{"type": }]}', "p.geojson:2: not valid JSON: Expecting value"),
        (
            '{"type": "FeatureCollection", "features": []} []',
            "p.geojson:1: not valid JSON: extra data after the top-level object",
        ),
        ('{"type": "FeatureCollection", "features": [] \n', "p.geojson:2: not valid JSON: expected ','"),
        ('{"type": "Feature", "features": []}', "p.geojson:1: not a GeoJSON FeatureCollection with a features array"),
    ],
    ids=["bad-value", "extra-data", "unclosed", "not-a-collection"],
)
def test_geojson_file_errors(text: str, message: str) -> None:
    assert refusal("p.geojson", text) == message


def test_skip_mode_counts_and_keeps_the_first_hundred_messages() -> None:
    bad = [f"B{n},2016-09-19,1,Battles,A,99,37.1,1,0," for n in range(150)]
    Path("e.csv").write_text("\n".join([ACLED_HEADER, GOOD, *bad, GOOD.replace("E1", "E2")]) + "\n")
    bad_rows = BadRows(skip=True)
    incidents = list(read_events("e.csv", bad_rows))
    assert [i.id for i in incidents] == ["E1", "E2"]
    assert bad_rows.count == 150 and len(bad_rows.messages) == 100
    assert bad_rows.messages[0] == "e.csv:3: latitude: 99 is out of range (-90 to 90)"
    assert bad_rows.messages[-1].startswith("e.csv:102: ")


def test_skip_mode_goes_on_across_formats() -> None:
    Path("g.tsv").write_text(edit_gdelt({0: "x1"}))
    bad_rows = BadRows(skip=True)
    assert len(list(read_events("g.tsv", bad_rows))) == 4
    assert (bad_rows.count, bad_rows.ignored) == (1, 2)
    assert bad_rows.messages == ["g.tsv:2: GLOBALEVENTID: 'x1' is not a number"]


@pytest.mark.parametrize("column", [56, 57], ids=["no-latitude", "no-longitude"])
def test_gdelt_rows_without_a_place_are_not_bad_rows(column: int) -> None:
    """Issue 12: a GDELT event without ActionGeo coordinates cannot be placed; it is counted as
    no_place, not as a bad row, so strict mode does not stop on it."""
    Path("g.tsv").write_text(edit_gdelt({column: ""}))
    bad_rows = BadRows()  # strict
    assert len(list(read_events("g.tsv", bad_rows))) == 4
    counts = bad_rows.files[0]
    assert (counts.incidents, counts.no_place, counts.not_incidents, counts.bad_rows) == (4, 1, 2, 0)
    assert counts.first["no_place"].startswith("g.tsv:2: ActionGeo_L")

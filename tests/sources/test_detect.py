"""Formats are told from content, never from names; files that are none of them are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ceasefire.errors import FormatNotRecognized, InputError
from ceasefire.sources import EVENT_FORMATS, BadRows, detect_format, iter_files, read_events

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"
FIXTURES = {
    "acled_current.csv": "acled",
    "acled_pre2019.csv": "acled",
    "ucdp_ged.csv": "ucdp",
    "gdelt_v1.tsv": "gdelt",
    "gdelt_v2.tsv": "gdelt",
    "points.geojson": "geojson",
}
EXPECTED = "expected ACLED CSV, UCDP GED CSV, GDELT events TSV or GeoJSON, or news text (.txt, .html)"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("fixture", "expected"), FIXTURES.items(), ids=list(FIXTURES))
def test_fixtures_are_detected(fixture: str, expected: str) -> None:
    assert detect_format(EVENTS / fixture) == expected


@pytest.mark.parametrize(
    ("fixture", "misleading"),
    [
        ("acled_current.csv", "ucdp_ged.geojson"),
        ("ucdp_ged.csv", "acled.csv"),
        ("gdelt_v2.tsv", "events.csv"),
        ("points.geojson", "gdelt.export.CSV"),
    ],
    ids=["acled-as-geojson", "ucdp-as-acled", "gdelt-as-csv", "geojson-as-gdelt"],
)
def test_content_decides_not_the_name(fixture: str, misleading: str) -> None:
    shutil.copy(EVENTS / fixture, misleading)
    assert detect_format(misleading) == FIXTURES[fixture]
    original = [i.id for i in read_events(EVENTS / fixture, BadRows())]
    assert [i.id for i in read_events(misleading, BadRows())] == original


@pytest.mark.parametrize(
    ("width", "found"),
    [(57, "gdelt"), (58, "gdelt"), (61, "gdelt"), (56, None), (59, None), (60, None)],
    ids=["57-gdelt1-backfile", "58-gdelt1", "61-gdelt2", "56", "59", "60"],
)
def test_gdelt_is_told_by_column_count(width: int, found: str | None) -> None:
    Path("x").write_text("\t".join(["123", "20160919", *[""] * (width - 2)]) + "\n")
    if found is not None:
        assert detect_format("x") == found
        return
    with pytest.raises(FormatNotRecognized) as raised:
        detect_format("x")
    assert str(raised.value) == (
        f"x: not a recognized events file ({EXPECTED}): a first line of {width} tab-separated "
        "fields starting '123' (GDELT event rows have 57, 58, 61, the first an event number)"
    )


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "the file is empty"),
        (b" \n\n", "the file is empty"),
        (b"abc\x00def", "it holds binary data, not text"),
        (b'[{"type": "Feature"}]', "a JSON array, not a GeoJSON FeatureCollection"),
        (b'{"type": "Feature", "geometry": null}', "a JSON object, but not a GeoJSON FeatureCollection"),
        (
            b"OBJECTID,SiteID,Lat,Long\n1,2,3,4\n",
            "its first line (OBJECTID, SiteID, Lat, Long) is not an ACLED header (with event_id_cnty, "
            "event_type, ...) nor a UCDP GED one (type_of_violence, where_prec, ...)",
        ),
        (
            b"id,event_type,latitude,longitude\n",
            "its first line (id, event_type, latitude, longitude) is not an ACLED header (with "
            "event_id_cnty, event_type, ...) nor a UCDP GED one (type_of_violence, where_prec, ...)",
        ),
        (
            b"event_id_cnty\tevent_date\tevent_type\n",
            "a first line of 3 tab-separated fields starting 'event_id_cnty' (GDELT event rows have "
            "57, 58, 61, the first an event number)",
        ),
    ],
    ids=[
        "empty",
        "blank",
        "binary",
        "json-array",
        "json-feature",
        "other-csv",
        "one-acled-marker",
        "tab-separated-header",
    ],
)
def test_unrecognized_content(content: bytes, why: str) -> None:
    Path("f.csv").write_bytes(content)
    with pytest.raises(FormatNotRecognized) as raised:
        detect_format("f.csv")
    assert str(raised.value) == f"f.csv: not a recognized events file ({EXPECTED}): {why}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest", "f.csv: it is a zip archive, but a damaged one (File is not a zip file)"),
        (b"\x1f\x8b\x08rest", "f.csv: it is a gzip file, but a damaged one ("),
    ],
    ids=["zip", "gzip"],
)
def test_damaged_archives_are_one_line(content: bytes, message: str) -> None:
    Path("f.csv").write_bytes(content)
    with pytest.raises(FormatNotRecognized) as raised:
        detect_format("f.csv")
    assert str(raised.value).startswith(message)


def test_feature_collection_whose_type_comes_after_a_long_features_array() -> None:
    feature = json.loads((EVENTS / "points.geojson").read_text())["features"][0]
    Path("late.json").write_text(json.dumps({"features": [feature] * 400, "type": "FeatureCollection"}))
    assert Path("late.json").stat().st_size > 65536
    assert detect_format("late.json") == "geojson"
    assert len(list(read_events("late.json", BadRows()))) == 400


def test_byte_order_mark_and_upper_case_header() -> None:
    text = (EVENTS / "acled_current.csv").read_text()
    header, rest = text.split("\n", 1)
    Path("bom.csv").write_text("\ufeff" + header.upper() + "\n" + rest, encoding="utf-8")
    assert detect_format("bom.csv") == "acled"
    assert len(list(read_events("bom.csv", BadRows()))) == 5


def test_missing_file_and_non_utf8_text() -> None:
    with pytest.raises(InputError, match=r"^nowhere.csv: cannot read the file: No such file"):
        read_events("nowhere.csv", BadRows())
    latin1 = (EVENTS / "acled_current.csv").read_text().replace("Kafr Test", "Kafr T\xe9st")
    Path("latin1.csv").write_bytes(latin1.encode("latin-1"))
    with pytest.raises(InputError, match=r"^latin1.csv: not utf-8 text \(.*\): save it as UTF-8, or name its"):
        list(read_events("latin1.csv", BadRows(), encoding="utf-8"))  # forced, and wrong


def test_iter_files_checks_every_format_before_reading_any() -> None:
    Path("bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(FormatNotRecognized, match=r"^bad\.csv: "):
        iter_files([EVENTS / "acled_current.csv", "bad.csv"], BadRows())
    ids = [i.id for i in iter_files([EVENTS / "ucdp_ged.csv", EVENTS / "points.geojson"], BadRows())]
    assert ids == ["UCDP900001", "UCDP900002", "UCDP900003", "GJ3001", "GJ3002", "7"]


def test_formats() -> None:
    assert EVENT_FORMATS == ("acled", "ucdp", "gdelt", "geojson", "news")

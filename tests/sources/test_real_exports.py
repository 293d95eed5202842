"""Files as users download and re-save them (issue 12): one fixture per class in
tests/data/exports, written by hand in the shape of real exports (never copies of real data)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from ceasefire.errors import InputError
from ceasefire.sources import BadRows, detect_format, read_events
from ceasefire.sources.formats import detect
from ceasefire.sources.taxonomy import normalize_event_type
from ceasefire.sources.vocabulary import acled_spellings, cameo_roots, ucdp_codes

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the files a test writes stay out of the work tree


def read(path: Path | str, **options: str) -> tuple[list, BadRows]:  # type: ignore[type-arg]
    bad_rows = BadRows()  # strict: only really broken rows may stop it
    return list(read_events(path, bad_rows, **options)), bad_rows


def test_day_first_dates_with_a_time_from_a_european_spreadsheet() -> None:
    incidents, bad_rows = read(EXPORTS / "acled_day_first.csv")
    assert [i.date for i in incidents] == [dt.date(2020, 8, d) for d in (3, 14, 7, 28)]
    counts = bad_rows.files[0]
    assert (counts.date_order, counts.date_order_why) == (
        "day-first",
        "'14/08/2020 00:00:00' at line 3 can only be day-first",
    )


def test_month_first_dates_mixing_time_shapes_in_windows_1252() -> None:
    incidents, bad_rows = read(EXPORTS / "ucdp_cp1252.csv")
    assert [(i.date, i.date_end) for i in incidents] == [
        (dt.date(2014, 1, 22), None),
        (dt.date(2014, 5, 2), None),  # 05/02/2014 00:00: month first, as the rest of the column
        (dt.date(2014, 3, 30), dt.date(2014, 4, 2)),
    ]
    assert incidents[0].country == "Côte d’Ivoire" and "‘several dead’" in incidents[1].notes
    counts = bad_rows.files[0]
    assert (counts.encoding, counts.date_order) == ("cp1252", "month-first")


def test_a_value_contradicting_the_column_order_is_a_bad_row_naming_both() -> None:
    text = (EXPORTS / "acled_day_first.csv").read_text().replace("28/08/2020", "08/28/2020")
    Path("e.csv").write_text(text)
    with pytest.raises(InputError) as raised:
        read("e.csv")
    assert str(raised.value) == (
        "e.csv:6: event_date: '08/28/2020 00:00:00' can only be month-first, but this column is "
        "day-first: '14/08/2020 00:00:00' at line 3 can only be day-first"
    )


@pytest.mark.parametrize(
    ("source", "order"),
    [("acled_day_first.csv", "day-first"), ("ucdp_cp1252.csv", "month-first")],
    ids=["acled", "ucdp"],
)
def test_a_truly_ambiguous_column_follows_the_source_convention_and_says_so(source: str, order: str) -> None:
    raw = (EXPORTS / source).read_bytes()
    for swap in (b"14/08/2020", b"28/08/2020", b"1/22/2014", b"3/30/2014", b"4/2/2014", b"6/14/2014"):
        raw = raw.replace(swap, b"01/02/2020")
    Path("ambiguous.csv").write_bytes(raw)
    _, bad_rows = read("ambiguous.csv")
    counts = bad_rows.files[0]
    assert counts.date_order == order
    assert counts.date_order_why.startswith("no value says which number is the day: ")


def test_excel_serial_dates_and_iso_datetimes() -> None:
    text = (EXPORTS / "acled_day_first.csv").read_text()
    text = text.replace("03/08/2020 00:00:00", "44046").replace("07/08/2020 00:00:00", "2020-08-07T00:00:00Z")
    Path("e.csv").write_text(text)
    incidents, _ = read("e.csv")
    assert [i.date for i in incidents][:3] == [dt.date(2020, 8, 3), dt.date(2020, 8, 14), dt.date(2020, 8, 7)]


def test_the_order_is_decided_by_a_value_beyond_the_rows_held_back() -> None:
    """The first 2,000 rows say nothing; the decisive value is near the end: the file is
    scanned on and read again, so every row follows that order."""
    lines = (EXPORTS / "acled_day_first.csv").read_text().splitlines()
    header, row = lines[0], lines[1]
    body = [row.replace("SYR81001", f"A{n}").replace("03/08/2020", "03/02/2020") for n in range(2_500)]
    body.append(row.replace("SYR81001", "LAST").replace("03/08/2020", "03/13/2020"))
    Path("long.csv").write_text("\n".join([header, *body]) + "\n")
    incidents, bad_rows = read("long.csv")
    assert len(incidents) == 2_501
    assert incidents[0].date == dt.date(2020, 3, 2) and incidents[-1].date == dt.date(2020, 3, 13)
    assert bad_rows.files[0].date_order_why == "'03/13/2020 00:00:00' at line 2502 can only be month-first"


def test_historic_vocabulary_of_old_upper_case_exports() -> None:
    incidents, _ = read(EXPORTS / "acled_old_upper.csv")
    assert [(i.event_type, i.sub_event_type) for i in incidents] == [
        ("Battles", "Non-state actor overtakes territory"),
        ("Battles", "Armed clash"),
        ("Battles", "Government regains territory"),
        ("Protests", ""),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ("Strategic developments", ""),
        ("Violence against civilians", ""),
        ("Strategic developments", "Headquarters or base established"),
        ("Strategic developments", ""),
    ]


@pytest.mark.parametrize("spelling", sorted(acled_spellings()), ids=sorted(acled_spellings()))
def test_every_listed_acled_spelling_is_known_in_any_case(spelling: str) -> None:
    for text in (spelling, spelling.upper(), spelling.lower()):
        event_type, _ = normalize_event_type(text)
        assert event_type in (
            "Battles",
            "Explosions/Remote violence",
            "Violence against civilians",
            "Protests",
            "Riots",
            "Strategic developments",
        )


def test_ucdp_and_cameo_tables_agree_with_the_readers() -> None:
    from ceasefire.sources.gdelt import CONFLICT_ROOTS
    from ceasefire.sources.precision import UCDP_DATE_PRECISION, place_codes
    from ceasefire.sources.ucdp import VIOLENCE_TYPES

    assert set(ucdp_codes("type_of_violence")) == set(VIOLENCE_TYPES)
    assert tuple(ucdp_codes("where_prec")) == place_codes("ucdp")
    assert tuple(ucdp_codes("date_prec")) == UCDP_DATE_PRECISION
    assert CONFLICT_ROOTS == ("18", "19", "20") and len(cameo_roots()) == 20


def test_gdelt_1_rows_of_57_and_58_fields_in_one_file_and_rows_without_a_place() -> None:
    incidents, bad_rows = read(EXPORTS / "gdelt_v1_mixed.tsv")
    assert [(i.id, i.notes) for i in incidents] == [
        ("GDELT101", ""),
        ("GDELT102", ""),
        ("GDELT201", "http://www.example.com/homs"),
        ("GDELT202", "http://www.example.com/aleppo"),
    ]
    counts = bad_rows.files[0]
    assert (counts.incidents, counts.no_place, counts.not_incidents, counts.bad_rows) == (4, 2, 2, 0)


def test_geojson_with_ucdp_properties_point_or_coordinate_properties() -> None:
    assert detect(EXPORTS / "ged_points.geojson")[0].version == "UCDP GED properties"
    incidents, bad_rows = read(EXPORTS / "ged_points.geojson")
    first, second = incidents
    assert (first.id, first.source, first.actor1, first.actor2, first.fatalities) == (
        "UCDP300001",
        "ucdp",
        "Government of Syria",
        "Civilians",
        20,
    )
    assert (first.lat, first.lon, second.lat, second.lon) == (36.149, 36.95, 35.3, 40.1)
    assert (second.date, second.date_end, second.radius_m) == (dt.date(2016, 9, 17), dt.date(2016, 9, 18), 25_000.0)
    assert bad_rows.files[0].no_place == 1


@pytest.mark.parametrize("kind", ["zip", "gz", "zip-of-two"])
def test_zip_and_gzip_are_opened_by_content(kind: str) -> None:
    source = EXPORTS / "ucdp_cp1252.csv"
    if kind == "gz":
        Path("ged.dat").write_bytes(gzip.compress(source.read_bytes()))
    else:
        with zipfile.ZipFile("ged.dat", "w") as archive:
            archive.write(source, "ged/ucdp.csv")
            archive.writestr("__MACOSX/ged/._ucdp.csv", b"\x00\x05\x16\x07")
            archive.writestr("ged/README.txt", "Codebook: see the UCDP website.\n")
            if kind == "zip-of-two":
                archive.write(EXPORTS / "gdelt_v1_mixed.tsv", "gdelt.tsv")
    assert detect_format("ged.dat") == "ucdp"
    incidents, bad_rows = read("ged.dat")
    names = [counts.file for counts in bad_rows.files]
    if kind == "gz":
        assert names == ["ged.dat"]
    else:
        assert names == ["ged.dat/ged/ucdp.csv"] + (["ged.dat/gdelt.tsv"] if kind == "zip-of-two" else [])
    assert len(incidents) == (7 if kind == "zip-of-two" else 3)


def test_xlsx_first_sheet_or_named_sheet() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Exported from the ACLED export tool"])
    sheet = book.create_sheet("Data")
    lines = (EXPORTS / "acled_day_first.csv").read_text().splitlines()
    sheet.append(lines[0].split(","))
    for n in range(3):
        sheet.append(
            [
                "X" + str(n),
                dt.datetime(2020, 8, 14 + n),
                2020,
                1,
                "Political violence",
                "Battles",
                "Armed clash",
                "Army",
                "",
                1,
                "Rebels",
                "",
                2,
                12,
                "",
                760,
                "Middle East",
                "Syria",
                "Idleb",
                "",
                "",
                "Ariha",
                35.8134,
                36.6075,
                1,
                "SOHR",
                "National",
                "Clashes.",
                2.0,
                "",
                1598918400,
            ]
        )
    book.save("acled.xlsx")
    with pytest.raises(Exception, match="not a recognized events workbook"):
        detect_format("acled.xlsx")  # the first sheet holds a note, not events
    incidents, bad_rows = read("acled.xlsx", sheet="Data")
    assert (incidents[0].id, incidents[0].date, incidents[0].lat, incidents[0].fatalities) == (
        "X0",
        dt.date(2020, 8, 14),
        35.8134,
        2,
    )
    assert bad_rows.files[0].encoding == "xlsx"
    with pytest.raises(InputError, match=r"acled.xlsx: --sheet: no sheet 'Other' \(sheets: Notes, Data\)"):
        read("acled.xlsx", sheet="Other")


def test_forced_encoding_and_encodings_on_the_way() -> None:
    shutil.copy(EXPORTS / "ucdp_cp1252.csv", "ged.csv")
    incidents, bad_rows = read("ged.csv", encoding="latin-1")  # wrong but forced: ’ becomes \x92
    assert bad_rows.files[0].encoding == "iso8859-1" and "\x92" in incidents[0].country
    with pytest.raises(InputError, match=r"ged\.csv: --encoding: 'klingon' is not a known encoding"):
        read("ged.csv", encoding="klingon")


def test_binary_file_is_one_clear_line() -> None:
    Path("b.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(Exception, match=r"^b.csv: not a recognized events file .*: it holds binary data, not text$"):
        detect_format("b.csv")


def test_inputs_section_counts_rows_by_class_per_file() -> None:
    from ceasefire.agreement import load_agreement
    from ceasefire.formats import render, to_json
    from ceasefire.pipeline import verify

    agreement = load_agreement(Path(__file__).resolve().parents[2] / "examples" / "syria-2016-09" / "agreement.yaml")
    v = verify(agreement, [EXPORTS / "gdelt_v1_mixed.tsv", EXPORTS / "ucdp_cp1252.csv"])
    inputs = to_json(v)["inputs"]
    assert (inputs["no_place"], inputs["not_incidents"], inputs["bad_rows"], inputs["bad_rows_by_reason"]) == (
        3,
        2,
        0,
        {},
    )
    by_file = {f["file"].rsplit("/", 1)[1]: f for f in inputs["by_file"]}
    assert by_file["ucdp_cp1252.csv"]["encoding"] == "cp1252"
    assert by_file["ucdp_cp1252.csv"]["date_order"] == "month-first"
    assert {k: by_file["gdelt_v1_mixed.tsv"][k] for k in ("incidents", "no_place", "not_incidents", "bad_rows")} == {
        "incidents": 4,
        "no_place": 2,
        "not_incidents": 2,
        "bad_rows": 0,
    }
    table = io.StringIO()
    render(v, "table", table)
    assert (
        "gdelt_v1_mixed.tsv (gdelt, utf-8): 4 incidents, 2 without a place, 2 not incidents, 0 bad rows"
        in table.getvalue()
    )
    assert v.intake.encoding_notes() == [f"{EXPORTS / 'ucdp_cp1252.csv'}: read as cp1252"]


def test_bad_rows_by_reason_in_skip_mode() -> None:
    text = (EXPORTS / "acled_day_first.csv").read_text()
    text = (
        text.replace("35.6131", "95").replace("35.6484", "91").replace('SOHR,National,"A man', 'SOHR,National,"A man')
    )
    Path("e.csv").write_text(text)
    bad_rows = BadRows(skip=True)
    assert len(list(read_events("e.csv", bad_rows))) == 2
    assert bad_rows.files[0].bad_rows_by_reason == {"latitude: … is out of range": 2}
    assert json.dumps(bad_rows.files[0].inputs())  # JSON-ready


def test_geojson_dates_follow_one_order_for_the_file() -> None:
    def feature(n: int, date: str) -> str:
        properties = {"event_id_cnty": f"G{n}", "event_date": date, "event_type": "Battles", "actor1": "Army"}
        return json.dumps(
            {"type": "Feature", "properties": properties, "geometry": {"type": "Point", "coordinates": [36.9, 36.1]}}
        )

    dates = ["03/08/2020", "14/08/2020 00:00:00", "05/08/2020"]
    features = ",\n".join(feature(n, d) for n, d in enumerate(dates))
    Path("p.geojson").write_text(f'{{"type": "FeatureCollection", "features": [\n{features}\n]}}\n')
    incidents, bad_rows = read("p.geojson")
    assert [i.date for i in incidents] == [dt.date(2020, 8, 3), dt.date(2020, 8, 14), dt.date(2020, 8, 5)]
    assert bad_rows.files[0].date_order_why == "'14/08/2020 00:00:00' at line 3 can only be day-first"
